import { ConfigError } from "@todo/server";
import { type SidecarAnswer, sidecarRequest } from "./sidecar-http.ts";

export interface SecretStoreSettings {
  /** The sidecar's HTTP port (DAPR_HTTP_PORT). */
  httpPort: number;
  host?: string;
  /** The secret store component's name (SECRET_STORE_NAME), e.g. "kubernetes" or "local-secret-store". */
  storeName: string;
  /** The secret holding the credentials (SECRETS_NAME); its keys are the variables' names. */
  secretName: string;
  /** How long to wait for the sidecar's components to be ready, in ms. */
  waitMs?: number;
}

export interface SecretKeys {
  /** Start-up stops with a message naming each of these the secret lacks. */
  required: readonly string[];
  /** Taken when the secret holds them (SMTP_URL: e-mail stays off without it). */
  optional?: readonly string[];
}

/** The settings that turn the secret store on: SECRET_STORE_NAME set (distributed mode). */
export function secretStoreSettings(env: NodeJS.ProcessEnv): SecretStoreSettings | null {
  const storeName = env.SECRET_STORE_NAME?.trim();
  if (!storeName) return null;
  const port = Number(env.DAPR_HTTP_PORT ?? 3500);
  const waitMs = Number(env.SECRET_STORE_WAIT_MS ?? 60_000);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError("invalid configuration:\n  DAPR_HTTP_PORT: must be a port number");
  if (!Number.isInteger(waitMs) || waitMs < 0)
    throw new ConfigError("invalid configuration:\n  SECRET_STORE_WAIT_MS: must be a whole number of ms");
  return { httpPort: port, storeName, secretName: env.SECRETS_NAME?.trim() || "todo-secrets", waitMs };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (up to `waitMs`) until the sidecar's components are loaded: GET /v1.0/healthz/outbound
 * answers 204 before the app is reachable, which is what a starting app needs (its sidecar waits
 * for it in turn). Throws a ConfigError naming the sidecar when the wait runs out.
 */
async function waitForSidecar(base: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let last = "no answer";
  for (;;) {
    try {
      const response = await sidecarRequest(`${base}/v1.0/healthz/outbound`, { timeoutMs: 2_000 });
      await response.discard();
      if (response.status === 204 || response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() >= deadline)
      throw new ConfigError(
        `secret store: the Dapr sidecar at ${base} was not ready within ${waitMs} ms (${last})`,
      );
    await sleep(250);
  }
}

/**
 * Reads the credentials through the Dapr secrets API (GET /v1.0/secrets/{store}/{secret}, which
 * answers the secret's keys as a JSON object) at start-up. Answers the variables found, by name;
 * a required key the secret lacks throws a ConfigError naming it. Values never appear in errors.
 * Source: https://docs.dapr.io/reference/api/secrets_api/
 */
export async function readDaprSecrets(
  settings: SecretStoreSettings,
  keys: SecretKeys,
): Promise<Record<string, string>> {
  const base = `http://${settings.host ?? "127.0.0.1"}:${settings.httpPort}`;
  await waitForSidecar(base, settings.waitMs ?? 60_000);
  const where = `secret store ${settings.storeName}, secret ${settings.secretName}`;
  const url = `${base}/v1.0/secrets/${encodeURIComponent(settings.storeName)}/${encodeURIComponent(settings.secretName)}`;
  let response: SidecarAnswer;
  try {
    response = await sidecarRequest(url, { timeoutMs: 10_000 });
  } catch (error) {
    throw new ConfigError(`${where}: the sidecar did not answer (${(error as Error).message})`);
  }
  if (response.status !== 200) {
    // Dapr's error body names the store and the failure (ERR_SECRET_STORE_NOT_FOUND, ERR_SECRET_GET), not values.
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    throw new ConfigError(`${where}: the sidecar answered ${response.status} ${detail}`.trim());
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ConfigError(`${where}: the sidecar's answer is not a JSON object`);
  const values = body as Record<string, unknown>;
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const key of keys.required) {
    const value = values[key];
    if (typeof value === "string" && value !== "") found[key] = value;
    else missing.push(key);
  }
  if (missing.length > 0)
    throw new ConfigError(
      `invalid configuration:\n${missing.map((k) => `  ${k}: missing from ${where}`).join("\n")}`,
    );
  for (const key of keys.optional ?? []) {
    const value = values[key];
    if (typeof value === "string" && value !== "") found[key] = value;
  }
  return found;
}

/**
 * The environment a service's configuration is read from. Distributed mode (SECRET_STORE_NAME
 * set): the credentials the secret holds replace variables of the same name (a required one must
 * be there); an optional key the secret lacks keeps its variable. Otherwise (embedded mode,
 * tests): `env` as it is.
 */
export async function environmentWithSecrets(
  env: NodeJS.ProcessEnv,
  keys: SecretKeys,
): Promise<NodeJS.ProcessEnv> {
  const settings = secretStoreSettings(env);
  if (!settings) return env;
  return { ...env, ...(await readDaprSecrets(settings, keys)) };
}

/** For a service's main: environmentWithSecrets, or the problem printed and exit 1 (no stack trace). */
export async function environmentOrExit(
  env: NodeJS.ProcessEnv,
  keys: SecretKeys,
): Promise<NodeJS.ProcessEnv> {
  try {
    return await environmentWithSecrets(env, keys);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
