import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { luminance, readableTextColor } from "../src/lib/color.ts";

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

test("text on any chip or badge color reaches WCAG AA contrast (4.5:1)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
      const background = `#${n.toString(16).padStart(6, "0")}`;
      return contrast(background, readableTextColor(background)) >= 4.5;
    }),
  );
  assert.equal(readableTextColor("#FFFFFF"), "#000000");
  assert.equal(readableTextColor("#1D4ED8"), "#ffffff");
});
