#!/usr/bin/env node
// Finds *.test.ts files under the given folders (default: every package and app) and runs them
// with Node's own test runner. Node 20's runner does not expand globs, hence this script.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("--"));
const searchRoots = roots.length > 0 ? roots : ["packages", "apps"];
const skipDirs = new Set(["node_modules", ".next", "out", "stack-test", "browser-test"]);

function findTests(dir, found) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skipDirs.has(name)) findTests(path, found);
    } else if (name.endsWith(".test.ts")) {
      found.push(path);
    }
  }
  return found;
}

const files = searchRoots
  .flatMap((root) => (statSync(root).isDirectory() ? findTests(root, []) : [root]))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${searchRoots.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...passThrough, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
