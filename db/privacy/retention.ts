/**
 * The daily retention run (PIPL 第19条): stored messages, delivery logs, uploaded ledger files,
 * expired questions, link codes and wrong-code attempts past their period, and photos past their
 * terms, rows and files. Exactly once a
 * day: the run's row (RetentionRun, keyed by the day) is inserted in the same transaction as
 * the deletions, so a second tick or worker waits on the key and then finds the day done, and a
 * run that crashed leaves no row and is done again by the next tick.
 */
import { photoKeptUntil, type RetentionPolicy } from "../../core/privacy/policy.ts";
import type { Db, Tx } from "../client.ts";
import { recordFileDeletions } from "../file-deletions.ts";
import type { FileStore } from "../file-store.ts";
import { fromDay, toDay } from "../../core/dates.ts";
import { termSettingOf } from "../../core/terms.ts";

export interface RetentionCounts {
  processedMessages: number;
  deliveries: number;
  pendingQuestions: number;
  linkCodes: number;
  linkCodeFailures: number;
  ledgerFiles: number;
  photos: number;
  files: number;
}

const DAY_MS = 86_400_000;
/** A photo whose record never came (the form's job failed) is deleted after a day. */
const ORPHAN_MS = DAY_MS;

/** Returns the counts, or null when this day's run was done already. */
export async function runRetention(db: Db, opts: { now: Date; day: string; defaults: RetentionPolicy }): Promise<RetentionCounts | null> {
  const { now, defaults } = opts;
  const outcome = await db.$transaction(
    async (tx) => {
      const claimed = await tx.$executeRaw`INSERT INTO "RetentionRun" (day, "startedAt", counts) VALUES (${opts.day}::date, ${now}, '{}'::jsonb) ON CONFLICT (day) DO NOTHING`;
      if (claimed === 0) return null;
      const processedMessages = await pruneProcessed(tx, now, defaults.messageDays);
      const deliveries = await tx.$executeRaw`
        DELETE FROM "Delivery" d WHERE d."createdAt" < ${now}::timestamptz - make_interval(days => coalesce((SELECT "messageDays" FROM "CommunityPrivacy" p WHERE p."communityId" = d."communityId"), ${defaults.messageDays}::int))`;
      // Pictures that waited for their sender's choice are questions too (their files go as orphans below).
      const pendingQuestions = (await tx.pendingQuestion.deleteMany({ where: { expiresAt: { lt: now } } })).count + (await tx.heldPicture.deleteMany({ where: { expiresAt: { lt: now } } })).count;
      const linkCodes = (await tx.linkCode.deleteMany({ where: { expiresAt: { lt: now } } })).count;
      // Wrong /关联 codes count for an hour (commands/community/link.ts); a day is past any window.
      const linkCodeFailures = (await tx.linkCodeFailure.deleteMany({ where: { at: { lt: new Date(now.getTime() - DAY_MS) } } })).count;
      // An uploaded ledger (/导入) is a message too: its file goes after the message period; the import's row and records stay.
      const ledgerFiles = await tx.$executeRaw`
        UPDATE "LedgerImport" l SET data = ''::bytea
        WHERE length(l.data) > 0 AND l."createdAt" < ${now}::timestamptz - make_interval(days => coalesce((SELECT "messageDays" FROM "CommunityPrivacy" p WHERE p."communityId" = l."communityId"), ${defaults.messageDays}::int))`;
      const photoFiles = await prunePhotos(tx, now, defaults.photoTerms);
      // The files live in the shared file store (db/file-store.ts) under photos/<community>/<name>: deleted with their rows,
      // and so are files no photo row points to any more (a form whose job never recorded), after a day.
      const keys = photoFiles.map((f) => `photos/${f.communityId}/${f.fileName}`);
      // In a bucket they go after the commit (db/file-deletions.ts); its orphans are found by sweepOrphanPhotoFiles.
      await recordFileDeletions(tx, keys);
      const files =
        (await tx.$executeRaw`DELETE FROM "StoredFile" WHERE key = ANY(${keys}::text[])`) +
        (await tx.$executeRaw`DELETE FROM "StoredFile" f WHERE f.key LIKE 'photos/%' AND f."createdAt" < ${new Date(now.getTime() - ORPHAN_MS)}
          AND NOT EXISTS (SELECT 1 FROM "ActivityPhoto" p WHERE 'photos/' || p."communityId" || '/' || p."fileName" = f.key)`);
      const counts = { processedMessages, deliveries, pendingQuestions, linkCodes, linkCodeFailures, ledgerFiles, photos: photoFiles.length, files };
      await tx.retentionRun.update({ where: { day: fromDay(opts.day) }, data: { counts } });
      return counts;
    },
    { timeout: 120_000 },
  );
  return outcome;
}

/**
 * Messages past the period go. One kind is kept, emptied of its replies: the newest message of
 * a WeCom 1:1 chat, which is how the bot knows it may still message that person (WeCom lets a
 * robot write 1:1 only to users who wrote to it first; db/digest-audience.ts).
 */
