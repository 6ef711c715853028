import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { migrateDown, migrateToLatest, migrationStatus, migrations } from "../src/migrate.ts";
import { openTestDatabase } from "../src/testing.ts";

test("migrations go up, down and up again, keeping rows where the schema allows", async (t) => {
  const handle = await openTestDatabase({ migrate: false });
  t.after(() => handle.close());
  const { db } = handle;

  assert.deepEqual(
    await migrateToLatest(db),
    Object.keys(migrations).map((name) => `Up ${name}`),
  );
  const user = await db
    .insertInto("users")
    .values({ name: "Ada", email: "ada@example.com", email_verified: false, image: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("tasks")
    .values({ user_id: user.id, title: "kept?", reminder_offsets_minutes: null })
    .execute();

  // Undo everything after the auth tables: those and their rows must survive.
  const later = Object.keys(migrations).slice(1);
  assert.deepEqual(
    await migrateDown(db, later.length),
    later.reverse().map((name) => `Down ${name}`),
  );
  const tables = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(db);
  const names = tables.rows.map((r) => r.tablename);
  assert.ok(!names.includes("tasks") && !names.includes("priorities"), `tables left: ${names.join(", ")}`);
  assert.equal(
    (await db.selectFrom("users").select("email").executeTakeFirstOrThrow()).email,
    "ada@example.com",
  );

  assert.deepEqual(
    await migrateToLatest(db),
    later.reverse().map((name) => `Up ${name}`),
  );
  const priorities = await db
    .selectFrom("priorities")
    .select(["name", "level", "color"])
    .orderBy("level")
    .execute();
  assert.deepEqual(priorities, [
    { name: "Low", level: 1, color: "#6B7280" },
    { name: "Medium", level: 2, color: "#3B82F6" },
    { name: "High", level: 3, color: "#F59E0B" },
    { name: "Critical", level: 4, color: "#EF4444" },
  ]);
  assert.equal((await db.selectFrom("users").select("id").executeTakeFirstOrThrow()).id, user.id);

  // All the way down and up again leaves a working schema.
  await migrateDown(db, Object.keys(migrations).length);
  assert.ok((await migrationStatus(db)).every((m) => m.executedAt === undefined));
  await migrateToLatest(db);
  assert.ok((await migrationStatus(db)).every((m) => m.executedAt instanceof Date));
});

test("a task defaults to Medium priority, and ids are integers while user ids are UUIDs", async (t) => {
  const handle = await openTestDatabase();
  t.after(() => handle.close());
  const { db } = handle;
  const user = await db
    .insertInto("users")
    .values({ name: "Bo", email: "bo@example.com", email_verified: false, image: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  assert.match(user.id, /^[0-9a-f-]{36}$/);
  const task = await db
    .insertInto("tasks")
    .values({ user_id: user.id, title: "t", reminder_offsets_minutes: [1440, 60] })
    .returningAll()
    .executeTakeFirstOrThrow();
  assert.equal(typeof task.id, "number");
  const medium = await db
    .selectFrom("priorities")
    .select("id")
    .where("name", "=", "Medium")
    .executeTakeFirstOrThrow();
  assert.equal(task.priority_id, medium.id);
  assert.deepEqual(task.reminder_offsets_minutes, [1440, 60]);
  assert.ok(task.created_at instanceof Date);
});

test("tag names are unique per user, not across users", async (t) => {
  const handle = await openTestDatabase();
  t.after(() => handle.close());
  const { db } = handle;
  const [a, b] = await db
    .insertInto("users")
    .values([
      { name: "A", email: "a@example.com", email_verified: false, image: null },
      { name: "B", email: "b@example.com", email_verified: false, image: null },
    ])
    .returning("id")
    .execute();
  await db.insertInto("tags").values({ user_id: a!.id, name: "home", name_key: "home" }).execute();
  await db.insertInto("tags").values({ user_id: b!.id, name: "home", name_key: "home" }).execute();
  await assert.rejects(
    db.insertInto("tags").values({ user_id: a!.id, name: "Home", name_key: "home" }).execute(),
    /unique|duplicate/i,
  );
});
