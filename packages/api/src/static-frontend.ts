import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";

/** Whether `dir` holds a built static export of the frontend. */
export function hasFrontend(dir: string | undefined): dir is string {
  return dir !== undefined && existsSync(join(dir, "index.html"));
}

/**
 * Serves the frontend's static export at / beside the API (same origin, so the session cookie
 * needs no CORS). @fastify/static (with @fastify/send, glob and mime: ~25 ms of a start's CPU) is
 * loaded only here: a service that serves no frontend (the distributed backend) never loads it.
 */
export async function serveFrontend(app: FastifyInstance, dir: string): Promise<void> {
  const { default: fastifyStatic } = await import("@fastify/static");
  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/",
    redirect: true,
    wildcard: true,
    cacheControl: false,
    setHeaders,
  });
}

/** The export's 404 page, for browser paths that match nothing. */
export function frontendNotFoundPage(dir: string): () => Promise<Buffer | null> {
  const page = join(dir, "404.html");
  return async () => (existsSync(page) ? readFile(page) : null);
}

// Hashed assets never change; pages must be revalidated so a new build shows up at once.
function setHeaders(response: { setHeader(name: string, value: string): void }, path: string): void {
  response.setHeader(
    "cache-control",
    path.includes("/_next/static/") ? "public, max-age=31536000, immutable" : "no-cache",
  );
}

/** Whether a request is for the web app (a page or an asset) rather than the API, docs or probes. */
export function isFrontendRequest(url: string): boolean {
  return !/^\/(api|docs|healthz|readyz|metrics|mcp)(\/|\?|$)/.test(url);
}
