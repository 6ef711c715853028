// Writes one JSON Schema per event type into packages/contracts/schemas/ (committed).
//   npm run schemas:export -w @todo/contracts
import { mkdir, writeFile } from "node:fs/promises";
import { eventJsonSchemas } from "../src/json-schemas.ts";

const dir = new URL("../schemas/", import.meta.url);
await mkdir(dir, { recursive: true });
for (const [type, schema] of Object.entries(eventJsonSchemas())) {
  await writeFile(new URL(`${type}.json`, dir), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${type}.json`);
}
