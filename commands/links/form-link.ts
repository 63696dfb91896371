/**
 * Links to the web form: signed, bound to the member, chat and community, expiring, and usable
 * for one submission (the token's id becomes the submission's message id).
 */
import { randomUUID } from "node:crypto";
import { signToken } from "../../core/signed-token.ts";
import type { Platform, Reply } from "../../messages/messages.ts";
import { UserError } from "../core/errors.ts";
import type { AnyCommand, BoundContext } from "../core/types.ts";

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
  /** the command whose form this is (its name) */
  cmd: string;
  /** preselected activity kind */
  k?: string;
  /** one submission: the form's message id is `form-<j>` */
  j: string;
  exp: number;
}

export function formLink(ctx: BoundContext, command: string, kind?: string): { url: string; expiresAt: Date } {
  const forms = ctx.settings.forms;
  if (!forms) throw new UserError("表单功能未开启，请联系管理员设置 PUBLIC_BASE_URL。现在也可以直接发送命令，例如：/记录 示范课 今天 语文");
  const { message: m } = ctx;
  const expiresAt = new Date(ctx.now.getTime() + forms.ttlMs);
  const payload: FormTokenPayload = {
    c: ctx.community.id,
    m: ctx.member.id,
    cmd: command,
    p: m.platform,
    ch: m.chatId,
    t: m.chatType,
    u: m.senderId,
    n: m.senderName,
    ...(kind ? { k: kind } : {}),
    j: randomUUID(),
    exp: expiresAt.getTime(),
  };
  return { url: `${forms.baseUrl}/f/${signToken(forms.secret, { ...payload })}`, expiresAt };
}

export function formLinkReply(ctx: BoundContext, command: AnyCommand, kind?: string): Reply {
  const title = command.webForm?.title ?? command.summary;
  const { url, expiresAt } = formLink(ctx, command.name, kind);
  const hours = Math.round((expiresAt.getTime() - ctx.now.getTime()) / 3_600_000);
  const text = [
    `📝 ${ctx.member.displayName}，点开链接${title}${kind ? `（${kind}）` : ""}（${hours}小时内有效，提交一次）：`,
    url,
    `也可以直接发送 /${command.name} 命令，发送 /帮助 ${command.name} 查看写法。`,
  ].join("\n");
  return { text, link: { label: title, url } };
}
