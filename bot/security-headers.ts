/**
 * Headers on every response (HTML pages, photos, workbooks, JSON): tokens travel in URLs, so no
 * page may leak its address as a Referer, be framed by another site, or have its content type
 * guessed. The pages are server-rendered with inline styles and no script: the CSP allows
 * exactly that. A scope that needs more (the queue dashboard's own scripts) replaces the CSP in
 * an onSend hook of its own, which runs after this root one.
 */
import type { FastifyInstance } from "fastify";

export const PAGE_CSP = "default-src 'none'; img-src 'self' data: blob:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (_req, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    reply.header("content-security-policy", PAGE_CSP);
  });
}
