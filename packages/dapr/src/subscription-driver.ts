import { type Subscription, type SubscriptionDeps, subscriptionConsumer } from "@todo/events";
import type { DaprSubscription } from "./dapr-subscriptions.ts";

/**
 * The distributed mode's driver: one Dapr subscription per topic of each subscription, served at
 * `/<topic>` with dead-letter topic `<topic>-dlq` (the routes the declarative subscriptions in
 * infrastructure/dapr and the chart name). Serve the result with `registerDaprSubscriptions`.
 * Throws if two subscriptions of one app read the same topic: Dapr gives an app one subscription
 * per topic.
 */
export function daprSubscriptionsFor(
  subscriptions: readonly Subscription[],
  options: SubscriptionDeps & { pubsubName: string },
): DaprSubscription[] {
  const { pubsubName, ...deps } = options;
  const routes: DaprSubscription[] = [];
  for (const subscription of subscriptions) {
    const handle = subscriptionConsumer(subscription, deps);
    for (const topic of subscription.topics) {
      if (routes.some((r) => r.topic === topic)) {
        throw new Error(`two subscriptions read ${topic}; Dapr gives an app one subscription per topic`);
      }
      routes.push({ pubsubName, topic, route: `/${topic}`, deadLetterTopic: `${topic}-dlq`, handle });
    }
  }
  return routes;
}
