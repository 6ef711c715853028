// Paging: "Load more" follows page.next_cursor, and live updates keep every loaded row.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

describe("paging", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const rows = () => page.locator("li.task").count();
  const count = () => page.locator("#task-count").textContent();

  before(async () => {
    user = await signUpViaApi("Many Tasks");
    for (let i = 1; i <= 45; i++) await apiCall(user, "POST", "/tasks", { title: `Task number ${i}` });
    browser = await launchBrowser();
    page = await (await signedInContext(browser, user)).newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
  });

  test("loads 20 at a time until the last page", async () => {
    await page.goto("/dashboard/?view=all");
    await page.locator("li.task").first().waitFor();
    assert.equal(await rows(), 20);
    assert.equal(await count(), "Showing 20 of 45 tasks");
    const more = page.getByRole("button", { name: "Load more" });
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 40);
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 45);
    await more.waitFor({ state: "detached" });
    // Newest first: the last row is the first task made.
    assert.equal(await page.locator("li.task .task-title").last().textContent(), "Task number 1");
  });

  test("a task created elsewhere joins the list without dropping the loaded pages", async () => {
    await page.locator(".live-open").waitFor();
    await apiCall(user, "POST", "/tasks", { title: "Task number 46" });
    await page.waitForFunction(
      () => document.querySelector("li.task .task-title")?.textContent === "Task number 46",
    );
    assert.equal(await rows(), 46);
    assert.equal(await count(), "Showing 46 of 46 tasks");
  });
});
