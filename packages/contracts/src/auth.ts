import { z } from "zod";
import { TimeZone } from "./common.ts";

// The shapes of Better Auth's email endpoints that our clients rely on.
export const SignUpBody = z.object({
  email: z.email(),
  password: z.string().min(8).max(128),
  name: z.string().trim().min(1).max(100),
  /** IANA time zone for the texts the user reads; the browser sends its own. */
  timezone: TimeZone.optional(),
});
export type SignUpBody = z.infer<typeof SignUpBody>;
export const SignInBody = z.object({ email: z.email(), password: z.string().min(1) });
export type SignInBody = z.infer<typeof SignInBody>;
export const AuthResult = z.object({
  token: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), timezone: z.string().nullish() }),
});
export type AuthResult = z.infer<typeof AuthResult>;
