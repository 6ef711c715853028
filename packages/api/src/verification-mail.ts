import { ConfigError } from "@todo/server";

/** Sends the link that verifies an account's e-mail address. */
export type SendVerificationMail = (to: string, url: string) => Promise<void>;

/**
 * The verification mail sender when AUTH_REQUIRE_EMAIL_VERIFICATION is on: over the same SMTP
 * server as the notification e-mails (SMTP_URL, MAIL_FROM; nodemailer). Off: undefined. On
 * without SMTP_URL: a ConfigError naming both variables. nodemailer loads with the first mail.
 */
export function verificationMailer(
  required: boolean,
  smtp: { smtpUrl: string; from: string } | null,
): SendVerificationMail | undefined {
  if (!required) return undefined;
  if (!smtp) {
    throw new ConfigError(
      "invalid configuration:\n  AUTH_REQUIRE_EMAIL_VERIFICATION: needs SMTP_URL to send the verification mail",
    );
  }
  const transport = import("nodemailer").then(({ default: nodemailer }) =>
    nodemailer.createTransport(smtp.smtpUrl),
  );
  return async (to, url) => {
    await (await transport).sendMail({
      from: smtp.from,
      to,
      subject: "Confirm your e-mail address for Todo",
      text: `Open this link to confirm your address and finish signing up:\n\n${url}\n\nIf you did not sign up, ignore this mail.`,
    });
  };
}
