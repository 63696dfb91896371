/**
 * Links to the web form: signed, bound to the member, chat and community, expiring, and usable
 * for one submission (the token's id becomes the submission's message id).
 */
import { randomUUID } from "node:crypto";
import { signToken } from "../core/signed-token.ts";
import type { Platform, Reply } from "../messages/messages.ts";
import { UserError } from "./errors.ts";
import type { BoundContext } from "./types.ts";

/** What a form link carries. Short keys: the token travels in a URL. */
export interface FormTokenPayload {
  /** community id */
  c: number;
  /** member id */
  m: number;
  p: Platform;
  /** chat id and type: where the confirmation is posted */
  ch: string;
  t: "group" | "direct";
  /** the sender's platform id and name, as the message that asked for the link had them */
  u: string;
  n: string;
  /** preselected activity kind */
  k?: string;
  /** one submission: the form's message id is `form-<j>` */
  j: string;
  exp: number;
}

export function formLink(ctx: BoundContext, kind?: string): { url: string; expiresAt: Date } {
  const forms = ctx.settings.forms;
  if (!forms) throw new UserError("表单功能未开启，请联系管理员设置 PUBLIC_BASE_URL。现在也可以直接发送命令，例如：/记录 示范课 今天 语文");
  const { message: m } = ctx;
  const expiresAt = new Date(ctx.now.getTime() + forms.ttlMs);
  const payload: FormTokenPayload = {
    c: ctx.community.id, m: ctx.member.id, p: m.platform, ch: m.chatId, t: m.chatType, u: m.senderId, n: m.senderName,
    ...(kind ? { k: kind } : {}), j: randomUUID(), exp: expiresAt.getTime(),
  };
  return { url: `${forms.baseUrl}/f/${signToken(forms.secret, { ...payload })}`, expiresAt };
}

export function formLinkReply(ctx: BoundContext, kind?: string): Reply {
  const { url, expiresAt } = formLink(ctx, kind);
  const hours = Math.round((expiresAt.getTime() - ctx.now.getTime()) / 3_600_000);
  const text = [
    `📝 ${ctx.member.displayName}，点开链接填写${kind ? `「${kind}」` : "活动"}登记表（${hours}小时内有效，提交一次）：`,
    url,
    "也可以直接发送命令，例如：/记录 示范课 今天 语文",
  ].join("\n");
  return { text, link: { label: "填写登记表", url } };
}
