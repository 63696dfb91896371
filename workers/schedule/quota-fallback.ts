/**
 * A scheduled push (reminder, digest) that the platform refused for its daily proactive-send
 * quota (WeCom's 智能机器人). To a group that has its own robot webhook (`/推送群 添加` sent in
 * that group) it goes through the webhook instead; otherwise its ledger row is marked "quota" and
 * the community's admins are told in their next reply (commands/quota-notice.ts). Replies to
 * messages never come here: they are passive and not counted against the quota.
 */
import type { Logger } from "../../config/logger.ts";
import type { Db } from "../../db/client.ts";
import { QUOTA_STATUS } from "../../db/delivery-ledger.ts";
import { webhookTargetSchema, type OutboundMessage } from "../../messages/messages.ts";
import { SCHEDULED_PUSH, type Producers } from "../../messages/producers.ts";

export function quotaFallback(deps: { db: Db; producers: Pick<Producers, "outbound">; log: Logger }) {
  return async (message: OutboundMessage, jobId: string | undefined): Promise<void> => {
    const id = Number(/^push-(\d+)$/.exec(jobId ?? "")?.[1]);
    if (!Number.isInteger(id)) return;
    const row = await deps.db.delivery.findUnique({ where: { id }, select: { communityId: true } });
    if (!row?.communityId) return;
    const target =
      message.chatType === "group" && !message.webhook
        ? await deps.db.pushTarget.findFirst({ where: { communityId: row.communityId, chatId: message.chatId, platform: message.platform }, orderBy: { id: "asc" } })
        : null;
    const webhook = target && webhookTargetSchema.safeParse({ platform: target.platform, name: target.name, url: target.url, ...(target.secret ? { secret: target.secret } : {}) });
    if (webhook?.success) {
      const { replyHandle: _handle, replyTo: _to, ...rest } = message;
      await deps.producers.outbound.add({ ...rest, chatId: `webhook:${webhook.data.name}`, webhook: webhook.data }, `push-${id}-webhook`, SCHEDULED_PUSH);
      await deps.db.delivery.update({ where: { id }, data: { status: "webhook" } });
      deps.log.info({ deliveryId: id, target: webhook.data.name }, "proactive quota used up: the push goes through the group's robot webhook");
      return;
    }
    await deps.db.delivery.update({ where: { id }, data: { status: QUOTA_STATUS } });
  };
}
