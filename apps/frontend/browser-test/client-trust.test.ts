// What a person does that a server must not get wrong: double clicks, and two tabs editing one task.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

interface TaskShape {
  id: number;
  title: string;
  completed: boolean;
  version: number;
}

describe("writes a person can trust", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const row = (title: string) =>
    page.locator("li.task", { has: page.locator(".task-title", { hasText: title }) });

  before(async () => {
    user = await signUpViaApi("Two Tabs");
    browser = await launchBrowser();
    page = await (await signedInContext(browser, user)).newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
  });

  test("a double-click on complete leaves the task completed", async () => {
    const task = await apiCall<TaskShape>(user, "POST", "/tasks", { title: "Water the plants" });
    await page.goto("/dashboard/?view=all");
    const checkbox = row("Water the plants").getByRole("checkbox");
    await checkbox.waitFor();
    await checkbox.dblclick();
    await page.waitForFunction(
      () => !document.querySelector("li.task input.task-check[disabled]"),
      undefined,
      { timeout: 15_000 },
    );
    // Whatever order the clicks' requests ran in, the task is done, on the server and on screen.
    await page.waitForFunction(
      async (path) => (await (await fetch(path)).json()).completed === true,
      `/api/${user.id}/tasks/${task.id}`,
    );
    assert.equal((await apiCall<TaskShape>(user, "GET", `/tasks/${task.id}`)).completed, true);
    assert.equal(await checkbox.isChecked(), true);
  });

  test("an edit of a task changed in another tab shows the conflict and the fresh task, then saves", async () => {
    const task = await apiCall<TaskShape>(user, "POST", "/tasks", { title: "Draft the plan" });
    await page.goto("/dashboard/?view=all");
    await row("Draft the plan").getByRole("button", { name: /Edit/ }).click();
    const dialog = page.getByRole("dialog");
    const title = dialog.getByLabel("Title");
    await title.waitFor();
    // The other tab saves first.
    await apiCall(user, "PUT", `/tasks/${task.id}`, {
      title: "Draft the plan (v2)",
      description: "from the other tab",
    });
    await title.fill("Draft the plan, mine");
    await dialog.getByRole("button", { name: /Save/ }).click();
    const alert = dialog.getByTestId("edit-conflict");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /changed elsewhere/);
    // The form shows the task as it is now; nothing of the stale edit was saved.
    assert.equal(await title.inputValue(), "Draft the plan (v2)");
    assert.equal(await dialog.getByLabel("Description").inputValue(), "from the other tab");
    assert.equal((await apiCall<TaskShape>(user, "GET", `/tasks/${task.id}`)).title, "Draft the plan (v2)");
    // Re-applied on the fresh version, the change goes through.
    await title.fill("Draft the plan, mine");
    await dialog.getByRole("button", { name: /Save/ }).click();
    await dialog.waitFor({ state: "hidden" });
    const saved = await apiCall<TaskShape>(user, "GET", `/tasks/${task.id}`);
    assert.equal(saved.title, "Draft the plan, mine");
    assert.equal(saved.version, 3);
  });
});
