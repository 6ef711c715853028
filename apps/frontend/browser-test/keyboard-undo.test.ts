// Every shortcut, focus kept after each action, and Undo for complete and delete (browser in Europe/Berlin).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { API_URL, apiCall, assertAccessible, screenshot, signedInPage, type TestUser } from "./helpers.ts";

describe("keyboard and undo", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const ids: Record<string, number> = {};
  const focusedId = () =>
    page.evaluate(() => document.activeElement?.closest("li.task")?.getAttribute("data-task-id"));
  const focusedElementId = () => page.evaluate(() => document.activeElement?.id ?? "");
  const stored = (id: number) =>
    fetch(`${API_URL}/api/${user.id}/tasks/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
  const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  before(async () => {
    ({ browser, page, user } = await signedInPage("Keys Berlin", { timezoneId: "Europe/Berlin" }));
    for (const title of ["Alpha", "Bravo", "Charlie"]) {
      ids[title] = (await apiCall<{ id: number }>(user, "POST", "/tasks", { title })).id;
    }
    await page.goto("/dashboard/?view=all");
    await page.locator("li.task").nth(2).waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  test("? lists the shortcuts; q and / focus quick add and search", async () => {
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? "", /Delete the task/);
    await screenshot(page, "shortcuts.png");
    await assertAccessible(page);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await page.keyboard.press("q");
    assert.equal(await focusedElementId(), "quick-add-title");
    await page.keyboard.type("q/jk"); // typed into the field, not taken as shortcuts
    assert.equal(await page.getByLabel("New task title").inputValue(), "q/jk");
    await page.getByLabel("New task title").fill("");
    await blur();
    await page.keyboard.press("/");
    assert.equal(await focusedElementId(), "filter-search");
    await blur();
  });

  test("j and k move between rows; x completes, Undo reopens, focus stays", async () => {
    // Newest first: Charlie, Bravo, Alpha.
    await page.keyboard.press("j");
    assert.equal(await focusedId(), String(ids.Charlie));
    await page.keyboard.press("j");
    assert.equal(await focusedId(), String(ids.Bravo));
    await page.keyboard.press("k");
    assert.equal(await focusedId(), String(ids.Charlie));

    await page.keyboard.press("x");
    const toast = page.getByTestId("undo-toast");
    await toast.filter({ hasText: "Completed “Charlie”" }).waitFor();
    await page.getByRole("checkbox", { name: "Mark “Charlie” as not done" }).waitFor();
    assert.equal(((await (await stored(ids.Charlie!)).json()) as { completed: boolean }).completed, true);
    assert.equal(await focusedId(), String(ids.Charlie));

    await toast.getByRole("button", { name: "Undo" }).click();
    await page.getByRole("checkbox", { name: "Complete “Charlie”" }).waitFor();
    // The row changes before the server answers; the announcement comes with the answer.
    await page.getByRole("status").filter({ hasText: "“Charlie” is not done" }).waitFor();
    assert.equal(((await (await stored(ids.Charlie!)).json()) as { completed: boolean }).completed, false);
  });

  test("e edits the focused task; closing the dialog gives the focus back", async () => {
    await page.locator(`li.task[data-task-id="${ids.Bravo}"]`).focus();
    await page.keyboard.press("e");
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel("Title").inputValue(), "Bravo");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await focusedId(), String(ids.Bravo));
  });

  test("Delete removes the row, the next one takes the focus, Undo brings it back without a delete", async () => {
    await page.locator(`li.task[data-task-id="${ids.Bravo}"]`).focus();
    await page.keyboard.press("Delete");
    await page.locator(`li.task[data-task-id="${ids.Bravo}"]`).waitFor({ state: "detached" });
    assert.equal(await focusedId(), String(ids.Alpha), "the row in its place has the focus");
    const toast = page.getByTestId("undo-toast");
    await toast.filter({ hasText: "Deleted “Bravo”" }).waitFor();
    await screenshot(page, "undo-toast.png");
    await toast.getByRole("button", { name: "Undo" }).click();
    await page.locator(`li.task[data-task-id="${ids.Bravo}"]`).waitFor();
    assert.equal((await stored(ids.Bravo!)).status, 200, "the delete was never sent");
  });

  test("without Undo the delete is sent once the toast has gone", async () => {
    await page.locator(`li.task[data-task-id="${ids.Alpha}"]`).focus();
    await page.keyboard.press("Delete");
    const toast = page.getByTestId("undo-toast").filter({ hasText: "Deleted “Alpha”" });
    await toast.waitFor();
    await toast.waitFor({ state: "detached", timeout: 20_000 });
    await page.waitForFunction(
      async ([url, token]) =>
        (await fetch(url!, { headers: { authorization: `Bearer ${token}` } })).status === 404,
      [`${API_URL}/api/${user.id}/tasks/${ids.Alpha}`, user.token],
      { timeout: 20_000, polling: 250 },
    );
    assert.equal((await stored(ids.Alpha!)).status, 404);
  });

  test("leaving the list sends a pending delete at once, and the next page counts it out", async () => {
    const tag = await apiCall<{ id: number }>(user, "POST", "/tags", { name: "garden" });
    const echo = await apiCall<{ id: number }>(user, "POST", "/tasks", { title: "Echo", tag_ids: [tag.id] });
    await page.reload();
    await page.locator(`li.task[data-task-id="${echo.id}"]`).waitFor();
    // A slow network: the DELETE takes 1.5 s to leave, so the tags page loads while it is on its way.
    await page.route(`**/api/${user.id}/tasks/${echo.id}`, async (route) => {
      if (route.request().method() !== "DELETE") return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.locator(`li.task[data-task-id="${echo.id}"]`).focus();
    await page.keyboard.press("Delete");
    await page.getByTestId("undo-toast").filter({ hasText: "Deleted “Echo”" }).waitFor();
    // The tags page reads the tags again, and that read waits for the DELETE on its way.
    const tagsRead = page.waitForResponse(
      (r) => r.request().method() === "GET" && new URL(r.url()).pathname === `/api/${user.id}/tags`,
    );
    await page.getByRole("link", { name: "Tags" }).click();
    await page.waitForURL("**/tags/");
    const garden = page.locator("li.tag-row", { hasText: "garden" });
    await garden.waitFor();
    assert.equal(await garden.locator(".tag-count").textContent(), "0 tasks", "the first count shown");
    await tagsRead;
    assert.equal((await stored(echo.id)).status, 404);
    assert.equal(await garden.locator(".tag-count").textContent(), "0 tasks", "the count read afterwards");
    await page.unroute(`**/api/${user.id}/tasks/${echo.id}`);
  });
});
