// The user's time-zone preference governs the web app, not the browser's zone: a browser in Berlin,
// a user who set Pacific/Auckland in Settings, a task typed for 09:00 is 09:00 in Auckland, and a
// recurring series made here starts in Auckland while an existing one keeps its own zone.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { apiCall, screenshot, signedInPage, type TestUser } from "./helpers.ts";

const text = async (locator: Locator) => (await locator.textContent()) ?? "";

describe("the user's time zone in the web app", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  before(async () => {
    // Signed up without a preference, as through the API: the web app starts in the browser's zone.
    ({ browser, page, user } = await signedInPage("Aroha Berlin", { timezoneId: "Europe/Berlin" }));
  });
  after(async () => {
    await browser?.close();
  });

  test("without a preference the browser's zone is used; a saved one applies at once", async () => {
    await page.goto("/settings/");
    const account = page.getByRole("region", { name: "Account" });
    await account.getByText("Dates are shown in your time zone, Europe/Berlin.").waitFor();

    const section = page.getByRole("form", { name: "Time zone" });
    assert.equal(await section.getByLabel("Your time zone").inputValue(), "Europe/Berlin");
    await section.getByLabel("Your time zone").selectOption("Pacific/Auckland");
    await section.getByRole("button", { name: "Save time zone" }).click();
    await page.getByRole("status").filter({ hasText: "Time zone saved: Pacific/Auckland" }).waitFor();
    // No reload: the page's own session now carries the preference.
    await account.getByText("Dates are shown in your time zone, Pacific/Auckland.").waitFor();
    assert.equal(await section.getByRole("button", { name: "Save time zone" }).isDisabled(), true);
  });

  test("a due time typed as 09:00 is 09:00 in Auckland, stored and shown so", async () => {
    // In-app navigation, so the session saved above is the one in use.
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByText("Nothing due today.").waitFor();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: /^All/ }).click();
    await page.getByText("No tasks yet").waitFor();
    await page.getByRole("button", { name: "New task…" }).click();
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.getByLabel("Title").fill("Ring Aroha");
    await dialog.getByText("Date and time in Pacific/Auckland.").waitFor();
    await dialog.getByLabel("Due").fill("2030-01-15T09:00");
    await dialog.getByRole("button", { name: "Add task" }).click();
    await dialog.waitFor({ state: "hidden" });

    // January is summer in Auckland (NZDT, +13:00): 09:00 there is 20:00 UTC the day before.
    // In Berlin (+01:00) it would have been 08:00 UTC on the 15th.
    const { items } = await apiCall<{ items: { title: string; due_date: string }[] }>(user, "GET", "/tasks");
    const saved = items.find((t) => t.title === "Ring Aroha");
    assert.equal(saved && new Date(saved.due_date).toISOString(), "2030-01-14T20:00:00.000Z");

    const row = page.locator("li.task", { has: page.locator(".task-title", { hasText: "Ring Aroha" }) });
    assert.match(await text(row.locator(".due")), /Jan 15, 2030, 9:00/);
    await screenshot(page, "time-zone-preference.png");

    await page.getByRole("button", { name: "Edit “Ring Aroha”" }).click();
    const edit = page.getByRole("dialog", { name: "Edit task" });
    assert.equal(await edit.getByLabel("Due").inputValue(), "2030-01-15T09:00");
    await edit.getByRole("button", { name: "Cancel" }).click();
    await edit.waitFor({ state: "hidden" });

    // After a reload the preference comes from the server's session.
    await page.reload();
    assert.match(await text(row.locator(".due")), /Jan 15, 2030, 9:00/);
  });

  test("a new series starts in the user's zone; an existing one keeps its own", async () => {
    const existing = await apiCall<{ id: number }>(user, "POST", "/recurring-tasks", {
      template_title: "Stand-up in New York",
      recurrence_pattern: "daily",
      next_occurrence: "2030-01-15T14:00:00Z",
      timezone: "America/New_York",
    });
    await page.getByRole("link", { name: "Recurring" }).click();
    const card = page.locator(`li.template[data-template-id="${existing.id}"]`);
    await card.getByRole("button", { name: "Edit “Stand-up in New York”" }).click();
    let form = page.getByRole("form", { name: "Edit recurring task" });
    assert.equal(await form.getByLabel("Time zone", { exact: true }).inputValue(), "America/New_York");
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "New recurring task" }).click();
    form = page.getByRole("form", { name: "New recurring task" });
    assert.equal(await form.getByLabel("Time zone", { exact: true }).inputValue(), "Pacific/Auckland");
  });
});
