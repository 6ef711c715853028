import { z } from "zod";
import { nameText } from "./text.ts";

// The shapes of Better Auth's email endpoints that our clients rely on.
export const SignUpBody = z.object({
  email: z.email(),
  password: z.string().min(8, "at least 8 characters").max(128),
  name: nameText(100),
});
export type SignUpBody = z.infer<typeof SignUpBody>;
export const SignInBody = z.object({ email: z.email(), password: z.string().min(1) });
export type SignInBody = z.infer<typeof SignInBody>;
/** Better Auth's update-user endpoint: the account's name (and picture URL) under the text policy. */
export const UpdateUserBody = z.looseObject({
  name: nameText(100).optional(),
  image: nameText(2000).nullable().optional(),
});
export const AuthResult = z.object({
  token: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
});
export type AuthResult = z.infer<typeof AuthResult>;
