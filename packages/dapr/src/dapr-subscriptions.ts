import type { ConsumeResult } from "@todo/events";
import type { FastifyInstance } from "fastify";
import { answerDaprDelivery, readDaprDelivery } from "./dapr-delivery.ts";

export interface DaprSubscription {
  pubsubName: string;
  topic: string;
  /** The app route Dapr posts events to, e.g. /task-events. */
  route: string;
  deadLetterTopic?: string;
  /** Called with each event payload read from a delivery (readDaprDelivery), in order. */
  handle: (payload: unknown) => Promise<ConsumeResult>;
}

/**
 * Serves Dapr's app callbacks on the app's own Fastify instance (not the SDK's DaprServer):
 * GET /dapr/subscribe lists the subscriptions, and each route reads every delivery shape
 * (readDaprDelivery) and answers with an explicit status per message, since a thrown error may be
 * taken as success.
 */
export function registerDaprSubscriptions(app: FastifyInstance, subscriptions: DaprSubscription[]): void {
  app.get("/dapr/subscribe", { schema: { hide: true } }, async () =>
    subscriptions.map((s) => ({
      pubsubname: s.pubsubName,
      topic: s.topic,
      route: s.route,
      ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
    })),
  );
  // Every body Dapr may send reaches the route as bytes (any content type, none, or empty), to be
  // read by readDaprDelivery; the parsers are replaced only inside this scope.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: DELIVERY_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    for (const subscription of subscriptions) {
      scope.post(subscription.route, { schema: { hide: true } }, async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const delivery = readDaprDelivery(request.headers["content-type"], body);
        return answerDaprDelivery(delivery, subscription.handle, request.log);
      });
    }
  });
}

/** Bulk deliveries hold many events: room for Dapr's own 4 MiB default request size, and more. */
const DELIVERY_BODY_LIMIT = 16 * 1024 * 1024;
