import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build } from "./helpers.ts";

test("recurring templates: create, read, list, update, pause, delete", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${userId}${path}`, { token, ...(body !== undefined ? { body } : {}) });

  const created = await req("POST", "/recurring-tasks", {
    template_title: "Water plants",
    template_description: "balcony",
    recurrence_pattern: "weekly",
    weekdays: [1, 4],
    next_occurrence: "2027-03-01T08:00:00Z",
    timezone: "Europe/Berlin",
    priority_id: 1,
  });
  assert.equal(created.status, 201);
  const template = created.body;
  assert.equal(template.recurrence_pattern, "weekly");
  assert.deepEqual(template.weekdays, [1, 4]);
  assert.equal(template.next_occurrence, "2027-03-01T08:00:00.000Z");
  assert.equal(template.is_active, true);
  assert.equal(template.catch_up, "latest");
  assert.deepEqual((await req("GET", `/recurring-tasks/${template.id}`)).body, template);
  assert.equal((await req("GET", "/recurring-tasks")).body.items.length, 1);

  const paused = (
    await req("PUT", `/recurring-tasks/${template.id}`, { is_active: false, template_title: "Water" })
  ).body;
  assert.equal(paused.is_active, false);
  assert.equal(paused.template_title, "Water");
  assert.equal(paused.next_occurrence, template.next_occurrence, "pausing leaves the schedule alone");

  assert.equal((await req("DELETE", `/recurring-tasks/${template.id}`)).status, 204);
  assertProblem(await req("GET", `/recurring-tasks/${template.id}`), 404, "not_found");
});

test("a custom template without next_occurrence starts at the cron's next match, in its time zone", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const reply = await api.request("POST", `/api/${userId}/recurring-tasks`, {
    token,
    body: {
      template_title: "Standup",
      recurrence_pattern: "custom",
      cron_expression: "0 9 * * MON",
      timezone: "America/New_York",
    },
  });
  assert.equal(reply.status, 201);
  const next = new Date(reply.body.next_occurrence);
  assert.ok(next.getTime() > Date.now());
  const local = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/New_York",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(next);
  assert.equal(local, "Mon 09:00");
  const preview = await api.request(
    "GET",
    `/api/${userId}/recurring-tasks/${reply.body.id}/preview?count=3`,
    { token },
  );
  assert.equal(preview.body.occurrences.length, 3);
  assert.equal(preview.body.occurrences[0], reply.body.next_occurrence);
});

test("bad templates are 400 problems naming the field", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const post = (body: unknown) => api.request("POST", `/api/${userId}/recurring-tasks`, { token, body });
  const base = { template_title: "x", next_occurrence: "2027-01-01T00:00:00Z" };
  const cases: [unknown, string][] = [
    [{ ...base, recurrence_pattern: "fortnightly" }, "recurrence_pattern"],
    [{ ...base, recurrence_pattern: "custom", cron_expression: "61 * * * *" }, "cron_expression"],
    [{ ...base, recurrence_pattern: "custom", cron_expression: "not a cron" }, "cron_expression"],
    [{ ...base, recurrence_pattern: "custom" }, "cron_expression"],
    [{ ...base, recurrence_pattern: "daily", timezone: "Mars/Olympus_Mons" }, "timezone"],
    [{ template_title: "x", recurrence_pattern: "daily" }, "next_occurrence"],
    [{ ...base, recurrence_pattern: "weekly", weekdays: [0] }, "weekdays.0"],
    [{ ...base, recurrence_pattern: "daily", interval: 0 }, "interval"],
    [{ ...base, template_title: "", recurrence_pattern: "daily" }, "template_title"],
  ];
  for (const [body, field] of cases) {
    const reply = await post(body);
    assertProblem(reply, 400, "validation_failed");
    const fields = reply.body.errors.map((e: { field: string }) => e.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} → ${JSON.stringify(reply.body.errors)}`);
    // Sentences for people, not a validator's or a library's internals.
    for (const { message } of reply.body.errors as { message: string }[]) {
      assert.match(message, /^[A-Z"].*\.$/, message);
      assert.doesNotMatch(message, /Too small|Constraint error|Invalid input|expected|got value/, message);
    }
  }
  const minute = await post({ ...base, recurrence_pattern: "custom", cron_expression: "61 * * * *" });
  assert.deepEqual(minute.body.errors, [
    { field: "cron_expression", message: 'The minute must be between 0 and 59 ("61" is not).' },
  ]);
  assertProblem(
    await post({ ...base, recurrence_pattern: "daily", priority_id: 42 }),
    400,
    "invalid_reference",
  );
  assert.equal((await api.request("GET", `/api/${userId}/recurring-tasks`, { token })).body.items.length, 0);
});

test("previews: monthly from Jan 31 keeps to month ends; 0 9 * * MON stays at 09:00 New York across the DST change", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const create = async (body: unknown) =>
    (await api.request("POST", `/api/${userId}/recurring-tasks`, { token, body })).body as { id: number };
  const preview = async (id: number, count: number) =>
    (await api.request("GET", `/api/${userId}/recurring-tasks/${id}/preview?count=${count}`, { token })).body
      .occurrences;

  const monthly = await create({
    template_title: "Rent",
    recurrence_pattern: "monthly",
    next_occurrence: "2027-01-31T09:00:00Z",
    timezone: "UTC",
  });
  assert.deepEqual(await preview(monthly.id, 5), [
    "2027-01-31T09:00:00.000Z",
    "2027-02-28T09:00:00.000Z",
    "2027-03-31T09:00:00.000Z",
    "2027-04-30T09:00:00.000Z",
    "2027-05-31T09:00:00.000Z",
  ]);

  const standup = await create({
    template_title: "Standup",
    recurrence_pattern: "custom",
    cron_expression: "0 9 * * MON",
    timezone: "America/New_York",
    next_occurrence: "2027-03-01T14:00:00Z",
  });
  // DST starts on Sunday 2027-03-14: 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
  assert.deepEqual(await preview(standup.id, 4), [
    "2027-03-01T14:00:00.000Z",
    "2027-03-08T14:00:00.000Z",
    "2027-03-15T13:00:00.000Z",
    "2027-03-22T13:00:00.000Z",
  ]);
  const bad = await api.request("GET", `/api/${userId}/recurring-tasks/${standup.id}/preview?count=0`, {
    token,
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].field, "count");
});
