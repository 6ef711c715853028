import type { BuildResult, LogLevel, Metafile } from "esbuild";

export declare const runtimeExternals: string[];
export declare const embeddedOnlyExternals: string[];
export declare function bundleService(options: {
  entryPoints: Record<string, string>;
  outdir: string;
  outExtension?: string;
  logLevel?: LogLevel;
}): Promise<BuildResult<{ metafile: true }>>;
export declare function copyRuntimeDependencies(metafile: Metafile, outdir: string, root: string): string[];
export declare const compileCacheDir: string;
export declare function writeCompileCache(outdir: string, entry: string, node?: string): number;
