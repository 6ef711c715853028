import { z } from "zod";
import { HexColor } from "./common.ts";

export const Priority = z.object({
  id: z.number().int(),
  name: z.string(),
  level: z.number().int(),
  color: HexColor,
});
export type Priority = z.infer<typeof Priority>;
export const PriorityList = z.object({ items: z.array(Priority) });
