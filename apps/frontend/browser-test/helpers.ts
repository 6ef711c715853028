// Shared by the browser journeys: Debian's Chromium through playwright-core, users made through the
// API, screenshots, and the axe-core scan.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Where the browser goes (the product's origin). */
export const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:3100";
/** Where Node's own calls go (the backend; the same origin once it serves the frontend). */
export const API_URL = process.env.API_URL ?? BASE_URL;

/** Screenshots go to an output folder git ignores; `npm run screenshots:update` copies them to docs/. */
export const SCREENSHOTS = `${process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL("../../../test-output/screenshots", import.meta.url))}/`;
mkdirSync(SCREENSHOTS, { recursive: true });

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// Without these Chromium keeps dialing services it cannot reach (there is no network here).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh browser: playwright-core gives every launch its own temporary user-data-dir. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  token: string;
  /** The session cookie, as the browser would hold it. */
  cookie: { name: string; value: string };
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Signs up through the API, as another device would. */
export async function signUpViaApi(name = "Grace Hopper"): Promise<TestUser> {
  const email = uniqueEmail("api");
  const password = "correct horse battery";
  const response = await fetch(`${API_URL}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string; user: { id: string } };
  const setCookie = response.headers.getSetCookie().find((c) => c.includes("session_token="));
  if (!setCookie) throw new Error("sign-up set no session cookie");
  const [pair] = setCookie.split(";");
  const eq = pair!.indexOf("=");
  return {
    id: body.user.id,
    email,
    name,
    password,
    token: body.token,
    cookie: { name: pair!.slice(0, eq), value: pair!.slice(eq + 1) },
  };
}

/** Calls the API from Node with the user's bearer token: "another tab" or another device. */
export async function apiCall<T>(user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${API_URL}/api/${user.id}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** A browser context already signed in as the user; `timezoneId` is the browser's zone (IANA). */
export async function signedInContext(
  browser: Browser,
  user: TestUser,
  { viewport = { width: 1280, height: 900 }, timezoneId = "UTC" } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, baseURL: BASE_URL, locale: "en-US", timezoneId });
  await context.addCookies([{ ...user.cookie, url: BASE_URL, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

/** A new browser with one page signed in as a new user (made through the API, no time-zone preference). */
export async function signedInPage(
  name: string,
  options: Parameters<typeof signedInContext>[2] = {},
): Promise<{ browser: Browser; page: Page; user: TestUser }> {
  const user = await signUpViaApi(name);
  const browser = await launchBrowser();
  const page = await (await signedInContext(browser, user, options)).newPage();
  page.setDefaultTimeout(20_000);
  return { browser, page, user };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}`, fullPage: false, animations: "disabled" });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as AxeViolation[];
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`,
    )
    .join("\n");
}

/** Does the backend answer this path (anything but a 404 from the router)? */
export async function endpointExists(user: TestUser, path: string): Promise<boolean> {
  const response = await fetch(`${API_URL}/api/${user.id}${path}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  await response.body?.cancel();
  return response.status !== 404;
}

/** A seeded clock for journeys in Pacific/Auckland: 09:00 on Tuesday 15 Jan 2030 (NZDT, +13:00). */
export const AUCKLAND_TUESDAY_9AM = new Date("2030-01-14T20:00:00Z");

/** Fails with axe-core's own account when the page has a serious or critical violation. */
export async function assertAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  if (violations.length > 0) throw new Error(`axe-core: ${describeViolations(violations)}`);
}
