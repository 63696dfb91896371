/**
 * Sign-in with the platform's own identity: /login lists the platforms this deployment has, each
 * goes through the platform's OAuth and comes back to /login/<platform>/callback; /login/sim is
 * the simulator's stand-in, for this machine only. /logout ends the session (POST, CSRF-checked).
 * With several organisations on one platform (config/orgs.ts) each has its own app and its own
 * /login/<platform>/org/<key> (the legacy one keeps /login/<platform>/callback, the address its
 * app has registered), and /login/<platform> asks which.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Logger } from "../../config/logger.ts";
import { SignInRefused, type WebLogin } from "../../bot/web-login.ts";
import { isDirectLocalRequest } from "./local-only.ts";
import { LEGACY_ORG, qualify } from "../../messages/orgs.ts";
import { chooserPage, refusedPage, simLoginPage, type SignInChoice } from "./pages.ts";
import { endSession, finishLogin, safeNext, startLogin, startSession, type SessionKeys } from "./session.ts";

export interface AuthDeps {
  logins: readonly WebLogin[];
  keys: SessionKeys;
  /** The public address the platform sends the browser back to. */
  baseUrl: () => string;
  simulator: boolean;
  now: () => Date;
  log: Logger;
}

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
const nextQuery = z.object({ next: z.string().optional() }).passthrough();
const simBody = z.object({ userId: z.string().trim().min(1).max(256), next: z.string().optional() });

export async function registerAuthRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const several = (p: string) => deps.logins.filter((l) => l.platform === p).length > 1;
  const orgKey = (l: WebLogin) => l.org ?? LEGACY_ORG;
  /** Where a login starts: /login/<platform> when the platform has one sign-in, else one path per organisation. */
  const startPath = (l: WebLogin) => (several(l.platform) || orgKey(l) !== LEGACY_ORG ? `/login/${l.platform}/org/${orgKey(l)}` : `/login/${l.platform}`);
  const callbackPath = (l: WebLogin) => (orgKey(l) === LEGACY_ORG ? `/login/${l.platform}/callback` : `/login/${l.platform}/org/${orgKey(l)}/callback`);
  const choices = (logins: readonly WebLogin[]): SignInChoice[] =>
    logins.map((l) => ({ platform: l.platform, href: startPath(l), ...(several(l.platform) ? { orgName: l.orgName ?? orgKey(l) } : {}) }));

  app.get("/login", async (req, reply) => {
    const next = safeNext(nextQuery.safeParse(req.query).data?.next);
    return html(reply, 200, chooserPage(choices(deps.logins), next, deps.simulator && isDirectLocalRequest(req)));
  });

  for (const platform of new Set(deps.logins.map((l) => l.platform))) {
    const mine = deps.logins.filter((l) => l.platform === platform);
    const only = mine.length === 1 ? mine[0] : undefined;
    // A link bound to this platform sends the browser here: straight on with one sign-in, else which organisation.
    if (!only || startPath(only) !== `/login/${platform}`)
      app.get(`/login/${platform}`, async (req, reply) => {
        const next = safeNext(nextQuery.safeParse(req.query).data?.next);
        if (only) return reply.redirect(`${startPath(only)}?next=${encodeURIComponent(next)}`, 302);
        return html(reply, 200, chooserPage(choices(mine), next, false));
      });
  }

  for (const login of deps.logins) {
    app.get(startPath(login), async (req, reply) => {
      const next = safeNext(nextQuery.safeParse(req.query).data?.next);
      const state = startLogin(reply, deps.keys, next, deps.now());
      return reply.redirect(login.authorizeUrl(`${deps.baseUrl()}${callbackPath(login)}`, state), 302);
    });
    app.get(callbackPath(login), async (req, reply) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const next = finishLogin(req, reply, deps.keys, q.state, deps.now());
      if (!next) return html(reply, 403, refusedPage("登录已过期或不是从本页面发起的。"));
      const code = q[login.codeParam];
      if (typeof code !== "string" || code.length === 0 || code.length > 512) return html(reply, 400, refusedPage("平台没有返回登录码（可能取消了授权）。"));
      try {
        const userId = await login.userIdFor(code);
        if (!userId) return html(reply, 403, refusedPage("平台没有确认你的身份。"));
        startSession(reply, deps.keys, { platform: login.platform, userId: qualify(orgKey(login), userId) }, deps.now());
        return reply.redirect(next, 302);
      } catch (e) {
        if (e instanceof SignInRefused) return html(reply, 403, refusedPage(e.message));
        deps.log.warn({ platform: login.platform, org: orgKey(login), err: (e as Error).message }, "web sign-in failed");
        return html(reply, 502, refusedPage("暂时连不上平台，请稍后再试。"));
      }
    });
  }

  if (deps.simulator) {
    app.get("/login/sim", async (req, reply) => {
      if (!isDirectLocalRequest(req)) return html(reply, 403, refusedPage("模拟登录只在本机直接访问时可用。"));
      return html(reply, 200, simLoginPage(safeNext(nextQuery.safeParse(req.query).data?.next), reply.generateCsrf()));
    });
    app.post("/login/sim", { preHandler: app.csrfProtection, logLevel: "error" }, async (req, reply) => {
      if (!isDirectLocalRequest(req)) return html(reply, 403, refusedPage("模拟登录只在本机直接访问时可用。"));
      const body = simBody.safeParse(req.body);
      if (!body.success) return html(reply, 400, simLoginPage("/", reply.generateCsrf(), "请填写用户 ID，例如 u1。"));
      startSession(reply, deps.keys, { platform: "sim", userId: body.data.userId }, deps.now());
      return reply.redirect(safeNext(body.data.next), 303);
    });
  }

  // A refused CSRF token is the caller's mistake, not the server's: no warning in the log.
  app.post("/logout", { preHandler: app.csrfProtection, logLevel: "error" }, async (_req, reply) => {
    endSession(reply, deps.keys);
    return reply.redirect("/login", 303);
  });
}
