import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { clipText, clipUtf8, freeText, nameKey, nameText } from "../src/index.ts"; // the index installs the shared error map

const Body = z.object({ title: nameText(200), description: freeText(1000).optional() });

test("text is normalized to NFC, and names are trimmed of white space and invisible characters", () => {
  const parsed = Body.parse({ title: "\u200b\u00a0Cafe\u0301\u2060 ", description: "a\tb\nc\r\n" });
  assert.equal(parsed.title, "Café");
  assert.equal(parsed.title.length, 4);
  assert.equal(parsed.description, "a\tb\nc\r\n");
});

test("NUL and other control characters are refused, naming the field; descriptions may hold tabs and newlines", () => {
  for (const bad of ["a\u0000b", "\u0007", "x\u001b[31m", "tab\there", "line\nbreak", "del\u007f"]) {
    const result = Body.safeParse({ title: bad });
    assert.equal(result.success, false, JSON.stringify(bad));
    assert.deepEqual(result.error!.issues[0]!.path, ["title"]);
    assert.match(result.error!.issues[0]!.message, /control characters \(U\+00[0-9A-F]{2}\)/);
  }
  const description = Body.safeParse({ title: "ok", description: "x\u0000" });
  assert.deepEqual(description.error!.issues[0]!.path, ["description"]);
});

test("a name of only white space and invisible characters is empty", () => {
  for (const blank of ["", "   ", "\u200b\u200c\u200d", "\ufeff\u00ad", "\u3164", " \u2060\u00a0"]) {
    const result = Body.safeParse({ title: blank });
    assert.equal(result.success, false, JSON.stringify(blank));
    assert.match(result.error!.issues[0]!.message, /must not be empty/i);
  }
});

test("names compare ignoring case and normalization", () => {
  assert.equal(nameKey("Work"), nameKey("work"));
  assert.equal(nameKey("CAFE\u0301"), nameKey("café"));
  assert.notEqual(nameKey("cafe"), nameKey("café"));
});

test("text is cut on grapheme boundaries: an emoji or an accented letter is never split", () => {
  const family = "👩‍👩‍👧‍👦"; // one grapheme, 11 UTF-16 code units
  assert.equal(clipText(`ab${family}cd`, 14), `ab${family}…`);
  assert.equal(clipText(`ab${family}cd`, 8), "ab…");
  assert.equal(clipText("short", 10), "short");
  assert.equal(clipText("e\u0301e\u0301e\u0301", 4), "e\u0301…");
  const cut = clipUtf8(`${"é".repeat(10)}${family}`, 30);
  assert.ok(new TextEncoder().encode(cut).length <= 30);
  assert.equal(cut, `${"é".repeat(10)}…`);
  assert.doesNotMatch(clipText("🎉".repeat(100), 51), /[\ud800-\udbff]…$/);
});
