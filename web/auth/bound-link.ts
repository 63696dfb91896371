/**
 * Links that open only for a signed-in account (a payload with `si`: posted in a group on a
 * platform with web sign-in). The session is the bot's own sign-in (web/auth/session.ts); these
 * routes live in scopes the cookie plugin does not reach, so the cookie is read from the header.
 */
import { LEGACY_ORG, orgOf } from "../../messages/orgs.ts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { LinkSigning } from "../../core/links/index.ts";
import { messagePage } from "../forms/html.ts";
import { type SignedIn, sessionKeys, signedIn } from "./session.ts";

/** The account signed in on this browser, if any. */
export function viewerOf(req: FastifyRequest, signing: LinkSigning, now: Date): SignedIn | undefined {
  return signedIn(req, sessionKeys(signing.secret, signing.baseUrl), now);
}

/**
 * Nobody signed in: a page is sent to the platform's sign-in and back here (in the platform's own
 * browser that is silent); anything else (a form post, a file fetch) is refused, read nothing.
 */
/** `platform` empty: the chooser of every sign-in this deployment has; `org`: that organisation's sign-in (web/auth/routes.ts). */
export function sendToSignIn(req: FastifyRequest, reply: FastifyReply, platform: string, what: string, org = LEGACY_ORG): FastifyReply {
  const path = req.url.split("?")[0] ?? "/";
  const login = !platform ? "/login" : org === LEGACY_ORG ? `/login/${encodeURIComponent(platform)}` : `/login/${encodeURIComponent(platform)}/org/${encodeURIComponent(org)}`;
  if (req.method === "GET") return reply.redirect(`${login}?next=${encodeURIComponent(path)}`, 302);
  return reply
    .code(401)
    .header("connection", "close")
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(messagePage("请先登录", [`这个链接发在群里，只有${what}登录后能用，什么也没有提交。请从群里重新点开链接，按提示登录。`]));
}

/** Signed in as someone else: said plainly, with what to do. */
export function wrongAccount(reply: FastifyReply, lines: string[]): FastifyReply {
  return reply.code(403).header("connection", "close").type("text/html; charset=utf-8").header("cache-control", "no-store").send(messagePage("不是你的链接", lines));
}

/** For a page that acts as the person who asked (a form, a ledger upload): undefined when this browser is that person, else the reply already sent. */
export function checkAsker(req: FastifyRequest, reply: FastifyReply, signing: LinkSigning, now: Date, t: { si?: 1; p: string; u: string; n: string }): FastifyReply | undefined {
  if (t.si !== 1) return undefined;
  const viewer = viewerOf(req, signing, now);
  if (!viewer) return sendToSignIn(req, reply, t.p, `${t.n || "申请链接的人"}本人`, orgOf(t.u));
  if (viewer.platform === t.p && viewer.userId === t.u) return undefined;
  return wrongAccount(reply, [`这个链接是${t.n || "另一位成员"}在群里申请的，只能由本人登录后使用，你登录的是另一个账号。需要的话请在群里自己发一次同样的命令。`]);
}
