import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { embeddedOpenApi, expectedReadme, readmePath, routeTable } from "../scripts/readme.ts";

test("README: the route table and the walk-through match the code (regenerate with npm run docs:readme)", async () => {
  const [actual, expected] = await Promise.all([readFile(readmePath, "utf8"), expectedReadme()]);
  assert.equal(actual, expected, "README.md is out of date: run npm run docs:readme");
});

test("README route table: every route of the OpenAPI document, sign-in without a name", async () => {
  const table = routeTable(await embeddedOpenApi());
  assert.match(
    table,
    /`POST \/api\/auth\/sign-in\/email` \| [^|]*body `\{email, password(, [a-zA-Z]+\?)*\}`/,
  );
  assert.doesNotMatch(/`POST \/api\/auth\/sign-in\/email`.*/.exec(table)![0], /name/);
  for (const route of [
    "GET /api/notifications/vapid-public-key",
    "GET /api/{user_id}/notifications",
    "PUT /api/{user_id}/notification-preferences",
    "POST /api/{user_id}/webhooks",
    "POST /api/{user_id}/push-subscriptions",
  ]) {
    assert.ok(table.includes(`\`${route}\``), `${route} is in the table`);
  }
});
