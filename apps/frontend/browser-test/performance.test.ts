// Measures, never asserts a time (see DESIGN.md, tests in tiers): the dashboard's time to interactive
// on fresh loads, and the gzip size of the JavaScript it loaded. Figures go to the test's diagnostics.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

const OUT = fileURLToPath(new URL("../out", import.meta.url));
const LOADS = 5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe("dashboard performance (measured, not asserted)", () => {
  let browser: Browser;
  let user: TestUser;

  before(async () => {
    browser = await launchBrowser();
    user = await signUpViaApi("Speedy");
    const tag = await apiCall<{ id: number }>(user, "POST", "/tags", { name: "bench" });
    for (let i = 1; i <= 25; i++) {
      await apiCall(user, "POST", "/tasks", {
        title: `Benchmark task ${i}`,
        priority_id: (i % 4) + 1,
        tag_ids: i % 2 ? [tag.id] : [],
        due_date: new Date(Date.now() + i * 3_600_000).toISOString(),
      });
    }
  });
  after(async () => {
    await browser?.close();
  });

  test(`time to interactive, median of ${LOADS} fresh loads, and JavaScript size`, async (t) => {
    const samples: { interactive: number; dcl: number; load: number }[] = [];
    let scripts: { url: string; critical: boolean }[] = [];
    for (let i = 0; i < LOADS; i++) {
      // A new context each time: empty cache, as on a first visit.
      const context = await signedInContext(browser, user);
      const page = await context.newPage();
      await page.goto("/dashboard/?view=all");
      await page.locator("li.task").first().waitFor();
      await page.waitForFunction(
        () => !(document.getElementById("quick-add-title") as HTMLInputElement).disabled,
      );
      const timing = await page.evaluate(() => {
        const mark = performance.getEntriesByName("todo:dashboard-interactive")[0];
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const interactive = mark?.startTime ?? Number.NaN;
        const js = performance
          .getEntriesByType("resource")
          .filter((r) => new URL(r.name).pathname.endsWith(".js"))
          .map((r) => ({ url: r.name, critical: r.startTime < interactive }));
        return { interactive, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, js };
      });
      assert.ok(Number.isFinite(timing.interactive), "the dashboard marks when it becomes interactive");
      samples.push(timing);
      scripts = timing.js;
      await context.close();
    }
    const size = (urls: string[]) => {
      let raw = 0;
      let gzip = 0;
      for (const url of new Set(urls)) {
        const file = readFileSync(`${OUT}${decodeURIComponent(new URL(url).pathname)}`);
        raw += file.length;
        gzip += gzipSync(file, { level: 9 }).length;
      }
      return `${new Set(urls).size} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip`;
    };
    const round = (n: number) => Math.round(n);
    const report = [
      `time to interactive (navigation start → tasks listed, quick add enabled), ms: ${samples.map((s) => round(s.interactive)).join(", ")}; median ${round(median(samples.map((s) => s.interactive)))}`,
      `DOMContentLoaded median ${round(median(samples.map((s) => s.dcl)))} ms; load event median ${round(median(samples.map((s) => s.load)))} ms`,
      `JavaScript fetched before the dashboard was interactive: ${size(scripts.filter((s) => s.critical).map((s) => s.url))}`,
      `JavaScript fetched in all, with idle preloads and link prefetches: ${size(scripts.map((s) => s.url))}`,
    ];
    for (const line of report) t.diagnostic(line);
  });
});
