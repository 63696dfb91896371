/**
 * The gateway side of the pipeline: accepts normalized messages from any adapter and queues them
 * under jobId <platform>-<messageId> (the ack point). A jobId already present means the platform
 * delivered the message again: it is not queued twice.
 */
import { Job } from "bullmq";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import { inboundResultSchema, type InboundResult } from "../messages/queues.ts";
import { inboundJobId, type Producers } from "../workers/queues.ts";
import type { InboundSink } from "./adapter.ts";

const POLL_MS = 50;

export class Gateway {
  constructor(private readonly producers: Producers) {}

  readonly sink: InboundSink = async (message: InboundMessage) => {
    const jobId = inboundJobId(messageKey(message));
    const existed = (await this.producers.inbound.queue.getJob(jobId)) !== undefined;
    if (!existed) await this.producers.inbound.add(message, jobId);
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
