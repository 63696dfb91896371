/**
 * Links to a command's web form (Command.webForm): signed, bound to the member, chat and
 * community, expiring, and usable for one submission (the token's id becomes the submission's
 * message id). The payload's shape is core/links (FormLinkPayload).
 */
import { randomUUID } from "node:crypto";
import { type FormLinkPayload, signLink } from "../../core/links/index.ts";
import type { Reply } from "../../messages/messages.ts";
import { UserError } from "./errors.ts";
import type { AnyCommand, BoundContext, FormSettings } from "./types.ts";

export function formLink(ctx: BoundContext, command: string, kind?: string): { url: string; expiresAt: Date } {
  const { forms, expiresAt, asked } = askedInChat(ctx);
  return { url: signLink(forms, { l: "f", ...asked, cmd: command, ...(kind ? { k: kind } : {}) }), expiresAt };
}

/** What a page that acts in the chat as the member who asked carries (form and upload links), and when it expires. */
export function askedInChat(ctx: BoundContext): { forms: FormSettings; expiresAt: Date; asked: Omit<FormLinkPayload, "l" | "cmd" | "k"> } {
  const forms = ctx.settings.forms;
  if (!forms) throw new UserError("表单功能未开启，请联系管理员设置 PUBLIC_BASE_URL。现在也可以直接发送命令，例如：/记录 示范课 今天 语文");
  const { message: m } = ctx;
  const binding = groupLinkBinding(ctx);
  if (binding === "refused") throw new UserError(GROUP_LINK_REFUSED);
  const expiresAt = new Date(ctx.now.getTime() + forms.ttlMs);
  const asked = {
    c: ctx.community.id,
    m: ctx.member.id,
    p: m.platform,
    ch: m.chatId,
    t: m.chatType,
    u: m.senderId,
    n: m.senderName,
    j: randomUUID(),
    ...(binding === "signed-in" ? { si: 1 as const } : {}),
    exp: expiresAt.getTime(),
  };
  return { forms, expiresAt, asked };
}

export const GROUP_LINK_REFUSED =
  "为安全起见，群里不发这个链接：群里人人都能打开它，提交的内容却会记在你名下。请与我单聊发送同一条命令；或请管理员开通网页登录（见部署指南），群里的链接就只有你本人登录后能用。";

/**
 * How a link asked for in this chat is bound to the person. In a 1:1 chat only the asker sees it
 * (a bearer link, short-lived). In a group: on a platform with web sign-in it opens only for the
 * right signed-in account ("signed-in"); without sign-in a page that acts as the asker is not
 * posted there ("refused"). The simulator names its sender freely (anyone on this machine may
 * post as anyone), so a sign-in would bind nothing there.
 */
export function groupLinkBinding(ctx: Pick<BoundContext, "message" | "settings">): "signed-in" | "refused" | undefined {
  const { message: m } = ctx;
  if (m.chatType !== "group" || m.platform === "sim") return undefined;
  return ctx.settings.signIn?.includes(m.platform) ? "signed-in" : "refused";
}

/** `{ sp }` when the chat's platform has web sign-in (a download link's file then carries photo links bound to it), else nothing. */
export function signInOf(ctx: Pick<BoundContext, "message" | "settings">): { sp?: "wecom" | "dingtalk" } {
  const p = ctx.message.platform;
  return p !== "sim" && ctx.settings.signIn?.includes(p) ? { sp: p } : {};
}

export function formLinkReply(ctx: BoundContext, command: AnyCommand, kind?: string): Reply {
  const title = command.webForm?.title ?? command.summary;
  const { url, expiresAt } = formLink(ctx, command.name, kind);
  const hours = Math.round((expiresAt.getTime() - ctx.now.getTime()) / 3_600_000);
  const text = [
    `📝 ${ctx.member.displayName}，点开链接${title}${kind ? `（${kind}）` : ""}（${hours}小时内有效，提交一次${groupLinkBinding(ctx) === "signed-in" ? "，只有你本人登录后能打开" : ""}）：`,
    url,
    `也可以直接发送 /${command.name} 命令，发送 /帮助 ${command.name} 查看写法。`,
  ].join("\n");
  return { text, link: { label: title, url } };
}
