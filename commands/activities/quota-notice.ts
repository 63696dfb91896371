/**
 * Tells a community's admin, in their next reply, which scheduled pushes the platform refused
 * for its daily proactive-send quota (and that no group robot webhook could take them), and how
 * to avoid it. Each refused push is told once: its ledger row moves from "quota" to "quota-told"
 * in the same transaction as the reply that says so.
 */
import { QUOTA_STATUS, QUOTA_TOLD_STATUS } from "../../db/delivery-ledger.ts";
import type { Tx } from "../../db/client.ts";
import type { Reply } from "../../messages/messages.ts";
import { formatWhen } from "../../core/meetings/compose.ts";

const SHOWN = 10;

function what(kind: string): string {
  if (kind.startsWith("weekly-digest")) return "周报";
  if (kind.startsWith("meeting-")) return "联席会议提醒";
  if (kind.startsWith("action-item")) return "待办提醒";
  return "定时通知";
}

export async function quotaNotice(tx: Tx, communityId: number, timezone: string): Promise<Reply | null> {
  const rows = await tx.delivery.findMany({ where: { communityId, status: QUOTA_STATUS }, orderBy: { id: "asc" }, select: { id: true, kind: true, recipient: true, dueAt: true } });
  if (rows.length === 0) return null;
  await tx.delivery.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: QUOTA_TOLD_STATUS } });
  const lines = rows.slice(0, SHOWN).map((r) => `· ${what(r.kind)} → ${r.recipient.startsWith("group:") ? "群" : "私聊"}（${formatWhen(r.dueAt, timezone)}）`);
  return {
    text: [
      `⚠️ 企业微信当天的机器人主动推送额度已用完，以下 ${rows.length} 条定时推送未送达：`,
      ...lines,
      ...(rows.length > SHOWN ? [`……另有 ${rows.length - SHOWN} 条`] : []),
      "避免办法：在该群里发送 /推送群 添加 名称 群机器人Webhook地址，额度用完时改由群机器人发送；私聊推送可配置企业微信自建应用。",
    ].join("\n"),
  };
}
