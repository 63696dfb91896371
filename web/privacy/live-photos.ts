/**
 * Which of a link's photos may still be shown: a photo is served only while its row exists
 * (retention deletes it), its record exists and is not revoked (a revoked or deleted record's
 * photos die with it), whatever the link's own expiry says.
 */
import type { Db } from "../../db/client.ts";

export async function livePhotos(db: Db, communityId: number, files: readonly string[]): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ fileName: string }[]>`
    SELECT ph."fileName" FROM "ActivityPhoto" ph
    JOIN "Activity" a ON a."sourceMessageKey" = ph."sourceMessageKey" AND a."communityId" = ph."communityId"
    WHERE ph."communityId" = ${communityId} AND ph."fileName" = ANY(${[...files]}::text[]) AND a."revokedAt" IS NULL`;
  return new Set(rows.map((r) => r.fileName));
}
