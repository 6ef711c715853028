// Bundles a service's distributed main (and any other entry) into one ES module with esbuild: our
// workspaces and their npm dependencies together, so that a start reads one file instead of
// resolving and compiling some 1,500 modules in node_modules (kysely alone is 265 files, Better
// Auth 300). The Dockerfiles build dist/ with it, and bench/services.ts measures what it builds.
//   node scripts/bundle.mjs [--runtime-deps] [--compile-cache] <outdir> <name>=<entry.ts> [<name>=<entry.ts> ...]
// --runtime-deps also copies into <outdir>/node_modules the packages the bundle still imports at
// run time and everything they depend on, so an image needs dist/ and nothing else.
// --compile-cache then writes V8's code cache of <outdir>/main.js into <outdir>/.compile-cache
// (writeCompileCache below), which the images point NODE_COMPILE_CACHE at.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Left as runtime imports of node_modules: packages that read files next to themselves (PGlite's
 * WASM and data, swagger-ui's static assets), and pg's optional native binding, which is not
 * installed. pino is bundled: only its transports read files next to it (worker threads), and the
 * services log to stdout (or through pino-pretty as a stream) without one. From node_modules it
 * was loaded by the first createServer, after the compile cache's run had stopped, so compiled
 * from source at every start (~15-20 ms of CPU in a --cpu-prof, ~10 ms in alternating starts).
 */
export const runtimeExternals = [
  "@electric-sql/pglite",
  "kysely-pglite-dialect",
  "@fastify/swagger-ui",
  "pg-native",
];

/**
 * Externals that only the embedded mode loads (`npm start`, PGlite in a folder): the services'
 * images run on a PostgreSQL server and leave them out (26 MB). packages/db says so if they are
 * missing.
 */
export const embeddedOnlyExternals = ["@electric-sql/pglite", "kysely-pglite-dialect"];

/**
 * Node's built-in modules, where the bundled code imports them with `import` statements, are
 * loaded with require() instead. An ES import of a built-in makes node build its ES module facade,
 * which reads every export once, getters included: on Node 24 `node:http`'s WebSocket,
 * CloseEvent and MessageEvent getters then load node's own copy of undici (~30 ms of the
 * backend's start-up CPU in a --cpu-prof, for a WebSocket nothing uses). Through require() each
 * export is read where the code uses it, as CommonJS dependencies already do.
 * @type {import("esbuild").Plugin}
 */
const builtinsThroughRequire = {
  name: "builtins-through-require",
  setup(build) {
    build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) =>
      args.kind === "import-statement" && isBuiltin(args.path)
        ? { path: args.path, namespace: "builtin-require" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "builtin-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/**
 * Built-in modules that a bundled package requires when it loads but uses only on a path the
 * services never take, each loaded on its first use instead: a stand-in whose properties load
 * the module when read. Fastify's lib/server.js requires node:http2 for `http2: true` servers
 * (~2-4 ms of CPU at every start, the http2 module and its internals, for nothing).
 * @type {{ builtin: string, importer: RegExp }[]}
 */
export const lazyBuiltins = [
  { builtin: "node:http2", importer: /[\\/]node_modules[\\/]fastify[\\/]lib[\\/]server\.js$/ },
];

/** @type {import("esbuild").Plugin} */
const builtinsOnFirstUse = {
  name: "builtins-on-first-use",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "require-call" &&
      lazyBuiltins.some(({ builtin, importer }) => builtin === args.path && importer.test(args.importer))
        ? { path: args.path, namespace: "builtin-on-first-use" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "builtin-on-first-use" }, (args) => ({
      contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true }),
});`,
      loader: "js",
    }));
  },
};

/**
 * @param {{ entryPoints: Record<string, string>, outdir: string, outExtension?: string, logLevel?: import("esbuild").LogLevel }} options
 */
export async function bundleService({ entryPoints, outdir, outExtension = ".js", logLevel = "warning" }) {
  return build({
    entryPoints,
    outdir,
    outExtension: { ".js": outExtension },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Written beside the bundle, not used at run time (see the Dockerfiles): node's
    // --enable-source-maps would parse the whole map at start, ~100 MB more RSS with the
    // dependencies in the bundle. Stack traces are decoded from dist/*.map when needed.
    sourcemap: true,
    sourcesContent: false,
    // Whitespace and syntax only (names stay, for stack traces and logs): V8 parses the whole
    // file at start and keeps its text, so a third less text is less to parse and to hold
    // (backend: 8.4 -> 5.6 MB; ~30 ms of CPU and ~8 MB of RSS at start on Node 24).
    minifyWhitespace: true,
    minifySyntax: true,
    // Licence comments in dist/<entry>.js.LEGAL.txt, not at the end of the bundle: one non-ASCII
    // letter in them (undici's "Wärting") made node hold the whole source as UTF-16, twice its
    // size (11 MB instead of 5.6 in a heap snapshot of the backend). The code itself is ASCII
    // (esbuild escapes the rest); apps/backend/test/bundle.test.ts checks the whole file.
    legalComments: "linked",
    logLevel,
    external: runtimeExternals,
    plugins: [builtinsOnFirstUse, builtinsThroughRequire],
    metafile: true,
    // CommonJS dependencies call require() for node's built-ins and for the externals above.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
    },
  });
}

/**
 * Copies into `<outdir>/node_modules` the packages that the bundle imports at run time (the
 * externals it actually references, less {@link embeddedOnlyExternals} and node's built-ins) with
 * the closure of their `dependencies`, `optionalDependencies` and required `peerDependencies`, each
 * found by node's lookup (the nearest `node_modules` up from the package that needs it) and placed
 * at the same path below `node_modules`, without type declarations, source maps and Markdown. An optional package that is not installed (pg-native) is
 * skipped; two versions that would land on one path are an error.
 * @param {import("esbuild").Metafile} metafile esbuild's metafile of the bundle
 * @param {string} outdir the bundle's folder
 * @param {string} root the folder whose node_modules holds the installed packages
 * @returns {string[]} the copied packages' paths below node_modules, sorted
 */
export function copyRuntimeDependencies(metafile, outdir, root) {
  const wanted = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      // A node: specifier is never a package, even one this Node lacks (undici's lazy node:sqlite on Node 20).
      if (!external || isBuiltin(path) || path.startsWith("node:")) continue;
      const name = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0];
      if (!embeddedOnlyExternals.includes(name)) wanted.add(name);
    }
  }
  /** @type {Map<string, string>} path below node_modules -> source folder */
  const placed = new Map();
  const visit = (name, from, optional) => {
    const dir = lookup(name, from, root);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} (needed from ${relative(root, from) || "the bundle"}) is not installed`);
    }
    const rel = dir.slice(dir.lastIndexOf(`${sep}node_modules${sep}`) + 14);
    const seen = placed.get(rel);
    if (seen === dir) return;
    if (seen) throw new Error(`two copies of ${rel}: ${relative(root, seen)} and ${relative(root, dir)}`);
    placed.set(rel, dir);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
      visit(dep, dir, manifest.peerDependenciesMeta?.[dep]?.optional === true);
    }
  };
  for (const name of wanted) visit(name, root, name === "pg-native");
  for (const [rel, dir] of placed) {
    cpSync(dir, join(outdir, "node_modules", rel), {
      recursive: true,
      dereference: true,
      // Nested node_modules are copied as packages of their own, when something needs them;
      // type declarations, source maps and Markdown are not read at run time.
      filter: (source) =>
        !relative(dir, source).split(sep).includes("node_modules") && !/\.(d\.[cm]?ts|map|md)$/.test(source),
    });
  }
  return [...placed.keys()].sort();
}

