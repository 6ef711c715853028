import {
  CompleteTaskBody,
  ConditionalReadHeaders,
  ConditionalWriteHeaders,
  CreateTaskBody,
  IdempotentConditionalHeaders,
  IdempotentHeaders,
  ListTasksQuery,
  NotModified,
  Problem,
  Task,
  TaskList,
  UpdateTaskBody,
  UserItemParams,
  UserParams,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import { createTask, deleteTask, getTask, listTasksJson, setTaskCompletion, updateTask } from "@todo/tasks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerContext } from "./user-scope.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const writeErrors = { ...errors, 409: Problem, 412: Problem, 422: Problem };
const tags = ["tasks"];

export function taskRoutes(app: FastifyInstance, db: Executor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => callerContext(db, request);

  typed.get(
    "/tasks",
    {
      schema: {
        tags,
        summary: "List tasks, filtered, searched, sorted and paged",
        description:
          "Page with `cursor` (from `page.next_cursor`): stable while tasks are created and deleted. `offset` also works but may repeat or skip tasks when the list changes between pages.",
        params: UserParams,
        querystring: ListTasksQuery,
        response: { 200: TaskList, ...errors },
      },
    },
    // The page comes from the database as JSON in the TaskList shape (tests hold it to the schema);
    // a string with a JSON content type is sent as it is, not parsed and serialized again.
    async (request, reply) => {
      const json = await listTasksJson(ctx(request), request.query);
      return reply.type("application/json; charset=utf-8").send(json as unknown as TaskList);
    },
  );
  typed.post(
    "/tasks",
    {
      schema: {
        tags,
        summary: "Create a task",
        params: UserParams,
        headers: IdempotentHeaders,
        body: CreateTaskBody,
        response: { 201: Task, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await createTask(ctx(request), request.body)),
  );
  typed.get(
    "/tasks/:id",
    {
      schema: {
        tags,
        summary: "One task (with its ETag)",
        params: UserItemParams,
        headers: ConditionalReadHeaders,
        response: { 200: Task, 304: NotModified, ...errors },
      },
    },
    (request) => getTask(ctx(request), request.params.id),
  );
  typed.put(
    "/tasks/:id",
    {
      schema: {
        tags,
        summary: "Change a task (fields given are changed, others kept; tag_ids replaces the tag list)",
        params: UserItemParams,
        headers: ConditionalWriteHeaders,
        body: UpdateTaskBody,
        response: { 200: Task, ...writeErrors },
      },
    },
    (request) => updateTask(ctx(request), request.params.id, request.body),
  );
  typed.patch(
    "/tasks/:id/complete",
    {
      schema: {
        tags,
        summary: 'Set completion with {"completed": true|false}; without a body, toggle it',
        params: UserItemParams,
        headers: IdempotentConditionalHeaders,
        body: CompleteTaskBody,
        response: { 200: Task, ...writeErrors },
      },
    },
    (request) => setTaskCompletion(ctx(request), request.params.id, request.body?.completed),
  );
  typed.delete(
    "/tasks/:id",
    {
      schema: {
        tags,
        summary: "Delete a task",
        params: UserItemParams,
        headers: ConditionalWriteHeaders,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await deleteTask(ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
