// The main journeys of one person, in order: sign up, tags, tasks, filters, search, complete, edit,
// recurring templates, settings. Each step builds on the one before, as a person's session would.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { API_URL, BASE_URL, launchBrowser, screenshot, uniqueEmail } from "./helpers.ts";

const TIME_ZONE = "America/New_York";
const text = async (locator: Locator) => (await locator.textContent()) ?? "";

describe("a person's day with the todo app", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = uniqueEmail("ada");
  let password = "correct horse battery";
  let userId = "";
  const pageErrors: Error[] = [];

  // Reads what the API holds, with the browser's own session cookie.
  async function apiGet<T>(path: string): Promise<T> {
    const cookies = await context.cookies(BASE_URL);
    const response = await fetch(`${API_URL}/api/${userId}${path}`, {
      headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") },
    });
    assert.equal(response.status, 200, `GET ${path}`);
    return (await response.json()) as T;
  }

  const taskRow = (title: string) =>
    page.locator("li.task", { has: page.locator(".task-title", { hasText: title }) });

  before(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: BASE_URL,
      viewport: { width: 1280, height: 900 },
      locale: "en-US",
      timezoneId: TIME_ZONE,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (error) => pageErrors.push(error));
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async (t) => {
    const errors = pageErrors.splice(0);
    assert.deepEqual(
      errors.map((e) => e.stack ?? e.message),
      [],
      "the page threw",
    );
    if (process.env.DEBUG_SHOTS)
      await page.screenshot({ path: `${process.env.DEBUG_SHOTS}/${t.name.replace(/\W+/g, "-")}.png` });
  });

  test("signs up, and / then leads to the dashboard", async () => {
    await page.goto("/");
    await page.waitForURL("**/login/");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await screenshot(page, "login.png");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL("**/signup/**");
    // Client-side validation from the contract: a short password is refused next to its field.
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator("#password-error").waitFor();
    assert.match(await text(page.locator("#password-error")), /8/);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    // The app opens on Today.
    await page.waitForURL("**/dashboard/");
    await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
    await page.getByText("Nothing due today.").waitFor();
    const session = await page.evaluate(() => fetch("/api/auth/get-session").then((r) => r.json()));
    userId = (session as { user: { id: string } }).user.id;
    assert.ok(userId);

    await page.goto("/");
    await page.waitForURL("**/dashboard/");
  });

  test("signs out and back in, and a signed-out visit returns where it was going", async () => {
    const signIn = async (pass: string) => {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(pass);
      await page.getByRole("button", { name: "Sign in" }).click();
    };
    // Without a reload: the signed-in pages must not reuse the session answer from before.
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login/");
    await signIn("wrong password");
    await page.getByText("Wrong email or password.").waitFor();
    await signIn(password);
    await page.waitForURL("**/dashboard/");
    await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login/");
    await page.goto("/tags/");
    await page.waitForURL(/\/login\/\?next=/);
    await signIn(password);
    await page.waitForURL("**/tags/");
  });

  test("creates a tag, and a duplicate name is refused at the field", async () => {
    await page.goto("/tags/");
    await page.getByText("No tags yet").waitFor();
    await page.getByLabel("Tag name").fill("home");
    await page.getByLabel("Color", { exact: true }).fill("#10b981");
    await page.getByRole("button", { name: "Create tag" }).click();
    const row = page.locator("li.tag-row", { hasText: "home" });
    await row.waitFor();
    assert.match(await text(row), /0 tasks/);

    await page.getByLabel("Tag name").fill("home");
    await page.getByRole("button", { name: "Create tag" }).click();
    await page.locator("#new-tag-name-error").waitFor();
    assert.equal(await text(page.locator("#new-tag-name-error")), "Already taken.");
    await page.getByLabel("Tag name").fill("");
  });

  test("creates a task with priority, tags, due date and reminder, and sees its badge and chips", async () => {
    await page.goto("/dashboard/?view=all");
    await page.getByText("No tasks yet").waitFor();
    await page.getByRole("button", { name: "New task…" }).click();
    const dialog = page.getByRole("dialog", { name: "New task" });
    await dialog.waitFor();
    await dialog.getByLabel("Title").fill("Buy milk");
    await dialog.getByLabel("Description").fill("Oat, two cartons");
    await dialog.getByLabel("Priority").selectOption({ label: "High" });
    await dialog.getByRole("checkbox", { name: "home" }).check();
    // A tag made on the spot is selected at once.
    await dialog.getByLabel("New tag name").fill("errands");
    await dialog.getByRole("button", { name: "Create tag" }).click();
    await dialog.getByRole("checkbox", { name: "errands" }).waitFor();
    assert.equal(await dialog.getByRole("checkbox", { name: "errands" }).isChecked(), true);
    await dialog.getByLabel("Due").fill("2030-01-15T09:00");
    await dialog.getByRole("checkbox", { name: "1 hour before" }).check();
    await dialog.getByRole("checkbox", { name: "1 day before" }).check();
    await dialog.getByRole("button", { name: "Add task" }).click();
    await dialog.waitFor({ state: "hidden" });

    const row = taskRow("Buy milk");
    await row.waitFor();
    const badge = row.locator(".badge");
    assert.equal((await badge.textContent())?.trim(), "Priority: High");
    const { items: priorities } = (await (await fetch(`${API_URL}/api/priorities`)).json()) as {
      items: { name: string; color: string }[];
    };
    const high = priorities.find((p) => p.name === "High")!;
    const hex = (rgb: string) =>
      `#${rgb
        .match(/\d+/g)!
        .slice(0, 3)
        .map((n) => Number(n).toString(16).padStart(2, "0"))
        .join("")}`;
    assert.equal(
      hex(await badge.evaluate((el) => getComputedStyle(el).backgroundColor)),
      high.color.toLowerCase(),
    );
    const chips = await row.locator(".chip").allTextContents();
    assert.deepEqual(chips.sort(), ["Tag: errands", "Tag: home"]);
    const homeChip = row.locator(".chip", { hasText: "home" });
    assert.equal(hex(await homeChip.evaluate((el) => getComputedStyle(el).backgroundColor)), "#10b981");
    assert.match(await text(row), /Due Jan 15, 2030, 9:00/);

    // 09:00 in New York is 14:00 UTC in January: the form read the time in the person's zone.
    const { items } = await apiGet<{
      items: { title: string; due_date: string; reminder_offsets_minutes: number[] }[];
    }>("/tasks");
    const saved = items.find((t) => t.title === "Buy milk")!;
    assert.equal(new Date(saved.due_date).toISOString(), "2030-01-15T14:00:00.000Z");
    assert.deepEqual(saved.reminder_offsets_minutes, [1440, 60]);
  });

  test("quick-adds tasks and highlights overdue and due-soon ones", async () => {
    const quick = page.getByLabel("New task title");
    for (const title of ["Walk the dog", "Call the plumber"]) {
      await quick.fill(title);
      await quick.press("Enter");
      await taskRow(title).waitFor();
      assert.equal(await quick.inputValue(), "");
    }
    // An empty title is refused without a request.
    await quick.press("Enter");
    await page.locator("#quick-add-error").waitFor();

    const cookies = await context.cookies(BASE_URL);
    const headers = {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      "content-type": "application/json",
      origin: BASE_URL,
    };
    for (const [title, due] of [
      ["Pay rent", new Date(Date.now() - 2 * 3_600_000).toISOString()],
      ["Submit report", new Date(Date.now() + 3 * 3_600_000).toISOString()],
    ] as const) {
      const response = await fetch(`${API_URL}/api/${userId}/tasks`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title, due_date: due, priority_id: 4 }),
      });
      assert.equal(response.status, 201);
    }
    await taskRow("Pay rent").waitFor();
    await taskRow("Submit report").waitFor();
    assert.match(await text(taskRow("Pay rent").locator(".due")), /Overdue/);
    assert.match(await text(taskRow("Submit report").locator(".due")), /Due soon/);
    assert.equal(await taskRow("Pay rent").locator(".due-overdue").count(), 1);
  });

  test("filters by tag, status and priority, sorts, and searches", async () => {
    await page.getByLabel("Tag", { exact: true }).selectOption({ label: "home" });
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 1);
    assert.deepEqual(await page.locator("li.task .task-title").allInnerTexts(), ["Buy milk"]);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 5);

    await page.getByLabel("Priority", { exact: true }).selectOption({ label: "Critical" });
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 2);
    await page.getByLabel("Priority", { exact: true }).selectOption({ label: "Any" });

    await page.getByLabel("Sort by").selectOption({ label: "Title" });
    await page.waitForFunction(
      () =>
        document.querySelector("li.task .task-title")?.textContent === "Buy milk" &&
        document.querySelectorAll("li.task").length === 5,
    );
    const titles = await page.locator("li.task .task-title").allInnerTexts();
    assert.deepEqual(
      titles,
      [...titles].sort((a, b) => a.localeCompare(b)),
    );

    await page.getByLabel("Search").fill("dog");
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 1);
    assert.deepEqual(await page.locator("li.task .task-title").allInnerTexts(), ["Walk the dog"]);
    await page.getByLabel("Search").fill("nothing like this");
    await page.getByText("No tasks match these filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 5);
  });

  test("completes a task with one click", async () => {
    await page.getByRole("checkbox", { name: "Complete “Buy milk”" }).click();
    await page.getByRole("checkbox", { name: "Mark “Buy milk” as not done" }).waitFor();
    assert.equal(await taskRow("Buy milk").evaluate((el) => el.classList.contains("task-done")), true);
    const { items } = await apiGet<{ items: { title: string; completed: boolean }[] }>(
      "/tasks?status=completed",
    );
    assert.deepEqual(
      items.map((t) => t.title),
      ["Buy milk"],
    );
    await page.getByLabel("Status").selectOption({ label: "Pending" });
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 4);
    await page.getByLabel("Status").selectOption({ label: "All" });
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 5);
    // A fresh load for the README's picture: no validation message left over from earlier steps.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("li.task").length === 5);
    await screenshot(page, "dashboard.png");
  });

  test("edits and deletes a task", async () => {
    await page.getByRole("button", { name: "Edit “Call the plumber”" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel("Title").inputValue(), "Call the plumber");
    await dialog.getByLabel("Title").fill("Call the plumber about the sink");
    await dialog.getByRole("checkbox", { name: "home" }).check();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = taskRow("Call the plumber about the sink");
    await row.waitFor();
    assert.match(await text(row), /home/);

    // No question asked: the toast's Undo is the way back (see keyboard-undo.test.ts).
    await page.getByRole("button", { name: "Delete “Call the plumber about the sink”" }).click();
    await row.waitFor({ state: "detached" });
    await page
      .getByTestId("undo-toast")
      .filter({ hasText: "Deleted “Call the plumber about the sink”" })
      .waitFor();
  });

  test("the tags page counts tasks, renames, recolors and deletes", async () => {
    await page.getByRole("link", { name: "Tags" }).click();
    await page.waitForURL("**/tags/");
    const home = page.locator("li.tag-row", { hasText: "home" });
    await home.waitFor();
    // The delete held for Undo went out as the list was left; the count must come to leave it out
    // (read after it landed, or read again once it did).
    await home.locator(".tag-count", { hasText: /^1 task$/ }).waitFor();
    assert.equal(await text(home.locator(".tag-count")), "1 task");
    const errands = page.locator("li.tag-row", { hasText: "errands" });
    await page.getByRole("button", { name: "Rename “errands”" }).click();
    await page.getByLabel("New name for “errands”").fill("shopping");
    await page.getByLabel("New name for “errands”").press("Enter");
    const shopping = page.locator("li.tag-row", { hasText: "shopping" });
    await shopping.waitFor();
    await errands.waitFor({ state: "detached" });
    await page.getByLabel("Color of “shopping”").fill("#8b5cf6");
    await page.waitForFunction(
      () =>
        getComputedStyle(
          [...document.querySelectorAll("li.tag-row .chip")].find((el) =>
            el.textContent?.includes("shopping"),
          )!,
        ).backgroundColor === "rgb(139, 92, 246)",
    );
    await page.getByLabel("Tag name").fill("someday");
    await page.getByRole("button", { name: "Create tag" }).click();
    const someday = page.locator("li.tag-row", { hasText: "someday" });
    await someday.waitFor();
    await screenshot(page, "tags.png");
    await page.getByRole("button", { name: "Delete “someday”" }).click();
    await someday.getByRole("button", { name: "Delete", exact: true }).click();
    await someday.waitFor({ state: "detached" });
  });

  let templateId = 0;
  test("creates a recurring template and sees its next occurrences", async () => {
    await page.getByRole("link", { name: "Recurring" }).click();
    await page.waitForURL("**/recurring/");
    await page.getByText("No recurring tasks yet").waitFor();
    await page.getByRole("button", { name: "New recurring task" }).click();
    const form = page.getByRole("form", { name: "New recurring task" });
    await form.waitFor();
    assert.equal(await form.getByLabel("Time zone").inputValue(), TIME_ZONE);
    await form.getByLabel("Title").fill("Water the plants");
    await form.getByLabel("Repeats").selectOption("weekly");
    for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) {
      await form.getByRole("checkbox", { name: day }).setChecked(day === "Mon" || day === "Thu");
    }
    await form.getByLabel("First occurrence").fill("2030-01-07T08:00");
    await form.getByLabel("After a number of tasks").check();
    await form.getByLabel("Number of tasks", { exact: true }).fill("20");
    await form.getByRole("button", { name: "Create recurring task" }).click();

    const card = page.locator("li.template", { hasText: "Water the plants" });
    await card.waitFor();
    assert.match(await text(card), /Every week on Mon, Thu/);
    const occurrences = card
      .getByRole("list", { name: "Next occurrences of “Water the plants”" })
      .locator("li");
    await occurrences.first().waitFor();
    assert.equal(await occurrences.count(), 5);
    const dates = await occurrences.allInnerTexts();
    assert.match(dates[0]!, /Jan 7, 2030, 8:00/);
    assert.match(dates[1]!, /Jan 10, 2030, 8:00/);
    templateId = Number(await card.getAttribute("data-template-id"));
    await screenshot(page, "recurring.png");
  });

  test("pauses, resumes and edits a template through ?id=", async () => {
    const card = page.locator("li.template", { hasText: "Water the plants" });
    await card.getByRole("button", { name: "Pause “Water the plants”" }).click();
    await card.locator(".status-pill", { hasText: "Paused" }).waitFor();
    await card.getByRole("button", { name: "Resume “Water the plants”" }).click();
    await card.locator(".status-pill").waitFor({ state: "detached" });

    await page.goto(`/recurring/?id=${templateId}`);
    const form = page.getByRole("form", { name: "Edit recurring task" });
    await form.waitFor();
    assert.equal(await form.getByLabel("Title").inputValue(), "Water the plants");
    assert.equal(await form.getByLabel("Next occurrence").inputValue(), "2030-01-07T08:00");
    await form.getByLabel("Repeats").selectOption("custom");
    await form.getByLabel("Cron expression").fill("not a cron");
    await form.getByRole("button", { name: "Save changes" }).click();
    // The server rejects the rule; its message lands next to the field it names.
    await form.locator("[id$='-cron-error']").waitFor();
    await form.getByLabel("Repeats").selectOption("daily");
    await form.getByLabel("Every how many days").fill("2");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "detached" });
    const updated = page.locator("li.template", { hasText: "Water the plants" });
    await updated.getByText("Every 2 days").waitFor();
    assert.equal(new URL(page.url()).search, "");
  });

  test("settings: preferences, web push state and webhooks", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL("**/settings/");
    await page.getByText(`Signed in as Ada Lovelace`).waitFor();
    await page.locator("[data-push-state]").first().waitFor();
    await page.waitForFunction(() => !document.querySelector("[data-push-state='checking']"));
    await page.waitForFunction(() => !document.body.textContent?.includes("Loading webhooks"));

    const webhooksStatus = await page.evaluate(
      (id) => fetch(`/api/${id}/webhooks`).then((r) => r.status),
      userId,
    );
    if (webhooksStatus === 200) {
      // Loopback: there is no DNS here, and npm start runs with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true for this.
      await page.getByLabel("URL").fill("http://127.0.0.1:9/hooks/todo");
      await page.getByRole("button", { name: "Add webhook" }).click();
      const secret = page.getByTestId("webhook-secret");
      await secret.waitFor();
      assert.match(await text(secret), /^whsec_/);
      await page.getByRole("button", { name: "Copy secret" }).waitFor();
      await page.getByRole("button", { name: "Done" }).click();
      await secret.waitFor({ state: "detached" });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "settings.png");
  });

  test("settings: changing the password signs out the other sessions and keeps this one", async () => {
    const other = await fetch(`${API_URL}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const otherCanRead = async () =>
      (await fetch(`${API_URL}/api/${userId}/tags`, { headers: { authorization: `Bearer ${other.token}` } }))
        .status;
    assert.equal(await otherCanRead(), 200);

    const section = page.getByRole("region", { name: "Password" });
    await section.getByLabel("Current password").fill(password);
    await section.getByLabel("New password").fill("password123");
    await section.getByRole("button", { name: "Change password" }).click();
    await section.locator("#new-password-error").waitFor();
    assert.match(await text(section.locator("#new-password-error")), /common/);

    await section.getByLabel("New password").fill("a newer horse battery");
    await section.getByRole("button", { name: "Change password" }).click();
    await section.getByText("Password changed.").waitFor();
    assert.equal(await otherCanRead(), 401, "the other session is signed out");
    await apiGet("/tags"); // this browser's session goes on
    password = "a newer horse battery";
  });

  test("the dashboard on a phone-sized screen", async () => {
    const phone = await browser.newContext({
      baseURL: BASE_URL,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "en-US",
      timezoneId: TIME_ZONE,
    });
    await phone.addCookies(await context.cookies(BASE_URL));
    const mobile = await phone.newPage();
    await mobile.goto("/dashboard/?view=all");
    await mobile.locator("li.task").first().waitFor();
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot(mobile, "mobile-dashboard.png");
    const ready: [string, string][] = [
      ["/tags/", "li.tag-row"],
      ["/recurring/?new=1", "form[aria-label='New recurring task']"],
      ["/settings/", "[data-push-state]:not([data-push-state='checking'])"],
    ];
    for (const [path, selector] of ready) {
      await mobile.goto(path);
      await mobile.locator(selector).first().waitFor();
      const sideways = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sideways <= 0, `${path} scrolls sideways by ${sideways}px on a phone`);
    }
    await phone.close();
  });
});
