// In-app notifications: completing a task produces one; the bell counts it, lists it, marks it read.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  apiCall,
  endpointExists,
  launchBrowser,
  signedInContext,
  signUpViaApi,
  type TestUser,
} from "./helpers.ts";

describe("notifications", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  let available = false;

  before(async () => {
    user = await signUpViaApi("Bell Ringer");
    available = await endpointExists(user, "/notifications");
    browser = await launchBrowser();
    page = await (await signedInContext(browser, user)).newPage();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
  });

  test("a notification arrives live and is marked read", async (t) => {
    if (!available) {
      t.skip("waits for the notification service");
      return;
    }
    await apiCall(user, "POST", "/tasks", { title: "Ship the release" });
    await page.goto("/dashboard/?view=all");
    await page.locator(".live-open").waitFor();
    await page.getByRole("checkbox", { name: "Complete “Ship the release”" }).click();

    const bell = page.getByRole("button", { name: /^Notifications/ });
    await page.getByTestId("unread-count").waitFor();
    assert.match((await bell.getAttribute("aria-label")) ?? "", /\d+ unread/);
    await bell.click();
    const panel = page.getByRole("region", { name: "Notifications" });
    await panel.waitFor();
    const first = panel.getByRole("button", { name: /^Mark read: “.*”$/ }).first();
    await first.click();
    await page.getByRole("status").filter({ hasText: "Marked as read" }).waitFor();

    // A second one, then mark all read.
    await apiCall(user, "POST", "/tasks", { title: "Second" });
    const { items } = await apiCall<{ items: { id: number; title: string }[] }>(
      user,
      "GET",
      "/tasks?search=Second",
    );
    await apiCall(user, "PATCH", `/tasks/${items[0]!.id}/complete`);
    await page.getByTestId("unread-count").waitFor();
    const markAll = panel.getByRole("button", { name: "Mark all read" });
    await markAll.click();
    // Shown at once (optimistic); the announcement comes once the API has answered.
    await page.getByTestId("unread-count").waitFor({ state: "detached" });
    assert.equal(await bell.getAttribute("aria-label"), "Notifications");
    await page.getByRole("status").filter({ hasText: "All notifications marked as read" }).waitFor();
    const list = await apiCall<{ unread_count: number }>(user, "GET", "/notifications?unread=true");
    assert.equal(list.unread_count, 0);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
  });
});
