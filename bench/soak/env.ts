// Imported first by the soak: its stack lives in STACK_DIR when given (else $TMPDIR/todo-soak-stack),
// never in the benchmarks' or the stack tests' runtime dir. bench/stack.ts reads BENCH_STACK_DIR.
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.BENCH_STACK_DIR = process.env.STACK_DIR ?? join(tmpdir(), "todo-soak-stack");
