/**
 * The delivery ledger shared by every scheduled push (meeting reminders now, the weekly digest
 * later). A push is claimed by inserting its row under the unique (kind, occurrenceKey,
 * recipient) before it is queued; a second claim (another worker, a restart, the next tick)
 * inserts nothing and sends nothing.
 */
import type { Tx } from "./client.ts";

export interface Claim {
  /** Whose push it is: a community's, or (the district digest) a district's; exactly one is set. */
  communityId: number | null;
  districtId?: number;
  /** What is pushed, e.g. "meeting-reminder-4320", "weekly-digest". */
  kind: string;
  /** Which occurrence, globally unique, e.g. "meeting:12@2026-12-05T01:00:00.000Z", "community:3@2026-W49". */
  occurrenceKey: string;
  /** Who receives it: "group:<platform>:<chatId>" or "user:<platform>:<userId>". */
  recipient: string;
  dueAt: Date;
  late: boolean;
  /** The outbound message (kept until it is queued, for repair after a crash). */
  payload: unknown;
  /** The injected clock's now. */
  now: Date;
}

/** A push the platform refused for its daily proactive quota, with no webhook to go round it; admins not yet told. */
export const QUOTA_STATUS = "quota";
/** …and once an admin's reply has said so. */
export const QUOTA_TOLD_STATUS = "quota-told";

/** Inserts the row; returns its id, or null when this push was claimed before. */
export async function claim(db: Tx, c: Claim, status: "pending" | "skipped" | "done" = "pending"): Promise<number | null> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "Delivery" ("communityId", "districtId", kind, "occurrenceKey", recipient, status, "dueAt", late, payload, "createdAt")
    VALUES (${c.communityId}, ${c.districtId ?? null}, ${c.kind}, ${c.occurrenceKey}, ${c.recipient}, ${status}, ${c.dueAt}, ${c.late}, ${c.payload == null ? null : JSON.stringify(c.payload)}::jsonb, ${c.now})
    ON CONFLICT (kind, "occurrenceKey", recipient) DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}

/**
 * Claims many pushes in one statement (a digest fan-out); returns the ids of the rows inserted,
 * keyed by the position of their claim in `cs`. Claims made before insert nothing.
 */
export async function claimMany(db: Tx, cs: readonly Claim[]): Promise<Map<number, number>> {
  if (cs.length === 0) return new Map();
  const col = <T>(f: (c: Claim) => T) => cs.map(f);
  const rows = await db.$queryRaw<{ id: number; kind: string; occurrenceKey: string; recipient: string }[]>`
    INSERT INTO "Delivery" ("communityId", "districtId", kind, "occurrenceKey", recipient, status, "dueAt", late, payload, "createdAt")
    SELECT c, di, k, o, r, 'pending', d, l, p::jsonb, n
    FROM unnest(${col((c) => c.communityId)}::int[], ${col((c) => c.districtId ?? null)}::int[], ${col((c) => c.kind)}::text[], ${col((c) => c.occurrenceKey)}::text[], ${col((c) => c.recipient)}::text[],
                ${col((c) => c.dueAt)}::timestamptz[], ${col((c) => c.late)}::boolean[], ${col((c) => JSON.stringify(c.payload))}::text[], ${col((c) => c.now)}::timestamptz[])
         AS t(c, di, k, o, r, d, l, p, n)
    ON CONFLICT (kind, "occurrenceKey", recipient) DO NOTHING
    RETURNING id, kind, "occurrenceKey", recipient`;
  const key = (c: { kind: string; occurrenceKey: string; recipient: string }) => JSON.stringify([c.kind, c.occurrenceKey, c.recipient]);
  const position = new Map(cs.map((c, i) => [key(c), i]));
  return new Map(rows.map((r) => [position.get(key(r))!, r.id]));
}

export async function markQueuedMany(db: Tx, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length > 0) await db.$executeRaw`UPDATE "Delivery" SET status = 'queued', "queuedAt" = ${now} WHERE id = ANY(${[...ids]}::int[])`;
}

/** Which of these occurrences have a row for `recipient` (e.g. "*", a whole fan-out's done or skipped marker). */
export async function markedOccurrences(db: Tx, kind: string, occurrenceKeys: string[], recipient: string, status?: string): Promise<Set<string>> {
  if (occurrenceKeys.length === 0) return new Set();
  const rows = await db.delivery.findMany({ where: { kind, recipient, occurrenceKey: { in: occurrenceKeys }, ...(status ? { status } : {}) }, select: { occurrenceKey: true } });
  return new Set(rows.map((r) => r.occurrenceKey));
}

export async function markQueued(db: Tx, id: number, now: Date): Promise<void> {
  await db.delivery.update({ where: { id }, data: { status: "queued", queuedAt: now } });
}

/** Claimed rows whose send was never queued (the process died in between), older than `before`. */
export async function unqueued(db: Tx, before: Date): Promise<{ id: number; payload: unknown }[]> {
  return db.delivery.findMany({ where: { status: "pending", createdAt: { lt: before } }, select: { id: true, payload: true }, take: 500 });
}
