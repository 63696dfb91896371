/**
 * The file-deletion step of the scheduler's tick: deletions that transactions recorded (a
 * community erased, photos past retention; db/file-deletions.ts) are carried out in the file
 * store, so a bucket's copies go within a tick of the commit. A store that fails is logged and
 * tried again at the next tick; the other steps of the tick are not held up by it.
 */
import { carryOutFileDeletions } from "../../db/file-deletions.ts";
import type { ScheduleDeps } from "./push.ts";

export async function runFileDeletionWork(deps: ScheduleDeps): Promise<number | null> {
  if (!deps.files) return null;
  try {
    const deleted = await carryOutFileDeletions(deps.db, deps.files);
    if (deleted > 0) deps.log.info({ deleted }, "files deleted from the file store");
    return deleted;
  } catch (e) {
    deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, "file deletions: the file store failed; tried again at the next tick");
    return null;
  }
}
