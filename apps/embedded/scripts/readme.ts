// The README's generated parts: the route table, from the OpenAPI document `npm start` serves, and
// the API walk-through, from scripts/api-walkthrough.sh (which CI runs against `npm start`).
// `npm run docs:readme` rewrites them; apps/embedded/test/readme.test.ts fails when they differ.
import { readFile, writeFile } from "node:fs/promises";
import { activityPlugin } from "@todo/activity";
import { buildBackend } from "@todo/api";
import { openTestDatabase } from "@todo/db/testing";
import { createMemoryStateStore, OutboxFeed } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notifications";
import { createRegistry } from "@todo/server";

const root = new URL("../../../", import.meta.url);
export const readmePath = new URL("README.md", root);
const walkthroughPath = new URL("scripts/api-walkthrough.sh", root);

interface Operation {
  summary?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface JsonSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** The OpenAPI document of the embedded composition (backend plus notification and activity routes), in memory. */
export async function embeddedOpenApi(): Promise<OpenApiDocument> {
  const database = await openTestDatabase();
  const feed = new OutboxFeed(database);
  try {
    const notifications = createNotificationService({
      registry: createRegistry("todo-embedded"),
      database,
      stateStore: createMemoryStateStore(),
      config: loadNotificationConfig({}),
    });
    const { app } = await buildBackend({
      registry: createRegistry("todo-embedded"),
      database,
      feed,
      authSecret: "only-for-reading-the-openapi-document",
      publicUrl: "http://localhost:3000",
      signInLimitPerMinute: 10,
      logger: false,
      plugins: [notifications.plugin, activityPlugin(database.db)],
    });
    await app.ready();
    const document = app.swagger() as unknown as OpenApiDocument;
    await app.close();
    return document;
  } finally {
    await database.close();
  }
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** One row per method and path: its summary, then its query parameters or its JSON body's fields (`?` = optional). */
export function routeTable(document: OpenApiDocument): string {
  const rows = ["| route | what |", "|---|---|"];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parts = [operation.summary ?? ""];
      const query = (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => `\`${p.name}\``);
      if (query.length > 0) parts.push(`query ${query.join(", ")}`);
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      if (body?.properties) {
        const required = new Set(body.required ?? []);
        const fields = Object.keys(body.properties).map((name) => (required.has(name) ? name : `${name}?`));
        parts.push(`body \`{${fields.join(", ")}}\``);
      }
      rows.push(`| \`${method.toUpperCase()} ${path}\` | ${cell(parts.join("; "))} |`);
    }
  }
  return rows.join("\n");
}

/** The walk-through script without its first lines (shebang and usage comment), as a README block. */
export function walkthroughBlock(script: string): string {
  const body = script
    .split("\n")
    .filter((line, i) => !(i < 3 && (line.startsWith("#!") || line.startsWith("# "))));
  return ["```sh", ...body].join("\n").trimEnd().concat("\n```");
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->`. */
export function replaceSection(text: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section`);
  return `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`;
}

/** The README as it should be: its generated sections rebuilt from the code. */
export async function expectedReadme(): Promise<string> {
  const [readme, script, document] = await Promise.all([
    readFile(readmePath, "utf8"),
    readFile(walkthroughPath, "utf8"),
    embeddedOpenApi(),
  ]);
  return replaceSection(
    replaceSection(readme, "routes", routeTable(document)),
    "walkthrough",
    walkthroughBlock(script),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(readmePath, await expectedReadme());
  console.log("README.md: route table and walk-through regenerated");
}
