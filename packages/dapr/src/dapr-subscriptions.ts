import type { ConsumeResult } from "@todo/events";
import type { FastifyInstance } from "fastify";

export interface DaprSubscription {
  pubsubName: string;
  topic: string;
  /** The app route Dapr posts events to, e.g. /task-events. */
  route: string;
  deadLetterTopic?: string;
  handle: (body: unknown) => Promise<ConsumeResult>;
}

/**
 * Serves Dapr's app callbacks on the app's own Fastify instance (not the SDK's DaprServer):
 * GET /dapr/subscribe lists the subscriptions, and each route answers with an explicit status,
 * since a thrown error may be taken as success.
 */
export function registerDaprSubscriptions(app: FastifyInstance, subscriptions: DaprSubscription[]): void {
  if (!app.hasContentTypeParser("application/cloudevents+json")) {
    app.addContentTypeParser("application/cloudevents+json", { parseAs: "string" }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
  app.get("/dapr/subscribe", { schema: { hide: true } }, async () =>
    subscriptions.map((s) => ({
      pubsubname: s.pubsubName,
      topic: s.topic,
      route: s.route,
      ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
    })),
  );
  for (const subscription of subscriptions) {
    app.post(subscription.route, { schema: { hide: true } }, async (request) => {
      const result = await subscription.handle(request.body);
      return { status: result.outcome };
    });
  }
}
