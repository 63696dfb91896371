/**
 * The simulator's sign-in is for development and tests on this machine: it answers only a caller
 * on loopback that came straight to the bot, not through a proxy (a same-host reverse proxy makes
 * every caller 127.0.0.1, but it adds a forwarding header).
 */
import type { FastifyRequest } from "fastify";
import { isLoopback } from "../../bot/loopback.ts";

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host"];

export function isDirectLocalRequest(req: FastifyRequest): boolean {
  return isLoopback(req.socket.remoteAddress) && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}
