import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// OAuth 2.1 for the MCP server (Better Auth's oauth-provider, cimd and jwt plugins): registered
// and discovered clients, protected resources (RFC 8707) and which clients may ask for them,
// access and refresh tokens, consents, used client-assertion ids, and the JWKS that signs access
// tokens. Columns are the plugins' fields in snake_case (the backend maps them); the statements
// are what Better Auth's own migration generator produces for that mapping.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table "jwks" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "public_key" text not null, "private_key" text not null, "created_at" timestamptz not null, "expires_at" timestamptz, "alg" text, "crv" text);
    create table "oauth_clients" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "client_id" text not null unique, "client_secret" text, "client_discovery_id" text, "disabled" boolean, "skip_consent" boolean, "enable_end_session" boolean, "subject_type" text, "scopes" jsonb, "client_credentials_scopes" jsonb, "user_id" uuid references "users" ("id") on delete cascade, "created_at" timestamptz, "updated_at" timestamptz, "name" text, "uri" text, "icon" text, "contacts" jsonb, "tos" text, "policy" text, "software_id" text, "software_version" text, "software_statement" text, "redirect_uris" jsonb not null, "post_logout_redirect_uris" jsonb, "backchannel_logout_uri" text, "backchannel_logout_session_required" boolean, "token_endpoint_auth_method" text, "application_type" text, "jwks" text, "jwks_uri" text, "grant_types" jsonb, "response_types" jsonb, "require_pkce" boolean, "dpop_bound_access_tokens" boolean, "reference_id" text, "metadata" jsonb);
    create table "oauth_resources" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "identifier" text not null unique, "name" text not null, "access_token_ttl" integer, "refresh_token_ttl" integer, "signing_algorithm" text, "signing_key_id" text, "allowed_scopes" jsonb, "custom_claims" jsonb, "dpop_bound_access_tokens_required" boolean, "disabled" boolean, "created_at" timestamptz, "updated_at" timestamptz, "policy_version" integer, "metadata" jsonb);
    create table "oauth_client_resources" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "client_id" text not null references "oauth_clients" ("client_id") on delete cascade, "resource_id" text not null references "oauth_resources" ("identifier") on delete cascade, "metadata" jsonb, "created_at" timestamptz);
    create table "oauth_refresh_tokens" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "token" text not null unique, "client_id" text not null references "oauth_clients" ("client_id") on delete cascade, "session_id" uuid references "sessions" ("id") on delete set null, "user_id" uuid not null references "users" ("id") on delete cascade, "reference_id" text, "authorization_code_id" text, "resources" jsonb, "requested_user_info_claims" jsonb, "expires_at" timestamptz not null, "created_at" timestamptz not null, "revoked" timestamptz, "rotated_at" timestamptz, "rotation_replay_response" text, "rotation_replay_expires_at" timestamptz, "auth_time" timestamptz, "confirmation" jsonb, "scopes" jsonb not null);
    create table "oauth_access_tokens" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "token" text not null unique, "client_id" text not null references "oauth_clients" ("client_id") on delete cascade, "session_id" uuid references "sessions" ("id") on delete set null, "user_id" uuid references "users" ("id") on delete cascade, "reference_id" text, "authorization_code_id" text, "resources" jsonb, "requested_user_info_claims" jsonb, "refresh_id" uuid references "oauth_refresh_tokens" ("id") on delete cascade, "expires_at" timestamptz not null, "created_at" timestamptz not null, "revoked" timestamptz, "confirmation" jsonb, "scopes" jsonb not null);
    create table "oauth_consents" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "client_id" text not null references "oauth_clients" ("client_id") on delete cascade, "user_id" uuid references "users" ("id") on delete cascade, "reference_id" text, "resources" jsonb, "requested_user_info_claims" jsonb, "scopes" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);
    create table "oauth_client_assertions" ("id" uuid default pg_catalog.gen_random_uuid() not null primary key, "expires_at" timestamptz not null);
    create index "oauth_clients_user_id_idx" on "oauth_clients" ("user_id");
    create index "oauth_client_resources_client_id_idx" on "oauth_client_resources" ("client_id");
    create index "oauth_client_resources_resource_id_idx" on "oauth_client_resources" ("resource_id");
    create index "oauth_refresh_tokens_client_id_idx" on "oauth_refresh_tokens" ("client_id");
    create index "oauth_refresh_tokens_session_id_idx" on "oauth_refresh_tokens" ("session_id");
    create index "oauth_refresh_tokens_user_id_idx" on "oauth_refresh_tokens" ("user_id");
    create index "oauth_refresh_tokens_authorization_code_id_idx" on "oauth_refresh_tokens" ("authorization_code_id");
    create index "oauth_access_tokens_client_id_idx" on "oauth_access_tokens" ("client_id");
    create index "oauth_access_tokens_session_id_idx" on "oauth_access_tokens" ("session_id");
    create index "oauth_access_tokens_user_id_idx" on "oauth_access_tokens" ("user_id");
    create index "oauth_access_tokens_authorization_code_id_idx" on "oauth_access_tokens" ("authorization_code_id");
    create index "oauth_access_tokens_refresh_id_idx" on "oauth_access_tokens" ("refresh_id");
    create index "oauth_consents_client_id_idx" on "oauth_consents" ("client_id");
    create index "oauth_consents_user_id_idx" on "oauth_consents" ("user_id");
    create unique index "oauth_client_resources_client_id_resource_id_uidx" on "oauth_client_resources" ("client_id", "resource_id");
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    DROP TABLE oauth_client_assertions;
    DROP TABLE oauth_consents;
    DROP TABLE oauth_access_tokens;
    DROP TABLE oauth_refresh_tokens;
    DROP TABLE oauth_client_resources;
    DROP TABLE oauth_resources;
    DROP TABLE oauth_clients;
    DROP TABLE jwks;
  `,
  );
}
