// The service images hold dist/ and nothing else (apps/Dockerfile): scripts/bundle.mjs
// --runtime-deps copies the packages the bundle still imports into dist/node_modules. This builds
// the backend's dist/ as the Dockerfile does, outside the repository where nothing else resolves,
// and runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" });
}

test("the bundle with its copied runtime dependencies runs outside the repository, without PGlite", {
  timeout: 120_000,
}, async (t) => {
  const app = mkdtempSync(join(tmpdir(), "runtime-deps-test-"));
  t.after(() => rmSync(app, { recursive: true, force: true }));
  const outdir = join(app, "dist");
  mkdirSync(outdir);
  // As apps/Dockerfile runs it for APP=backend, from the repository root.
  const cli = spawnSync(
    process.execPath,
    [
      "scripts/bundle.mjs",
      "--runtime-deps",
      outdir,
      "main=apps/backend/src/main.ts",
      "migrate=packages/db/src/migrate-cli.ts",
    ],
    { cwd: repoRoot, encoding: "utf8" },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const copied = cli.stdout
    .slice(cli.stdout.indexOf("node_modules: ") + 14)
    .trim()
    .split(", ");
  // The image's /app/package.json: "type": "module" for dist/*.js.
  writeFileSync(join(outdir, "..", "package.json"), '{ "type": "module" }\n');
  assert.ok(copied.includes("@fastify/swagger-ui"));
  for (const name of ["@electric-sql/pglite", "kysely-pglite-dialect", "next", "fastify", "pg", "pino"]) {
    assert.ok(!copied.includes(name), `${name} is copied`);
  }
  const modules = join(outdir, "node_modules");
  assert.ok(existsSync(join(modules, "@fastify/swagger-ui/static/swagger-ui-bundle.js")));
  assert.deepEqual(
    files(modules).filter((f) => /\.(d\.[cm]?ts|map|md)$/.test(f)),
    [],
  );

  // Every static import resolves: the start stops at the configuration check, not a missing module.
  const env = { PATH: process.env.PATH, NODE_ENV: "production" };
  const main = spawnSync(process.execPath, [join(outdir, "main.js")], { env, encoding: "utf8" });
  assert.notEqual(main.status, 0);
  assert.match(main.stderr + main.stdout, /DATABASE_URL: required/);
  assert.doesNotMatch(main.stderr, /ERR_MODULE_NOT_FOUND/);
  // The migration CLI without DATABASE_URL would need PGlite, which is not there: it says so.
  const migrate = spawnSync(process.execPath, [join(outdir, "migrate.js"), "status"], {
    env,
    cwd: outdir,
    encoding: "utf8",
  });
  assert.notEqual(migrate.status, 0);
  assert.match(migrate.stderr, /PGlite is not installed here .*set DATABASE_URL to a postgres:\/\/ URL/);
});
