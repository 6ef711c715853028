// The invariant checks on small made-up histories: a clean one passes every check, and each kind
// of fault the soak is there to find is caught by the check named for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FaultWindow } from "./faults.ts";
import { checkAll, type History, type Snapshot } from "./invariants.ts";
import type { Call } from "./load.ts";

const t0 = Date.parse("2026-01-01T10:00:30Z");
const hook = "http://127.0.0.1:9/flaky/u1";

function clean(): { history: History; snapshot: Snapshot } {
  const event = (id: string, type: string, sequence: number, at: number) => ({
    event_id: id,
    topic: "task-events",
    event_type: type,
    task_id: 1,
    user_id: "u1",
    sequence,
    created_at: at,
    published_at: at + 10,
  });
  const events = [event("e1", "task.created", 1, t0 + 1000), event("e2", "task.updated", 2, t0 + 2000)];
  const calls: Call[] = [
    {
      user: "u1",
      op: "create-webhook",
      method: "POST",
      path: "/api/u1/webhooks",
      id: 5,
      start: t0,
      end: t0 + 5,
      status: 201,
    },
    {
      user: "u1",
      op: "create-template",
      method: "POST",
      path: "/api/u1/recurring-tasks",
      id: 9,
      start: t0,
      end: t0 + 5,
      status: 201,
    },
    {
      user: "u1",
      op: "create",
      method: "POST",
      path: "/api/u1/tasks",
      id: 1,
      start: t0 + 990,
      end: t0 + 1000,
      status: 201,
      task: { title: "a", completed: false, version: 1, tag_ids: [] },
    },
    {
      user: "u1",
      op: "update",
      method: "PUT",
      path: "/api/u1/tasks/1",
      id: 1,
      start: t0 + 1990,
      end: t0 + 2000,
      status: 200,
      task: { title: "b", completed: false, version: 2, tag_ids: [3] },
    },
  ];
  const minute = (n: number) => Date.parse("2026-01-01T10:01:00Z") + n * 60_000;
  const instance = (id: number, n: number) => ({
    id,
    user_id: "u1",
    title: "soak",
    completed: false,
    version: 1,
    tag_ids: [],
    recurring_task_id: 9,
    occurrence_at: minute(n),
  });
  const instances = [instance(10, 0), instance(11, 1), instance(12, 2)];
  for (const [i, task] of instances.entries())
    events.push({ ...event(`i${i}`, "task.created", 1, task.occurrence_at!), task_id: task.id });
  const snapshot: Snapshot = {
    now: minute(4),
    tasks: [
      {
        id: 1,
        user_id: "u1",
        title: "b",
        completed: false,
        version: 2,
        tag_ids: [3],
        recurring_task_id: null,
        occurrence_at: null,
      },
      ...instances,
    ],
    events,
    processed: events.flatMap((e) =>
      ["notification-service", "audit-service"].map((consumer) => ({
        consumer,
        event_id: e.event_id,
        processed_at: e.created_at + 50,
      })),
    ),
    notifications: [],
    activity: events.map((e, i) => ({ id: i + 1, event_id: e.event_id, task_id: e.task_id })),
    deliveries: events.map((e) => ({
      id: `d-${e.event_id}`,
      event_id: e.event_id,
      channel: "webhook",
      destination: "5",
      status: "delivered",
      next_attempt_at: null,
    })),
    templates: [
      {
        id: 9,
        cron_expression: "* * * * *",
        max_occurrences: null,
        anchor_at: minute(0),
        created_at: t0,
        occurrences_created: 3,
      },
    ],
    webhooks: [{ id: 5, user_id: "u1", url: hook, created_at: t0 }],
    deadLetters: [],
  };
  return {
    history: { calls, windows: [], receipts: [], loadEnd: minute(3) + 30_000, exits: [] },
    snapshot,
  };
}

const failing = (history: History, snapshot: Snapshot) =>
  Object.fromEntries(
    checkAll(history, snapshot)
      .filter((r) => r.violations > 0)
      .map((r) => [r.name, r.violations]),
  );

const window = (fault: FaultWindow["fault"], from: number, to: number): FaultWindow => ({
  fault,
  label: `${fault.kind} ${fault.target}`,
  from,
  to,
  recoveryMs: 100,
});

test("a clean history keeps every invariant", () => {
  const { history, snapshot } = clean();
  assert.deepEqual(failing(history, snapshot), {});
  // (no fault windows: the crash check had nothing to look at)
  assert.ok(
    checkAll(history, snapshot).every((r) => r.checked > 0 || r.name === "no service exited on its own"),
  );
});

