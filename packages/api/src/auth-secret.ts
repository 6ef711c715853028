import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The embedded mode needs no set-up, so it makes a signing secret on first start and keeps it
 * beside the data (sessions survive restarts). Deployments pass BETTER_AUTH_SECRET instead.
 */
export async function loadOrCreateAuthSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, "auth-secret");
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(path, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}
