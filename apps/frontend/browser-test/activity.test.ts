// The activity log in the web app: a task's history in its editor, and the Activity page with its
// filters, live updates and a deleted task's history.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import {
  apiCall,
  describeViolations,
  launchBrowser,
  screenshot,
  seriousViolations,
  signedInContext,
  signUpViaApi,
  type TestUser,
} from "./helpers.ts";

interface ActivityPage {
  items: { event_type: string; task_id: number | null }[];
  next_cursor: string | null;
}

const TITLE = "Water the plants";
const STORY = ["Created", "Priority Medium → Critical", "Completed", "Reopened"];

describe("activity log", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  let taskId = 0;

  before(async () => {
    user = await signUpViaApi("Audit Reader");
    browser = await launchBrowser();
    page = await (await signedInContext(browser, user)).newPage();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
  });

  /** The audit service records an event a moment after it commits: wait until `count` rows are there. */
  async function recorded(path: string, count: number): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const page = await apiCall<ActivityPage>(user, "GET", path);
      if (page.items.length >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.fail(`${path} never held ${count} entries`);
  }

  const lines = (list: Locator) => list.locator(".activity-line").allTextContents();

  async function scan(what: string) {
    const violations = await seriousViolations(page);
    assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
  }

  test("create → priority → complete → reopen reads as four lines, in order, in the editor", async () => {
    await page.goto("/dashboard/?view=all");
    await page.locator(".live-open").waitFor();
    await page.getByLabel("New task title").fill(TITLE);
    await page.getByLabel("New task title").press("Enter");
    await page.getByRole("button", { name: `Edit “${TITLE}”` }).click();
    let dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Priority").selectOption({ label: "Critical" });
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("checkbox", { name: `Complete “${TITLE}”` }).click();
    await page.getByRole("checkbox", { name: `Mark “${TITLE}” as not done` }).click();
    await page.getByRole("checkbox", { name: `Complete “${TITLE}”` }).waitFor();

    const { items } = await apiCall<{ items: { id: number }[] }>(user, "GET", "/tasks");
    taskId = items[0]!.id;
    await recorded(`/tasks/${taskId}/activity`, 4);

    await page.getByRole("button", { name: `Edit “${TITLE}”` }).click();
    dialog = page.getByRole("dialog", { name: "Edit task" });
    const history = dialog.getByRole("list", { name: "Task history, oldest first" });
    await history.locator("li").nth(3).waitFor();
    assert.deepEqual(await lines(history), STORY);
    // The exact time is in the title of each relative time.
    const time = history.locator("time").first();
    assert.match((await time.getAttribute("title")) ?? "", /\d{4}.*UTC/);
    await scan("the task editor with its history");
    await page.keyboard.press("Escape");
  });

  test("the Activity page lists the story newest first, and its event-type filter narrows it", async () => {
    await page.getByRole("link", { name: "Activity" }).click();
    await page.waitForURL("**/activity/");
    await page.getByRole("heading", { level: 1, name: "Activity" }).waitFor();
    const list = page.getByRole("list", { name: "Activity, newest first" });
    await list.locator("li").nth(3).waitFor();
    assert.deepEqual(await lines(list), [...STORY].reverse());
    assert.deepEqual(await list.locator(".activity-task").allTextContents(), Array(4).fill(TITLE));
    await scan("/activity/");
    await screenshot(page, "activity.png");

    await page.getByRole("checkbox", { name: "Completed" }).check();
    await page.waitForFunction(() => document.querySelectorAll(".activity-entry").length === 1);
    assert.deepEqual(await lines(list), ["Completed"]);
    await page.getByRole("checkbox", { name: "Changed" }).check();
    await page.waitForFunction(() => document.querySelectorAll(".activity-entry").length === 3);
    assert.deepEqual(await lines(list), ["Reopened", "Completed", "Priority Medium → Critical"]);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await list.locator("li").nth(3).waitFor();
  });

  test("a task made elsewhere shows up live, and a deleted task's history stays readable", async () => {
    const list = page.getByRole("list", { name: "Activity, newest first" });
    await page.locator(".live-open").waitFor();
    await apiCall(user, "POST", "/tasks", { title: "Made in another tab" });
    const made = list.locator(".activity-entry", { hasText: "Made in another tab" });
    await made.waitFor();
    // Made with a bearer token, as a script would: the entry names the API as the way it came.
    assert.equal(await made.locator(".activity-actor").textContent(), "through the API");

    await apiCall(user, "DELETE", `/tasks/${taskId}`);
    const deleted = list.locator(".activity-entry", { hasText: "Deleted" });
    await deleted.waitFor();
    assert.match((await deleted.locator(".activity-task").textContent()) ?? "", new RegExp(TITLE));

    await page.getByLabel("Task", { exact: true }).selectOption({ label: TITLE });
    await page.waitForFunction(() => document.querySelectorAll(".activity-entry").length === 5);
    assert.deepEqual(await lines(list), ["Deleted", ...[...STORY].reverse()]);
  });

  test("no activity yet: the page says so", async () => {
    const newcomer = await signUpViaApi("New Person");
    const other = await (await signedInContext(browser, newcomer)).newPage();
    await other.goto("/activity/");
    await other.getByText("No activity yet").waitFor();
    await other.close();
  });

  test("when the activity API fails (its answer replaced in the browser), the page says so and Try again recovers", async () => {
    const newcomer = await signUpViaApi("Unlucky Person");
    const other = await (await signedInContext(browser, newcomer)).newPage();
    await other.route("**/activity?**", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: "about:blank",
          title: "Service Unavailable",
          status: 503,
          code: "unavailable",
          detail: "The activity log is unavailable.",
        }),
      }),
    );
    await other.goto("/activity/");
    await other
      .getByRole("alert")
      .filter({ hasText: "Could not load the activity: The activity log is unavailable." })
      .waitFor();
    const violations = await seriousViolations(other);
    assert.equal(violations.length, 0, `/activity/ with an error:\n${describeViolations(violations)}`);
    await other.unrouteAll();
    await other.getByRole("button", { name: "Try again" }).click();
    await other.getByText("No activity yet").waitFor();
    await other.close();
  });
});
