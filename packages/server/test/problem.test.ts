import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyRequest } from "fastify";
import { problemBody } from "../src/index.ts";

test("problem+json titles are the status's standard reason phrase, for every status", () => {
  const request = { url: "/api/x?y=1", id: "req-1" } as FastifyRequest;
  for (const [status, title] of [
    [409, "Conflict"],
    [412, "Precondition Failed"],
    [422, "Unprocessable Entity"],
    [429, "Too Many Requests"],
  ] as const) {
    const body = problemBody(request, "some_code", status, "A sentence.");
    assert.equal(body.title, title);
    assert.equal(body.type, "about:blank#some_code");
    assert.equal(body.instance, "/api/x");
  }
});
