import { readFileSync } from "node:fs";

/**
 * The stack's loopback ports: ports.env's plan, each moved by STACK_PORT_OFFSET (default 0), as
 * lib.sh moves them, so a second stack on the same machine can run beside the first.
 */
export function stackPorts(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const offset = Number(env.STACK_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0)
    throw new Error("STACK_PORT_OFFSET must be a whole number ≥ 0");
  return Object.fromEntries(
    readFileSync(new URL("../ports.env", import.meta.url), "utf8")
      .split("\n")
      .map((line) => /^([A-Z_]+)=(\d+)$/.exec(line.trim()))
      .filter((m) => m !== null)
      .map((m) => [m[1], Number(m[2]) + offset]),
  ) as Record<string, number>;
}
