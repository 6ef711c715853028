// `api`: list, search and create under load (autocannon) against the backend on the seeded database.
// The goals are the cost of a request (CPU of the backend and of its PostgreSQL connections, in ms
// per request), which a shared machine does not move much; latency and throughput are reported
// beside them without a goal (docs/benchmarks.md says why), and the backend's RSS under the list load.

import type { Request } from "autocannon";
import { auth, backendUrl, pick, query, services } from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { load } from "./load.ts";
import { type BenchUser, SEARCH_WORDS } from "./seed.ts";
import { nodeLabel } from "./services.ts";
import { breakdownNote, cpuMs, type MemoryBreakdown, memoryBreakdown, rssMb } from "./stack.ts";

export const apiLoad: Benchmark = {
  name: "api",
  run: ({ users, tagsOf }) => benchApi(users, tagsOf),
};

async function benchApi(users: BenchUser[], tagsOf: Map<string, number[]>): Promise<void> {
  const listPath = (u: BenchUser) => `/api/${u.id}/tasks?status=pending&sort=due_date&order=asc&limit=50`;
  // Where a list request's time goes: the CPU the backend and its database connections use per
  // request over the measured run (the load generator's own share is not counted, nor the other
  // services' connections to the same database, which handle the events a create publishes: each
  // service's connections carry its name as application_name).
  const backendPid = services.find((s) => s.name === "app-backend")!.child.pid!;
  const cpuNow = async () => {
    const pids = (
      await query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name = 'backend'",
      )
    ).map((r) => r.pid);
    return { backend: cpuMs(backendPid), database: pids.reduce((sum, pid) => sum + cpuMs(pid), 0) };
  };
  /**
   * A closed-loop load, with the CPU per request (µs) it cost and the backend's largest RSS (MB),
   * with where that memory was at the time.
   */
  const measured = async (connections: number, next: () => Request) => {
    let cpuBefore = { backend: 0, database: 0 };
    let peakRss = 0;
    let peakBreakdown: MemoryBreakdown | undefined;
    let sampler: NodeJS.Timeout | undefined;
    const result = await load({
      onMeasuredStart: async () => {
        cpuBefore = await cpuNow();
        sampler = setInterval(() => {
          const rss = rssMb(backendPid);
          if (rss <= peakRss) return;
          peakRss = rss;
          peakBreakdown = memoryBreakdown(backendPid);
        }, 250);
      },
      url: backendUrl,
      connections,
      seconds: P.seconds,
      warmupSeconds: P.warmup,
      next,
    });
    clearInterval(sampler);
    const cpuAfter = await cpuNow();
    const perRequest = (ms: number) => Math.round((ms * 1000) / (result.ok + result.failed));
    const backendCpu = perRequest(cpuAfter.backend - cpuBefore.backend);
    const databaseCpu = perRequest(cpuAfter.database - cpuBefore.database);
    return {
      ...result,
      backendCpu,
      databaseCpu,
      cpuMs: (backendCpu + databaseCpu) / 1000,
      peakRss,
      peakBreakdown,
    };
  };
  /** 50 connections of GETs on `path(user)`. */
  const gets = (path: (u: BenchUser) => string) =>
    measured(50, () => {
      const u = pick(users);
      return { method: "GET", path: path(u), headers: auth(u) };
    });
  const cpuNote = (m: { backendCpu: number; databaseCpu: number }) =>
    `CPU per request: backend ${m.backendCpu} µs + PostgreSQL ${m.databaseCpu} µs`;
  const list = await gets(listPath);
  const listNote = `GET first page of 50, status=pending, sort=due_date; 50 connections, ${P.seconds} s; ${P.tasks.toLocaleString("en")} tasks / ${P.users.toLocaleString("en")} users; ${list.ok} ok, ${list.failed} failed; ${list.rps} req/s, p50 ${list.p50} ms, p99 ${list.p99} ms`;
  row("api_list_cpu_ms", list.cpuMs, "ms", "<= 0.7", "distributed", `${listNote}; ${cpuNote(list)}`);
  row("api_list_p99_ms", list.p99, "ms", "", "distributed", listNote);
  row("api_list_rps", list.rps, "req/s", "", "distributed", listNote);
  row(
    "loaded_rss_mb",
    list.peakRss,
    "MB",
    "<= 120",
    "distributed",
    `backend (its bundle as the image runs it, ${nodeLabel}), largest RSS sampled every 250 ms during the api_list run (50 connections); ${list.rps} req/s; at that peak: ${list.peakBreakdown ? breakdownNote(list.peakBreakdown) : "not sampled"}`,
  );

  const listDbPerRequest = list.databaseCpu;
  const search = await gets((u) => `${listPath(u)}&search=${pick(SEARCH_WORDS)}`);
  const searchDbPerRequest = search.databaseCpu;
  const searchNote = `as api_list with search=<word>; ${search.rps} req/s, ${search.ok} ok, ${search.failed} failed; p50 ${search.p50} ms, p99 ${search.p99} ms`;
  row("api_search_cpu_ms", search.cpuMs, "ms", "<= 0.8", "distributed", `${searchNote}; ${cpuNote(search)}`);
  row("api_search_p99_ms", search.p99, "ms", "", "distributed", searchNote);
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
  const create = await measured(10, () => {
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
        // A week ahead: the default reminder (a day before the due date) is armed, not due. A task
        // due within a day would also set off its task.due.approaching at once, and the reminder
        // sweep and that event's publish would land in this run's CPU: a second event per create.
        due_date: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      }),
    };
  });
  // The backend's CPU includes its outbox relay publishing each new task's event to the sidecar.
  const createNote = `POST with two tags and a due date a week ahead, outbox row in the same transaction (the relay publishing it counted in the backend's CPU); 10 connections, ${P.seconds} s; ${create.rps} req/s, ${create.ok} ok, ${create.failed} failed; p50 ${create.p50} ms, p99 ${create.p99} ms`;
  row("api_create_cpu_ms", create.cpuMs, "ms", "<= 1.0", "distributed", `${createNote}; ${cpuNote(create)}`);
  row("api_create_p99_ms", create.p99, "ms", "", "distributed", createNote);
}
