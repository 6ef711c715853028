// The invariants a soak's whole history must keep, checked at the end. Each check is a pure
// function of the history (the API calls, the fault windows, the webhook receipts) and a snapshot
// of the database, and answers how many things it looked at and what broke, with examples.
import type { FaultWindow } from "./faults.ts";
import type { Call } from "./load.ts";
import type { Receipt } from "./receiver.ts";

export interface Snapshot {
  /** When the snapshot was read (ms since the epoch). */
  now: number;
  tasks: {
    id: number;
    user_id: string;
    title: string;
    completed: boolean;
    version: number;
    tag_ids: number[];
    recurring_task_id: number | null;
    occurrence_at: number | null;
  }[];
  events: {
    event_id: string;
    topic: string;
    event_type: string;
    task_id: number | null;
    user_id: string;
    sequence: number;
    created_at: number;
    published_at: number | null;
  }[];
  processed: { consumer: string; event_id: string; processed_at: number }[];
  notifications: { id: number; event_id: string; task_id: number | null }[];
  activity: { id: number; event_id: string; task_id: number | null }[];
  deliveries: {
    id: string;
    event_id: string;
    channel: string;
    destination: string;
    status: string;
    next_attempt_at: number | null;
  }[];
  templates: {
    id: number;
    cron_expression: string | null;
    max_occurrences: number | null;
    anchor_at: number;
    created_at: number;
    occurrences_created: number;
  }[];
  webhooks: { id: number; user_id: string; url: string; created_at: number }[];
  deadLetters: { consumer: string; event_id: string | null; reason: string }[];
}

export interface History {
  calls: Call[];
  windows: FaultWindow[];
  receipts: Receipt[];
  /** When the load stopped (ms since the epoch). */
  loadEnd: number;
  /** Services that ended without being told to (each was started again). */
  exits: { app: string; replica: number; at: number; code: number | null; signal: string | null }[];
}

export interface CheckResult {
  name: string;
  /** What the check looked at (calls, events, tasks, ...), for the report. */
  checked: number;
  violations: number;
  examples: string[];
}

/** Which consumer reads which topic (packages/notifications, packages/activity). */
export const consumersOf: Record<string, string[]> = {
  "task-events": ["notification-service", "audit-service"],
  "notification-events": ["notification-service"],
};
const taskEventTypes = new Set(["task.created", "task.updated", "task.completed", "task.deleted"]);
/**
 * Events younger than this at the snapshot are left out of the "reached" and "published" checks:
 * the templates due every minute keep making instances while the soak settles.
 */
export const inFlightMs = 30_000;
/** After PostgreSQL is back, answers may still be 503 for this long (pools reconnect). */
export const recoveryGraceMs = 10_000;

class Check {
  checked = 0;
  violations = 0;
  examples: string[] = [];
  constructor(readonly name: string) {}
  look(n = 1) {
    this.checked += n;
  }
  fail(example: string) {
    this.violations++;
    if (this.examples.length < 5) this.examples.push(example);
  }
  result(): CheckResult {
    return { name: this.name, checked: this.checked, violations: this.violations, examples: this.examples };
  }
}

const ok = (status: number) => status >= 200 && status < 300;
/** No answer or a server error: the change may or may not have been made. */
const ambiguous = (status: number) => status === 0 || status >= 500;
const taskOps = new Set(["create", "update", "complete", "tag-edit", "delete", "canary"]);

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Every call answered 2xx is in the database; the last one on a task is what the task holds. */
export function acknowledgedWrites(history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("every 2xx is in the database");
  const tasks = new Map(snapshot.tasks.map((t) => [t.id, t]));
  const templates = new Set(snapshot.templates.map((t) => t.id));
  const webhooks = new Set(snapshot.webhooks.map((w) => w.id));
  const byTask = groupBy(
    history.calls.filter((c) => taskOps.has(c.op) && c.id !== undefined),
    (c) => c.id!,
  );
  for (const [id, calls] of byTask) {
    calls.sort((a, b) => a.start - b.start);
    const row = tasks.get(id);
    const deleteTried = calls.some((c) => c.op === "delete" && (ok(c.status) || ambiguous(c.status)));
    for (const [i, call] of calls.entries()) {
      if (!ok(call.status)) continue;
      check.look();
      if (call.op === "delete") {
        if (row) check.fail(`task ${id}: DELETE answered ${call.status} but the task is still there`);
        continue;
      }
      if (!row) {
        if (!deleteTried) check.fail(`task ${id}: ${call.op} answered ${call.status} but the task is gone`);
        continue;
      }
      if (call.task && row.version < call.task.version)
        check.fail(
          `task ${id}: ${call.op} answered version ${call.task.version}, the database has ${row.version}`,
        );
      const later = calls.slice(i + 1);
      if (call.task && later.every((c) => !ok(c.status) && !ambiguous(c.status))) {
        const held = {
          title: row.title,
          completed: row.completed,
          version: row.version,
          tag_ids: row.tag_ids,
        };
        if (JSON.stringify(held) !== JSON.stringify(call.task))
          check.fail(
            `task ${id}: the last acknowledged ${call.op} answered ${JSON.stringify(call.task)}, the database holds ${JSON.stringify(held)}`,
          );
      }
    }
  }
  for (const call of history.calls) {
    if (!ok(call.status) || call.id === undefined) continue;
    if (call.op === "create-template") {
      check.look();
      if (!templates.has(call.id))
        check.fail(`template ${call.id}: created (${call.status}) but not in the database`);
    } else if (call.op === "create-webhook") {
      check.look();
      if (!webhooks.has(call.id))
        check.fail(`webhook ${call.id}: created (${call.status}) but not in the database`);
    }
  }
  return check.result();
}

