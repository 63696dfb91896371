/**
 * The gateway side of the pipeline: accepts normalized messages from any adapter, queues them
 * under jobId <platform>-<messageId> (the ack point), and lets an adapter wait for the result.
 */
import { Job, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import { inboundResultSchema, QUEUE, type InboundResult } from "../messages/queues.ts";
import { inboundJobId, type Producers } from "../workers/queues.ts";
import type { InboundSink } from "./adapter.ts";

export class Gateway {
  private readonly events: QueueEvents;

  constructor(private readonly producers: Producers, eventsConnection: Redis, prefix: string) {
    this.events = new QueueEvents(QUEUE.inbound, { connection: eventsConnection, prefix });
  }

  readonly sink: InboundSink = async (message: InboundMessage) => {
    const jobId = inboundJobId(messageKey(message));
    const existed = (await this.producers.inbound.queue.getJob(jobId)) !== undefined;
    await this.producers.inbound.add(message, jobId);
    return { jobId, existed };
  };

  /** Resolves with the processing result, or undefined after `timeoutMs`. */
  async waitForResult(jobId: string, timeoutMs: number): Promise<InboundResult | undefined> {
    const job = await Job.fromId(this.producers.inbound.queue, jobId);
    if (!job) return undefined;
    try {
      const value: unknown = await job.waitUntilFinished(this.events, timeoutMs);
      const parsed = inboundResultSchema.safeParse(value);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.events.close();
  }
}
