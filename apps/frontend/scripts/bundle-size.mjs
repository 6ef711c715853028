#!/usr/bin/env node
// Sums the gzip sizes of the JavaScript each exported page loads (the <script src> in its
// index.html, except noModule polyfills). Run after `next build`: node scripts/bundle-size.mjs [page ...]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "out");
const pages =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : ["dashboard", "tags", "recurring", "settings", "login"];

for (const page of pages) {
  const html = readFileSync(join(out, page, "index.html"), "utf8");
  // noModule scripts (legacy polyfills) are skipped by every browser that runs modules.
  const tags = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]).filter((tag) => !/nomodule/i.test(tag));
  const scripts = [...new Set(tags.map((tag) => /src="([^"]+\.js)"/.exec(tag)?.[1]).filter(Boolean))];
  let raw = 0;
  let gzip = 0;
  for (const src of scripts) {
    const file = readFileSync(join(out, decodeURIComponent(src.split("?")[0])));
    raw += file.length;
    gzip += gzipSync(file, { level: 9 }).length;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${page}: ${scripts.length} scripts, ${kb(raw)} raw, ${kb(gzip)} gzip`);
}
