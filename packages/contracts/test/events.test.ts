import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { test } from "node:test";
import { DomainEvent, TaskEvent } from "../src/events.ts";
import { eventJsonSchemas } from "../src/json-schemas.ts";
import { sampleTask } from "../src/testing.ts";

const task = sampleTask("3f0c1a52-8c3e-4c1e-9d55-1d2f7a6b9e10", 7, { title: "Buy milk" });
const created = {
  event_id: "0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b",
  schema_version: 1,
  event_type: "task.created",
  task_id: 7,
  user_id: task.user_id,
  timestamp: "2027-01-01T00:00:00.000Z",
  source: "backend",
  data: { task },
};

test("the committed JSON Schemas match the zod event schemas (run npm run schemas:export -w @todo/contracts)", async () => {
  const dir = new URL("../schemas/", import.meta.url);
  const generated = eventJsonSchemas();
  const committed = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  assert.deepEqual(
    committed,
    Object.keys(generated)
      .map((type) => `${type}.json`)
      .sort(),
  );
  for (const [type, schema] of Object.entries(generated)) {
    const onDisk = JSON.parse(await readFile(new URL(`${type}.json`, dir), "utf8"));
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(schema)), `${type}.json drifted from the code`);
  }
});

test("consumers accept events with fields they do not know (backward compatibility)", () => {
  const newer = {
    ...created,
    schema_version: 2,
    trace: { span: "abc" },
    data: { task: { ...task, estimate_minutes: 30 }, origin: "mobile" },
  };
  const parsed = TaskEvent.parse(newer);
  assert.equal(parsed.event_type, "task.created");
  assert.equal(parsed.data.task.title, "Buy milk");
});

test("events keep the seed's fields and add event_id and schema_version", () => {
  const parsed = DomainEvent.parse(created);
  for (const field of [
    "event_type",
    "task_id",
    "user_id",
    "timestamp",
    "data",
    "source",
    "event_id",
    "schema_version",
  ]) {
    assert.ok(field in parsed, field);
  }
  assert.equal(DomainEvent.safeParse({ ...created, event_id: "not-a-uuid" }).success, false);
  assert.equal(DomainEvent.safeParse({ ...created, event_type: "task.exploded" }).success, false);
});
