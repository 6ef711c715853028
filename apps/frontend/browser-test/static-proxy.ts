// Until the backend serves the export itself, this serves apps/frontend/out and passes /api, /healthz
// and /readyz through to the backend, so the browser still sees one origin. browser-test.sh starts it
// only when `npm start` does not answer /login/ with the page.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, request } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const backend = new URL(process.env.BACKEND_URL ?? "http://127.0.0.1:3100");
const port = Number(process.env.PROXY_PORT ?? 3200);
const root = fileURLToPath(new URL("../out/", import.meta.url));
const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (/^\/(api|healthz|readyz|metrics|docs)(\/|$)/.test(url.pathname)) {
    // Better Auth checks Origin against its own public URL, which is the backend's.
    const headers = { ...req.headers, host: backend.host };
    if (headers.origin) headers.origin = backend.origin;
    const upstream = request(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
    res.on("close", () => upstream.destroy());
    return;
  }
  let path = normalize(decodeURIComponent(url.pathname));
  if (path.includes("..")) return void res.writeHead(400).end();
  let file = join(root, path);
  if (existsSync(file) && statSync(file).isDirectory()) {
    if (!path.endsWith("/")) return void res.writeHead(308, { location: `${path}/${url.search}` }).end();
    file = join(file, "index.html");
  }
  let status = 200;
  if (!existsSync(file)) {
    status = 404;
    path = "/404.html";
    file = join(root, "404.html");
  }
  res.writeHead(status, {
    "content-type": types[extname(file)] ?? "application/octet-stream",
    "cache-control": path.startsWith("/_next/static/") ? "public, max-age=31536000, immutable" : "no-cache",
  });
  createReadStream(file).pipe(res);
});

server.listen(port, "127.0.0.1", () =>
  console.log(`static proxy on http://127.0.0.1:${port} → ${backend.origin}`),
);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
