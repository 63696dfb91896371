/**
 * The inbound processor: one message → one transaction (commands/dispatch) → replies queued on
 * `outbound` under a jobId derived from the message, so a retry after a crash replies once.
 */
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import type { Logger } from "../config/logger.ts";
import { handleInbound, type DispatchDeps } from "../commands/dispatch.ts";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import type { InboundResult } from "../messages/queues.ts";
import { outboundJobId, type Producers } from "./queues.ts";

export interface InboundDeps extends DispatchDeps {
  producers: Producers;
  log: Logger;
  /** Echo mode (benchmark baseline): the same queues and replies, no database work. */
  echo?: boolean;
  /** Fault injection for tests: called after the transaction committed, before the reply is queued. */
  afterCommit?: () => void;
}

export async function processInbound(deps: InboundDeps, message: InboundMessage, job: Job): Promise<InboundResult> {
  let result: InboundResult;
  try {
    result = deps.echo ? { replies: [{ text: message.text }], duplicate: false } : await handleInbound(deps, message);
  } catch (e) {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 < attempts) throw e; // transient (e.g. a lost connection): BullMQ retries
    const ref = randomUUID().slice(0, 8);
    deps.log.error({ ref, jobId: job.id, chatId: message.chatId, err: e instanceof Error ? e.stack : String(e) }, "inbound message failed");
    result = { replies: [{ text: `抱歉，处理这条消息时出错了（参考编号 ${ref}），请稍后再试。` }], duplicate: false };
  }
  deps.afterCommit?.();
  // Also for a duplicate: if the first run crashed before queueing its reply, this queues it; if
  // it did not, the same jobId makes this a no-op. Either way the reply goes out once. Also when
  // there is nothing to say: the adapter that holds the request learns that processing ended.
  const key = messageKey(message);
  const here = result.replies.filter((r) => !r.to);
  await deps.producers.outbound.add(
    // A form submission has no platform request to answer: its replies are posted to the chat.
    { platform: message.platform, chatId: message.chatId, chatType: message.chatType, ...(message.form ? {} : { replyTo: message.messageId }), replyHandle: message.replyHandle, replies: here },
    outboundJobId(key),
  );
  // Replies addressed elsewhere (robot webhooks): one job each, ids derived from the message too.
  for (const [i, r] of result.replies.entries()) {
    if (!r.to) continue;
    const push = { platform: r.to.platform, chatId: `webhook:${r.to.name}`, chatType: "group" as const, webhook: r.to, replies: [{ text: r.text }] };
    await deps.producers.outbound.add(push, outboundJobId(`${key}-push-${i}`));
  }
  return result;
}
