// Bundles a service's distributed main (and any other entry) into one ES module with esbuild: our
// workspaces and their npm dependencies together, so that a start reads one file instead of
// resolving and compiling some 1,500 modules in node_modules (kysely alone is 265 files, Better
// Auth 300). The Dockerfiles build dist/ with it, and bench/services.ts measures what it builds.
//   node scripts/bundle.mjs <outdir> <name>=<entry.ts> [<name>=<entry.ts> ...]
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Left as runtime imports of node_modules: packages that read files next to themselves (PGlite's
 * WASM and data, swagger-ui's static assets, pino's worker files for transports), and pg's
 * optional native binding, which is not installed.
 */
export const runtimeExternals = [
  "@electric-sql/pglite",
  "kysely-pglite-dialect",
  "@fastify/swagger-ui",
  "pino",
  "pg-native",
];

/**
 * @param {{ entryPoints: Record<string, string>, outdir: string, outExtension?: string, logLevel?: import("esbuild").LogLevel }} options
 */
export async function bundleService({ entryPoints, outdir, outExtension = ".js", logLevel = "warning" }) {
  await build({
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
    logLevel,
    external: runtimeExternals,
    // CommonJS dependencies call require() for node's built-ins and for the externals above.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outdir, ...entries] = process.argv.slice(2);
  if (!outdir || entries.length === 0) {
    console.error("usage: node scripts/bundle.mjs <outdir> <name>=<entry.ts> ...");
    process.exit(2);
  }
  const entryPoints = Object.fromEntries(entries.map((e) => e.split("=")));
  await bundleService({ entryPoints, outdir, logLevel: "info" });
}