/**
 * One outbox event per committed change: a task's events are as many as its version (created is
 * version 1, every change adds one), their sequences distinct, the first a task.created; a deleted
 * task's last event is its only task.deleted. Event ids are unique.
 */
export function oneEventPerChange(history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("one outbox event per committed change");
  const ids = new Set<string>();
  for (const event of snapshot.events) {
    if (ids.has(event.event_id)) check.fail(`event ${event.event_id} is in the outbox twice`);
    ids.add(event.event_id);
  }
  const byTask = groupBy(
    snapshot.events.filter((e) => e.task_id !== null && taskEventTypes.has(e.event_type)),
    (e) => e.task_id!,
  );
  const tasks = new Map(snapshot.tasks.map((t) => [t.id, t]));
  const deletedByUs = new Set(
    history.calls.filter((c) => c.op === "delete" && c.id !== undefined).map((c) => c.id!),
  );
  for (const task of snapshot.tasks) {
    check.look();
    const events = (byTask.get(task.id) ?? []).sort((a, b) => a.sequence - b.sequence);
    if (events.length !== task.version)
      check.fail(`task ${task.id}: version ${task.version} but ${events.length} events in the outbox`);
    if (new Set(events.map((e) => e.sequence)).size !== events.length)
      check.fail(`task ${task.id}: two events share a sequence number`);
    if (events[0] && events[0].event_type !== "task.created")
      check.fail(`task ${task.id}: its first event is ${events[0].event_type}`);
    if (events.some((e) => e.event_type === "task.deleted"))
      check.fail(`task ${task.id}: still in the database after a task.deleted event`);
  }
  for (const id of deletedByUs) {
    if (tasks.has(id)) continue;
    check.look();
    const events = (byTask.get(id) ?? []).sort((a, b) => a.sequence - b.sequence);
    const deletes = events.filter((e) => e.event_type === "task.deleted").length;
    if (deletes !== 1 || events.at(-1)?.event_type !== "task.deleted")
      check.fail(
        `deleted task ${id}: ${deletes} task.deleted events, the last event ${events.at(-1)?.event_type}`,
      );
  }
  return check.result();
}

/**
 * Each consumer processed each event of its topics (the processed mark commits with the effects);
 * each effect exists once: an in-app notification per event at most, an activity row per task
 * event exactly, a webhook delivery per task event and webhook exactly, one webhook id per
 * (event, webhook) at the receiver, one instance per (template, occurrence).
 */
