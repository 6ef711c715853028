import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskList } from "@todo/contracts";
import { assertProblem, build, type TestApi } from "./helpers.ts";

async function seed(api: TestApi) {
  const user = await api.signUp();
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${user.userId}${path}`, {
      token: user.token,
      ...(body !== undefined ? { body } : {}),
    });
  return { user, req };
}

test("a cursor walk while 2 tasks are created and 1 deleted between pages shows every surviving task exactly once", async (t) => {
  const api = await build(t);
  const { req } = await seed(api);
  const ids: number[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(
      (
        await req("POST", "/tasks", {
          title: `task ${i}`,
          due_date: i % 3 === 0 ? null : `2027-0${1 + (i % 4)}-01T00:00:00Z`,
        })
      ).body.id,
    );
  }
  for (const sort of ["created_at", "due_date", "priority", "title"]) {
    for (const order of ["asc", "desc"]) {
      const seen: number[] = [];
      const survivors = new Set(ids);
      let cursor: string | null = null;
      let pages = 0;
      const extra: number[] = [];
      do {
        const reply = await req(
          "GET",
          `/tasks?sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        );
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        TaskList.parse(reply.body);
        seen.push(...reply.body.items.map((x: { id: number }) => x.id));
        cursor = reply.body.page.next_cursor;
        if (pages === 0) {
          // Another client creates two tasks and deletes one already shown... and one not yet shown.
          extra.push((await req("POST", "/tasks", { title: "new A" })).body.id);
          extra.push((await req("POST", "/tasks", { title: "new B" })).body.id);
          const notYetShown = ids.find((id) => !seen.includes(id) && survivors.has(id))!;
          assert.equal((await req("DELETE", `/tasks/${notYetShown}`)).status, 204);
          survivors.delete(notYetShown);
        }
        pages++;
      } while (cursor);
      const counts = new Map<number, number>();
      for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const id of survivors)
        assert.equal(counts.get(id), 1, `${sort} ${order}: task ${id} seen ${counts.get(id) ?? 0} times`);
      assert.ok(
        [...counts.values()].every((n) => n === 1),
        `${sort} ${order}: a task was shown twice`,
      );
      // Put things back for the next order: the deleted one comes back as a new task.
      for (const id of extra) await req("DELETE", `/tasks/${id}`);
      const gone = ids.findIndex((id) => !survivors.has(id));
      ids[gone] = (await req("POST", "/tasks", { title: `task again ${gone}` })).body.id;
    }
  }
});

test("offset paging still works and a foreign or broken cursor is a 400 naming cursor", async (t) => {
  const api = await build(t);
  const { req } = await seed(api);
  for (let i = 0; i < 3; i++) await req("POST", "/tasks", { title: `t${i}` });
  const first = (await req("GET", "/tasks?limit=2")).body.page;
  assert.equal(first.next_offset, 2);
  assert.equal(typeof first.next_cursor, "string");
  const last = (await req("GET", `/tasks?limit=2&cursor=${first.next_cursor}`)).body;
  assert.equal(last.items.length, 1);
  assert.equal(last.page.next_cursor, null);
  assertProblem(
    await req("GET", `/tasks?limit=2&sort=title&cursor=${first.next_cursor}`),
    400,
    "validation_failed",
  );
  const broken = await req("GET", "/tasks?cursor=not-a-cursor");
  assertProblem(broken, 400, "validation_failed");
  assert.equal(broken.body.errors[0].field, "cursor");
});

test("search ignores case and accents (cafe finds Café); sort=title puts accented letters with their base letters", async (t) => {
  const api = await build(t);
  const { req } = await seed(api);
  const make = async (title: string, description?: string) =>
    (await req("POST", "/tasks", { title, ...(description ? { description } : {}) })).body.id;
  const cafe = await make("Café au lait");
  const eclair = await make("Éclair");
  const zebra = await make("zebra");
  const apple = await make("apple");
  const ecole = await make("ecole", "Rendez-vous à l'ÉCOLE");
  const hundred = await make("100% done");
  const ids = async (query: string) =>
    (await req("GET", `/tasks?${query}`)).body.items.map((x: { id: number }) => x.id);
  assert.deepEqual(await ids("search=cafe"), [cafe]);
  assert.deepEqual(await ids("search=CAFÉ"), [cafe]);
  assert.deepEqual(await ids(`search=${encodeURIComponent("école")}&sort=title`), [ecole]);
  assert.deepEqual(await ids("search=eclair"), [eclair]);
  assert.deepEqual(await ids(`search=${encodeURIComponent("100%")}`), [hundred]);
  assert.deepEqual(await ids(`search=${encodeURIComponent("_")}`), []);
  // Folded titles in byte order: "100% done", "apple", "cafe au lait", "eclair", "ecole", "zebra".
  assert.deepEqual(await ids("sort=title&order=asc"), [hundred, apple, cafe, eclair, ecole, zebra]);
  assert.deepEqual(await ids("sort=title&order=desc"), [zebra, ecole, eclair, cafe, apple, hundred]);
});