async function pruneProcessed(tx: Tx, now: Date, defaultDays: number): Promise<number> {
  await tx.$executeRaw`
    WITH old AS (
      SELECT key, "communityId", "createdAt" FROM "ProcessedMessage" m
      WHERE m."createdAt" < ${now}::timestamptz - make_interval(days => coalesce((SELECT "messageDays" FROM "CommunityPrivacy" p WHERE p."communityId" = m."communityId"), ${defaultDays}::int))
    ), newest AS (
      SELECT DISTINCT ON (split_part(o.key, ':', 2)) o.key FROM old o
      WHERE o.key LIKE 'wecom:%'
        AND EXISTS (SELECT 1 FROM "PlatformIdentity" i WHERE i.platform = 'wecom' AND i."userId" = split_part(o.key, ':', 2))
        AND NOT EXISTS (SELECT 1 FROM "ProcessedMessage" n WHERE n.key LIKE 'wecom:' || split_part(o.key, ':', 2) || ':%' AND n."createdAt" > o."createdAt")
      ORDER BY split_part(o.key, ':', 2), o."createdAt" DESC
    )
    UPDATE "ProcessedMessage" SET replies = '[]'::jsonb, "memberId" = NULL WHERE key IN (SELECT key FROM newest)`;
  return tx.$executeRaw`
    DELETE FROM "ProcessedMessage" m
    WHERE m."createdAt" < ${now}::timestamptz - make_interval(days => coalesce((SELECT "messageDays" FROM "CommunityPrivacy" p WHERE p."communityId" = m."communityId"), ${defaultDays}::int))
      AND NOT (m.key LIKE 'wecom:%' AND m.replies = '[]'::jsonb AND m."memberId" IS NULL)`;
}

interface PhotoFile {
  communityId: number;
  fileName: string;
}

/** Photos past their record's term plus the community's number of terms, and photos whose record never came. */
async function prunePhotos(tx: Tx, now: Date, defaultTerms: number): Promise<PhotoFile[]> {
  const rows = await tx.$queryRaw<
    {
      id: number;
      communityId: number;
      fileName: string;
      createdAt: Date;
      date: Date | null;
      termName: string | null;
      termStart: Date | null;
      termEnd: Date | null;
      timezone: string;
      photoTerms: number | null;
    }[]
  >`
    SELECT ph.id, ph."communityId", ph."fileName", ph."createdAt", a.date, c."termName", c."termStart", c."termEnd", c.timezone, p."photoTerms"
    FROM "ActivityPhoto" ph
    JOIN "Community" c ON c.id = ph."communityId"
    LEFT JOIN "Activity" a ON a."sourceMessageKey" = ph."sourceMessageKey"
    LEFT JOIN "CommunityPrivacy" p ON p."communityId" = ph."communityId"`;
  const gone = rows.filter((r) => {
    if (!r.date) return now.getTime() - r.createdAt.getTime() > ORPHAN_MS;
    const terms = termSettingOf(r);
    const until = photoKeptUntil(terms, toDay(r.date), r.photoTerms ?? defaultTerms);
    return until < toDay(now);
  });
  if (gone.length > 0) await tx.activityPhoto.deleteMany({ where: { id: { in: gone.map((r) => r.id) } } });
  return gone.map((r) => ({ communityId: r.communityId, fileName: r.fileName }));
}

/**
 * Photo files no photo row points to, written more than a day ago (a form whose job never
 * recorded, pictures whose sender never answered), in a store outside PostgreSQL, where the
 * retention transaction's DELETE cannot reach them: found by listing the store. The same rule as
 * that DELETE. Returns how many went.
 */
export async function sweepOrphanPhotoFiles(db: Db, files: FileStore, now: Date): Promise<number> {
  if (!files.outsideDatabase) return 0;
  const before = now.getTime() - ORPHAN_MS;
  let old: string[] = [];
  let deleted = 0;
  const sweep = async () => {
    const parsed = old.map((key) => /^photos\/(\d+)\/(.+)$/.exec(key)).filter((m) => m !== null);
    // By community (indexed) and name: a listing is in key order, so a batch spans few communities.
    const rows = await db.$queryRaw<{ communityId: number; fileName: string }[]>`
      SELECT "communityId", "fileName" FROM "ActivityPhoto"
      WHERE "communityId" = ANY(${[...new Set(parsed.map((m) => Number(m[1])))]}::int[]) AND "fileName" = ANY(${parsed.map((m) => m[2] ?? "")}::text[])`;
    const kept = new Set(rows.map((r) => `photos/${r.communityId}/${r.fileName}`));
    for (const key of old) if (!kept.has(key) && (await files.delete(key))) deleted++;
    old = [];
  };
  for await (const f of files.list("photos/")) {
    if (f.writtenAt.getTime() >= before) continue;
    old.push(f.key);
    if (old.length >= 500) await sweep();
  }
  if (old.length > 0) await sweep();
  return deleted;
}
