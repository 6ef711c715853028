// Server state in the query cache: a change shows at once and goes back when the API refuses it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

describe("optimistic updates", () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  before(async () => {
    user = await signUpViaApi("Optimist");
    await apiCall(user, "POST", "/tasks", { title: "Renew passport" });
    browser = await launchBrowser();
    page = await (await signedInContext(browser, user, { timezoneId: "Europe/Berlin" })).newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
  });

  // The one stand-in: the browser's request is answered with a 503 by Playwright's router,
  // because the real server cannot be made to fail one request on cue.
  test("complete rolls back when the API answers 503 (network stand-in), and works once it answers", async () => {
    await page.goto("/dashboard/?view=all");
    const box = page.getByRole("checkbox", { name: "Complete “Renew passport”" });
    await box.waitFor();
    await page.route("**/tasks/*/complete", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, code: "unavailable" }),
      }),
    );
    await box.click();
    await page.getByRole("alert").filter({ hasText: "Unavailable" }).waitFor();
    assert.equal(await box.isChecked(), false, "the row is back as the server has it");
    const stored = await apiCall<{ items: { completed: boolean }[] }>(user, "GET", "/tasks");
    assert.equal(stored.items[0]?.completed, false);

    await page.unroute("**/tasks/*/complete");
    await box.click();
    await page.getByRole("checkbox", { name: "Mark “Renew passport” as not done" }).waitFor();
    const after = await apiCall<{ items: { completed: boolean }[] }>(user, "GET", "/tasks");
    assert.equal(after.items[0]?.completed, true);
  });
});
