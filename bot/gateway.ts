/**
 * The gateway side of the pipeline: accepts normalized messages from any adapter and queues them
 * under jobId <platform>-<messageId> (the ack point). A jobId already present means the platform
 * delivered the message again: it is not queued twice.
 */
import { Job } from "bullmq";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import { inboundResultSchema, type InboundResult } from "../messages/queues.ts";
import { inboundJobId, outboundJobId, type Producers } from "../messages/producers.ts";
import type { InboundSink } from "./adapter.ts";
import type { InboundLimits } from "./inbound-limits.ts";
import { messagesIn, rateLimited } from "./metrics.ts";

const POLL_MS = 200;
export const TOO_FAST = "太快了，请稍后再发。";

export class Gateway {
  constructor(
    private readonly producers: Producers,
    private readonly limits?: InboundLimits,
    /** Resolves once the queued message is safe from a Redis failover (replicated), else throws. */
    private readonly durable?: () => Promise<void>,
  ) {}

  readonly sink: InboundSink = async (message: InboundMessage) => {
    const jobId = inboundJobId(messageKey(message));
    const existed = (await this.producers.inbound.queue.getJob(jobId)) !== undefined;
    if (existed) {
      messagesIn.inc({ platform: message.platform, outcome: "redelivery" });
      return { jobId, existed };
    }
    const verdict = this.limits ? await this.limits.admit(message, jobId, Date.now()) : { ok: true as const, priority: undefined };
    if (!verdict.ok) {
      // Dropped without touching the database; the reply job (the "too fast" notice once per
      // window, otherwise nothing to say) tells an adapter holding the request that it is over.
      rateLimited.inc({ platform: message.platform, scope: verdict.scope });
      const { platform, chatId, chatType, messageId, replyHandle } = message;
      const replies = verdict.tellSender ? [{ text: TOO_FAST }] : [];
      await this.producers.outbound.add({ platform, chatId, chatType, replyTo: messageId, replyHandle, replies }, `dropped-${outboundJobId(messageKey(message))}`);
      return { jobId, existed: false };
    }
    // The priority puts a quiet chat's message ahead of a noisy chat's backlog (bot/inbound-limits.ts).
    await this.producers.inbound.add(message, jobId, verdict.priority === undefined ? {} : { priority: verdict.priority });
    // Throwing here is the adapter's "not accepted": the platform redelivers (or the spool keeps
    // it) and the redelivery finds the job already queued.
    await this.durable?.();
    messagesIn.inc({ platform: message.platform, outcome: "queued" });
    return { jobId, existed };
  };

  /** Whether a queued message came from this chat (a reused message id from another chat did not). */
  async sameChat(jobId: string, chatId: string): Promise<boolean> {
    const job = await Job.fromId(this.producers.inbound.queue, jobId);
    return (job?.data as { chatId?: string } | undefined)?.chatId === chatId;
  }

  /**
   * The stored result of an already-queued message (a redelivery), once it has finished; undefined
   * after `timeoutMs`. Polls: redeliveries are rare, and a per-message event listener is not free.
   */
  async resultOf(jobId: string, timeoutMs: number): Promise<InboundResult | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await Job.fromId(this.producers.inbound.queue, jobId);
      if (job?.finishedOn) {
        const parsed = inboundResultSchema.safeParse(job.returnvalue);
        return parsed.success ? parsed.data : undefined;
      }
      if (!job || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
