/**
 * The outbound processor (in the gateway process): asks the platform's adapter for the sends of
 * a message and runs them in order. The job's progress counts sends already made, so a retry
 * never repeats one. A send whose robot is over its per-minute limit, or that the platform
 * throttled, moves the job to "delayed" until the limit allows it: late, never dropped.
 *
 * The progress is `{ sent, waits, booked }`: sends made, how often the job moved itself to
 * "delayed", and the send (by position) that already holds a slot of the push budget. Starts
 * beyond those waits are crashes (or lost locks): past MAX_STARTS of them the job fails, as
 * BullMQ's maxStartedAttempts would, without counting a wait for its turn as a failure.
 */
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { QuotaExhaustedError, ThrottledError, UndeliverableError } from "../bot/delivery.ts";
import type { RateLimiter } from "../bot/rate-limiter.ts";
import { throttledSends } from "../bot/metrics.ts";
import { webhookDeliveries } from "../bot/webhooks.ts";
import type { OutboundMessage, Platform } from "../messages/messages.ts";
import { orgOf } from "../messages/orgs.ts";
import { SCHEDULED_PUSH } from "../messages/producers.ts";
import { MAX_STARTS } from "./worker-manager.ts";

/** Robot webhooks need no connection of the bot's own: they go out from any gateway. */
function planFor(adapters: ReadonlyMap<Platform, PlatformAdapter>, message: OutboundMessage, windowMs: number) {
  if (message.webhook)
    return webhookDeliveries(
      message.webhook,
      message.replies.map((r) => r.text),
      windowMs,
    );
  const adapter = adapters.get(message.platform);
  if (!adapter) throw new UnrecoverableError(`no adapter for platform ${message.platform}`);
  return adapter.plan(message);
}

/** What happens to a message the platform will not take today (its proactive-send quota): see workers/schedule/quota-fallback.ts. */
export type OnQuota = (message: OutboundMessage, jobId: string | undefined) => Promise<void>;

/**
 * pushBudget: the platform calls a second that scheduled pushes may use (a bucket per platform
 * and organisation, since each organisation's bot or app has limits of its own; shared by every
 * gateway in Redis). Replies take none of it, so under a Monday fan-out the platform's own limit
 * still has room for them; robot webhooks have their own per-robot bucket.
 *
 * A push books its slot (RateLimiter.reserve) and sleeps in "delayed" until then, once. Asking
 * again every second instead (take) made each of the ~27,000 pushes of a Monday fan-out go round
 * the queue once a second for half an hour: tens of thousands of Redis commands a second that
 * the replies then queued behind.
 */
const pushBucket = (message: OutboundMessage) => `push:${message.platform}:${orgOf(message.chatId)}`;

/** How soon a send this gateway may no longer make (it lost the platform connections) is tried again, by the holder. */
export const NOT_HOLDER_RETRY_MS = 500;

/**
 * fence: asked right before each send when gateways run active/standby (bot/connection-lease.ts):
 * false means another gateway holds the platform connections now, and the job goes back to the
 * queue for it, with the sends already made counted, instead of being sent from here.
 */
export function outboundProcessor(adapters: ReadonlyMap<Platform, PlatformAdapter>, limiter: RateLimiter, onQuota?: OnQuota, pushBudget?: RateLimiter, fence?: () => Promise<boolean>) {
  return async (message: OutboundMessage, job: Job, token?: string): Promise<void> => {
    const deliveries = planFor(adapters, message, limiter.windowMs);
    const budgeted = pushBudget && !message.webhook && (job.opts.priority ?? 0) >= (SCHEDULED_PUSH.priority ?? 1);
    const { sent: done, waits, booked } = progressOf(job);
    if ((job.attemptsStarted ?? 0) - waits > MAX_STARTS) throw new UnrecoverableError(`started ${job.attemptsStarted} times, ${waits} of them after waiting its turn`);
    /** Back to the queue for `ms`; `keepsSlot` when send `position` has booked its budget slot (it sends then, without booking again). */
    const later = async (position: number, ms: number, keepsSlot = false): Promise<never> => {
      await job.updateProgress({ sent: position, waits: waits + 1, ...(keepsSlot ? { booked: position } : {}) } satisfies OutboundProgress);
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    };
    const waitFor = async (position: number, ms: number, keepsSlot = false): Promise<never> => {
      throttledSends.inc({ platform: message.platform });
      return later(position, ms, keepsSlot);
    };
    for (let i = done; i < deliveries.length; i++) {
      const d = deliveries[i]!;
      const hasSlot = booked === i;
      if (d.bucket) {
        const wait = await limiter.take(d.bucket);
        if (wait > 0) await waitFor(i, wait, hasSlot);
      }
      if (budgeted && !hasSlot) {
        const wait = await pushBudget.reserve(pushBucket(message));
        if (wait > 0) await waitFor(i, wait, true);
      }
      if (fence && !message.webhook && !(await fence())) await later(i, NOT_HOLDER_RETRY_MS, budgeted);
      try {
        await d.send();
      } catch (e) {
        if (e instanceof ThrottledError) {
          if (d.bucket) await limiter.block(d.bucket, e.retryAfterMs);
          await waitFor(i, e.retryAfterMs);
        }
        if (e instanceof QuotaExhaustedError && onQuota) await onQuota(message, job.id);
        if (e instanceof UndeliverableError) throw new UnrecoverableError(e.message);
        throw e;
      }
      // Only needed when more sends follow; the last one completes the job.
      if (i + 1 < deliveries.length) await job.updateProgress({ sent: i + 1, waits } satisfies OutboundProgress);
    }
  };
}

export interface OutboundProgress {
  sent: number;
  waits: number;
  /** The send (position) whose push-budget slot is booked already. */
  booked?: number;
}

/** A number is the progress jobs queued before `waits` was counted carry: sends made. */
function progressOf(job: Job): OutboundProgress {
  const p = job.progress as unknown;
  if (typeof p === "number") return { sent: p, waits: 0 };
  if (p && typeof p === "object" && typeof (p as OutboundProgress).sent === "number") {
    const { sent, waits, booked } = p as OutboundProgress;
    return { sent, waits: Number(waits) || 0, ...(typeof booked === "number" ? { booked } : {}) };
  }
  return { sent: 0, waits: 0 };
}
