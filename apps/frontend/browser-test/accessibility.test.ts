// axe-core on every page (and the dialogs a person opens): no serious or critical violations.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  apiCall,
  BASE_URL,
  describeViolations,
  launchBrowser,
  seriousViolations,
  signedInContext,
  signUpViaApi,
  type TestUser,
} from "./helpers.ts";

describe("accessibility (axe-core)", () => {
  let browser: Browser;
  let context: BrowserContext;
  let user: TestUser;

  before(async () => {
    browser = await launchBrowser();
    user = await signUpViaApi("Axe Person");
    const tag = await apiCall<{ id: number }>(user, "POST", "/tags", { name: "work", color: "#F59E0B" });
    await apiCall(user, "POST", "/tags", { name: "pale", color: "#FEF3C7" });
    for (const [title, priority_id, offsetHours] of [
      ["Overdue thing", 4, -3],
      ["Soon thing", 3, 5],
      ["Later thing", 1, 72],
    ] as const) {
      await apiCall(user, "POST", "/tasks", {
        title,
        priority_id,
        tag_ids: [tag.id],
        due_date: new Date(Date.now() + offsetHours * 3_600_000).toISOString(),
        description: "Some words about it",
      });
    }
    const done = await apiCall<{ id: number }>(user, "POST", "/tasks", { title: "Done thing" });
    await apiCall(user, "PATCH", `/tasks/${done.id}/complete`);
    await apiCall(user, "POST", "/recurring-tasks", {
      template_title: "Weekly review",
      recurrence_pattern: "weekly",
      weekdays: [5],
      next_occurrence: "2030-01-04T16:00:00Z",
    });
    context = await signedInContext(browser, user);
  });
  after(async () => {
    await browser?.close();
  });

  async function scan(page: Page, what: string) {
    const violations = await seriousViolations(page);
    assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
  }

  test("sign-in and sign-up pages", async () => {
    const anonymous = await browser.newContext({ baseURL: BASE_URL });
    const page = await anonymous.newPage();
    await page.goto("/login/");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await scan(page, "/login/");
    // With errors shown next to the fields.
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(".field-error").first().waitFor();
    await scan(page, "/login/ with errors");
    await page.goto("/signup/");
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await scan(page, "/signup/");
    await anonymous.close();
  });

  test("dashboard, its task dialog and the notification panel", async () => {
    const page = await context.newPage();
    await page.goto("/dashboard/?view=all");
    await page.locator("li.task").first().waitFor();
    await scan(page, "/dashboard/");
    await page.getByRole("button", { name: "New task…" }).click();
    await page.getByRole("dialog", { name: "New task" }).waitFor();
    await page.getByRole("button", { name: "Add task" }).click();
    await page.locator(".field-error").first().waitFor();
    await scan(page, "/dashboard/ with the task dialog and its errors");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: /^Notifications/ }).click();
    await page.getByRole("region", { name: "Notifications" }).waitFor();
    await scan(page, "/dashboard/ with the notification panel");
    await page.close();
  });

  test("tags page", async () => {
    const page = await context.newPage();
    await page.goto("/tags/");
    await page.locator("li.tag-row").first().waitFor();
    await scan(page, "/tags/");
    await page.close();
  });

  test("recurring page, with the form open", async () => {
    const page = await context.newPage();
    await page.goto("/recurring/");
    await page.locator("li.template").first().waitFor();
    await page.getByRole("button", { name: "Show next occurrences" }).click();
    await page.locator("ol.occurrences li").first().waitFor();
    await scan(page, "/recurring/");
    await page.goto("/recurring/?new=1");
    await page.getByRole("form", { name: "New recurring task" }).waitFor();
    await scan(page, "/recurring/?new=1");
    await page.close();
  });

  test("settings page", async () => {
    const page = await context.newPage();
    await page.goto("/settings/");
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await page.waitForFunction(() => !document.querySelector("[data-push-state='checking']"));
    await page.waitForFunction(() => !/Loading (preferences|webhooks)/.test(document.body.textContent ?? ""));
    await scan(page, "/settings/");
    await page.close();
  });
});
