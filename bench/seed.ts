// Seeds a benchmark database straight into PostgreSQL with generate_series (not through the API):
// users with real Better Auth sessions (a sessions row whose token is the bearer token, as
// Better Auth stores it), five tags each, tasks spread over them with tags, priorities, due dates
// and words to search for.
import pg from "pg";

export interface SeedOptions {
  users: number;
  tasks: number;
}

export interface BenchUser {
  id: string;
  token: string;
}

/** Words of the task titles; a search for one of them matches about 1 task in 12 of a user's. */
export const SEARCH_WORDS = [
  "invoice",
  "groceries",
  "dentist",
  "report",
  "garden",
  "birthday",
  "taxes",
  "meeting",
  "laundry",
  "flight",
  "library",
  "plumber",
];

const VERBS = ["Buy", "Call", "Email", "Plan", "Fix", "Review", "Pay", "Book", "Clean", "Write"];

export async function seed(url: string, options: SeedOptions): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const words = `(ARRAY[${SEARCH_WORDS.map((w) => `'${w}'`).join(",")}])`;
    const verbs = `(ARRAY[${VERBS.map((w) => `'${w}'`).join(",")}])`;
    const { users, tasks } = options;
    await client.query("SET synchronous_commit = off");
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query(`
      INSERT INTO users (name, email, email_verified)
      SELECT 'Bench user ' || i, 'bench-' || i || '@example.com', true FROM generate_series(1, ${users}) AS i`);
    // Better Auth looks the session up by token (the bearer token, sent unsigned: its bearer
    // plugin signs it itself) and refreshes it once a day (expiresIn 7 days, updateAge 1 day): like one signed in an hour ago.
    await client.query(`
      INSERT INTO sessions (user_id, token, expires_at, ip_address, user_agent)
      SELECT id, 'bench-session-' || replace(id::text, '-', ''), now() + interval '7 days' - interval '1 hour', '127.0.0.1', 'bench'
      FROM users WHERE email LIKE 'bench-%'`);
    await client.query(`
      INSERT INTO tags (user_id, name, name_key, color)
      SELECT u.id, (ARRAY['home','work','errands','health','money'])[g], (ARRAY['home','work','errands','health','money'])[g], '#10B981'
      FROM users u CROSS JOIN generate_series(1, 5) AS g WHERE u.email LIKE 'bench-%'`);
    // Tasks are dealt round-robin over the users (ordered by id), so every user gets tasks / users;
    // their attributes come from hashes of the task number, so they do not follow the user.
    await client.query(`
      WITH u AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE email LIKE 'bench-%'),
           counted AS (SELECT count(*) AS c FROM u),
           s AS (SELECT i, (i * 7919) % 104729 AS h1, (i * 6271) % 100003 AS h2 FROM generate_series(0::bigint, ${tasks - 1}) AS i)
      INSERT INTO tasks (user_id, title, description, completed, completed_at, due_date, priority_id,
                         created_at, updated_at)
      SELECT u.id,
             ${verbs}[1 + h1 % 10] || ' ' || ${words}[1 + h2 % 12] || ' #' || i,
             CASE WHEN h2 % 3 = 0 THEN 'notes for task ' || i ELSE NULL END,
             h1 % 10 < 3,
             CASE WHEN h1 % 10 < 3 THEN now() - (h2 % 1000) * interval '1 hour' ELSE NULL END,
             CASE WHEN h2 % 4 = 0 THEN NULL ELSE now() + (h1 % 20000 - 5000) * interval '1 hour' END,
             1 + (h1 / 10) % 4,
             now() - (h2 % 525600) * interval '1 minute',
             now() - (h2 % 525600) * interval '1 minute'
      FROM s JOIN u ON u.n = s.i % (SELECT c FROM counted)`);
    // One or two of the user's tags on two tasks in three.
    await client.query(`
      WITH ut AS (SELECT user_id, array_agg(id ORDER BY id) AS ids FROM tags GROUP BY user_id)
      INSERT INTO task_tags (task_id, tag_id)
      SELECT t.id, ut.ids[1 + t.id % 5] FROM tasks t JOIN ut USING (user_id) WHERE t.id % 3 <> 0
      UNION ALL
      SELECT t.id, ut.ids[1 + (t.id + 1) % 5] FROM tasks t JOIN ut USING (user_id) WHERE t.id % 3 = 2`);
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
}

export async function benchUsers(url: string): Promise<BenchUser[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ user_id: string; token: string }>(
      "SELECT user_id, token FROM sessions WHERE token LIKE 'bench-session-%' ORDER BY user_id",
    );
    return rows.map((r) => ({ id: r.user_id, token: r.token }));
  } finally {
    await client.end();
  }
}
