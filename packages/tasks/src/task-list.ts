import { decodeCursor, encodeCursor, type ListTasksQuery } from "@todo/contracts";
import { afterKeys, CUSTOM_PLAN, cursorValues, orderByKeys, type SortKey } from "@todo/db";
import { type RawBuilder, sql } from "kysely";
import { LRUCache } from "lru-cache";
import type { ServiceContext } from "./context.ts";
import { prioritiesAsShown, tagsAggregate, taskJsonText } from "./task-snapshot.ts";

/**
 * One page of the caller's tasks as the API's JSON text (a TaskList), built by the database: the
 * list route sends it as it is. Three parts: which tasks (filterTasks), in what order (taskOrder),
 * which page of them (pageOfTasks).
 */
export async function listTasksJson(ctx: ServiceContext, query: ListTasksQuery): Promise<string> {
  const filtered = await filterTasks(ctx, query);
  return pageOfTasks(ctx, filtered, taskOrder(query), query);
}

export type FilteredTasks = ReturnType<typeof selectTasks>;

const selectTasks = (db: ServiceContext["db"]) => db.selectFrom("tasks as t");

/** The caller's tasks (`t`) that pass the query's filters and search. */
export async function filterTasks(ctx: ServiceContext, query: ListTasksQuery): Promise<FilteredTasks> {
  let filtered = selectTasks(ctx.db).where("t.user_id", "=", ctx.userId);
  if (query.status) filtered = filtered.where("t.completed", "=", query.status === "completed");
  if (query.priority_id !== undefined) filtered = filtered.where("t.priority_id", "=", query.priority_id);
  if (query.recurring_task_id !== undefined) {
    filtered = filtered.where("t.recurring_task_id", "=", query.recurring_task_id);
  }
  if (query.due_before) filtered = filtered.where("t.due_date", "<", new Date(query.due_before));
  if (query.due_after) filtered = filtered.where("t.due_date", ">", new Date(query.due_after));
  if (query.tag_id !== undefined) {
    const tagId = query.tag_id;
    filtered = filtered.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("task_tags as tt")
          .select("tt.task_id")
          .whereRef("tt.task_id", "=", "t.id")
          .where("tt.tag_id", "=", tagId),
      ),
    );
  }
  if (query.search) {
    // Case and accents folded on both sides (fold_text: unaccent + lower), so "cafe" finds "Café".
    // A user with few tasks is searched from their own rows (strpos cannot use the global trigram
    // index, so the plan starts from the user's index); a user with many takes the trigram index.
    if (await hasFewTasks(ctx)) {
      // The folded word is a subquery, computed once: in the prepared statement's generic plan
      // fold_text of a parameter would run again for each of the user's rows.
      filtered = filtered.where(sql<boolean>`strpos(t.search_text, (SELECT fold_text(${query.search}))) > 0`);
    } else {
      // Planned for each pattern: a plan made without knowing it would take the trigram index even
      // for a word in every title.
      const escaped = query.search.replace(/[\\%_]/g, (c) => `\\${c}`);
      filtered = filtered.where(
        sql<boolean>`${sql.raw(CUSTOM_PLAN)} t.search_text LIKE ('%' || fold_text(${escaped}) || '%')`,
      );
    }
  }
  return filtered;
}

export interface TaskOrder {
  /** The keys the page is ordered and its cursor is keyed by, over the columns k0, k1 and t.id. */
  keys: SortKey[];
  /** The expressions k0, k1 stand for, over the filtered tasks (and their priority `p` if `byPriority`). */
  columns: RawBuilder<unknown>[];
  /** Whether the columns read the task's priority `p` (joined only then). */
  byPriority?: boolean;
  /** Cursors are valid only for the sort and direction they were made for. */
  scope: string;
}

/**
 * The order of each sort, ending with the id so it is total. sort=title orders by the folded title
 * (fold_text: accents removed, lower case, then byte order), so "Éclair" sorts with "eclair", the
 * same on PGlite and on any PostgreSQL server whatever its locale.
 */
export function taskOrder(query: Pick<ListTasksQuery, "sort" | "order">): TaskOrder {
  const dir = query.order ?? (query.sort === "created_at" || query.sort === "priority" ? "desc" : "asc");
  const id: SortKey = { column: "t.id", dir, type: "integer" };
  const scope = `tasks:${query.sort}:${dir}`;
  switch (query.sort) {
    case "due_date":
      return {
        keys: [{ column: "t.k0", dir, type: "timestamptz", nullable: true }, id],
        columns: [sql`t.due_date`],
        scope,
      };
    case "priority":
      return {
        keys: [
          { column: "t.k0", dir, type: "integer" },
          { column: "t.k1", dir: "asc", type: "timestamptz", nullable: true },
          id,
        ],
        columns: [sql`p.level`, sql`t.due_date`],
        byPriority: true,
        scope,
      };
    case "title":
      return { keys: [{ column: "t.k0", dir, type: "text" }, id], columns: [sql`t.title_key`], scope };
    default:
      return {
        keys: [{ column: "t.k0", dir, type: "timestamptz" }, id],
        columns: [sql`t.created_at`],
        scope,
      };
  }
}

/**
 * The page asked for (offset or keyset cursor) of the filtered tasks in `order`, with its page
 * info, as the API's JSON text. One statement: the page, the total (a window over every filtered
 * row), the rows left from the cursor on, and the page already as JSON (taskJson, with the tags of
 * the page's rows read at once): nothing is parsed into objects here only to be
 * serialized again. A second count runs only past the last page, where no row carries the total.
 */
