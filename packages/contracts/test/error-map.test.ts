import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { asSentence, CreateTaskBody, SignUpBody } from "../src/index.ts";

const messages = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  assert.equal(parsed.success, false);
  return Object.fromEntries(parsed.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
};

test("error map: the contracts' schemas speak in sentences", () => {
  assert.deepEqual(messages(SignUpBody, { email: "ada", password: "short", name: "" }), {
    email: "Must be an e-mail address, like ada@example.com.",
    password: "Must be at least 8 characters.",
    name: "Must not be empty.",
  });
  assert.deepEqual(messages(CreateTaskBody, { title: "x".repeat(201), priority_id: 1.5, tag_ids: [1, 1] }), {
    title: "Must be at most 200 characters.",
    priority_id: "Must be a whole number.",
    tag_ids: "Each tag may appear only once.",
  });
  assert.deepEqual(messages(CreateTaskBody, {}), { title: "Required." });
});

test("error map: any zod schema gets it once the contracts are imported (server and browser alike)", () => {
  assert.deepEqual(
    messages(z.object({ n: z.number().max(59), kind: z.enum(["a", "b"]) }), { n: 61, kind: "c" }),
    {
      n: "Must be 59 or less.",
      kind: "Must be one of: a, b.",
    },
  );
  assert.equal(messages(z.string(), 5)[""], "Must be text, not a number.");
});

test("asSentence: capitalised, with a full stop", () => {
  assert.equal(asSentence("already taken"), "Already taken.");
  assert.equal(asSentence("Done!"), "Done!");
  assert.equal(
    asSentence("must be ISO weekdays, 1 (Monday) to 7 (Sunday)"),
    "Must be ISO weekdays, 1 (Monday) to 7 (Sunday).",
  );
});
