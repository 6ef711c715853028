import {
  CreateTaskBody,
  ListTasksQuery,
  Problem,
  Task,
  TaskList,
  UpdateTaskBody,
  UserItemParams,
  UserParams,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import {
  createTask,
  deleteTask,
  getTask,
  listTasksJson,
  toggleTaskCompletion,
  updateTask,
} from "@todo/tasks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const tags = ["tasks"];

export function taskRoutes(app: FastifyInstance, db: Executor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => ({ db, userId: request.user!.id });

  typed.get(
    "/tasks",
    {
      schema: {
        tags,
        summary: "List tasks, filtered, searched, sorted and paged",
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
        body: CreateTaskBody,
        response: { 201: Task, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createTask(ctx(request), request.body)),
  );
  typed.get(
    "/tasks/:id",
    { schema: { tags, summary: "One task", params: UserItemParams, response: { 200: Task, ...errors } } },
    (request) => getTask(ctx(request), request.params.id),
  );
  typed.put(
    "/tasks/:id",
    {
      schema: {
        tags,
        summary: "Change a task (fields given are changed, others kept)",
        params: UserItemParams,
        body: UpdateTaskBody,
        response: { 200: Task, ...errors },
      },
    },
    (request) => updateTask(ctx(request), request.params.id, request.body),
  );
  typed.patch(
    "/tasks/:id/complete",
    {
      schema: {
        tags,
        summary: "Toggle completion",
        params: UserItemParams,
        response: { 200: Task, ...errors },
      },
    },
    (request) => toggleTaskCompletion(ctx(request), request.params.id),
  );
  typed.delete(
    "/tasks/:id",
    {
      schema: {
        tags,
        summary: "Delete a task",
        params: UserItemParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteTask(ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
