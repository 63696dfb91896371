/**
 * The bot's one HTTP server: /healthz always; simulator and platform callbacks as registered.
 * Errors become short JSON in Chinese, never a stack trace. Every response carries the headers
 * an auditor looks for (bot/security-headers.ts); slow or endless requests are cut off by the
 * server's own timeouts (a body trickled one byte at a time would otherwise hold a socket for ever).
 */
import { createServer } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../config/logger.ts";
import { addSecurityHeaders } from "./security-headers.ts";

/** `platforms`: each platform connection (bot/health.ts); `verbose` adds reconnect counts. */
export type HealthCheck = (verbose: boolean) => Promise<{ redis: boolean; postgres: boolean; platforms?: { healthy: boolean }[] }>;

export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this; Node answers 408 and closes otherwise. */
  requestMs: number;
  /** The headers alone. */
  headersMs: number;
  /** A socket with no traffic either way for this long is closed (covers a trickle between bytes too). */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { requestMs: 120_000, headersMs: 15_000, idleMs: 30_000 };

/**
 * Logged instead of the URL: the route as the router matched it (`/d/:token`), never the path
 * itself, which for /d/, /c/, /f/, /p/ and the card callback is a bearer secret.
 */
export const routeForLog = (req: { routeOptions?: { url?: string | undefined } }): string => req.routeOptions?.url ?? "(no route)";

export function createHttpServer(log: Logger, health: HealthCheck, timeouts: HttpTimeouts = DEFAULT_TIMEOUTS): FastifyInstance {
  const headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  const app: FastifyInstance = Fastify({
    loggerInstance: log.child({ part: "http" }, { level: "warn" }) as FastifyBaseLogger,
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { maxParamLength: 1024 }, // signed link tokens travel as path parameters
    // Node checks the request and header deadlines every connectionsCheckingInterval (30 s by
    // default, far longer than a short deadline): check every second, or a quarter of the deadline.
    serverFactory: (handler) => {
      const server = createServer({ requestTimeout: timeouts.requestMs, headersTimeout: headersMs, connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersMs / 4))) }, handler);
      server.setTimeout(timeouts.idleMs);
      server.keepAliveTimeout = 72_000;
      return server;
    },
  });
  // Fastify's own request logs print req.url (a token for the link routes): never let them.
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error({ route: routeForLog(req), method: req.method, err: err.message }, "http handler failed");
    const text = status === 413 ? "请求太大。" : status === 408 ? "请求超时。" : status === 500 ? "服务器内部错误，请稍后再试。" : "请求格式不对，请发送 JSON。";
    void reply.code(status).send({ error: text });
  });
  addSecurityHeaders(app);
  // On shutdown, requests still held (a simulator request waiting for its reply) end their keep-alive
  // connection with their response; otherwise close() waits for the client's idle socket (up to 72 s).
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_req, reply) => void (closing && reply.header("connection", "close")));
  app.setNotFoundHandler((_req, reply) => void reply.code(404).send({ error: "没有这个地址。" }));
  app.get("/healthz", async (req, reply) => {
    const status = await health(Object.hasOwn((req.query ?? {}) as object, "verbose"));
    const ok = status.redis && status.postgres && (status.platforms ?? []).every((p) => p.healthy);
    return reply.code(ok ? 200 : 503).send({ ok, ...status });
  });
  return app;
}
