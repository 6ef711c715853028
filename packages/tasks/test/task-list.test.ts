import assert from "node:assert/strict";
import { test } from "node:test";
import { ListTasksQuery, type Task, type TaskList } from "@todo/contracts";
import { openTestDatabase } from "@todo/db/testing";
import {
  createTag,
  createTask,
  getTask,
  listTasksJson,
  type ServiceContext,
  setTaskCompletion,
} from "@todo/tasks";
import { createUser } from "./fixtures.ts";

type Query = Partial<Record<keyof ListTasksQuery, string | number>>;

/** Folded as fold_text folds a title (accents removed, lower case), compared by bytes. */
const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The order the list promises, written out in JavaScript from the API's description of each sort. */
function reference(tasks: Task[], sort: string, order?: string): Task[] {
  const dir = order ?? (sort === "created_at" || sort === "priority" ? "desc" : "asc");
  const sign = dir === "asc" ? 1 : -1;
  const nullsLast = (a: number | null, b: number | null, s: number) =>
    a === null || b === null ? (a === null ? 1 : 0) - (b === null ? 1 : 0) : s * (a - b);
  const byKey = (a: Task, b: Task): number => {
    switch (sort) {
      case "due_date":
        return nullsLast(time(a.due_date), time(b.due_date), sign);
      case "priority":
        return (
          sign * (a.priority.level - b.priority.level) || nullsLast(time(a.due_date), time(b.due_date), 1)
        );
      case "title":
        return sign * bytes(fold(a.title), fold(b.title));
      default:
        return sign * (time(a.created_at)! - time(b.created_at)!);
    }
  };
  return [...tasks].sort((a, b) => byKey(a, b) || sign * (a.id - b.id));
}

function matches(task: Task, q: Query): boolean {
  if (q.status && task.completed !== (q.status === "completed")) return false;
  if (q.priority_id !== undefined && task.priority_id !== q.priority_id) return false;
  if (q.tag_id !== undefined && !task.tags.some((g) => g.id === q.tag_id)) return false;
  const due = time(task.due_date);
  if (q.due_before && (due === null || due >= Date.parse(String(q.due_before)))) return false;
  if (q.due_after && (due === null || due <= Date.parse(String(q.due_after)))) return false;
  if (q.search && !fold(task.title + (task.description ?? "")).includes(fold(String(q.search)))) return false;
  return true;
}

test("every sort, order and filter lists the reference order, whole pages equal to each task read alone, by cursor and by offset", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const other = await createUser(database);
  const ctx: ServiceContext = { db: database.db, userId };
  const work = await createTag(ctx, { name: "work", color: "#3B82F6" });
  const home = await createTag(ctx, { name: "Home" });
  const ideas = await createTag(ctx, { name: "ideas" });
  const titles = ["Éclair", "eclair", "Report", "apple", "Zebra", "café list", "Cafe", "report"];
  const day = (n: number) => new Date(Date.UTC(2027, 0, 1 + n, 9, 30, 15, 123)).toISOString();
  const created: Task[] = [];
  for (let i = 0; i < 26; i++) {
    created.push(
      await createTask(ctx, {
        title: `${titles[i % titles.length]} ${i % 3}`,
        ...(i % 4 === 0 ? { description: `note ${i} about the café` } : {}),
        priority_id: 1 + (i % 4),
        // Some share a due date (ties go to the id), some have none (last in either direction).
        ...(i % 5 === 0 ? {} : { due_date: day(i % 7) }),
        tag_ids: [[], [work.id], [home.id, work.id], [ideas.id, home.id, work.id]][i % 4]!,
        reminder_offsets_minutes: i % 2 ? [60] : [],
      }),
    );
  }
  for (const task of created.filter((_, i) => i % 3 === 1)) await setTaskCompletion(ctx, task.id, true);
  // Another user's tasks never show.
  await createTask({ db: database.db, userId: other }, { title: "Report of someone else" });
  const tasks = await Promise.all(created.map((task) => getTask(ctx, task.id)));
  const list = async (q: Query): Promise<TaskList> =>
    JSON.parse(await listTasksJson(ctx, ListTasksQuery.parse(q))) as TaskList;

  const filters: Query[] = [
    {},
    { status: "pending" },
    { status: "completed" },
    { priority_id: 2 },
    { tag_id: home.id },
    { due_after: day(1), due_before: day(5) },
    { search: "CAFE" },
    { status: "pending", tag_id: work.id, search: "e" },
  ];
  let lists = 0;
  for (const sort of ["created_at", "due_date", "priority", "title"]) {
    for (const order of [undefined, "asc", "desc"]) {
      for (const filter of filters) {
        const q: Query = { ...filter, sort, ...(order ? { order } : {}) };
        const what = JSON.stringify(q);
        const expected = reference(
          tasks.filter((task) => matches(task, q)),
          sort,
          order,
        );
        const whole = await list({ ...q, limit: 100 });
        assert.deepEqual(whole.items, expected, `${what}: the items, each as it reads alone`);
        assert.equal(whole.page.total, expected.length, what);
        // Pages of 4 by cursor, then by offset, add up to the whole list.
        const byCursor: Task[] = [];
        let cursor: string | null | undefined;
        do {
          const page = await list({ ...q, limit: 4, ...(cursor ? { cursor } : {}) });
          assert.equal(page.page.total, expected.length, `${what}: total on every page`);
          byCursor.push(...page.items);
          cursor = page.page.next_cursor;
        } while (cursor);
        assert.deepEqual(
          byCursor.map((task) => task.id),
          expected.map((task) => task.id),
          `${what} by cursor`,
        );
        const byOffset: number[] = [];
        for (let offset: number | null = 0; offset !== null; ) {
          const page: TaskList = await list({ ...q, limit: 4, offset });
          byOffset.push(...page.items.map((task) => task.id));
          offset = page.page.next_offset;
        }
        assert.deepEqual(
          byOffset,
          byCursor.map((task) => task.id),
          `${what} by offset`,
        );
        lists++;
      }
    }
  }
  assert.equal(lists, 96);
  const past = await list({ status: "pending", offset: 500, limit: 5 });
  assert.deepEqual(past.items, []);
  assert.deepEqual(past.page, {
    limit: 5,
    offset: 500,
    total: tasks.filter((task) => !task.completed).length,
    next_offset: null,
    next_cursor: null,
  });
});

test("a search counts the caller's tasks (to pick its plan) once, not on every search; each user is counted", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  // Every statement the verbs run through this handle, as text (the plugin also sees the
  // queries nested in a statement; only the ones that ran have a result).
  const built = new Map<object, string>();
  const statements: string[] = [];
  const logged = database.db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      built.set(queryId, database.db.getExecutor().compileQuery(node, queryId).sql);
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      statements.push(built.get(queryId)!);
      return result;
    },
  });
  const ada = await createUser(database);
  const bob = await createUser(database);
  await createTask({ db: database.db, userId: ada }, { title: "Café order" });
  const search = async (userId: string, word: string) =>
    (
      JSON.parse(
        await listTasksJson({ db: logged, userId }, ListTasksQuery.parse({ search: word })),
      ) as TaskList
    ).items.map((task) => task.title);
  assert.deepEqual(await search(ada, "cafe"), ["Café order"]);
  assert.deepEqual(await search(ada, "order"), ["Café order"]);
  assert.deepEqual(await search(bob, "cafe"), []);
  const counts = statements.filter((text) => text.includes("LIMIT"));
  assert.equal(counts.length, 2, `one count per user:\n${statements.join("\n")}`);
  // Three pages, and bob's empty page counts his total apart.
  assert.equal(statements.length, 6);
});
