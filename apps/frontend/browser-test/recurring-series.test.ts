// Recurring series that keep the user's intent: a rename leaves the schedule alone, "repeat from
// completion" is offered and saved, and the time zone set in Settings is the one the bell's texts use.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { apiCall, screenshot, signedInPage, type TestUser } from "./helpers.ts";

/** The latest 29 February before now, 09:00 UTC: a yearly series from it is clamped to the 28th in other years. */
function lastLeapDay(): string {
  for (let year = new Date().getUTCFullYear(); ; year--) {
    const leapDay = new Date(Date.UTC(year, 1, 29, 9));
    if (leapDay.getUTCMonth() === 1 && leapDay.getTime() < Date.now()) return leapDay.toISOString();
  }
}

describe("recurring series that keep their intent", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  before(async () => {
    ({ browser, page, user } = await signedInPage("Rita Series"));
  });
  after(async () => {
    await browser?.close();
  });

  test("renaming a template leaves its preview unchanged", async () => {
    const template = await apiCall<{ id: number }>(user, "POST", "/recurring-tasks", {
      template_title: "Leap day party",
      recurrence_pattern: "yearly",
      next_occurrence: lastLeapDay(),
      timezone: "UTC",
    });
    // The scheduler creates the missed instance and moves the series to its next date, a clamped 28 February.
    for (;;) {
      const current = await apiCall<{ next_occurrence: string }>(
        user,
        "GET",
        `/recurring-tasks/${template.id}`,
      );
      if (new Date(current.next_occurrence).getTime() > Date.now()) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await page.goto("/recurring/");
    const card = page.locator(`li.template[data-template-id="${template.id}"]`);
    await card.getByRole("button", { name: "Show next occurrences" }).click();
    const occurrences = card
      .getByRole("list", { name: "Next occurrences of “Leap day party”" })
      .locator("li");
    await occurrences.first().waitFor();
    const before = await occurrences.allInnerTexts();
    assert.equal(before.length, 5);
    assert.ok(
      before.some((d) => /Feb 29/.test(d)),
      `a leap year keeps the 29th: ${before.join(" | ")}`,
    );

    const sent: unknown[] = [];
    page.on("request", (request) => {
      if (request.method() === "PUT") sent.push(request.postDataJSON());
    });
    await card.getByRole("button", { name: "Edit “Leap day party”" }).click();
    const form = page.getByRole("form", { name: "Edit recurring task" });
    await form.getByLabel("Title").fill("Leap day feast");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "detached" });
    assert.deepEqual(sent, [{ template_title: "Leap day feast" }], "the form sends only what changed");
    const renamed = page
      .locator(`li.template[data-template-id="${template.id}"]`)
      .getByRole("list", { name: "Next occurrences of “Leap day feast”" })
      .locator("li");
    await renamed.first().waitFor();
    assert.deepEqual(await renamed.allInnerTexts(), before);
  });

  test("'repeat from completion' is offered on the recurring page and saved", async () => {
    await page.goto("/recurring/");
    await page.getByRole("button", { name: "New recurring task" }).click();
    const form = page.getByRole("form", { name: "New recurring task" });
    await form.getByLabel("Title").fill("Water the ferns");
    await form.getByLabel("Repeats").selectOption("daily");
    await form.getByLabel("Every how many days").fill("3");
    await form.getByLabel("First occurrence").fill("2030-03-01T08:00");
    await form.getByLabel("Repeat from").selectOption("completion");
    await form.getByLabel("Create each task").selectOption("1440");
    await form.getByLabel("Remind me").selectOption("0");
    await form.getByRole("button", { name: "Create recurring task" }).click();
    const card = page.locator("li.template", { hasText: "Water the ferns" });
    await card.getByText("repeats from completion").waitFor();
    await card.getByText("created 1 day ahead").waitFor();
    await screenshot(page, "recurring-from-completion.png");
    const { items } = await apiCall<{
      items: {
        template_title: string;
        repeat_from: string;
        lead_time_minutes: number;
        reminder_offsets_minutes: number[];
      }[];
    }>(user, "GET", "/recurring-tasks");
    const saved = items.find((t) => t.template_title === "Water the ferns");
    assert.equal(saved?.repeat_from, "completion");
    assert.equal(saved?.lead_time_minutes, 1440);
    assert.deepEqual(saved?.reminder_offsets_minutes, [0]);
  });

  test("the settings page sets the time zone and the bell's texts follow it", async () => {
    await page.goto("/settings/");
    const section = page.getByRole("form", { name: "Time zone" });
    await section.getByLabel("Your time zone").selectOption("Pacific/Auckland");
    await section.getByRole("button", { name: "Save time zone" }).click();
    await page.getByRole("status").filter({ hasText: "Time zone saved: Pacific/Auckland" }).waitFor();

    // Due in two hours: its one-day reminder goes out at the next tick.
    const due = new Date(Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000);
    await apiCall(user, "POST", "/tasks", { title: "Call Aroha", due_date: due.toISOString() });
    const local = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Pacific/Auckland",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(due);
    await page.goto("/dashboard/?view=all");
    const bell = page.getByRole("button", { name: /^Notifications/ });
    await page.getByTestId("unread-count").waitFor();
    await bell.click();
    const panel = page.getByRole("region", { name: "Notifications" });
    const reminder = panel.locator("li", { hasText: "Call Aroha" }).filter({ hasText: "Due in" });
    await reminder.waitFor();
    const text = (await reminder.textContent()) ?? "";
    assert.match(text, /Due in (2 hours|[12] h \d+ min): Call Aroha/);
    assert.ok(text.includes(`${local} (Pacific/Auckland)`), text);
  });
});
