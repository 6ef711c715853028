import assert from "node:assert/strict";
import { test } from "node:test";
import type { Task, TaskList } from "@todo/contracts";
import {
  flattenPages,
  patchTaskInPages,
  removeTaskFromPages,
  type TaskPages,
} from "../src/features/tasks/task-cache.ts";

const task = (id: number, title = `task ${id}`) => ({ id, title, completed: false }) as Task;
const page = (items: Task[], total: number): TaskList => ({
  items,
  page: { limit: 20, offset: 0, total, next_offset: null, next_cursor: null } as TaskList["page"],
});
const pages = (...lists: TaskList[]): TaskPages => ({ pages: lists, pageParams: lists.map(() => undefined) });

test("patchTaskInPages changes the one task and keeps the others and the paging", () => {
  const data = pages(page([task(1), task(2)], 3), page([task(3)], 3));
  const out = patchTaskInPages(data, 3, { completed: true });
  assert.equal(out?.pages[1]?.items[0]?.completed, true);
  assert.equal(out?.pages[0]?.items[0]?.completed, false);
  assert.equal(
    data.pages[1]?.items[0]?.completed,
    false,
    "the cached original is not mutated (rollback needs it)",
  );
});

test("removeTaskFromPages drops the task and lowers the total once; an absent task changes nothing", () => {
  const data = pages(page([task(1), task(2)], 2));
  const out = removeTaskFromPages(data, 2);
  assert.deepEqual(
    out?.pages[0]?.items.map((t) => t.id),
    [1],
  );
  assert.equal(out?.pages[0]?.page.total, 1);
  assert.equal(removeTaskFromPages(data, 99), data);
});

test("flattenPages lists each task once, in page order", () => {
  const data = pages(page([task(1), task(2)], 3), page([task(2), task(3)], 3));
  assert.deepEqual(
    flattenPages(data).map((t) => t.id),
    [1, 2, 3],
  );
  assert.deepEqual(flattenPages(undefined), []);
});
