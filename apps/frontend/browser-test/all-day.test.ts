// All-day due dates: a date without a time, stored as the last second of that day in the user's zone.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { apiCall, signedInPage, type TestUser } from "./helpers.ts";

describe("all-day due dates (browser in Europe/Berlin)", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  before(async () => {
    ({ browser, page, user } = await signedInPage("Berta Berlin", { timezoneId: "Europe/Berlin" }));
  });
  after(async () => {
    await browser?.close();
  });

  test("a task due all day on 15 Jan is stored as 23:59:59 Berlin time and shown without a time", async () => {
    await page.goto("/dashboard/?view=all");
    await page.getByText("No tasks yet").waitFor();
    await page.getByRole("button", { name: "New task…" }).click();
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.getByLabel("Title").fill("Submit tax return");
    await dialog.getByLabel("All day").check();
    await dialog.getByText("Any time that day in Europe/Berlin.").waitFor();
    await dialog.getByLabel("Due").fill("2030-01-15");
    await dialog.getByLabel("1 day before").check();
    await dialog.getByRole("button", { name: "Add task" }).click();
    await dialog.waitFor({ state: "hidden" });

    // Berlin is +01:00 in January: 23:59:59 there is 22:59:59 UTC; the reminder counts back from it.
    const { items } = await apiCall<{ items: { due_date: string; reminder_offsets_minutes: number[] }[] }>(
      user,
      "GET",
      "/tasks",
    );
    assert.equal(items[0] && new Date(items[0].due_date).toISOString(), "2030-01-15T22:59:59.000Z");
    assert.deepEqual(items[0]?.reminder_offsets_minutes, [1440]);

    const due = page.locator("li.task .due time");
    assert.match((await due.textContent()) ?? "", /^Jan 15, 2030$/);

    await page.getByRole("button", { name: "Edit “Submit tax return”" }).click();
    const edit = page.getByRole("dialog", { name: "Edit task" });
    assert.equal(await edit.getByLabel("All day").isChecked(), true);
    assert.equal(await edit.getByLabel("Due").inputValue(), "2030-01-15");
    // Unticking asks for a time again, 09:00 on the same day to start from.
    await edit.getByLabel("All day").uncheck();
    assert.equal(await edit.getByLabel("Due").inputValue(), "2030-01-15T09:00");
    await edit.getByRole("button", { name: "Cancel" }).click();
  });
});
