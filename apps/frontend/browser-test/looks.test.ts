// Dark mode from the system setting, a phone-sized layout with folded filters, and an installable app.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  API_URL,
  apiCall,
  assertAccessible,
  launchBrowser,
  screenshot,
  signedInContext,
  signUpViaApi,
  type TestUser,
} from "./helpers.ts";

describe("looks and reach", () => {
  let browser: Browser;
  let user: TestUser;

  before(async () => {
    user = await signUpViaApi("Dana Dark");
    const tag = await apiCall<{ id: number }>(user, "POST", "/tags", { name: "home", color: "#2563EB" });
    const hour = 3_600_000;
    const seed: [string, number | null][] = [
      ["Pay rent", -20 * hour],
      ["Water the plants", 3 * hour],
      ["Book the dentist", 30 * hour],
      ["Read Dune", null],
    ];
    for (const [title, offset] of seed) {
      await apiCall(user, "POST", "/tasks", {
        title,
        due_date: offset === null ? null : new Date(Date.now() + offset).toISOString(),
        tag_ids: [tag.id],
      });
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test("dark mode follows the system, with no serious contrast problem", async () => {
    const context = await signedInContext(browser, user, { timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/dashboard/?view=today");
    await page.locator("li.task").first().waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(background, "rgb(15, 23, 42)");
    await screenshot(page, "dashboard-dark.png");
    await assertAccessible(page);
    await page.goto("/dashboard/?view=all");
    await page.locator("li.task").nth(3).waitFor();
    await assertAccessible(page);
    await context.close();
  });

  test("on a phone the filters fold behind one button and nothing scrolls sideways", async () => {
    const context = await signedInContext(browser, user, {
      timezoneId: "Pacific/Auckland",
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await page.goto("/dashboard/?view=all");
    await page.locator("li.task").first().waitFor();
    assert.equal(await page.getByLabel("Search").isVisible(), true);
    assert.equal(await page.getByLabel("Priority").isVisible(), false);
    const toggle = page.getByRole("button", { name: "Filters" });
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await screenshot(page, "dashboard-phone.png");
    await toggle.click();
    await page.getByLabel("Priority").waitFor();
    assert.equal(
      await page.getByRole("button", { name: "Hide filters" }).getAttribute("aria-expanded"),
      "true",
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    await assertAccessible(page);
    await context.close();
  });

  test("the web manifest makes it installable, with shortcuts to Today and Upcoming", async () => {
    const manifest = (await (await fetch(`${API_URL}/manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { sizes: string }[];
      shortcuts: { url: string }[];
    };
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.start_url, "/dashboard/");
    assert.deepEqual(manifest.icons.map((i) => i.sizes).sort(), ["192x192", "512x512"]);
    assert.deepEqual(
      manifest.shortcuts.map((s) => s.url),
      ["/dashboard/?view=today", "/dashboard/?view=upcoming"],
    );
    assert.equal((await fetch(`${API_URL}/sw.js`)).status, 200);
  });
});
