export { CRON_BINDING_ROUTE, registerCronRoute } from "./cron-route.ts";
export { runRecurringTick } from "./recurring-tick.ts";
export { runReminderTick } from "./reminder-tick.ts";
export { createScheduler, type Scheduler, type TickSummary } from "./scheduler.ts";
