/** Producers for the declared queues: every payload is parsed against its schema before it is added. */
import { Queue, type JobsOptions } from "bullmq";
import type { RedisClient } from "../config/redis.ts";
import { jobSchemas, QUEUE, type JobPayload, type QueueName } from "./queues.ts";

/** Keep finished jobs a day, so a redelivered message id still finds its job (jobId dedup). */
const KEEP = { age: 24 * 3600, count: 200_000 };

export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  [QUEUE.inbound]: { attempts: 3, backoff: { type: "exponential", delay: 500 }, removeOnComplete: KEEP, removeOnFail: KEEP },
  [QUEUE.outbound]: { attempts: 10, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: KEEP, removeOnFail: KEEP },
  // Ticks are added by BullMQ's job scheduler (workers/schedule/scheduler.ts), a few kept to look at.
  [QUEUE.schedule]: { removeOnComplete: 100, removeOnFail: 100 },
};

export class Producer<Q extends QueueName> {
  readonly queue: Queue;
  constructor(
    readonly name: Q,
    connection: RedisClient,
    prefix: string,
  ) {
    this.queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] });
  }

  /** Adds a job; a jobId already present is not added again (BullMQ returns the existing job). */
  async add(payload: JobPayload<Q>, jobId: string, opts: JobsOptions = {}) {
    const data = jobSchemas[this.name].parse(payload);
    return this.queue.add(this.name, data, { ...opts, jobId });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface Producers {
  inbound: Producer<"inbound">;
  outbound: Producer<"outbound">;
  close(): Promise<void>;
}

export function createProducers(connection: RedisClient, prefix: string): Producers {
  const inbound = new Producer(QUEUE.inbound, connection, prefix);
  const outbound = new Producer(QUEUE.outbound, connection, prefix);
  return { inbound, outbound, close: async () => void (await Promise.all([inbound.close(), outbound.close()])) };
}

/**
 * Options for a scheduled push (reminders, digests, follow-ups): behind every reply. BullMQ moves
 * jobs without a priority (the wait list) to active before any prioritized job, and keeps FIFO
 * order among jobs of one priority (a digest's parts stay in order). So a reply to a person never
 * queues behind a Monday fan-out; the fan-out uses the sending slots replies leave free.
 */
export const SCHEDULED_PUSH: JobsOptions = { priority: 1000 };

/** jobIds: BullMQ refuses ":" in custom ids, so it is replaced. */
const safeId = (key: string) => key.replace(/:/g, "_");
export const inboundJobId = (key: string) => safeId(key);
export const outboundJobId = (key: string) => `reply-${safeId(key)}`;
