// The live stream's `resync`: when the server cannot resume the stream from the browser's
// Last-Event-ID, it says `resync`, and the open view reloads what it shows.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { apiCall, launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

describe("the live stream's resync", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;

  before(async () => {
    user = await signUpViaApi("Resync Rangi");
    await apiCall(user, "POST", "/tasks", { title: "Seen at load" });
    browser = await launchBrowser();
    context = await signedInContext(browser, user, { timezoneId: "Pacific/Auckland" });
    // Counts the `resync` events the page's EventSource receives: proof that the server sent one.
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    await context.addInitScript(`
      const add = EventSource.prototype.addEventListener;
      EventSource.prototype.addEventListener = function (type, listener, options) {
        if (type !== "resync" || typeof listener !== "function") return add.call(this, type, listener, options);
        const source = this;
        return add.call(this, type, (event) => {
          window.resyncs = (window.resyncs || 0) + 1;
          listener.call(source, event);
        }, options);
      };
    `);
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
  });

  test("a stream the server cannot resume sends resync, and the list reloads with what was missed", async () => {
    // The first connection fails (a dropped network, the one stand-in: Playwright's router), so the
    // browser reconnects. Meanwhile a task is created elsewhere, and the reconnect carries a
    // Last-Event-ID the server cannot resume from (as after a database switch): the real server then
    // answers `resync` and replays nothing, so only the resync can bring the new task on screen.
    let created!: () => void;
    const taskCreated = new Promise<void>((resolve) => {
      created = resolve;
    });
    let connections = 0;
    await page.route(`**/api/${user.id}/events/stream`, async (route) => {
      connections += 1;
      if (connections === 1) return route.abort("internetdisconnected");
      await taskCreated;
      return route.continue({ headers: { ...route.request().headers(), "last-event-id": "not-a-cursor" } });
    });

    await page.goto("/dashboard/?view=all");
    const row = (title: string) => page.locator("li.task .task-title", { hasText: title });
    await row("Seen at load").waitFor();
    await apiCall(user, "POST", "/tasks", { title: "Made while the stream was down" });
    assert.equal(await row("Made while the stream was down").count(), 0, "not shown before the resync");
    created();

    await page.waitForFunction(() => ((window as unknown as { resyncs?: number }).resyncs ?? 0) >= 1);
    await row("Made while the stream was down").waitFor();
    assert.ok(connections >= 2, "the browser reconnected");
  });
});
