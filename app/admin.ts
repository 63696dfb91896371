/**
 * Operator endpoints: GET /metrics (Prometheus text format) and, only when ADMIN_TOKEN is set,
 * the BullMQ dashboard at /admin/queues behind that token (HTTP Basic so a browser can log in,
 * any user name; or "Authorization: Bearer <token>"). Compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { metricsRegistry } from "../bot/metrics.ts";

export const DASHBOARD_PATH = "/admin/queues";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The token presented by a request, from Bearer or Basic (the password part). */
function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ""] = header.split(" ", 2);
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    return decoded.slice(decoded.indexOf(":") + 1);
  }
  return undefined;
}

/** Constant-time: both sides are hashed to the same length first, so the length leaks nothing either. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const given = presentedToken(header);
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function registerMetricsRoute(http: FastifyInstance): void {
  http.get("/metrics", async (_req, reply) => {
    const body = await metricsRegistry.metrics();
    return reply.header("content-type", metricsRegistry.contentType).send(body);
  });
}

export function registerQueueDashboard(http: FastifyInstance, queues: Queue[], token: string | undefined): void {
  if (!token) return; // off unless configured: the dashboard can retry and delete jobs
  http.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith(DASHBOARD_PATH)) return;
    if (tokenMatches(req.headers.authorization, token)) return;
    return reply.code(401).header("www-authenticate", 'Basic realm="jiaolian-admin", charset="UTF-8"').send({ error: "需要管理令牌（ADMIN_TOKEN）。" });
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  void http.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
}
