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

// Found by the fault soak (npm run soak): with PostgreSQL stopped, the API answered 500
// internal_error, which tells a client nothing about waiting. A database that cannot serve is a
// 503 service_unavailable with Retry-After; anything else stays a 500.
test("a database that cannot be reached answers 503 with Retry-After; other failures stay 500", async (t) => {
  const { connect, createServer } = await import("node:net");
  const { default: Fastify } = await import("fastify");
  const { registerProblemHandlers } = await import("../src/index.ts");
  // A real refused connection: a port nothing listens on (bound, then closed).
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as { port: number };
  await new Promise((resolve) => closed.close(resolve));
  const refused = await new Promise<Error>((resolve) =>
    connect({ host: "127.0.0.1", port }).once("error", resolve),
  );
  const failures: [string, unknown, number][] = [
    ["refused", refused, 503],
    ["terminated", new Error("Connection terminated unexpectedly"), 503],
    [
      "admin shutdown",
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      503,
    ],
    ["starting up", Object.assign(new Error("the database system is starting up"), { code: "57P03" }), 503],
    ["connection failure", Object.assign(new Error("connection failure"), { code: "08006" }), 503],
    ["wrapped", new Error("Failed to get session", { cause: refused }), 503],
    ["a bug", new Error("undefined is not a function"), 500],
    ["a constraint", Object.assign(new Error("duplicate key"), { code: "23505" }), 500],
  ];
  const app = Fastify({ logger: false });
  t.after(() => app.close());
  registerProblemHandlers(app);
  for (const [name, error] of failures)
    app.get(`/fail/${name.replaceAll(" ", "-")}`, async () => {
      throw error;
    });
  for (const [name, , status] of failures) {
    const response = await app.inject({ url: `/fail/${name.replaceAll(" ", "-")}` });
    assert.equal(response.statusCode, status, name);
    const body = response.json() as { code: string };
    if (status === 503) {
      assert.equal(response.headers["retry-after"], "5", name);
      assert.equal(body.code, "service_unavailable", name);
    } else {
      assert.equal(response.headers["retry-after"], undefined, name);
      assert.equal(body.code, "internal_error", name);
    }
  }
});
