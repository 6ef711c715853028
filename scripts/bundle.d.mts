import type { LogLevel } from "esbuild";

export declare const runtimeExternals: string[];
export declare function bundleService(options: {
  entryPoints: Record<string, string>;
  outdir: string;
  outExtension?: string;
  logLevel?: LogLevel;
}): Promise<void>;
