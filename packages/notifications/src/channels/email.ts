import type { Executor } from "@todo/db";
import type { Transporter } from "nodemailer";
import { renderEmail } from "../messages.ts";
import type { ChannelProvider, Delivery, PlanInput, SendOutcome } from "./provider.ts";

interface EmailPayload {
  subject: string;
  text: string;
  html: string;
}

/**
 * E-mail over SMTP (nodemailer). Without SMTP_URL the channel is off and says so. nodemailer is
 * loaded with the first e-mail, not at start: the backend serves the notification routes without
 * ever sending one.
 */
export function createEmailChannel(config: { smtpUrl: string; from: string } | null): ChannelProvider {
  let transport: Promise<Transporter> | null = null;
  const transportFor = (smtpUrl: string) => {
    transport ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl));
    return transport;
  };
  return {
    channel: "email",
    disabledReason: config ? null : "email is disabled on this server (no SMTP_URL)",
    async plan(tx: Executor, { userId, message }: PlanInput) {
      const user = await tx.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
      return user ? [{ destination: user.email, payload: renderEmail(message) }] : [];
    },
    async send(delivery: Delivery): Promise<SendOutcome> {
      if (!config) return { kind: "skipped", reason: "email is disabled on this server" };
      const mail = delivery.payload as EmailPayload;
      try {
        const smtp = await transportFor(config.smtpUrl);
        const info = await smtp.sendMail({
          from: config.from,
          to: delivery.destination,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: { "X-Todo-Delivery": delivery.id },
        });
        return { kind: "delivered", detail: String(info.response ?? "accepted").slice(0, 200) };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const text = `${code ? `SMTP ${code}: ` : ""}${(error as Error).message}`.slice(0, 500);
        // 5xx is the server's final word (unknown mailbox, refused); 4xx and network trouble pass.
        return code !== undefined && code >= 500
          ? { kind: "dead", error: text }
          : { kind: "retry", error: text };
      }
    },
    async close() {
      (await transport)?.close();
    },
  };
}
