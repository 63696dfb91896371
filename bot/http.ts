/**
 * The bot's one HTTP server: /healthz always; simulator and (later) platform callbacks as
 * registered. Errors become short JSON in Chinese, never a stack trace.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../config/logger.ts";

/** `platforms`: each platform connection (bot/health.ts); `verbose` adds reconnect counts. */
export type HealthCheck = (verbose: boolean) => Promise<{ redis: boolean; postgres: boolean; platforms?: { healthy: boolean }[] }>;

export function createHttpServer(log: Logger, health: HealthCheck): FastifyInstance {
  const app: FastifyInstance = Fastify({ loggerInstance: log.child({ part: "http" }, { level: "warn" }) as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024, routerOptions: { maxParamLength: 1024 } }); // signed link tokens travel as path parameters
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error({ url: req.url, err: err.message }, "http handler failed");
    const text = status === 413 ? "请求太大。" : status === 500 ? "服务器内部错误，请稍后再试。" : "请求格式不对，请发送 JSON。";
    void reply.code(status).send({ error: text });
  });
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
