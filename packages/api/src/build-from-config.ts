import { loadOrExit } from "@todo/server";
import { type Backend, type BackendDeps, buildBackend } from "./app.ts";
import type { BackendConfig } from "./config.ts";
import { verificationMailer } from "./verification-mail.ts";

/**
 * `buildBackend` as a composition root calls it: URLs, origins, limits and proxy trust from the
 * environment's `BackendConfig`, verification mail over `email` (the notification settings' SMTP;
 * required, and the process ends with a ConfigError's message, when AUTH_REQUIRE_EMAIL_VERIFICATION
 * is on without it), and the parts only the root has from `deps`.
 */
export function buildBackendFromConfig(
  config: BackendConfig,
  email: Parameters<typeof verificationMailer>[1],
  deps: Pick<
    BackendDeps,
    "database" | "feed" | "registry" | "logger" | "authSecret" | "plugins" | "frontendDir"
  >,
): Promise<Backend> {
  const sendVerificationMail = loadOrExit(() => verificationMailer(config.requireEmailVerification, email));
  return buildBackend({
    ...deps,
    publicUrl: config.publicUrl,
    trustedOrigins: config.trustedOrigins,
    signInLimitPerMinute: config.signInLimitPerMinute,
    ...(sendVerificationMail ? { sendVerificationMail } : {}),
    trustProxy: config.trustProxy,
    maxActiveTemplates: config.maxActiveTemplates,
  });
}
