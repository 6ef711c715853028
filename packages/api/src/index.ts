export { type Backend, type BackendDeps, buildBackend } from "./app.ts";
export { loadOrCreateAuthSecret } from "./auth-secret.ts";
export { buildBackendFromConfig } from "./build-from-config.ts";
export { type BackendConfig, ConfigError, loadBackendConfig } from "./config.ts";
export type { LiveStreamOptions } from "./routes/event-stream.ts";
export { type SendVerificationMail, verificationMailer } from "./verification-mail.ts";
