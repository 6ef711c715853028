// A node:test reporter for scripts/run-tests.mjs: the file's closing counts (tests, pass, fail,
// cancelled, skipped, todo) as one JSON object, written when the run ends.
export default async function* summary(source) {
  const counts = {};
  for await (const event of source) {
    if (event.type !== "test:diagnostic" || event.data.nesting !== 0) continue;
    const match = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(event.data.message);
    if (match) counts[match[1]] = Number(match[2]);
  }
  yield `${JSON.stringify(counts)}\n`;
}
