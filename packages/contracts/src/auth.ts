import { z } from "zod";
import { TimeZone } from "./common.ts";
import { nameText } from "./text.ts";

// The shapes of Better Auth's email endpoints that our clients rely on.
/** A person's display name: the text policy's name rule (NFC, no control characters, not blank), 1–100 characters. */
export const PersonName = nameText(100);

/** A profile picture: an http(s) URL of at most 2048 characters, or null for none. */
export const ProfileImage = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2048, "at most 2048 characters")
  .nullable();

/** A password as a client may send it: 8–128 characters, none of them a control character (NUL included). */
export const Password = z
  .string()
  .min(8)
  .max(128)
  .refine((value) => !/\p{Cc}/u.test(value), "must not contain NUL or other control characters");

export const SignUpBody = z.object({
  email: z.email(),
  password: Password,
  name: PersonName,
  /** IANA time zone for the texts the user reads; the browser sends its own. */
  timezone: TimeZone.optional(),
});
export type SignUpBody = z.infer<typeof SignUpBody>;
/** POST /api/auth/change-password; the other sessions are revoked unless revokeOtherSessions is false. */
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1, "enter your current password"),
  newPassword: Password,
  revokeOtherSessions: z.boolean().optional(),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;
export const SignInBody = z.object({ email: z.email(), password: z.string().min(1) });
export type SignInBody = z.infer<typeof SignInBody>;
/** Better Auth's update-user endpoint: the account's name (and picture URL) under the text policy. */
export const UpdateUserBody = z.looseObject({
  name: PersonName.optional(),
  image: ProfileImage.optional(),
  timezone: TimeZone.optional(),
});
export const AuthResult = z.object({
  /** The bearer token; null after sign-up when the e-mail address must be verified first. */
  token: z.string().nullable(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), timezone: z.string().nullish() }),
});
export type AuthResult = z.infer<typeof AuthResult>;
