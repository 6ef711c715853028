// The bell and the settings page against the notification API's contract, answered inside the
// browser (page.route), so the UI is checked even where the backend does not serve that API yet.
// Task routes, auth and everything else still go to the real `npm start`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { launchBrowser, signedInContext, signUpViaApi, type TestUser } from "./helpers.ts";

const now = new Date().toISOString();
const notification = (id: number, title: string, read: boolean) => ({
  id,
  event_id: `00000000-0000-4000-8000-00000000000${id}`,
  event_type: "task.completed",
  task_id: id,
  title,
  body: `${title}: well done`,
  read,
  created_at: now,
});

const json = (route: Route, body: unknown, status = 200) =>
  route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

describe("notification UI against the API contract (stubbed in the browser)", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  const calls: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    user = await signUpViaApi("Contract Checker");
    context = await signedInContext(browser, user);
    const path = (suffix: string | RegExp) => (url: URL) =>
      typeof suffix === "string"
        ? url.pathname === `/api/${user.id}${suffix}`
        : suffix.test(url.pathname.slice(`/api/${user.id}`.length));
    let items = [notification(1, "Finished “Taxes”", false), notification(2, "Finished “Laundry”", true)];
    await context.route(path("/notifications"), (route) => {
      calls.push(`GET ${new URL(route.request().url()).search}`);
      return json(route, {
        items,
        unread_count: items.filter((n) => !n.read).length,
        page: { limit: 20, offset: 0, total: items.length, next_offset: null },
      });
    });
    await context.route(path(/^\/notifications\/[^/]+$/), (route) => {
      const request = route.request();
      if (request.url().endsWith("/read-all")) {
        calls.push(`POST read-all`);
        const updated = items.filter((n) => !n.read).length;
        items = items.map((n) => ({ ...n, read: true }));
        return json(route, { updated });
      }
      const id = Number(request.url().split("/").pop());
      calls.push(`PATCH ${id} ${request.postData()}`);
      items = items.map((n) => (n.id === id ? { ...n, read: true } : n));
      return json(
        route,
        items.find((n) => n.id === id),
      );
    });
    // One live message, then a long retry so the stub is not asked again during the test.
    // Like the server, the notification is stored before its event goes out.
    const live = notification(3, "Reminder: “Dentist” in 1 hour", false);
    await context.route(path("/events/stream"), (route) => {
      if (!items.some((n) => n.id === live.id)) items = [live, ...items];
      return route.fulfill({
        status: 200,
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
        body: `retry: 600000\n\nid: 7\nevent: notification.created\ndata: ${JSON.stringify({
          notification: live,
        })}\n\n`,
      });
    });
    let preferences = {
      "task.created": { in_app: true, email: false, push: false },
      "task.updated": { in_app: true, email: false, push: false },
      "task.completed": { in_app: true, email: false, push: false },
      "task.deleted": { in_app: false, email: false, push: false },
      "task.due.approaching": { in_app: true, email: true, push: false },
      "notification.send": { in_app: true, email: false, push: false },
    };
    await context.route(path("/notification-preferences"), (route) => {
      const request = route.request();
      if (request.method() === "PUT") {
        calls.push(`PUT preferences ${request.postData()}`);
        preferences = (request.postDataJSON() as { preferences: typeof preferences }).preferences;
      }
      return json(route, { preferences });
    });
    const webhooks: unknown[] = [];
    await context.route(path("/webhooks"), (route) => {
      const request = route.request();
      if (request.method() === "POST") {
        const body = request.postDataJSON() as { url: string; event_types: string[] };
        calls.push(`POST webhooks ${request.postData()}`);
        if (!body.url.startsWith("https://")) {
          return json(
            route,
            {
              type: "about:blank#validation_failed",
              title: "Bad Request",
              status: 400,
              code: "validation_failed",
              detail: "invalid body",
              errors: [{ field: "url", message: "must be a public https URL" }],
            },
            400,
          );
        }
        const created = {
          id: 1,
          description: null,
          created_at: now,
          ...body,
          secret: "whsec_c2VjcmV0LXNob3duLW9uY2U=",
        };
        const { secret: _secret, ...listed } = created;
        webhooks.push(listed);
        return json(route, created, 201);
      }
      return json(route, { items: webhooks });
    });
    await context.route("**/api/notifications/vapid-public-key", (route) =>
      json(route, { public_key: null }),
    );
    // A server with e-mail (SMTP_URL) but no web push (no VAPID keys).
    await context.route("**/api/notifications/channels", (route) =>
      json(route, { in_app: true, email: true, push: false, webhook: true }),
    );
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
  });

  test("the bell counts, lists, takes a live notification, marks one and then all read", async () => {
    await page.goto("/dashboard/?view=all");
    const bell = page.getByRole("button", { name: /^Notifications/ });
    // 1 unread from the list, plus the one the stream delivered.
    await page.waitForFunction(
      () => document.querySelector("[data-testid='unread-count']")?.textContent === "2",
    );
    assert.equal(await bell.getAttribute("aria-label"), "Notifications, 2 unread");
    await page
      .getByRole("status")
      .filter({ hasText: "New notification: Reminder: “Dentist” in 1 hour" })
      .waitFor();

    await bell.click();
    const panel = page.getByRole("region", { name: "Notifications" });
    await panel.waitFor();
    assert.equal(await panel.locator("li").count(), 3);
    assert.equal(
      await panel.locator("li").first().locator(".notification-title").textContent(),
      "Unread: Reminder: “Dentist” in 1 hour",
    );

    await panel.getByRole("button", { name: "Mark read: “Finished “Taxes””" }).click();
    await page.waitForFunction(
      () => document.querySelector("[data-testid='unread-count']")?.textContent === "1",
    );
    // Shown at once (optimistic); announced once the API has answered.
    await page.getByRole("status").filter({ hasText: "Marked as read" }).waitFor();
    assert.ok(calls.includes('PATCH 1 {"read":true}'));

    await panel.getByRole("button", { name: "Mark all read" }).click();
    await page.getByTestId("unread-count").waitFor({ state: "detached" });
    assert.equal(await bell.getAttribute("aria-label"), "Notifications");
    await page.getByRole("status").filter({ hasText: "All notifications marked as read" }).waitFor();
    assert.ok(calls.includes("POST read-all"));
    assert.ok(calls.some((c) => c.startsWith("GET ?limit=20&offset=0")));

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("aria-controls")),
      "notification-panel",
    );
  });

  test("settings: preferences are saved, a webhook's secret is shown once, push says it is disabled", async () => {
    await page.goto("/settings/");
    await page.getByText("Web push is disabled on this server (no VAPID key is configured).").waitFor();

    const emailOnCompleted = page.getByRole("checkbox", { name: "Task completed: Email" });
    assert.equal(await emailOnCompleted.isChecked(), false);
    await emailOnCompleted.check();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Saved.").waitFor();
    const put = calls.find((c) => c.startsWith("PUT preferences "))!;
    const sent = JSON.parse(put.slice("PUT preferences ".length)) as {
      preferences: Record<string, { email: boolean }>;
    };
    assert.equal(sent.preferences["task.completed"]!.email, true);

    // A server-side field error lands under the field it names.
    await page.getByLabel("URL").fill("http://hooks.example.com/todo");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.locator("#webhook-url-error").waitFor();
    assert.equal(await page.locator("#webhook-url-error").textContent(), "must be a public https URL");

    await page.getByLabel("URL").fill("https://hooks.example.com/todo");
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = page.getByTestId("webhook-secret");
    await secret.waitFor();
    assert.equal(await secret.textContent(), "whsec_c2VjcmV0LXNob3duLW9uY2U=");
    await page.getByRole("button", { name: "Copy secret" }).waitFor();
    await page
      .getByRole("list", { name: "Your webhooks" })
      .getByText("https://hooks.example.com/todo")
      .waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    await secret.waitFor({ state: "detached" });

    // The list answer has no secret: after a reload it is gone for good.
    await page.reload();
    await page
      .getByRole("list", { name: "Your webhooks" })
      .getByText("https://hooks.example.com/todo")
      .waitFor();
    assert.equal(await page.getByTestId("webhook-secret").count(), 0);
  });
});
