import { createHash } from "node:crypto";
import type { FieldError } from "@todo/contracts";
import type { Database } from "@todo/db";
import { type Kysely, sql } from "kysely";

let commonPasswords: Promise<Set<string>> | undefined;
/**
 * zxcvbn-ts's list of ~49,000 passwords seen most often in breaches, lower-cased: loaded with the
 * first new password, not at start-up (its module and the set: ~10 ms of CPU and a few MB).
 */
async function isCommonPassword(candidate: string): Promise<boolean> {
  commonPasswords ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) => new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase())),
  );
  return (await commonPasswords).has(candidate);
}

/** Better Auth endpoints and the body field through which each sets a new password. */
const NEW_PASSWORD_FIELD: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
  "/set-password": "newPassword",
};
const PASSWORD_FIELDS = ["password", "newPassword", "currentPassword"];
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface CheckedAuthBody {
  /** The body to forward (names normalised, defaults filled in). */
  body: Record<string, unknown>;
  errors: FieldError[];
}

/**
 * Our own rules on what a client sends to Better Auth, applied before it sees the body:
 * - No password field (`password`, `newPassword`, `currentPassword`) may hold NUL or another
 *   control character: bcrypt and scrypt implementations stop or differ at NUL, so `"abc\0\0"`
 *   was accepted as `"abc"` (OWASP ASVS 2.1.4 allows any printable Unicode, nothing else).
 * - A new password (sign-up, change, reset, set) must not be one of the common passwords
 *   (ASVS 2.1.7; the list is zxcvbn-ts's `passwords-common`, compared case-insensitively).
 * - `name` and `image` are not checked here: sign-up and update-user have typed routes whose body
 *   schemas (SignUpBody, UpdateUserBody: PersonName and ProfileImage from @todo/contracts) check
 *   and normalise them before this runs.
 * - A password change revokes the other sessions unless the client asks otherwise (ASVS 3.3.3).
 * - Account deletion needs the current password in its body (re-authentication, ASVS 3.7.1).
 * `path` is the endpoint below /api/auth. Errors name the field.
 */
export async function checkAuthBody(path: string, input: unknown): Promise<CheckedAuthBody> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { body: {}, errors: [] };
  const body: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const errors: FieldError[] = [];
  for (const field of PASSWORD_FIELDS) {
    const value = body[field];
    if (typeof value === "string" && CONTROL.test(value)) {
      errors.push({ field, message: "must not contain NUL or other control characters" });
    }
  }
  const newPassword = NEW_PASSWORD_FIELD[path];
  const candidate = newPassword ? body[newPassword] : undefined;
  if (typeof candidate === "string" && (await isCommonPassword(candidate.trim().toLowerCase()))) {
    errors.push({ field: newPassword!, message: "is one of the most common passwords; choose another" });
  }
  if (path === "/change-password" && body.revokeOtherSessions === undefined) body.revokeOtherSessions = true;
  // Deleting the account re-authenticates with the password, however fresh the session (ASVS 2.2.x / 3.7.1).
  if (path === "/delete-user" && (typeof body.password !== "string" || body.password.length === 0)) {
    errors.push({ field: "password", message: "your current password is required to delete the account" });
  }
  return { body, errors };
}

export interface ThrottleWindow {
  seconds: number;
  max: number;
}

/**
 * Sign-in attempts per account, on top of Better Auth's per-address limit: guesses at one account
 * spread over many addresses are limited too. Counted per e-mail address whether or not an account
 * has it, so the answer (429 with Retry-After) says nothing about which exist. Each window's count
 * lives in the `rate_limits` table under a hash of the address, so it holds across replicas, and
 * restarts once no attempt came for that window. The default windows are the per-minute limit and
 * 100 an hour (OWASP ASVS 2.2.1: no more than 100 failed attempts per hour on one account).
 */
export class AccountThrottle {
  private readonly windows: ThrottleWindow[];

  constructor(
    private readonly db: Kysely<Database>,
    perMinuteOrWindows: number | ThrottleWindow[],
  ) {
    this.windows =
      typeof perMinuteOrWindows === "number"
        ? [
            { seconds: 60, max: perMinuteOrWindows },
            { seconds: 3600, max: 100 },
          ]
        : perMinuteOrWindows;
  }

  /** Counts an attempt in every window; answers the seconds to wait when over a limit, else 0. */
  async hit(email: string): Promise<number> {
    const account = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
    const now = Date.now();
    let wait = 0;
    for (const { seconds, max } of this.windows) {
      const key = `account:/sign-in/email:${seconds}:${account}`;
      const { rows } = await sql<{ count: number }>`
        INSERT INTO rate_limits (key, count, last_request) VALUES (${key}, 1, ${now})
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limits.last_request < ${now - seconds * 1000} THEN 1 ELSE rate_limits.count + 1 END,
          last_request = ${now}
        RETURNING count`.execute(this.db);
      if (rows[0]!.count > max) wait = Math.max(wait, seconds);
    }
    return wait;
  }
}
