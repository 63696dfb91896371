/**
 * The inbound processor: one message → one transaction (commands/dispatch) → replies queued on
 * `outbound` under a jobId derived from the message, so a retry after a crash replies once.
 * A database or Redis outage is waited out (workers/outage.ts), never answered with an apology.
 */
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import type { RedisClient } from "../config/redis.ts";
import type { Logger } from "../config/logger.ts";
import { handleInbound, type DispatchDeps } from "../commands/core/dispatch.ts";
import type { Registry } from "../commands/core/registry.ts";
import { normalizeText, splitCommand, stripLeadingMentions } from "../core/normalize.ts";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import type { InboundResult } from "../messages/queues.ts";
import { messagesOut, messagesProcessed, outageNotices, processingSeconds, queueDelaySeconds, retries } from "../bot/metrics.ts";
import type { InboundLimits } from "../bot/inbound-limits.ts";
import { CommunityMap } from "./community-map.ts";
import type { OutageGate } from "./outage.ts";
import { outboundJobId, type Producers } from "../messages/producers.ts";
import { isConnectionError } from "./transient.ts";

export const OUTAGE_NOTICE = "已收到，系统恢复后自动记录。";

export interface OutageOptions {
  gate: OutageGate;
  /** How long one message waits for the database/Redis before it gets the apology. */
  maxWaitMs: number;
  /** After this long waiting, the sender is told once that the message is safe. */
  noticeAfterMs: number;
  /** Where "this sender was already told" is remembered (one notice per sender and chat per outage). */
  redis: RedisClient;
  prefix: string;
}

export interface InboundDeps extends DispatchDeps {
  producers: Producers;
  log: Logger;
  outage?: OutageOptions;
  /** The gateway's per-chat backlog, released here once the message is processed. */
  limits?: InboundLimits;
  /** Echo mode (benchmark baseline): the same queues and replies, no database work. */
  echo?: boolean;
  /** Fault injection for tests: called after the transaction committed, before the reply is queued. */
  afterCommit?: () => void;
}

const maps = new WeakMap<InboundLimits, CommunityMap>();
function communityMap(deps: InboundDeps, limits: InboundLimits): CommunityMap {
  const known = maps.get(limits);
  if (known) return known;
  const map = new CommunityMap(deps.sql, limits);
  maps.set(limits, map);
  return map;
}

/** The command a message names, as a metrics label from a closed set. Only the start is read: a 1 MB text is refused later, unnormalised. */
function commandLabel(registry: Registry, text: string): string {
  const parsed = splitCommand(stripLeadingMentions(normalizeText(text.slice(0, 256))).text);
  return parsed ? (registry.find(parsed.name)?.name ?? "unknown") : "none";
}

export async function processInbound(deps: InboundDeps, message: InboundMessage, job: Job): Promise<InboundResult> {
  const started = Date.now();
  if (job.attemptsMade === 0) queueDelaySeconds.observe({ queue: "inbound" }, Math.max(0, started - job.timestamp) / 1000);
  const command = commandLabel(deps.registry, message.text);
  // Past maxWaitMs the sender is better served by an apology (retype later) than by silence.
  const result = await untilReachable(deps, message, job, () => compute(deps, message, job)).catch((e: unknown) => {
    if (isConnectionError(e)) return apology(deps, message, job, e);
    throw e;
  });
  deps.afterCommit?.();
  await untilReachable(deps, message, job, () => queueReplies(deps, message, result));
  if (deps.limits && !deps.echo)
    await communityMap(deps, deps.limits)
      .note(message)
      .catch((e: unknown) => deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, "chat's community not noted"));
  if (job.id) await deps.limits?.done(message, job.id).catch(() => undefined); // stale entries age out anyway
  messagesProcessed.inc({ platform: message.platform, command, outcome: result.duplicate ? "duplicate" : "done" });
  messagesOut.inc({ platform: message.platform, command });
  processingSeconds.observe({ platform: message.platform, command }, (Date.now() - started) / 1000);
  return result;
}

async function compute(deps: InboundDeps, message: InboundMessage, job: Job): Promise<InboundResult> {
  try {
    return deps.echo ? { replies: [{ text: message.text }], duplicate: false } : await handleInbound(deps, message);
  } catch (e) {
    if (isConnectionError(e)) throw e; // waited out by untilReachable
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 < attempts) throw e; // perhaps a race (e.g. a unique key): BullMQ retries
    return apology(deps, message, job, e);
  }
}

function apology(deps: InboundDeps, message: InboundMessage, job: Job, e: unknown): InboundResult {
  const ref = randomUUID().slice(0, 8);
  deps.log.error({ ref, jobId: job.id, chatId: message.chatId, err: e instanceof Error ? e.stack : String(e) }, "inbound message failed");
  messagesProcessed.inc({ platform: message.platform, command: commandLabel(deps.registry, message.text), outcome: "failed" });
  return { replies: [{ text: `抱歉，处理这条消息时出错了（参考编号 ${ref}），请稍后再试。` }], duplicate: false };
}

/**
 * Runs `step` until it succeeds; a connection-class failure waits for the database/Redis (up to
 * maxWaitMs from the first failure) and tries again. Safe because every step is idempotent: the
 * transaction records the message under a unique key, reply jobs have ids derived from it.
 */
async function untilReachable<T>(deps: InboundDeps, message: InboundMessage, job: Job, step: () => Promise<T>): Promise<T> {
  let firstFailure: number | undefined;
  for (;;) {
    try {
      return await step();
    } catch (e) {
      if (!deps.outage || !isConnectionError(e)) throw e;
      firstFailure ??= Date.now();
      retries.inc({ queue: "inbound", reason: "connection" });
      deps.log.warn({ jobId: job.id, err: e instanceof Error ? e.message : String(e) }, "database or Redis unreachable; the message waits");
      const deadline = firstFailure + deps.outage.maxWaitMs;
      const noticeAt = Math.max(job.timestamp, deps.outage.gate.downSince ?? firstFailure) + deps.outage.noticeAfterMs;
      const up = await waitWithNotice(deps, deps.outage, message, Math.min(deadline, noticeAt), deadline);
      if (!up) throw e;
    }
  }
}

async function waitWithNotice(deps: InboundDeps, o: OutageOptions, message: InboundMessage, noticeAt: number, deadline: number): Promise<boolean> {
  if (await o.gate.waitUntilUp(noticeAt)) return true;
  if (Date.now() >= deadline) return false;
  await sendNotice(deps, o, message).catch((e: unknown) => deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, "outage notice not sent"));
  return o.gate.waitUntilUp(deadline);
}

/** "Received, will be recorded": once per sender and chat while an outage lasts (Redis remembers 30 min). */
async function sendNotice(deps: InboundDeps, o: OutageOptions, message: InboundMessage): Promise<void> {
  const key = messageKey(message);
  const seen = `${o.prefix}:outage-notice:${message.platform}:${message.chatId}:${message.senderId}`;
  if ((await o.redis.set(seen, key, "PX", 30 * 60_000, "NX")) !== "OK") return;
  const { platform, chatId, chatType, messageId, replyHandle } = message;
  await deps.producers.outbound.add({ platform, chatId, chatType, replyTo: messageId, replyHandle, replies: [{ text: OUTAGE_NOTICE }] }, `notice-${outboundJobId(key)}`);
  outageNotices.inc();
}

async function queueReplies(deps: InboundDeps, message: InboundMessage, result: InboundResult): Promise<void> {
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
}
