/** A record's photo rows for pictures sent in a chat (commands/activities/chat-photos.ts). */
import type { Db, Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/client.ts";
import { toDay } from "../../core/dates.ts";

/**
 * A picture sent 1:1 within this time after the sender's last record (or 「加照片」 on one)
 * belongs to it: a teacher records from the classroom and sends the photos right after, as one
 * piece of work; ten minutes covers picking several photos from the album on a slow phone, and is
 * short enough that a picture for another activity (sent later that day) is asked about instead
 * of guessed.
 */
export const RECENT_MINUTES = 10;
export const RECENT_RECORD_MS = RECENT_MINUTES * 60_000;
/** The audit action of 「加照片」 pressed with nothing waiting: the next pictures go to that record. */
export const PHOTOS_WANTED = "photos-wanted";

export interface StoredPicture {
  /** `<message key>#<n>`: the picture's own key, unique, so a redelivery adds no row. */
  key: string;
  fileName: string;
  mimeType: string;
  size: number;
}

/**
 * One row per picture after the record's photos (the next free position), none for a picture
 * attached before. Two attaches to one record at once collide on a position: tried again.
 */
export async function attachPhotos(db: Db | Tx, communityId: number, sourceMessageKey: string, pictures: readonly StoredPicture[], consentAt: Date): Promise<void> {
  for (const p of pictures) {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.$executeRaw`
          INSERT INTO "ActivityPhoto" ("communityId", "sourceMessageKey", position, "fileName", "mimeType", size, "consentAt", "sourcePicture")
          SELECT ${communityId}, ${sourceMessageKey}, coalesce((SELECT max(position) + 1 FROM "ActivityPhoto" WHERE "sourceMessageKey" = ${sourceMessageKey}), 0),
                 ${p.fileName}, ${p.mimeType}, ${p.size}, ${consentAt}, ${p.key}
          ON CONFLICT ("sourcePicture") DO NOTHING`;
        break;
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 3) throw e;
      }
    }
  }
}

/** "📷 照片已附到 #12（示范课 11月20日）" first (a card's title shows the first line), the counts after. */
export function attachedText(a: { number: number; kind: string; date: Date }, added: number, total: number): string {
  const [, month, day] = toDay(a.date).split("-").map(Number);
  return `📷 照片已附到 #${a.number}（${a.kind} ${month}月${day}日）\n本次 ${added} 张，这条记录共有照片 ${total} 张。`;
}

export async function photoCountOf(db: Db | Tx, sourceMessageKey: string): Promise<number> {
  return db.activityPhoto.count({ where: { sourceMessageKey } });
}