export function effectsOnce(history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("each subscriber effect exactly once");
  const processed = new Set(snapshot.processed.map((p) => `${p.consumer}/${p.event_id}`));
  const settled = snapshot.events.filter((e) => e.created_at < snapshot.now - inFlightMs);
  for (const event of settled) {
    for (const consumer of consumersOf[event.topic] ?? []) {
      check.look();
      if (!processed.has(`${consumer}/${event.event_id}`))
        check.fail(
          `${consumer} never processed ${event.event_type} ${event.event_id} (task ${event.task_id})`,
        );
    }
  }
  const twice = (what: string, keys: string[]) => {
    for (const [key, group] of groupBy(keys, (k) => k)) {
      check.look();
      if (group.length > 1) check.fail(`${what} ${key}: ${group.length} times`);
    }
  };
  twice(
    "in-app notification for event",
    snapshot.notifications.map((n) => n.event_id),
  );
  twice(
    "activity row for event",
    snapshot.activity.map((a) => a.event_id),
  );
  twice(
    "delivery",
    snapshot.deliveries.map((d) => `${d.event_id} ${d.channel} ${d.destination}`),
  );
  twice(
    "instance of template/occurrence",
    snapshot.tasks
      .filter((t) => t.recurring_task_id !== null)
      .map((t) => `${t.recurring_task_id}/${t.occurrence_at}`),
  );
  const activity = new Set(snapshot.activity.map((a) => a.event_id));
  const hooks = groupBy(snapshot.webhooks, (w) => w.user_id);
  const webhookDeliveries = new Set(
    // A webhook delivery's destination is the webhook's id.
    snapshot.deliveries.filter((d) => d.channel === "webhook").map((d) => `${d.event_id} ${d.destination}`),
  );
  for (const event of settled) {
    if (!taskEventTypes.has(event.event_type)) continue;
    check.look();
    if (!activity.has(event.event_id))
      check.fail(`no activity row for ${event.event_type} ${event.event_id}`);
    for (const hook of hooks.get(event.user_id) ?? []) {
      if (hook.created_at > event.created_at) continue;
      if (!webhookDeliveries.has(`${event.event_id} ${hook.id}`))
        check.fail(`no webhook delivery of ${event.event_type} ${event.event_id} to ${hook.url}`);
    }
  }
  // At the receiver: a delivery keeps its webhook-id on every retry, so one (event, endpoint) has one id.
  for (const [key, receipts] of groupBy(history.receipts, (r) => `${r.eventId} ${r.path}`)) {
    check.look();
    const ids = new Set(receipts.map((r) => r.webhookId));
    if (ids.size > 1) check.fail(`webhook for ${key} arrived under ${ids.size} different webhook-ids`);
  }
  return check.result();
}

/** Per task, activity rows and in-app notifications were written in the order of the events' sequence. */
export function effectOrder(_history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("per-task order of effects follows the event sequence");
  const sequence = new Map(snapshot.events.map((e) => [e.event_id, e.sequence]));
  for (const [what, rows] of [
    ["activity", snapshot.activity],
    ["notifications", snapshot.notifications],
  ] as const) {
    for (const [taskId, group] of groupBy(
      rows.filter((r) => r.task_id !== null),
      (r) => r.task_id,
    )) {
      check.look();
      const order = [...group].sort((a, b) => a.id - b.id).map((r) => sequence.get(r.event_id) ?? -1);
      if (order.some((s, i) => i > 0 && s < order[i - 1]!))
        check.fail(`task ${taskId}: ${what} written in sequence order ${order.join(",")}`);
    }
  }
  return check.result();
}

/**
 * No template skipped or doubled an occurrence: a template due every minute has an instance for
 * every minute from its first one to the last minute due a minute before the snapshot (catch_up
 * `all`: an outage makes them late, not missing); a one-time template due before that has one.
 */
export function occurrences(history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("no template skipped or doubled an occurrence");
  const instances = groupBy(
    snapshot.tasks.filter((t) => t.recurring_task_id !== null && t.occurrence_at !== null),
    (t) => t.recurring_task_id!,
  );
  const horizon = history.loadEnd - 60_000;
  for (const template of snapshot.templates) {
    check.look();
    const times = [...new Set((instances.get(template.id) ?? []).map((t) => t.occurrence_at!))].sort(
      (a, b) => a - b,
    );
    if (template.cron_expression === "* * * * *") {
      const first = Math.ceil(template.created_at / 60_000) * 60_000;
      const expected: number[] = [];
      for (let t = Math.max(first, template.anchor_at); t <= horizon; t += 60_000) expected.push(t);
      const missing = expected.filter((t) => !times.includes(t));
      if (missing.length > 0)
        check.fail(
          `template ${template.id}: no instance for ${missing.map((t) => new Date(t).toISOString().slice(11, 16)).join(", ")}`,
        );
    } else if (template.max_occurrences === 1 && template.anchor_at <= horizon) {
      if (times.length !== 1) check.fail(`one-time template ${template.id}: ${times.length} instances`);
    }
    if (times.length !== template.occurrences_created)
      check.fail(
        `template ${template.id}: ${times.length} instances, occurrences_created ${template.occurrences_created}`,
      );
  }
  return check.result();
}

/**
 * Nothing stuck: the outbox drained; no delivery waiting past its retry time by more than a
 * minute; dead deliveries only to the receiver's deliberate 410 (/gone/) and none of those
 * delivered; no dead-lettered event.
 */
