/** What the form routes need from the app: data, settings, the clock, and the pipeline's entrance. */
import type { InboundSink } from "../../bot/adapter.ts";
import type { FormSettings } from "../../commands/core/types.ts";
import type { Logger } from "../../config/logger.ts";
import type { Db } from "../../db/client.ts";
import type { FileStore } from "../../db/file-store.ts";
import type { InboundResult } from "../../messages/queues.ts";

export interface FormDeps {
  db: Db;
  forms: FormSettings;
  /** Shared file storage (photos). */
  files: FileStore;
  now: () => Date;
  sink: InboundSink;
  resultOf: (jobId: string, timeoutMs: number) => Promise<InboundResult | undefined>;
  log: Logger;
}
