import assert from "node:assert/strict";
import { test } from "node:test";
import { CreateTaskBody } from "@todo/contracts";
import { ApiError } from "../src/lib/api-client.ts";
import { apiErrors, zodErrors } from "../src/lib/form-errors.ts";

const FIELDS = ["title", "tag_ids", "due_date"] as const;

test("a problem's errors[].field lands on the form field it names", () => {
  const error = new ApiError(400, "invalid body", {
    type: "about:blank#validation_failed",
    title: "Bad Request",
    status: 400,
    code: "invalid_reference",
    errors: [{ field: "tag_ids", message: "no tag with id 9" }],
  });
  assert.deepEqual(apiErrors(error, FIELDS), { tag_ids: "no tag with id 9" });
});

test("nested paths map to their top-level field; unknown fields become the general error", () => {
  const error = new ApiError(400, "invalid body", {
    type: "about:blank#validation_failed",
    title: "Bad Request",
    status: 400,
    code: "validation_failed",
    errors: [
      { field: "tag_ids.0", message: "must be positive" },
      { field: "colour", message: "unknown" },
    ],
  });
  assert.deepEqual(apiErrors(error, FIELDS), { tag_ids: "must be positive", "": "invalid body" });
});

test("a failure without field errors is shown as one message", () => {
  assert.deepEqual(apiErrors(new ApiError(0, "Could not reach the server.", null), FIELDS), {
    "": "Could not reach the server.",
  });
});

test("the contract's own validation names the field too", () => {
  const parsed = CreateTaskBody.safeParse({ title: " ", tag_ids: [1, 1] });
  assert.equal(parsed.success, false);
  const errors = zodErrors(parsed.error!, FIELDS);
  assert.equal(errors.title, "Must not be empty.");
  assert.equal(errors.tag_ids, "Each tag may appear only once.");
});
