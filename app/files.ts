/** The shared file store this process uses (FILE_STORE): PostgreSQL by default, or an S3-compatible bucket checked at boot. */
import type { Env } from "../config/env.ts";
import type { Sql } from "../db/client.ts";
import { type FileStore, PostgresFileStore } from "../db/file-store.ts";
import { S3FileStore, type S3Settings } from "../db/s3-file-store.ts";
import { checkBucket } from "./preflight.ts";

/** The S3 settings of the environment; undefined unless FILE_STORE=s3 (config/env.ts then requires them all). */
export function s3Settings(env: Env): S3Settings | undefined {
  if (env.FILE_STORE !== "s3" || !env.S3_ENDPOINT || !env.S3_BUCKET || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) return undefined;
  return {
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}

/** Boot check: with FILE_STORE=s3 the bucket answers with the credentials (StartupError otherwise). */
export async function checkFileStore(env: Env): Promise<void> {
  const s3 = s3Settings(env);
  if (s3) await checkBucket(s3);
}

export function fileStore(env: Env, sql: Sql): FileStore {
  const s3 = s3Settings(env);
  return s3 ? new S3FileStore(s3) : new PostgresFileStore(sql);
}