export async function pageOfTasks(
  ctx: ServiceContext,
  filtered: FilteredTasks,
  order: TaskOrder,
  query: Pick<ListTasksQuery, "cursor" | "limit" | "offset">,
): Promise<string> {
  const { keys, scope } = order;
  const after = query.cursor ? decodeCursor(scope, query.cursor, keys.length) : undefined;
  const offset = after !== undefined ? 0 : query.offset;
  const orderBy = orderByKeys(keys);
  // The priority only where the order reads it (its columns are SQL text, so the type holds).
  const source = order.byPriority
    ? (filtered.innerJoin("priorities as p", "p.id", "t.priority_id") as unknown as FilteredTasks)
    : filtered;
  // Only the columns the page shows: the rows are sorted whole, and search_text is wide.
  const inner = source.select([
    "t.id",
    "t.user_id",
    "t.title",
    "t.description",
    "t.completed",
    "t.completed_at",
    "t.due_date",
    "t.priority_id",
    "t.recurring_task_id",
    "t.reminder_offsets_minutes",
    "t.version",
    "t.created_at",
    "t.updated_at",
    sql<number>`count(*) OVER ()`.as("total"),
    ...order.columns.map((expr, i) => expr.as(`k${i}`)),
  ]);
  const page = ctx.db
    .selectFrom(inner.as("t"))
    .selectAll("t")
    .select(sql<number>`row_number() OVER (ORDER BY ${orderBy})`.as("ord"))
    // The rows left from the cursor on; without a cursor they are all the rows (the total).
    .$if(after !== undefined, (qb) =>
      qb.select(sql<number>`count(*) OVER ()`.as("remaining")).where(afterKeys(keys, after!)),
    )
    .orderBy(sql`${orderBy}`)
    .limit(query.limit)
    .offset(offset);
  // The page's tags in one step: the caller's few tags, each tag's links (one index range per
  // tag), joined to the page's ids by hash. OFFSET 0 keeps the links a step of their own: a
  // generic plan, guessing a page of 5 rows, would otherwise look task_tags up once per task,
  // each lookup on an index page of its own. Only the caller's tags: a task links no other's.
  const { rows } = await sql<{
    items: string | null;
    total: number | null;
    remaining: number | null;
    last: unknown[] | null;
    rows: number;
  }>`WITH page AS (${page}),
    page_tags AS (
      SELECT l.task_id, ${tagsAggregate("l.g")} AS tags
      FROM page JOIN (
        SELECT tt.task_id, g
        FROM (SELECT id, name, color FROM tags WHERE user_id = ${ctx.userId}) g
        JOIN task_tags tt ON tt.tag_id = g.id
        OFFSET 0
      ) l ON l.task_id = page.id
      GROUP BY l.task_id
    )
    SELECT
      '[' || string_agg(${taskJsonText(sql`coalesce(pt.tags, '[]'::json)`, sql`p.json`)}, ',' ORDER BY t.ord) || ']' AS items,
      max(t.total) AS total,
      max(${after !== undefined ? sql`t.remaining` : sql`t.total`}) AS remaining,
      (array_agg(${cursorValues(keys)} ORDER BY t.ord DESC))[1] AS last,
      count(*)::int AS rows
    FROM page t
    JOIN ${prioritiesAsShown} p ON p.id = t.priority_id
    LEFT JOIN page_tags pt ON pt.task_id = t.id`.execute(ctx.db);
  const row = rows[0]!;
  const total = Number(
    row.total ??
      (await filtered.select(sql<number>`count(*)::int`.as("total")).executeTakeFirstOrThrow()).total,
  );
  const nextOffset = offset + row.rows;
  const more = row.rows > 0 && Number(row.remaining) > row.rows + offset;
  const pageInfo = {
    limit: query.limit,
    offset,
    total,
    next_offset: after === undefined && nextOffset < total ? nextOffset : null,
    next_cursor: more && row.last ? encodeCursor(scope, row.last) : null,
  };
  return `{"items":${row.items ?? "[]"},"page":${JSON.stringify(pageInfo)}}`;
}

/** Up to this many tasks a search reads the user's own rows rather than the global trigram index. */
const FEW_TASKS = 5000;
/**
 * Each database handle's remembered answers, per user: whether they have few tasks, for a minute,
 * the 10,000 most recently counted users at most. A transaction, a handle of its own, counts afresh.
 */
const fewTasksByDatabase = new WeakMap<object, LRUCache<string, boolean>>();

/**
 * Whether the caller has at most FEW_TASKS tasks, counted at most once a minute per user (per
 * database handle): both ways of searching find the same rows, so a count a minute old costs at
 * most a slower plan, and a search is one statement instead of two.
 */
async function hasFewTasks(ctx: ServiceContext): Promise<boolean> {
  let counts = fewTasksByDatabase.get(ctx.db);
  if (!counts) {
    counts = new LRUCache({ max: 10_000, ttl: 60_000 });
    fewTasksByDatabase.set(ctx.db, counts);
  }
  const known = counts.get(ctx.userId);
  if (known !== undefined) return known;
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks WHERE user_id = ${ctx.userId} LIMIT ${FEW_TASKS + 1}) x`.execute(
    ctx.db,
  );
  const few = (rows[0]?.n ?? 0) <= FEW_TASKS;
  counts.set(ctx.userId, few);
  return few;
}
