// The seed's check on the one-node cluster (npm run test:node; run-tests.sh starts it inside the
// cluster's network namespace, after `helm install` of the chart with values-minikube.yaml):
// a sign-up and a task created and completed through the backend's Service reach
// notification-service through Kafka (the completion's in-app notification; signed webhooks at the
// receiver pod; a task the user created is no news to them, so its creation is not in-app); a recurring template due in a
// few seconds yields its instance through the Dapr cron binding; the notification service's pod
// killed while events are in flight loses none and doubles none.
// Settings (from run-tests.sh): NODE_BACKEND_URL, NODE_RECEIVER_URL, NODE_KUBECTL, KUBECONFIG.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";

const backend = process.env.NODE_BACKEND_URL!;
const receiver = process.env.NODE_RECEIVER_URL!;
const kubectl = (...args: string[]) =>
  execFileSync(process.env.NODE_KUBECTL ?? "kubectl", args, { encoding: "utf8" });
const notificationPods = () =>
  kubectl("get", "pods", "-l", "app.kubernetes.io/name=notification-service", "-o", "name").trim();
// Kafka, the sidecars and a pod restart are slow on two shared cores: generous, never timed.
const timeoutMs = 180_000;

/** Logs one step of the event's path with the wall-clock time, for the tier's report. */
const mark = (what: string) => console.log(`# ${new Date().toISOString()} ${what}`);

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface User {
  token: string;
  id: string;
}
interface Received {
  at: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

async function call(user: User | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (user) headers.authorization = `Bearer ${user.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${backend}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function signUp(name: string): Promise<User> {
  const reply = await call(undefined, "POST", "/api/auth/sign-up/email", {
    email: `${crypto.randomUUID()}@example.com`,
    password: "correct horse battery",
    name,
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return { token: reply.body.token, id: reply.body.user.id };
}

const notifications = async (user: User) =>
  (await call(user, "GET", `/api/${user.id}/notifications`)).body.items as {
    id: number;
    event_type: string;
    task_id: number;
    title: string;
  }[];
const received = async (): Promise<Received[]> =>
  (await fetch(`${receiver}/received`)).json() as Promise<Received[]>;

test("node: a sign-up and a task through the backend's Service reach notification-service through Kafka: in-app notification and signed webhooks at the receiver pod", async () => {
  const user = await signUp("Node");
  mark(`signed up ${user.id} through ${backend}`);
  const hook = await call(user, "POST", `/api/${user.id}/webhooks`, {
    url: `${receiver}/todo`,
    event_types: ["task.created", "task.completed"],
  });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  const task = await call(user, "POST", `/api/${user.id}/tasks`, { title: "Water the cluster" });
  assert.equal(task.status, 201, JSON.stringify(task.body));
  mark(`task ${task.body.id} created (backend: outbox → Dapr pub/sub → Kafka task-events)`);
  const done = await call(user, "PATCH", `/api/${user.id}/tasks/${task.body.id}/complete`);
  assert.equal(done.status, 200, JSON.stringify(done.body));
  mark(`task ${task.body.id} completed`);

  const inApp = await waitFor(
    async () =>
      (await notifications(user)).find(
        (n) => n.task_id === task.body.id && n.event_type === "task.completed",
      ),
    "the in-app notification",
  );
  mark(`in-app notification ${inApp.id} listed (notification-service consumed task-events)`);
  assert.equal(inApp.title, "Completed: Water the cluster");

  const deliveries = await waitFor(async () => {
    const mine = (await received()).filter(
      (r) => r.path === "/todo" && r.body.includes(`"task_id":${task.body.id}`),
    );
    return mine.length >= 2 ? mine : undefined;
  }, "both webhooks at the receiver pod");
  const payloads = deliveries.map((delivery) => {
    mark(`signed webhook received by the receiver pod at ${delivery.at}`);
    return new Webhook(hook.body.secret).verify(delivery.body, {
      "webhook-id": delivery.headers["webhook-id"]!,
      "webhook-timestamp": delivery.headers["webhook-timestamp"]!,
      "webhook-signature": delivery.headers["webhook-signature"]!,
    }) as { type: string; data: { task_id: number } };
  });
  assert.deepEqual(payloads.map((p) => [p.type, p.data.task_id]).sort(), [
    ["task.completed", task.body.id],
    ["task.created", task.body.id],
  ]);
});

test("node: a recurring template due in seconds yields its instance through the Dapr cron binding", async () => {
  const user = await signUp("Recurring");
  const template = await call(user, "POST", `/api/${user.id}/recurring-tasks`, {
    template_title: "Water the plants",
    recurrence_pattern: "daily",
    next_occurrence: new Date(Date.now() + 3000).toISOString(),
  });
  assert.equal(template.status, 201, JSON.stringify(template.body));
  mark(`recurring template ${template.body.id} due in 3 s`);
  const instance = await waitFor(
    async () =>
      (
        (await call(user, "GET", `/api/${user.id}/tasks`)).body.items as {
          id: number;
          recurring_task_id: number | null;
        }[]
      ).find((t) => t.recurring_task_id === template.body.id),
    "the instance",
  );
  mark(`instance ${instance.id} created by recurring-task-service (cron binding tick)`);
  const announced = await waitFor(
    async () =>
      (await notifications(user)).find((n) => n.task_id === instance.id && n.event_type === "task.created"),
    "the instance's notification",
  );
  mark(`instance's notification ${announced.id} listed`);
  assert.equal(announced.title, "New: Water the plants");
});

test("node: the notification service's pod killed while events are in flight: every completion has exactly one notification", async () => {
  const user = await signUp("Killed");
  const count = 12;
  const ids: number[] = [];
  const pod = notificationPods();
  assert.ok(pod, "a notification-service pod");
  for (let i = 0; i < count; i++) {
    const task = await call(user, "POST", `/api/${user.id}/tasks`, { title: `In flight ${i}` });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    ids.push(task.body.id);
  }
  for (const [i, id] of ids.entries()) {
    const done = await call(user, "PATCH", `/api/${user.id}/tasks/${id}/complete`);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    if (i === count / 2) {
      // No grace: the consumer neither finishes nor commits what it holds.
      kubectl("delete", pod, "--grace-period=0", "--force", "--wait=false");
      mark(`${pod} killed after completing task ${id}`);
    }
  }
  const all = await waitFor(async () => {
    const list = (await notifications(user)).filter((n) => n.event_type === "task.completed");
    return ids.every((id) => list.some((n) => n.task_id === id)) ? list : undefined;
  }, "a notification for every task");
  mark(`all ${count} notifications listed after the restart`);
  const after = notificationPods();
  assert.notEqual(after, pod, "a new notification-service pod");
  for (const id of ids) {
    assert.equal(all.filter((n) => n.task_id === id).length, 1, `task ${id}: one notification`);
  }
});
