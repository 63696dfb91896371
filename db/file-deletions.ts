/**
 * Deleting files decided inside a database transaction. With PostgreSQL as the file store the
 * rows go in that transaction itself; an S3 bucket cannot take part in it, so the transaction
 * also records what goes (FileDeletion rows, committed or rolled back with everything else) and
 * the scheduler's tick carries it out in the store (workers/schedule/file-deletion-work.ts). A
 * row is removed only after its files are gone, so a crash or an unreachable bucket means "later",
 * never "forgotten"; deleting twice is harmless.
 */
import type { Db, Tx } from "./client.ts";
import type { FileStore } from "./file-store.ts";

/** Records in the transaction that these files go (`under`: every key starting with each). */
export async function recordFileDeletions(tx: Tx, keys: readonly string[], opts: { under?: boolean } = {}): Promise<void> {
  if (keys.length === 0) return;
  await tx.$executeRaw`INSERT INTO "FileDeletion" (key, under) SELECT k, ${opts.under ?? false} FROM unnest(${[...keys]}::text[]) AS k`;
}

/** Carries out the recorded deletions, oldest first; returns how many files were deleted. Throws (leaving the rest) when the store fails. */
export async function carryOutFileDeletions(db: Db, files: FileStore, batch = 200): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.$queryRaw<{ id: number; key: string; under: boolean }[]>`SELECT id, key, under FROM "FileDeletion" ORDER BY id LIMIT ${batch}`;
    for (const r of rows) {
      deleted += r.under ? await files.deleteUnder(r.key) : Number(await files.delete(r.key));
      await db.$executeRaw`DELETE FROM "FileDeletion" WHERE id = ${r.id}`;
    }
    if (rows.length < batch) return deleted;
  }
}
