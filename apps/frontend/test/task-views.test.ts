import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Task } from "@todo/contracts";
import { initialFilters } from "../src/features/tasks/task-filter-model.ts";
import { groupTasks, readViewState, viewQuery, writeViewState } from "../src/features/tasks/task-views.ts";

const task = (id: number, due_date: string | null) => ({ id, title: `t${id}`, due_date }) as Task;

describe("the view and filters in the URL", () => {
  test("round-trip through the query string, defaults left out", () => {
    const state = {
      view: "today" as const,
      filters: {
        ...initialFilters,
        search: "rent",
        tagId: "4",
        sort: "title" as const,
        order: "asc" as const,
      },
    };
    const url = writeViewState(state);
    assert.equal(url, "?q=rent&tag=4&sort=title&order=asc");
    assert.deepEqual(readViewState(new URLSearchParams(url)), state);
    assert.equal(writeViewState({ view: "today", filters: initialFilters }), "");
  });

  test("the app opens on Today; links naming a view keep opening it (?view=all)", () => {
    assert.equal(readViewState(new URLSearchParams("")).view, "today");
    const all = readViewState(new URLSearchParams("view=all&status=pending"));
    assert.deepEqual([all.view, all.filters.status], ["all", "pending"]);
    assert.equal(writeViewState(all), "?view=all&status=pending");
  });

  test("unknown values fall back to the defaults instead of breaking the page", () => {
    const state = readViewState(new URLSearchParams("view=someday&priority=high&status=maybe&sort=colour"));
    assert.equal(state.view, "today");
    assert.deepEqual(state.filters, initialFilters);
  });
});

describe("view queries on the user's calendar day", () => {
  test("Today: open tasks due before tomorrow starts in Auckland, by due date", () => {
    const q = viewQuery({ view: "today", filters: initialFilters }, "2030-01-15", "Pacific/Auckland");
    assert.equal(q.status, "pending");
    assert.equal(q.due_before, "2030-01-15T11:00:00Z"); // midnight of 16 Jan, NZDT (+13)
    assert.equal(q.due_after, undefined);
    assert.equal(q.sort, "due_date");
  });

  test("Upcoming: from today's local midnight through the next 7 days", () => {
    const q = viewQuery({ view: "upcoming", filters: initialFilters }, "2030-01-15", "Europe/Berlin");
    assert.equal(q.due_after, "2030-01-14T22:59:59.999Z");
    assert.equal(q.due_before, "2030-01-21T23:00:00Z");
  });
});

describe("groups", () => {
  test("Today puts overdue first, whatever the order they came in", () => {
    const groups = groupTasks(
      "today",
      [task(1, "2030-01-15T08:00:00Z"), task(2, "2030-01-13T08:00:00Z")],
      "2030-01-15",
      "Europe/Berlin",
    );
    assert.deepEqual(
      groups.map((g) => [g.label, g.tasks.map((t) => t.id)]),
      [
        ["Overdue", [2]],
        ["Today", [1]],
      ],
    );
  });

  test("Upcoming groups by the local day: 23:30 UTC on the 15th is the 16th in Berlin", () => {
    const groups = groupTasks(
      "upcoming",
      [task(1, "2030-01-15T10:00:00Z"), task(2, "2030-01-15T23:30:00Z"), task(3, "2030-01-18T10:00:00Z")],
      "2030-01-15",
      "Europe/Berlin",
    );
    assert.deepEqual(
      groups.map((g) => g.tasks.map((t) => t.id)),
      [[1], [2], [3]],
    );
    assert.equal(groups[0]?.label, "Today");
    assert.equal(groups[1]?.label, "Tomorrow");
    assert.match(groups[2]?.label ?? "", /Friday/);
  });
});
