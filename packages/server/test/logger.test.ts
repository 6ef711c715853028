import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { createRegistry, createServer, serviceLogger } from "../src/index.ts";

/** A server whose `/static/…` requests are quiet, logging into a string; answers two requests. */
async function logOf(level: "info" | "debug", pretty: boolean): Promise<string> {
  const destination = new PassThrough();
  let output = "";
  destination.on("data", (chunk) => {
    output += String(chunk);
  });
  const app = await createServer({
    service: "logger-test",
    logger: await serviceLogger(level, { pretty, destination }),
    registry: createRegistry("logger-test"),
    readiness: [],
    isQuietRequest: (url) => url.startsWith("/static/"),
  });
  app.get("/static/app.js", async () => "asset");
  app.get("/api/things", async () => ({ items: [] }));
  await app.inject("/static/app.js");
  await app.inject("/api/things");
  await app.close();
  return output;
}

test("logger: in a terminal, readable lines (not JSON); the web app's files are not logged at info", async () => {
  const output = await logOf("info", true);
  const lines = output.trim().split("\n");
  assert.ok(lines.length >= 2, output);
  for (const line of lines) assert.throws(() => JSON.parse(line), `not JSON: ${line}`);
  assert.match(output, /INFO.*request completed/);
  assert.match(output, /\/api\/things/);
  assert.doesNotMatch(output, /\/static\/app\.js/);
});

test("logger: at debug the web app's files are logged too", async () => {
  assert.match(await logOf("debug", true), /\/static\/app\.js/);
});

test("logger: outside a terminal, JSON lines as services have always written", async () => {
  const output = await logOf("info", false);
  const entries = output
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { msg: string; req?: { url: string } });
  assert.ok(entries.some((entry) => entry.req?.url === "/api/things"));
  assert.ok(!entries.some((entry) => entry.req?.url === "/static/app.js"));
});