export function nothingStuck(_history: History, snapshot: Snapshot): CheckResult {
  const check = new Check("nothing stuck");
  for (const event of snapshot.events) {
    if (event.created_at >= snapshot.now - inFlightMs) continue;
    check.look();
    if (event.published_at === null)
      check.fail(`event ${event.event_id} (${event.event_type}) never published`);
  }
  const gone = new Set(snapshot.webhooks.filter((w) => w.url.includes("/gone/")).map((w) => String(w.id)));
  for (const d of snapshot.deliveries) {
    check.look();
    const permanent = d.channel === "webhook" && gone.has(d.destination);
    if ((d.status === "pending" || d.status === "failed") && (d.next_attempt_at ?? 0) < snapshot.now - 60_000)
      check.fail(`delivery ${d.id} ${d.status} since ${new Date(d.next_attempt_at ?? 0).toISOString()}`);
    if (d.status === "dead" && !permanent)
      check.fail(`delivery ${d.id} (${d.channel} ${d.destination}) is dead`);
    if (d.status === "delivered" && permanent)
      check.fail(`delivery ${d.id} (webhook ${d.destination}) delivered`);
  }
  for (const dl of snapshot.deadLetters)
    check.fail(`dead letter of ${dl.consumer}: ${dl.event_id} (${dl.reason})`);
  return check.result();
}

/**
 * Errors only where an outage explains them: while PostgreSQL is down (and for recoveryGraceMs
 * after) only 503 with Retry-After; while a backend process is killed, paused or replaced, no
 * answer (or 503) too; while only Kafka, Redis or a sidecar is down, none at all. A 4xx is an
 * error too, except a 404 for a task whose DELETE got no answer.
 */
export function outageErrors(history: History, _snapshot: Snapshot): CheckResult {
  const check = new Check("errors only as the outage allows");
  const overlapping = (call: Call) =>
    history.windows.filter((w) => call.end >= w.from - 1000 && call.start <= w.to + recoveryGraceMs);
  const deleteLost = new Set(
    history.calls
      .filter((c) => c.op === "delete" && ambiguous(c.status) && c.id !== undefined)
      .map((c) => c.id!),
  );
  for (const call of history.calls) {
    check.look();
    if (ok(call.status)) continue;
    const at = new Date(call.start).toISOString().slice(11, 23);
    if (call.status >= 400 && call.status < 500) {
      if (call.status === 404 && call.id !== undefined && deleteLost.has(call.id)) continue;
      check.fail(
        `${at} ${call.method} ${call.path} (${call.op}) answered ${call.status} ${JSON.stringify(call.body)}`,
      );
      continue;
    }
    const windows = overlapping(call);
    const backendDown = windows.some(
      (w) =>
        w.fault.target === "backend" &&
        (w.fault.kind !== "pause" || !w.fault.sidecar) &&
        w.fault.kind !== "kill-sidecar",
    );
    const postgresDown = windows.some((w) => w.fault.kind === "stop" && w.fault.target === "postgres");
    if (backendDown && (call.status === 0 || call.status === 503)) continue;
    if (postgresDown && call.status === 503 && call.retryAfter) continue;
    const during = windows.map((w) => w.label).join(", ") || "no fault";
    const answer =
      call.status === 0 ? "no answer" : `${call.status}${call.retryAfter ? " with Retry-After" : ""}`;
    check.fail(`${at} ${call.method} ${call.path} (${call.op}): ${answer} during ${during}`);
  }
  return check.result();
}

/** A fault in one part degrades the others; it does not end them. */
export function noCrashes(history: History, _snapshot: Snapshot): CheckResult {
  const check = new Check("no service exited on its own");
  check.look(history.windows.length);
  for (const exit of history.exits) {
    const during = history.windows
      .filter((w) => exit.at >= w.from - 1000 && exit.at <= w.to + recoveryGraceMs)
      .map((w) => w.label);
    check.fail(
      `${exit.app}${exit.replica ? ` (replica ${exit.replica})` : ""} exited (code ${exit.code}, signal ${exit.signal}) at ${new Date(exit.at).toISOString().slice(11, 19)} during ${during.join(", ") || "no fault"}`,
    );
  }
  return check.result();
}

export const invariants = [
  noCrashes,
  acknowledgedWrites,
  oneEventPerChange,
  effectsOnce,
  effectOrder,
  occurrences,
  nothingStuck,
  outageErrors,
];

export function checkAll(history: History, snapshot: Snapshot): CheckResult[] {
  return invariants.map((check) => check(history, snapshot));
}
