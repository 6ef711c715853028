// Quick add understands dates (in the user's zone), priorities, tags and "every …", shown as chips.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  AUCKLAND_TUESDAY_9AM,
  apiCall,
  assertAccessible,
  screenshot,
  signedInPage,
  type TestUser,
} from "./helpers.ts";

const NOW = AUCKLAND_TUESDAY_9AM;

interface StoredTask {
  title: string;
  due_date: string | null;
  priority: { name: string };
  tags: { name: string }[];
}

describe("quick add (browser in Pacific/Auckland)", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;
  const chip = (kind: string) => page.locator(`.quick-chip[data-chip="${kind}"]`);

  before(async () => {
    ({ browser, page, user } = await signedInPage("Quick Kiri", { timezoneId: "Pacific/Auckland" }));
    await page.clock.setFixedTime(NOW);
    await page.goto("/dashboard/?view=all");
    await page.getByText("No tasks yet").waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  test("`Pay rent tomorrow 9am p1 #home`: chips first, then a task due 09:00 Auckland, Critical, #home", async () => {
    const quick = page.getByLabel("New task title");
    await quick.fill("Pay rent tomorrow 9am p1 #home");
    await chip("due").waitFor();
    assert.match((await chip("due").textContent()) ?? "", /Due Jan 16, 2030, 9:00/);
    assert.match((await chip("priority").textContent()) ?? "", /Critical/);
    assert.match((await chip("tags").textContent()) ?? "", /#home \(new\)/);
    await screenshot(page, "quick-add.png");
    await assertAccessible(page);
    await quick.press("Enter");
    await page.locator("li.task", { hasText: "Pay rent" }).waitFor();
    assert.equal(await quick.inputValue(), "");

    const { items } = await apiCall<{ items: StoredTask[] }>(user, "GET", "/tasks");
    const task = items.find((t) => t.title === "Pay rent");
    assert.equal(task && new Date(task.due_date ?? "").toISOString(), "2030-01-15T20:00:00.000Z");
    assert.equal(task?.priority.name, "Critical");
    assert.deepEqual(
      task?.tags.map((t) => t.name),
      ["home"],
    );
  });

  test("removing a chip leaves its words in the title", async () => {
    const quick = page.getByLabel("New task title");
    await quick.fill("Read Dune on friday p2");
    await chip("due").waitFor();
    await page.getByRole("button", { name: "Remove due date" }).click();
    await chip("due").waitFor({ state: "detached" });
    assert.equal(
      await quick.evaluate((el) => el === document.activeElement),
      true,
      "focus back in the input",
    );
    await quick.press("Enter");
    await page.locator("li.task", { hasText: "Read Dune on friday" }).waitFor();
    const { items } = await apiCall<{ items: StoredTask[] }>(user, "GET", "/tasks");
    const task = items.find((t) => t.title === "Read Dune on friday");
    assert.equal(task?.due_date, null);
    assert.equal(task?.priority.name, "High");
  });

  test("`Water plants every Monday at 8` becomes a weekly template starting Monday 08:00 Auckland", async () => {
    const quick = page.getByLabel("New task title");
    await quick.fill("Water plants every Monday at 8");
    await chip("recurrence").waitFor();
    assert.match((await chip("recurrence").textContent()) ?? "", /every week on Monday/);
    assert.match((await chip("due").textContent()) ?? "", /Starts Jan 21, 2030, 8:00/);
    await quick.press("Enter");
    await page.getByText("Added the repeating task “Water plants”").waitFor();

    const { items } = await apiCall<{
      items: {
        template_title: string;
        recurrence_pattern: string;
        weekdays: number[];
        timezone: string;
        next_occurrence: string;
      }[];
    }>(user, "GET", "/recurring-tasks");
    const template = items.find((t) => t.template_title === "Water plants");
    assert.equal(template?.recurrence_pattern, "weekly");
    assert.deepEqual(template?.weekdays, [1]);
    assert.equal(template?.timezone, "Pacific/Auckland");
    assert.equal(template && new Date(template.next_occurrence).toISOString(), "2030-01-20T19:00:00.000Z");
  });

  test("`Pay rent every 15th` is monthly on the 15th; `Haircut every! 4 weeks` repeats from completion", async () => {
    const quick = page.getByLabel("New task title");
    await quick.fill("Pay rent every 15th");
    await chip("recurrence").waitFor();
    assert.match((await chip("recurrence").textContent()) ?? "", /every month on the 15th/);
    // 09:00 today has passed at 09:00: the first is 15 Feb.
    assert.match((await chip("due").textContent()) ?? "", /Starts Feb 15, 2030, 9:00/);
    await quick.press("Enter");
    await page.getByText("Added the repeating task “Pay rent”").waitFor();

    await quick.fill("Haircut every! 4 weeks");
    await chip("recurrence").waitFor();
    assert.match((await chip("recurrence").textContent()) ?? "", /every 4 weeks after completion/);
    await quick.press("Enter");
    await page.getByText("Added the repeating task “Haircut”").waitFor();

    const { items } = await apiCall<{
      items: {
        template_title: string;
        recurrence_pattern: string;
        interval: number;
        repeat_from: string;
        next_occurrence: string;
      }[];
    }>(user, "GET", "/recurring-tasks");
    const rent = items.find((t) => t.template_title === "Pay rent");
    assert.deepEqual(
      [rent?.recurrence_pattern, rent?.interval, rent?.repeat_from],
      ["monthly", 1, "schedule"],
    );
    assert.equal(rent && new Date(rent.next_occurrence).toISOString(), "2030-02-14T20:00:00.000Z");
    const haircut = items.find((t) => t.template_title === "Haircut");
    assert.deepEqual(
      [haircut?.recurrence_pattern, haircut?.interval, haircut?.repeat_from],
      ["weekly", 4, "completion"],
    );
  });
});
