// The notification API as the distributed mode serves it: on the notification service's own
// server behind requireDaprCaller, reached from the backend through Dapr service invocation.
// daprd cannot run in this tier, so a stand-in sidecar (a loopback HTTP server) plays its part:
// it answers /v1.0/invoke/{app}/method/{path} by calling the app with dapr-api-token and
// dapr-caller-app-id, as daprd does. The stack tier runs the same path through real sidecars.
import { randomBytes } from "node:crypto";
import replyFrom from "@fastify/reply-from";
import { invokedRoutesProxy, registerInvokedRoutes } from "@todo/dapr";
import type { RoutesPlugin } from "@todo/server";
import { createRegistry, createServer } from "@todo/server";
import Fastify, { type FastifyInstance } from "fastify";
import { notificationApiPaths } from "../src/api-paths.ts";

const portOf = (app: FastifyInstance) => (app.server.address() as { port: number }).port;

export interface InvokedService {
  /** The notification service's own server. */
  notificationApp: FastifyInstance;
  /** The stand-in for the backend's sidecar. */
  sidecar: FastifyInstance;
  appApiToken: string;
  /** The backend's plugin: the proxy to the stand-in sidecar. */
  proxy: RoutesPlugin;
  close(): Promise<void>;
}

export async function startInvokedService(
  plugin: RoutesPlugin,
  options: { callerAppId?: string; appId?: string } = {},
): Promise<InvokedService> {
  const appApiToken = randomBytes(24).toString("base64url");
  const notificationApp = await createServer({
    service: "notification-service",
    logger: false,
    registry: createRegistry("notification-invocation-test"),
    readiness: [],
  });
  await registerInvokedRoutes(notificationApp, plugin, { appApiToken, callers: ["backend"] });
  await notificationApp.listen({ port: 0, host: "127.0.0.1" });

  const sidecar = Fastify({ logger: false });
  await sidecar.register(replyFrom, { base: `http://127.0.0.1:${portOf(notificationApp)}` });
  // Bodies pass through untouched, whatever their type.
  sidecar.removeAllContentTypeParsers();
  sidecar.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
  sidecar.all("/v1.0/invoke/:app/method/*", (request, reply) => {
    const { app } = request.params as { app: string };
    if (app !== "notification-service") {
      return reply.code(500).send({ errorCode: "ERR_DIRECT_INVOKE", message: `app ${app} not found` });
    }
    const path = request.url.slice(`/v1.0/invoke/${app}/method`.length).split("?")[0];
    return reply.from(path, {
      rewriteRequestHeaders: (_req, headers) => ({
        ...headers,
        "dapr-api-token": appApiToken,
        "dapr-caller-app-id": options.callerAppId ?? "backend",
      }),
      onError: (errorReply) => {
        errorReply.code(500).send({ errorCode: "ERR_DIRECT_INVOKE", message: "connection refused" });
      },
    });
  });
  await sidecar.listen({ port: 0, host: "127.0.0.1" });

  return {
    notificationApp,
    sidecar,
    appApiToken,
    proxy: invokedRoutesProxy({
      httpPort: portOf(sidecar),
      appId: options.appId ?? "notification-service",
      userPaths: notificationApiPaths.user,
      publicPaths: notificationApiPaths.public,
      userIdOf: (request) => request.user!.id,
    }),
    async close() {
      await sidecar.close();
      await notificationApp.close();
    },
  };
}
