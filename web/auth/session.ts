/**
 * The signed-in person on the bot's pages: a short-lived cookie holding their platform account
 * (platform + user id, the same key the bot uses for a message's sender), signed with a key
 * derived from FORM_SECRET. Nothing else is kept in it: roles are read from the database on every
 * request, so a role taken away in chat is gone on the next page.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { platformSchema } from "../../messages/messages.ts";
import { signToken, verifyToken } from "../../core/signed-token.ts";

export const SESSION_COOKIE = "jl_session";
export const STATE_COOKIE = "jl_login";
/** Long enough for a principal's look at the dashboard and a correction, short enough to matter on a shared computer. */
export const SESSION_TTL_MS = 2 * 3_600_000;
const STATE_TTL_MS = 10 * 60_000;

export interface SignedIn {
  platform: z.infer<typeof platformSchema>;
  userId: string;
}

const sessionSchema = z.object({ k: z.literal("session"), p: platformSchema, u: z.string().min(1).max(256), exp: z.number() });
const stateSchema = z.object({ k: z.literal("login"), s: z.string().min(16), n: z.string(), exp: z.number() });

export interface SessionKeys {
  /** Signs session and login-state cookies; never the same bytes as the link secret. */
  key: string;
  /** Cookies get Secure when the public address is HTTPS. */
  secure: boolean;
}

export function sessionKeys(linkSecret: string, publicBaseUrl: string): SessionKeys {
  return { key: createHmac("sha256", linkSecret).update("web-session/v1").digest("hex"), secure: publicBaseUrl.startsWith("https://") };
}

const cookieOptions = (keys: SessionKeys, maxAgeMs: number) => ({ path: "/", httpOnly: true, sameSite: "lax" as const, secure: keys.secure, maxAge: Math.floor(maxAgeMs / 1000) });

export function startSession(reply: FastifyReply, keys: SessionKeys, who: SignedIn, now: Date): void {
  const token = signToken(keys.key, { k: "session", p: who.platform, u: who.userId, exp: now.getTime() + SESSION_TTL_MS });
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(keys, SESSION_TTL_MS));
}

export function endSession(reply: FastifyReply, keys: SessionKeys): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(keys, 0));
}

/** A cookie from the request's header: for routes registered in scopes the cookie plugin does not reach. */
function cookieFromHeader(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function signedIn(req: FastifyRequest, keys: SessionKeys, now: Date): SignedIn | undefined {
  const raw = req.cookies?.[SESSION_COOKIE] ?? cookieFromHeader(req.headers.cookie, SESSION_COOKIE);
  if (!raw) return undefined;
  const check = verifyToken<{ exp: number }>(keys.key, raw, now);
  if (!check.ok) return undefined;
  const s = sessionSchema.safeParse(check.payload);
  return s.success ? { platform: s.data.p, userId: s.data.u } : undefined;
}

/** Only a path on this site: an absolute or protocol-relative `next` would make sign-in an open redirect. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 2048 ? next : "/";
}

/** A fresh login attempt: the state goes to the platform and, signed, into a cookie to compare on return. */
export function startLogin(reply: FastifyReply, keys: SessionKeys, next: string, now: Date): string {
  const state = randomBytes(24).toString("base64url");
  void reply.setCookie(STATE_COOKIE, signToken(keys.key, { k: "login", s: state, n: next, exp: now.getTime() + STATE_TTL_MS }), cookieOptions(keys, STATE_TTL_MS));
  return state;
}

/** The `next` of the login this browser started, when the returned state is that login's. */
export function finishLogin(req: FastifyRequest, reply: FastifyReply, keys: SessionKeys, returned: unknown, now: Date): string | undefined {
  const raw = req.cookies[STATE_COOKIE];
  void reply.clearCookie(STATE_COOKIE, cookieOptions(keys, 0));
  if (!raw || typeof returned !== "string") return undefined;
  const check = verifyToken<{ exp: number }>(keys.key, raw, now);
  if (!check.ok) return undefined;
  const s = stateSchema.safeParse(check.payload);
  if (!s.success) return undefined;
  const [a, b] = [Buffer.from(s.data.s), Buffer.from(returned)];
  return a.length === b.length && timingSafeEqual(a, b) ? safeNext(s.data.n) : undefined;
}
