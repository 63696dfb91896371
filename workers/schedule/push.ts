/**
 * Claim, then queue: a push's ledger row is inserted under its unique key first; only the
 * process whose insert succeeded queues the send (jobId from the row, so a repair re-queue of
 * the same row is a no-op in BullMQ too).
 */
import type { FileStore } from "../../db/file-store.ts";
import type { Logger } from "../../config/logger.ts";
import type { FormSettings } from "../../core/links/index.ts";
import type { RetentionPolicy } from "../../core/privacy/policy.ts";
import type { Db } from "../../db/client.ts";
import { claim, claimMany, markQueued, markQueuedMany, unqueued } from "../../db/delivery-ledger.ts";
import { outboundMessageSchema, type Reply } from "../../messages/messages.ts";
import { SCHEDULED_PUSH, type Producers } from "../../messages/producers.ts";
import type { Recipient } from "./recipients.ts";
import { scheduledDeliveries } from "../../bot/metrics.ts";

export interface ScheduleDeps {
  db: Db;
  producers: Pick<Producers, "outbound">;
  log: Logger;
  now: () => Date;
  /** Signed links (the digest's progress chart); absent: digests go as text only. */
  forms?: FormSettings;
  /** Retention periods and the photo folder (the daily retention run); absent: defaults, no files. */
  privacy?: { retention: RetentionPolicy };
  /** The shared file store: deletions recorded by transactions are carried out in it; absent: left recorded. */
  files?: FileStore;
}

export interface Push {
  /** A community's push, or (districtId set, communityId null) a district's. */
  communityId: number | null;
  districtId?: number;
  kind: string;
  occurrenceKey: string;
  dueAt: Date;
  late: boolean;
  reply: Reply;
}

const jobId = (deliveryId: number) => `push-${deliveryId}`;

/** Sends one push to each recipient that has not had it; returns how many were queued. */
export async function pushTo(deps: ScheduleDeps, now: Date, p: Push, recipients: readonly Recipient[]): Promise<number> {
  let queued = 0;
  for (const r of recipients) {
    const message = outboundMessageSchema.parse({ platform: r.platform, chatId: r.chatId, chatType: r.chatType, replies: [p.reply] });
    const id = await claim(deps.db, {
      communityId: p.communityId,
      ...(p.districtId ? { districtId: p.districtId } : {}),
      kind: p.kind,
      occurrenceKey: p.occurrenceKey,
      recipient: r.key,
      dueAt: p.dueAt,
      late: p.late,
      payload: message,
      now,
    });
    if (id === null) continue;
    await deps.producers.outbound.add(message, jobId(id), SCHEDULED_PUSH);
    await markQueued(deps.db, id, now);
    scheduledDeliveries.inc({ kind: p.kind, outcome: p.late ? "late" : "queued" });
    queued++;
  }
  return queued;
}

/**
 * Many pushes at once (a digest's fan-out): one INSERT claims them all, the sends are queued
 * concurrently, one UPDATE marks them. A crash in between leaves pending rows that
 * repairUnqueued queues later; a second run claims nothing.
 */
export async function pushAll(deps: ScheduleDeps, now: Date, items: readonly { push: Push; to: Recipient }[]): Promise<number> {
  const messages = items.map(({ push, to }) => outboundMessageSchema.parse({ platform: to.platform, chatId: to.chatId, chatType: to.chatType, replies: [push.reply] }));
  const ids = await claimMany(
    deps.db,
    items.map(({ push: p, to }, i) => ({
      communityId: p.communityId,
      ...(p.districtId ? { districtId: p.districtId } : {}),
      kind: p.kind,
      occurrenceKey: p.occurrenceKey,
      recipient: to.key,
      dueAt: p.dueAt,
      late: p.late,
      payload: messages[i],
      now,
    })),
  );
  // In order per recipient (parts of one digest), concurrently across recipients.
  const byRecipient = new Map<string, [number, number][]>();
  for (const [i, id] of [...ids].sort((a, b) => a[0] - b[0])) byRecipient.set(items[i]!.to.key, [...(byRecipient.get(items[i]!.to.key) ?? []), [i, id]]);
  await Promise.all(
    [...byRecipient.values()].map(async (list) => {
      for (const [i, id] of list) await deps.producers.outbound.add(messages[i]!, jobId(id), SCHEDULED_PUSH);
    }),
  );
  await markQueuedMany(deps.db, [...ids.values()], now);
  for (const i of ids.keys()) scheduledDeliveries.inc({ kind: items[i]!.push.kind, outcome: items[i]!.push.late ? "late" : "queued" });
  return ids.size;
}

/** Records a push that is too late to send, once, and logs it once. */
export async function skip(deps: ScheduleDeps, now: Date, p: Omit<Push, "reply" | "late">, why: string): Promise<boolean> {
  const id = await claim(deps.db, { ...p, recipient: "*", late: true, payload: null, now }, "skipped");
  if (id !== null) scheduledDeliveries.inc({ kind: p.kind, outcome: "skipped" });
  if (id !== null)
    deps.log.warn(
      { communityId: p.communityId, ...(p.districtId ? { districtId: p.districtId } : {}), kind: p.kind, occurrenceKey: p.occurrenceKey, dueAt: p.dueAt.toISOString() },
      `scheduled push skipped: ${why}`,
    );
  return id !== null;
}

/** Re-queues rows claimed over a minute ago whose send was never queued (the claimer died in between). */
export async function repairUnqueued(deps: ScheduleDeps, now: Date): Promise<number> {
  const rows = await unqueued(deps.db, new Date(now.getTime() - 60_000));
  for (const row of rows) {
    const message = outboundMessageSchema.safeParse(row.payload);
    if (message.success) await deps.producers.outbound.add(message.data, jobId(row.id), SCHEDULED_PUSH);
    await markQueued(deps.db, row.id, now);
  }
  return rows.length;
}
