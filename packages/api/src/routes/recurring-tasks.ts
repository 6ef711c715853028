import {
  ConditionalReadHeaders,
  ConditionalWriteHeaders,
  CreateRecurringTaskBody,
  IdempotentHeaders,
  NotModified,
  Preview,
  PreviewQuery,
  Problem,
  RecurringTask,
  RecurringTaskList,
  UpdateRecurringTaskBody,
  UserItemParams,
  UserParams,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import {
  createRecurringTask,
  deleteRecurringTask,
  getRecurringTask,
  listRecurringTasks,
  previewRecurringTask,
  type TemplateLimits,
  updateRecurringTask,
} from "@todo/tasks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerContext } from "./user-scope.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const writeErrors = { ...errors, 409: Problem, 412: Problem, 422: Problem };
const tags = ["recurring tasks"];

export function recurringTaskRoutes(app: FastifyInstance, db: Executor, limits: TemplateLimits = {}): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => callerContext(db, request);

  typed.get(
    "/recurring-tasks",
    {
      schema: {
        tags,
        summary: "Your recurring templates",
        params: UserParams,
        response: { 200: RecurringTaskList, ...errors },
      },
    },
    async (request) => ({ items: await listRecurringTasks(ctx(request)) }),
  );
  typed.post(
    "/recurring-tasks",
    {
      schema: {
        tags,
        summary: "Create a recurring template",
        params: UserParams,
        headers: IdempotentHeaders,
        body: CreateRecurringTaskBody,
        response: { 201: RecurringTask, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createRecurringTask(ctx(request), request.body, new Date(), limits)),
  );
  typed.get(
    "/recurring-tasks/:id",
    {
      schema: {
        tags,
        summary: "One template (with its ETag)",
        params: UserItemParams,
        headers: ConditionalReadHeaders,
        response: { 200: RecurringTask, 304: NotModified, ...errors },
      },
    },
    (request) => getRecurringTask(ctx(request), request.params.id),
  );
  typed.put(
    "/recurring-tasks/:id",
    {
      schema: {
        tags,
        summary: "Change a template (fields given are changed)",
        params: UserItemParams,
        headers: ConditionalWriteHeaders,
        body: UpdateRecurringTaskBody,
        response: { 200: RecurringTask, ...writeErrors },
      },
    },
    (request) => updateRecurringTask(ctx(request), request.params.id, request.body, new Date(), limits),
  );
  typed.delete(
    "/recurring-tasks/:id",
    {
      schema: {
        tags,
        summary: "Delete a template",
        params: UserItemParams,
        headers: ConditionalWriteHeaders,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await deleteRecurringTask(ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  typed.get(
    "/recurring-tasks/:id/preview",
    {
      schema: {
        tags,
        summary: "The next occurrences, starting with next_occurrence",
        params: UserItemParams,
        querystring: PreviewQuery,
        response: { 200: Preview, ...errors },
      },
    },
    async (request) => ({
      occurrences: await previewRecurringTask(ctx(request), request.params.id, request.query.count),
    }),
  );
}
