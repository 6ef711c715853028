#!/usr/bin/env node
// Builds the static export (out/) when it is missing or older than anything it is built from, so
// `npm start` can call this before every start and pay for `next build` only after a change.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const marker = join(app, "out", "dashboard", "index.html");
const sources = [
  join(app, "src"),
  join(app, "public"),
  join(app, "next.config.ts"),
  join(app, "package.json"),
  join(app, "..", "..", "packages", "contracts", "src"),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const builtAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
if (builtAt > 0 && sources.every((source) => newest(source) <= builtAt)) process.exit(0);

console.error(
  builtAt === 0 ? "building the frontend (no export yet)" : "rebuilding the frontend (sources changed)",
);
const result = spawnSync("npx", ["next", "build"], {
  cwd: app,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
process.exit(result.status ?? 1);
