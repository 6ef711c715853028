export { CRON_BINDING_ROUTE, registerCronRoute } from "./cron-route.ts";
export {
  DEFAULT_TICK_BUDGET,
  MAX_CATCH_UP,
  runRecurringTick,
  type TickBudget,
  UNLIMITED_TICK,
} from "./recurring-tick.ts";
export { runReminderTick } from "./reminder-tick.ts";
export { createScheduler, type Scheduler, type TickSummary } from "./scheduler.ts";
