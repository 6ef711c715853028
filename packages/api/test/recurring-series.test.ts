import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build, type TestApi } from "./helpers.ts";

async function signedIn(api: TestApi) {
  const { userId, token } = await api.signUp();
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${userId}${path}`, { token, ...(body !== undefined ? { body } : {}) });
  return { userId, token, req };
}

/** What the web form used to send: every field of the template as GET returned it. */
function formOf(template: Record<string, unknown>) {
  const {
    id: _id,
    user_id: _user,
    anchor_at: _anchor,
    occurrences_created: _created,
    created_at: _c,
    updated_at: _u,
    version: _version,
    ...fields
  } = template;
  return fields;
}

test("the clamped 31st series renamed with every field sent back keeps its day, anchor and count", async (t) => {
  const api = await build(t);
  const { req } = await signedIn(api);
  const created = (
    await req("POST", "/recurring-tasks", {
      template_title: "Pay rent",
      recurrence_pattern: "monthly",
      next_occurrence: "2027-01-31T09:00:00Z",
      max_occurrences: 5,
    })
  ).body;
  assert.equal(created.anchor_at, "2027-01-31T09:00:00.000Z");
  // As the scheduler leaves it after the January instance: next is the clamped Feb 28.
  await api.db
    .updateTable("recurring_tasks")
    .set({ next_occurrence: new Date("2027-02-28T09:00:00Z"), occurrences_created: 1 })
    .where("id", "=", created.id)
    .execute();
  const before = (await req("GET", `/recurring-tasks/${created.id}`)).body;
  const previewBefore = (await req("GET", `/recurring-tasks/${created.id}/preview?count=4`)).body.occurrences;
  assert.deepEqual(previewBefore, [
    "2027-02-28T09:00:00.000Z",
    "2027-03-31T09:00:00.000Z",
    "2027-04-30T09:00:00.000Z",
    "2027-05-31T09:00:00.000Z",
  ]);

  const sentBack = await req("PUT", `/recurring-tasks/${created.id}`, formOf(before));
  assert.equal(sentBack.status, 200);
  assert.deepEqual(
    sentBack.body,
    before,
    "what GET returned, sent back, changes nothing (updated_at included)",
  );

  const renamed = (
    await req("PUT", `/recurring-tasks/${created.id}`, { ...formOf(before), template_title: "Pay the rent" })
  ).body;
  assert.equal(renamed.template_title, "Pay the rent");
  assert.equal(renamed.anchor_at, "2027-01-31T09:00:00.000Z");
  assert.equal(renamed.occurrences_created, 1);
  assert.deepEqual(
    (await req("GET", `/recurring-tasks/${created.id}/preview?count=4`)).body.occurrences,
    previewBefore,
    "still the last day of each month, and still 4 left of 5",
  );
});

test("a change of timing re-plans from the new rule; instances made so far still count", async (t) => {
  const api = await build(t);
  const { req } = await signedIn(api);
  const created = (
    await req("POST", "/recurring-tasks", {
      template_title: "Run",
      recurrence_pattern: "daily",
      next_occurrence: "2027-03-01T07:00:00Z",
      max_occurrences: 5,
    })
  ).body;
  await api.db
    .updateTable("recurring_tasks")
    .set({ next_occurrence: new Date("2027-03-04T07:00:00Z"), occurrences_created: 3 })
    .where("id", "=", created.id)
    .execute();
  const weekly = (
    await req("PUT", `/recurring-tasks/${created.id}`, { recurrence_pattern: "weekly", weekdays: [4] })
  ).body;
  assert.equal(
    weekly.anchor_at,
    "2027-03-04T07:00:00.000Z",
    "from the occurrence that was next (a Thursday)",
  );
  assert.deepEqual((await req("GET", `/recurring-tasks/${created.id}/preview?count=5`)).body.occurrences, [
    "2027-03-04T07:00:00.000Z",
    "2027-03-11T07:00:00.000Z",
  ]);
  assertProblem(
    await req("PUT", `/recurring-tasks/${created.id}`, { max_occurrences: 3 }),
    400,
    "validation_failed",
  );
});

test("pause and resume: the occurrences inside the pause are skipped unless asked for", async (t) => {
  const api = await build(t);
  const { req } = await signedIn(api);
  const day = 86_400_000;
  const start = new Date(Math.floor(Date.now() / day) * day - 3 * day + 8 * 3_600_000);
  const create = async () =>
    (
      await req("POST", "/recurring-tasks", {
        template_title: "Stretch",
        recurrence_pattern: "daily",
        next_occurrence: start.toISOString(),
        is_active: false,
      })
    ).body;
  const skipping = await create();
  const resumed = (await req("PUT", `/recurring-tasks/${skipping.id}`, { is_active: true })).body;
  assert.equal(resumed.is_active, true);
  const next = new Date(resumed.next_occurrence).getTime();
  assert.ok(next >= Date.now() && next < Date.now() + day, "the first occurrence from now on");
  assert.equal(resumed.anchor_at, skipping.anchor_at, "same series");

  const backfilling = await create();
  const asked = (
    await req("PUT", `/recurring-tasks/${backfilling.id}`, { is_active: true, create_missed: true })
  ).body;
  assert.equal(asked.next_occurrence, start.toISOString(), "left for the catch-up policy to create");
});

test("a user's active templates are capped: one more is 422 limit_exceeded, naming is_active", async (t) => {
  const api = await build(t, { maxActiveTemplates: 2 });
  const { req } = await signedIn(api);
  const body = { template_title: "x", recurrence_pattern: "daily", next_occurrence: "2027-01-01T00:00:00Z" };
  assert.equal((await req("POST", "/recurring-tasks", body)).status, 201);
  assert.equal((await req("POST", "/recurring-tasks", body)).status, 201);
  const over = await req("POST", "/recurring-tasks", body);
  assertProblem(over, 422, "limit_exceeded");
  assert.equal(over.body.errors[0].field, "is_active");
  const paused = (await req("POST", "/recurring-tasks", { ...body, is_active: false })).body;
  assertProblem(
    await req("PUT", `/recurring-tasks/${paused.id}`, { is_active: true }),
    422,
    "limit_exceeded",
  );
  // Another user has their own room.
  assert.equal((await (await signedIn(api)).req("POST", "/recurring-tasks", body)).status, 201);
});

test("a template whose preview would pass year 9999 answers the occurrences up to it, not a 500", async (t) => {
  const api = await build(t);
  const { req } = await signedIn(api);
  const created = await req("POST", "/recurring-tasks", {
    template_title: "Far",
    recurrence_pattern: "yearly",
    next_occurrence: "9998-06-01T00:00:00Z",
  });
  assert.equal(created.status, 201);
  const preview = await req("GET", `/recurring-tasks/${created.body.id}/preview?count=5`);
  assert.equal(preview.status, 200);
  assert.deepEqual(preview.body.occurrences, ["9998-06-01T00:00:00.000Z", "9999-06-01T00:00:00.000Z"]);
});

test("templates carry repeat_from, reminder offsets (0 = at due time) and a lead time", async (t) => {
  const api = await build(t);
  const { req } = await signedIn(api);
  const created = await req("POST", "/recurring-tasks", {
    template_title: "Standup",
    recurrence_pattern: "daily",
    next_occurrence: "2027-01-01T09:00:00Z",
    repeat_from: "completion",
    reminder_offsets_minutes: [0, 15],
    lead_time_minutes: 1440,
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.repeat_from, "completion");
  assert.deepEqual(created.body.reminder_offsets_minutes, [0, 15]);
  assert.equal(created.body.lead_time_minutes, 1440);
  const bad = await req("PUT", `/recurring-tasks/${created.body.id}`, { lead_time_minutes: 20_000 });
  assertProblem(bad, 400, "validation_failed");
  assert.equal(bad.body.errors[0].field, "lead_time_minutes");
});

test("the user's time zone: sent at sign-up, changed in settings, checked", async (t) => {
  const api = await build(t);
  const signUp = await api.request("POST", "/api/auth/sign-up/email", {
    body: {
      email: `tz-${process.pid}@example.com`,
      password: "a-long-password",
      name: "Aroha",
      timezone: "Pacific/Auckland",
    },
  });
  assert.equal(signUp.status, 200);
  assert.equal(signUp.body.user.timezone, "Pacific/Auckland");
  const token = signUp.body.token;
  const row = await api.db
    .selectFrom("users")
    .select("timezone")
    .where("id", "=", signUp.body.user.id)
    .executeTakeFirst();
  assert.equal(row?.timezone, "Pacific/Auckland");
  const changed = await api.request("POST", "/api/auth/update-user", {
    token,
    body: { timezone: "Europe/Berlin" },
  });
  assert.equal(changed.status, 200);
  const session = await api.request("GET", "/api/auth/get-session", { token });
  assert.equal(session.body.user.timezone, "Europe/Berlin");
  const bad = await api.request("POST", "/api/auth/update-user", {
    token,
    body: { timezone: "Mars/Olympus" },
  });
  assert.equal(bad.status, 400);
  const kept = await api.request("GET", "/api/auth/get-session", { token });
  assert.equal(kept.body.user.timezone, "Europe/Berlin", "a bad zone changes nothing");
});
