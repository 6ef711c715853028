import assert from "node:assert/strict";
import { test } from "node:test";
import { loggableUrl, serializeError } from "../src/logging.ts";

test("a database error is logged with its SQLSTATE, table and statement verb, never its parameters, text or detail", () => {
  const error = Object.assign(new Error('duplicate key value violates unique constraint "webhooks_pkey"'), {
    code: "23505",
    table: "webhooks",
    constraint: "webhooks_pkey",
    detail: "Key (secret)=(whsec_abc) already exists.",
    query: 'insert into "webhooks" ("user_id", "secret") values ($1, $2)',
    params: ["u1", "whsec_abc"],
    where: "whsec_abc",
  });
  const logged = serializeError(new Error("wrapped", { cause: error }));
  const cause = logged.cause as Record<string, unknown>;
  assert.equal(cause.code, "23505");
  assert.equal(cause.table, "webhooks");
  assert.equal(cause.statement, "insert webhooks");
  assert.ok(!JSON.stringify(logged).includes("whsec_abc"));
  assert.equal(serializeError("a string").message, "a non-Error value was thrown");
});

test("search terms and tokens are masked in logged URLs; other parameters stay", () => {
  assert.equal(
    loggableUrl("/api/u/tasks?status=pending&search=my+diagnosis&Token=abc"),
    "/api/u/tasks?status=pending&search=[redacted]&Token=[redacted]",
  );
  assert.equal(loggableUrl("/api/u/tasks"), "/api/u/tasks");
});