test("a 2xx the database does not hold: a lost update, a lost create", () => {
  const { history, snapshot } = clean();
  snapshot.tasks[0] = { ...snapshot.tasks[0]!, title: "a", version: 1, tag_ids: [] };
  snapshot.events.splice(1, 1);
  // the answered version 2 is not there, nor the answered title and tags
  assert.equal(failing(history, snapshot)["every 2xx is in the database"], 2);
  const gone = clean();
  gone.snapshot.tasks.shift();
  assert.equal(failing(gone.history, gone.snapshot)["every 2xx is in the database"], 2);
});

test("a change with no event, or with two", () => {
  const { history, snapshot } = clean();
  snapshot.events.push({ ...snapshot.events[1]!, event_id: "e2b", sequence: 3 });
  assert.equal(failing(history, snapshot)["one outbox event per committed change"], 1);
});

test("a consumer that lost an event, and effects written twice", () => {
  const { history, snapshot } = clean();
  snapshot.processed = snapshot.processed.filter(
    (p) => !(p.consumer === "audit-service" && p.event_id === "e2"),
  );
  snapshot.activity.push({ id: 99, event_id: "e1", task_id: 1 });
  snapshot.tasks.push({ ...snapshot.tasks[1]!, id: 13 });
  history.receipts.push(
    { webhookId: "w1", path: "/flaky/u1", status: 204, eventId: "e1", taskId: 1, sequence: 1, at: t0 },
    { webhookId: "w2", path: "/flaky/u1", status: 204, eventId: "e1", taskId: 1, sequence: 1, at: t0 },
  );
  // lost by audit-service; activity twice; instance twice; two webhook ids for one (event, hook)
  assert.equal(failing(history, snapshot)["each subscriber effect exactly once"], 4);
});

test("effects out of the events' order", () => {
  const { history, snapshot } = clean();
  snapshot.activity[0]!.id = 50;
  assert.deepEqual(failing(history, snapshot), { "per-task order of effects follows the event sequence": 1 });
});

test("a skipped occurrence", () => {
  const { history, snapshot } = clean();
  snapshot.tasks.splice(2, 1);
  snapshot.templates[0]!.occurrences_created = 2;
  const events = snapshot.events.filter((e) => e.task_id !== 11);
  snapshot.events = events;
  assert.deepEqual(failing(history, snapshot), { "no template skipped or doubled an occurrence": 1 });
});

test("stuck: an unpublished event, a delivery overdue, a dead one to a healthy receiver, a dead letter", () => {
  const { history, snapshot } = clean();
  snapshot.events[0]!.published_at = null;
  snapshot.deliveries[0]!.status = "pending";
  snapshot.deliveries[0]!.next_attempt_at = snapshot.now - 120_000;
  snapshot.deliveries[1]!.status = "dead";
  snapshot.deadLetters.push({ consumer: "audit-service", event_id: "x", reason: "boom" });
  assert.equal(failing(history, snapshot)["nothing stuck"], 4);
});

test("outage errors: 503 + Retry-After while PostgreSQL is down is allowed; any error while only Kafka is down is not", () => {
  const { history, snapshot } = clean();
  const call = (start: number, status: number, retryAfter?: string): Call => ({
    user: "u1",
    op: "create",
    method: "POST",
    path: "/api/u1/tasks",
    start,
    end: start + 10,
    status,
    ...(retryAfter ? { retryAfter } : {}),
  });
  history.windows.push(
    window({ at: 0, kind: "stop", target: "postgres", seconds: 5 }, t0 + 10_000, t0 + 15_000),
    window({ at: 0, kind: "stop", target: "kafka", seconds: 5 }, t0 + 100_000, t0 + 105_000),
    window({ at: 0, kind: "kill-app", target: "backend", seconds: 5 }, t0 + 200_000, t0 + 205_000),
  );
  history.calls.push(
    call(t0 + 12_000, 503, "1"), // allowed
    call(t0 + 12_000, 500), // no Retry-After, not 503
    call(t0 + 102_000, 503, "1"), // Kafka down: the API must not fail
    call(t0 + 202_000, 0), // the backend was killed: no answer is allowed
    call(t0 + 300_000, 500), // no fault at all
  );
  assert.deepEqual(failing(history, snapshot), { "errors only as the outage allows": 3 });
});

test("a service that ended on its own during an outage", () => {
  const { history, snapshot } = clean();
  history.windows.push(window({ at: 0, kind: "stop", target: "postgres", seconds: 5 }, t0, t0 + 5000));
  history.exits.push({ app: "backend", replica: 0, at: t0 + 100, code: 1, signal: null });
  assert.deepEqual(failing(history, snapshot), { "no service exited on its own": 1 });
});
