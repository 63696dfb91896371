/**
 * Operator endpoints: GET /metrics (Prometheus text format; behind METRICS_TOKEN when set) and,
 * only when ADMIN_TOKEN is set, the BullMQ dashboard at /admin/queues behind that token (HTTP
 * Basic so a browser can log in, any user name; or "Authorization: Bearer <token>"). Compared in
 * constant time.
 *
 * The token check is a hook of the dashboard's own plugin scope, so it runs for exactly the
 * routes the router matched under that prefix, after the router decoded the path: a check on the
 * raw URL (`/%61dmin/queues` decodes to the same route) would be bypassed.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { metricsRegistry } from "../bot/metrics.ts";

export const DASHBOARD_PATH = "/admin/queues";

/** The dashboard is bull-board's React app: its own scripts and styles, never framed. */
const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

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

/** An onRequest hook refusing requests without the token (401, with a Basic challenge for browsers). */
function requireToken(token: string, realm: string, name: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (tokenMatches(req.headers.authorization, token)) return;
    return reply
      .code(401)
      .header("www-authenticate", `Basic realm="${realm}", charset="UTF-8"`)
      .send({ error: `需要管理令牌（${name}）。` });
  };
}

export function registerMetricsRoute(http: FastifyInstance, token?: string): void {
  http.get("/metrics", { onRequest: token ? requireToken(token, "jiaolian-metrics", "METRICS_TOKEN") : [] }, async (_req, reply) => {
    const body = await metricsRegistry.metrics();
    return reply.header("content-type", metricsRegistry.contentType).send(body);
  });
}

export function registerQueueDashboard(http: FastifyInstance, queues: Queue[], token: string | undefined): void {
  if (!token) return; // off unless configured: the dashboard can retry and delete jobs
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  void http.register(
    async (scope) => {
      scope.addHook("onRequest", requireToken(token, "jiaolian-admin", "ADMIN_TOKEN"));
      scope.addHook("onSend", async (_req, reply) => void reply.header("content-security-policy", DASHBOARD_CSP));
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: DASHBOARD_PATH },
  );
}
