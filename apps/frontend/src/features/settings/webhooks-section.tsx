"use client";

import { useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { type CreatedWebhookItem, describeError } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { formatDateTime } from "@/lib/time-zone";
import { unavailable, useDeleteWebhook, useWebhooks } from "./use-settings";
import { WebhookForm } from "./webhook-form";

/** Settings › Webhooks: the list, delete, and a form to add one whose secret is shown once. */
export function WebhooksSection() {
  const { timeZone } = useSession();
  const announce = useAnnounce();
  const webhooks = useWebhooks();
  const remove = useDeleteWebhook();
  const [created, setCreated] = useState<CreatedWebhookItem | null>(null);
  const [copied, setCopied] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();

  async function copySecret() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
      announce("Secret copied");
    } catch {
      setCopied(false);
      announce("Could not copy; select the secret and copy it by hand");
    }
  }

  const items = webhooks.data;
  return (
    <section className="card" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p className="muted">
        We POST signed JSON to your URL for the events you pick. Verify the signature with the secret shown
        once, when you add the webhook.
      </p>
      {webhooks.isPending ? (
        <p role="status" className="muted">
          Loading webhooks…
        </p>
      ) : null}
      {webhooks.isError && unavailable(webhooks.error) ? (
        <p className="muted">Webhooks are not available on this server yet.</p>
      ) : null}
      {webhooks.isError && !unavailable(webhooks.error) ? (
        <FormError message={`Could not load webhooks: ${describeError(webhooks.error)}`} />
      ) : null}

      {created ? (
        <section className="secret-box" aria-label="New webhook secret">
          <p>
            <strong>Signing secret for {created.url}.</strong> Copy it now: it will not be shown again.
          </p>
          <div className="row">
            <code className="secret" data-testid="webhook-secret">
              {created.secret}
            </code>
            <button type="button" className="button" onClick={() => void copySecret()}>
              {copied ? "Copied" : "Copy secret"}
            </button>
            <button type="button" className="button button-quiet" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </section>
      ) : null}

      {items ? (
        <>
          {items.length === 0 ? (
            <p className="muted">No webhooks yet.</p>
          ) : (
            <ul className="webhook-list" aria-label="Your webhooks">
              {items.map((w) => (
                <li key={w.id} className="webhook">
                  <div>
                    <p className="mono break">{w.url}</p>
                    <p className="muted small">
                      {w.event_types.join(", ")}
                      {w.description ? ` · ${w.description}` : ""} · added{" "}
                      {formatDateTime(w.created_at, timeZone)}
                    </p>
                  </div>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete webhook ${w.url}`}
                    question="Delete this webhook?"
                    onConfirm={async () => {
                      setActionError(undefined);
                      try {
                        await remove.mutateAsync(w);
                        announce("Webhook deleted");
                      } catch (e) {
                        setActionError(describeError(e));
                      }
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
          <FormError message={actionError} />
          <WebhookForm
            onCreated={(webhook) => {
              setCreated(webhook);
              setCopied(false);
              announce("Webhook added. Copy its signing secret now: it is shown only once.");
            }}
          />
        </>
      ) : null}
    </section>
  );
}
