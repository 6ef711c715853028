// `api`: list, search and create under load (autocannon) against the backend on the seeded database.

import { auth, backendUrl, pick, query, services } from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { load } from "./load.ts";
import { type BenchUser, SEARCH_WORDS } from "./seed.ts";
import { cpuMs } from "./stack.ts";

export const apiLoad: Benchmark = {
  name: "api",
  run: ({ users, tagsOf }) => benchApi(users, tagsOf),
};

async function benchApi(users: BenchUser[], tagsOf: Map<string, number[]>): Promise<void> {
  const listPath = (u: BenchUser) => `/api/${u.id}/tasks?status=pending&sort=due_date&order=asc&limit=50`;
  // Where a list request's time goes: the CPU the backend and its database connections use per
  // request over the measured run (the load generator's own share is not counted).
  const backendPid = services.find((s) => s.name === "app-backend")!.child.pid!;
  const cpuNow = async () => {
    const pids = (
      await query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
      )
    ).map((r) => r.pid);
    return { backend: cpuMs(backendPid), database: pids.reduce((sum, pid) => sum + cpuMs(pid), 0) };
  };
  /** A 50-connection load of GETs on `path(user)`, with the CPU per request it cost. */
  const measured = async (path: (u: BenchUser) => string) => {
    let cpuBefore = { backend: 0, database: 0 };
    const result = await load({
      onMeasuredStart: async () => {
        cpuBefore = await cpuNow();
      },
      url: backendUrl,
      connections: 50,
      seconds: P.seconds,
      warmupSeconds: P.warmup,
      next: () => {
        const u = pick(users);
        return { method: "GET", path: path(u), headers: auth(u) };
      },
    });
    const cpuAfter = await cpuNow();
    const perRequest = (ms: number) => Math.round((ms * 1000) / (result.ok + result.failed));
    return {
      ...result,
      backendCpu: perRequest(cpuAfter.backend - cpuBefore.backend),
      databaseCpu: perRequest(cpuAfter.database - cpuBefore.database),
    };
  };
  const list = await measured(listPath);
  const listNote = `GET first page of 50, status=pending, sort=due_date; 50 connections, ${P.seconds} s; ${P.tasks.toLocaleString("en")} tasks / ${P.users.toLocaleString("en")} users; ${list.ok} ok, ${list.failed} failed; p50 ${list.p50} ms; CPU per request: backend ${list.backendCpu} µs, PostgreSQL ${list.databaseCpu} µs`;
  row("api_list_p99_ms", list.p99, "ms", "<= 20", "distributed", listNote);
  row("api_list_rps", list.rps, "req/s", ">= 2,000", "distributed", listNote);

  const listDbPerRequest = list.databaseCpu;
  const search = await measured((u) => `${listPath(u)}&search=${pick(SEARCH_WORDS)}`);
  const searchDbPerRequest = search.databaseCpu;
  const searchNote = `as api_list with search=<word>; ${search.rps} req/s, ${search.ok} ok, ${search.failed} failed; p50 ${search.p50} ms; CPU per request: backend ${search.backendCpu} µs, PostgreSQL ${searchDbPerRequest} µs`;
  row("api_search_p99_ms", search.p99, "ms", "<= 30", "distributed", searchNote);
  // A search reads the user's own rows, as the list does: it should cost about what a list costs.
  row(
    "api_search_db_cpu_ratio",
    Math.round((searchDbPerRequest / Math.max(1, listDbPerRequest)) * 100) / 100,
    "x list",
    "<= 1.2",
    "distributed",
    `PostgreSQL CPU per search (${searchDbPerRequest} µs) over per list (${listDbPerRequest} µs)`,
  );

  let n = 0;
  const create = await load({
    url: backendUrl,
    connections: 10,
    seconds: P.seconds,
    warmupSeconds: P.warmup,
    next: () => {
      const u = pick(users);
      const tags = tagsOf.get(u.id)!;
      return {
        method: "POST",
        path: `/api/${u.id}/tasks`,
        headers: { ...auth(u), "content-type": "application/json" },
        body: JSON.stringify({
          title: `bench create ${n++}`,
          priority_id: 3,
          tag_ids: [tags[0], tags[1]],
          due_date: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      };
    },
  });
  row(
    "api_create_p99_ms",
    create.p99,
    "ms",
    "<= 30",
    "distributed",
    `POST with two tags and a due date, outbox row in the same transaction; 10 connections, ${P.seconds} s; ${create.rps} req/s, ${create.ok} ok, ${create.failed} failed; p50 ${create.p50} ms`,
  );
}
