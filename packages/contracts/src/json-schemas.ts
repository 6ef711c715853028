import { z } from "zod";
import { eventSchemas } from "./events.ts";

/** Each event type as a JSON Schema document, for consumers in other languages. */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(eventSchemas).map(([type, schema]) => [
      type,
      {
        $id: `https://todo.example/schemas/${type}.json`,
        title: type,
        ...z.toJSONSchema(schema, { io: "input" }),
      },
    ]),
  );
}
