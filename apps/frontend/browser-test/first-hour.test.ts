// What a newcomer meets in the first hour: messages written for people (the browser's own checks
// and the server's answers), settings that say which channels this server has, a 404 page with
// the app's header, the icons, and the filters' Clear button in line with the controls.
import assert from "node:assert/strict";
import { after, before, describe, type TestContext, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { BASE_URL, launchBrowser, signedInContext, signUpViaApi } from "./helpers.ts";

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? "").trim();

describe("a newcomer's first hour", () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  /** A new user's page at `path`, signed in; its context closes when the test ends. */
  async function signedInPage(t: TestContext, path: string): Promise<Page> {
    const context = await signedInContext(browser, await signUpViaApi("Ada"));
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(path);
    return page;
  }

  test("sign-up: sentences from the shared error map, no hint repeated by its error; a taken e-mail is named", async () => {
    const context = await browser.newContext({ baseURL: BASE_URL });
    const page = await context.newPage();
    await page.goto("/signup/");
    await page.getByLabel("Email").fill("ada");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator("#password-error").waitFor();
    assert.equal(await text(page, "#name-error"), "Must not be empty.");
    assert.equal(await text(page, "#email-error"), "Must be an e-mail address, like ada@example.com.");
    assert.equal(await text(page, "#password-error"), "Must be at least 8 characters.");
    assert.equal(await page.locator("#password-hint").count(), 0, "the hint is not said twice");
    // The password can be shown while typing (OWASP ASVS 2.1.12), and hidden again.
    await page.getByLabel("Show what I type").check();
    assert.equal(await page.locator("#password").getAttribute("type"), "text");
    await page.getByLabel("Show what I type").uncheck();
    assert.equal(await page.locator("#password").getAttribute("type"), "password");

    // The server's answer, in the same problem+json shape as the rest of the API, under its field.
    const taken = await signUpViaApi("Grace");
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Email").fill(taken.email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.locator("#email-error").getByText("already exists").waitFor();
    assert.equal(
      await text(page, "#email-error"),
      "An account with this e-mail address already exists; sign in instead.",
    );
    await context.close();
  });

  test("settings: e-mail and push columns are off, cannot be ticked, and say how to turn them on", async (t) => {
    const page = await signedInPage(t, "/settings/");
    await page.getByRole("table").waitFor();
    const box = (event: string, channel: string) =>
      page.getByRole("checkbox", { name: `${event}: ${channel}` });
    // Reminders would go by e-mail by default, but this server (npm start as the test runs it) has no SMTP_URL.
    const reminderEmail = box("Task due soon (reminders)", "Email");
    await page.waitForFunction(() => document.querySelector("[data-channel-off='email']") !== null);
    assert.equal(await reminderEmail.isDisabled(), true);
    assert.equal(await reminderEmail.isChecked(), false);
    assert.equal(await box("Task completed", "Push").isDisabled(), true);
    assert.equal(await box("Task completed", "In app").isDisabled(), false);
    assert.match(await text(page, "[data-channel-off='email']"), /not set up on this server.*SMTP_URL/);
    assert.match(
      await text(page, "[data-channel-off='push']"),
      /not set up on this server.*VAPID_PUBLIC_KEY/,
    );
  });

  test("404: the app's header and navigation, and a page that says what happened", async () => {
    const context = await browser.newContext({ baseURL: BASE_URL });
    const page = await context.newPage();
    const response = await page.goto("/no-such-page/");
    assert.equal(response?.status(), 404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    const banner = page.getByRole("banner");
    assert.equal(await banner.getByRole("link", { name: "Todo" }).count(), 1);
    assert.deepEqual(
      await banner.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents(),
      ["Tasks", "Tags", "Recurring", "Activity", "Settings"],
    );
    await context.close();
  });

  test("icons: a favicon, an Apple touch icon and a web app manifest, all served", async () => {
    const context = await browser.newContext({ baseURL: BASE_URL });
    const page = await context.newPage();
    await page.goto("/login/");
    const hrefs = await page.evaluate(() =>
      [
        ...document.querySelectorAll("link[rel~='icon'], link[rel='apple-touch-icon'], link[rel='manifest']"),
      ].map((link) => `${link.getAttribute("rel")} ${(link as HTMLLinkElement).href}`),
    );
    for (const rel of ["icon", "apple-touch-icon", "manifest"]) {
      const entry = hrefs.find((h) => h.split(" ")[0] === rel);
      assert.ok(entry, `${rel} in ${JSON.stringify(hrefs)}`);
      const answer = await fetch(entry.split(" ")[1]!);
      assert.equal(answer.status, 200, entry);
    }
    await context.close();
  });

  test("dashboard: the text of Clear filters starts on the fields' left edge", async (t) => {
    const page = await signedInPage(t, "/dashboard/?view=all");
    await page.getByLabel("Status").selectOption("completed");
    const clear = page.getByRole("button", { name: "Clear filters" });
    await clear.waitFor();
    // At 1280 px the five selects fill a row, so the button opens the next one, under Status. Its
    // text (not its box, which padding or a stretched cell widens) must start at the field's edge.
    const textLeft = await clear.evaluate((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return range.getBoundingClientRect().left;
    });
    const select = await page.getByLabel("Status").boundingBox();
    assert.ok(select);
    assert.ok(Math.abs(textLeft - select.x) <= 1, `text at ${textLeft}px, fields at ${select.x}px`);
  });
});
