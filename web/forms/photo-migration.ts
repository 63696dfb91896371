/**
 * Photos written to PHOTO_DIR by earlier versions (<dir>/<communityId>/<file>) move into the
 * shared file store once: streamed file by file, keyed as new uploads are, then a marker file in
 * the folder says it is done, so later starts skip the walk. The files themselves stay (nothing is
 * deleted on the strength of a copy); an operator may remove the folder afterwards.
 * Safe with several processes starting at once: a key stored already is left as it is.
 */
import { createReadStream } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../config/logger.ts";
import type { FileStore } from "../../db/file-store.ts";
import { mimeOfName, PHOTO_NAME, photoKey } from "../../db/photos.ts";

export const MIGRATED_MARKER = ".moved-to-database";

export async function migrateDiskPhotos(store: FileStore, dir: string, log: Logger): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return 0; // no folder: nothing was ever stored on this host
  if (entries.some((e) => e.name === MIGRATED_MARKER)) return 0;
  let moved = 0;
  for (const community of entries) {
    if (!community.isDirectory() || !/^\d+$/.test(community.name)) continue;
    for (const name of await readdir(join(dir, community.name))) {
      const path = join(dir, community.name, name);
      if (!PHOTO_NAME.test(name) || !(await stat(path)).isFile()) continue;
      const { created } = await store.put(photoKey(Number(community.name), name), mimeOfName(name), createReadStream(path));
      if (created) moved++;
    }
  }
  await writeFile(join(dir, MIGRATED_MARKER), `moved to the database on ${new Date().toISOString()}\n`);
  if (moved > 0) log.info({ moved, dir }, "photos moved from disk into the file store");
  return moved;
}
