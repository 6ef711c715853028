import {
  ConditionalWriteHeaders,
  CreateTagBody,
  IdempotentHeaders,
  Problem,
  Tag,
  TagList,
  TagParams,
  UpdateTagBody,
  UserParams,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import { createTag, deleteTag, listTags, updateTag } from "@todo/tasks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerContext } from "./user-scope.ts";

const errors = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  412: Problem,
  422: Problem,
};
const tags = ["tags"];

export function tagRoutes(app: FastifyInstance, db: Executor): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => callerContext(db, request);

  typed.get(
    "/tags",
    {
      schema: {
        tags,
        summary: "Your tags, with task counts",
        params: UserParams,
        response: { 200: TagList, ...errors },
      },
    },
    async (request) => ({ items: await listTags(ctx(request)) }),
  );
  typed.post(
    "/tags",
    {
      schema: {
        tags,
        summary: "Create a tag (names are unique ignoring case: another spelling of one you have is a 409)",
        params: UserParams,
        headers: IdempotentHeaders,
        body: CreateTagBody,
        response: { 201: Tag, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createTag(ctx(request), request.body)),
  );
  typed.put(
    "/tags/:tag_id",
    {
      schema: {
        tags,
        summary: "Rename or recolor a tag",
        params: TagParams,
        headers: ConditionalWriteHeaders,
        body: UpdateTagBody,
        response: { 200: Tag, ...errors },
      },
    },
    (request) => updateTag(ctx(request), request.params.tag_id, request.body),
  );
  typed.delete(
    "/tags/:tag_id",
    {
      schema: {
        tags,
        summary: "Delete a tag",
        params: TagParams,
        headers: ConditionalWriteHeaders,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteTag(ctx(request), request.params.tag_id);
      return reply.code(204).send(null);
    },
  );
}