/** The folder below a bundle's outdir that holds V8's compile cache of its entries. */
export const compileCacheDir = ".compile-cache";

/**
 * Writes V8's code cache of a bundled service entry into `<outdir>/.compile-cache`, so that a
 * start reads compiled code instead of parsing and compiling the bundle (Node's module compile
 * cache, Node >= 22.1; backend on Node 24: ~60 ms less CPU by /readyz, ~6 MB less RSS). The entry
 * is run once with no configuration: the bundle is compiled and evaluated, the service stops at
 * its configuration check (exit code 1, naming DATABASE_URL), and Node writes the cache at exit.
 * The cache is portable (NODE_COMPILE_CACHE_PORTABLE=1): it is keyed by paths relative to its
 * folder, so it serves the bundle wherever dist/ is copied. The images set NODE_COMPILE_CACHE to
 * it; a read-only folder is only read, and a cache of another Node version or build is ignored.
 * NODE_OPTIONS is passed on, so the cache is made under the same V8 flags as it is used.
 * @param {string} outdir the bundle's folder
 * @param {string} entry the entry's file name in outdir (main.js)
 * @param {string} [node] the node binary: the one that will run the bundle
 * @returns {number} the cache's file count (0 on a Node without a compile cache)
 * @throws {Error} when the entry did not stop at its configuration check
 */
export function writeCompileCache(outdir, entry, node = process.execPath) {
  const cache = resolve(outdir, compileCacheDir);
  const { status, stderr } = spawnSync(node, [resolve(outdir, entry)], {
    cwd: outdir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
      NODE_COMPILE_CACHE: cache,
      NODE_COMPILE_CACHE_PORTABLE: "1",
    },
  });
  if (status !== 1 || !stderr.includes("DATABASE_URL"))
    throw new Error(`${entry} did not stop at its configuration check (exit ${status}): ${stderr}`);
  return existsSync(cache) ? readdirSync(cache, { recursive: true }).length : 0;
}

/** node's package lookup: `<from>/node_modules/<name>`, then each parent's, up to `root`. */
function lookup(name, from, root) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const withRuntimeDeps = args.includes("--runtime-deps");
  const withCompileCache = args.includes("--compile-cache");
  const [outdir, ...entries] = args.filter((a) => !a.startsWith("--"));
  if (!outdir || entries.length === 0) {
    console.error("usage: node scripts/bundle.mjs <outdir> <name>=<entry.ts> ...");
    process.exit(2);
  }
  const entryPoints = Object.fromEntries(entries.map((e) => e.split("=")));
  const { metafile } = await bundleService({ entryPoints, outdir, logLevel: "info" });
  if (withRuntimeDeps) {
    const copied = copyRuntimeDependencies(metafile, outdir, process.cwd());
    console.log(`runtime dependencies in ${join(outdir, "node_modules")}: ${copied.join(", ") || "none"}`);
  }
  if (withCompileCache) {
    const files = writeCompileCache(outdir, "main.js");
    console.log(`compile cache in ${join(outdir, compileCacheDir)}: ${files} entries`);
  }
}
