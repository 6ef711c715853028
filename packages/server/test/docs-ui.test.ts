import assert from "node:assert/strict";
import { get } from "node:http";
import { createRequire } from "node:module";
import { test } from "node:test";
import { z } from "zod";
import { createRegistry, createServer } from "../src/index.ts";

test("/docs serves swagger-ui, its files and the OpenAPI document, loaded with the first /docs request", async (t) => {
  const swaggerUiPath = createRequire(import.meta.url).resolve("@fastify/swagger-ui");
  const app = await createServer({
    service: "docs-test",
    logger: false,
    registry: createRegistry("docs-test"),
    readiness: [],
    openapi: { title: "Docs test", description: "d", version: "1.2.3" },
  });
  app.get(
    "/things/:id",
    { schema: { params: z.object({ id: z.string() }), tags: ["things"] } },
    async () => ({}),
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  t.after(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  // Listening did not load swagger-ui (in the repository it is a module in node_modules; the
  // bundle keeps it as a runtime import too, see scripts/bundle.mjs).
  const loaded = () => Object.keys(createRequire(import.meta.url).cache).includes(swaggerUiPath);
  assert.equal(loaded(), false, "swagger-ui loaded before the first /docs request");

  const page = await fetch(`${base}/docs`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await page.text(), /swagger-ui/);
  assert.equal(loaded(), true);

  const css = await fetch(`${base}/docs/static/swagger-ui.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
  assert.ok((await css.text()).length > 1000);
  // The static files' validators pass through: a conditional GET is a 304 with no body.
  const etag = css.headers.get("etag");
  assert.ok(etag);
  // (node:http: fetch adds `cache-control: no-cache` to a conditional request, which asks for a 200.)
  const again = await new Promise<{ status: number; body: string }>((resolve, reject) =>
    get(`${base}/docs/static/swagger-ui.css`, { headers: { "if-none-match": etag } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject),
  );
  assert.deepEqual(again, { status: 304, body: "" });

  const spec = await fetch(`${base}/docs/json`);
  assert.equal(spec.status, 200);
  const doc = (await spec.json()) as { info: { version: string }; paths: Record<string, unknown> };
  assert.equal(doc.info.version, "1.2.3");
  assert.ok(doc.paths["/things/{id}"], "the app's own routes are in the document");
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith("/docs")), "the /docs routes are hidden");
  const yaml = await fetch(`${base}/docs/yaml`);
  assert.equal(yaml.status, 200);
  assert.match(await yaml.text(), /^openapi: 3/m);

  const missing = await fetch(`${base}/docs/static/no-such-file.js`);
  assert.equal(missing.status, 404);
});
