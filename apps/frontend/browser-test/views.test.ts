// Today, Upcoming, All and Completed on a seeded clock, in a browser in Pacific/Auckland; the view and
// its filters live in the URL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  API_URL,
  AUCKLAND_TUESDAY_9AM,
  apiCall,
  assertAccessible,
  screenshot,
  signedInPage,
  type TestUser,
} from "./helpers.ts";

const NOW = AUCKLAND_TUESDAY_9AM;
const nz = (local: string) => new Date(`${local}+13:00`).toISOString();

describe("views on a seeded clock (browser in Pacific/Auckland)", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const titles = (scope = page.locator("main")) => scope.locator("li.task .task-title").allTextContents();
  // A section of the list, by its heading ("Overdue 1", "Today 2", …).
  const group = (name: string) =>
    page
      .locator("section.task-group")
      .filter({ has: page.getByRole("heading", { name: new RegExp(`^${name} \\d`) }) });

  before(async () => {
    ({ browser, page, user } = await signedInPage("Kiri Auckland", { timezoneId: "Pacific/Auckland" }));
    await page.clock.setFixedTime(NOW);
    const { items: priorities } = (await (await fetch(`${API_URL}/api/priorities`)).json()) as {
      items: { id: number; name: string }[];
    };
    const seed: [string, string | null, number?][] = [
      ["Pay the overdue bill", nz("2030-01-13T09:00")],
      ["Dentist", nz("2030-01-15T14:00")],
      ["Late call", nz("2030-01-15T23:30")],
      ["Bake bread", nz("2030-01-16T10:00")],
      ["Friday drinks", nz("2030-01-18T17:00")],
      ["Renew passport", nz("2030-02-10T09:00")],
      ["Someday: learn the ukulele", null, priorities.find((p) => p.name === "High")?.id],
    ];
    for (const [title, due_date, priority_id] of seed) {
      await apiCall(user, "POST", "/tasks", { title, due_date, ...(priority_id ? { priority_id } : {}) });
    }
    const done = await apiCall<{ id: number }>(user, "POST", "/tasks", { title: "Buy milk" });
    await apiCall(user, "PATCH", `/tasks/${done.id}/complete`, { completed: true });
  });
  after(async () => {
    await browser?.close();
  });

  test("Today lists overdue first, then today's tasks in Auckland; counts in the navigation", async () => {
    await page.goto("/dashboard/?view=today");
    await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
    await group("Overdue").waitFor();
    assert.deepEqual(await titles(group("Overdue")), ["Pay the overdue bill"]);
    // 23:30 on the 15th in Auckland is 10:30 UTC the same day: still today here.
    assert.deepEqual(await titles(group("Today")), ["Dentist", "Late call"]);
    assert.deepEqual(await titles(), ["Pay the overdue bill", "Dentist", "Late call"]);

    const nav = page.getByRole("navigation", { name: "Views" });
    await nav.getByTestId("count-completed").waitFor();
    const count = async (view: string) =>
      (await nav.getByTestId(`count-${view}`).textContent())?.replace(/\D/g, "");
    assert.equal(await count("today"), "3");
    assert.equal(await count("upcoming"), "4");
    assert.equal(await count("all"), "7");
    assert.equal(await count("completed"), "1");
    assert.equal(await nav.getByRole("link", { name: /^Today/ }).getAttribute("aria-current"), "page");
    await screenshot(page, "today.png");
    await assertAccessible(page);
  });

  test("Upcoming groups the next 7 days by local day", async () => {
    await page
      .getByRole("navigation", { name: "Views" })
      .getByRole("link", { name: /^Upcoming/ })
      .click();
    await page.getByRole("heading", { name: "Upcoming", level: 1 }).waitFor();
    await page.waitForURL(/view=upcoming/);
    await group("Tomorrow").waitFor();
    const headings = await page.locator(".task-group-title").allTextContents();
    assert.deepEqual(
      headings.map((h) => h.replace(/\s*\d+$/, "")),
      ["Today", "Tomorrow", "Friday, Jan 18"],
    );
    assert.deepEqual(await titles(group("Tomorrow")), ["Bake bread"]);
    assert.equal((await titles()).includes("Renew passport"), false, "26 days ahead is not upcoming");
    await screenshot(page, "upcoming.png");
    await assertAccessible(page);
  });

  test("Completed lists the done tasks", async () => {
    await page
      .getByRole("navigation", { name: "Views" })
      .getByRole("link", { name: /^Completed/ })
      .click();
    await page.getByRole("heading", { name: "Completed", level: 1 }).waitFor();
    await page.locator("li.task").first().waitFor();
    assert.deepEqual(await titles(), ["Buy milk"]);
    await assertAccessible(page);
  });

  test("the view and its filters survive a reload and travel in the link", async () => {
    await page.goto("/dashboard/?view=all");
    await page.getByRole("heading", { name: "All tasks" }).waitFor();
    await page.getByLabel("Priority").selectOption({ label: "High" });
    await page.getByLabel("Search").fill("ukulele");
    await page.waitForURL(/q=ukulele/);
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 1);
    const url = page.url();
    assert.match(url, /priority=\d+/);

    await page.reload();
    await page.locator("li.task").first().waitFor();
    assert.deepEqual(await titles(), ["Someday: learn the ukulele"]);
    assert.equal(await page.getByLabel("Search").inputValue(), "ukulele");
    assert.equal(await page.getByLabel("Priority").locator("option:checked").textContent(), "High");

    // A second browser tab opened from the link sees the same list.
    const other = await page.context().newPage();
    await other.clock.setFixedTime(NOW);
    await other.goto(url);
    await other.locator("li.task").first().waitFor();
    assert.equal(await other.locator("li.task").count(), 1);
    await other.close();
  });

  test("the app opens on Today, and quick add there makes a dateless line due today, all day", async () => {
    await page.goto("/dashboard/");
    await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
    const quick = page.getByLabel("New task title");
    await quick.fill("Water the ferns");
    await page.locator("#quick-add-chips [data-chip='due']").waitFor();
    await quick.press("Enter");
    await group("Today").locator(".task-title", { hasText: "Water the ferns" }).waitFor();
    // A date typed in the line wins over the default: Friday is not today, so it leaves the view.
    await quick.fill("Call the council friday");
    await quick.press("Enter");
    await page.getByRole("status").filter({ hasText: "Added “Call the council”" }).waitFor();
    assert.equal((await titles()).includes("Call the council"), false);

    const { items } = await apiCall<{ items: { title: string; due_date: string | null }[] }>(
      user,
      "GET",
      "/tasks?search=the",
    );
    const due = (title: string) => items.find((t) => t.title === title)?.due_date;
    // The last second of the day in Auckland (NZDT, +13:00).
    assert.equal(new Date(due("Water the ferns")!).toISOString(), nz("2030-01-15T23:59:59"));
    assert.equal(new Date(due("Call the council")!).toISOString(), nz("2030-01-18T23:59:59"));
  });
});
