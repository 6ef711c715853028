import {
  ActivityList,
  ListActivityQuery,
  Problem,
  TaskActivityQuery,
  UserItemParams,
  UserParams,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import { callerId } from "@todo/server";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { listActivity, listTaskActivity } from "./list-activity.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/** Mounted by the host under /api/:user_id, behind its auth hook. */
export function activityRoutes(app: FastifyInstance, deps: { db: Executor }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => ({ db: deps.db, userId: callerId(request) });
  const tags = ["activity"];

  typed.get(
    "/activity",
    {
      schema: {
        tags,
        summary: "Your activity log: every change to your tasks, newest first",
        description:
          "Filters: task_id, event_type (repeat it for several), from (inclusive) and to (exclusive) on the event's time. Keyset-paged: pass next_cursor as cursor.",
        params: UserParams,
        querystring: ListActivityQuery,
        response: { 200: ActivityList, ...errors },
      },
    },
    (request) => listActivity(ctx(request), request.query),
  );
  typed.get(
    "/tasks/:id/activity",
    {
      schema: {
        tags,
        summary: "A task's history, oldest first; a deleted task's history stays readable",
        params: UserItemParams,
        querystring: TaskActivityQuery,
        response: { 200: ActivityList, ...errors },
      },
    },
    (request) => listTaskActivity(ctx(request), request.params.id, request.query),
  );
}
