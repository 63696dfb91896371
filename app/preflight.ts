/**
 * Before anything starts: PostgreSQL answers (the database is created and migrated), Redis
 * answers, and with FILE_STORE=s3 the bucket answers with the configured credentials. Otherwise
 * one paragraph saying what was tried and how to fix it.
 */
import type { Cluster } from "ioredis";
import type { Client } from "minio";
import { type S3Settings, s3Client } from "../db/s3-file-store.ts";
import { maskUrl } from "../config/logger.ts";
import { createRedis, describeTarget, type RedisClient, type RedisTarget } from "../config/redis.ts";
import { ensureDatabase, migrate } from "../db/migrate.ts";

export class StartupError extends Error {
  override readonly name = "StartupError";
}

const PG_FIX = "请确认 PostgreSQL 正在运行（例如：pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start），或用环境变量 DATABASE_URL 指向可用的数据库。";
const REDIS_FIX = '请确认 Redis 正在运行（例如：redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no），或用环境变量 REDIS_URL 指向可用的 Redis。';

export async function preparePostgres(databaseUrl: string): Promise<string[]> {
  try {
    await ensureDatabase(databaseUrl);
    return await migrate(databaseUrl);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new StartupError(`教联体助手无法启动：连接或初始化 PostgreSQL 失败（尝试了 ${maskUrl(databaseUrl)}：${why}）。${PG_FIX}`);
  }
}

/** Redis answers; returns warnings (Chinese and English, with the exact setting) about how it is configured. */
export async function checkRedis(target: RedisTarget): Promise<string[]> {
  const probe = createRedis(target, { probe: true });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    // On a Cluster each primary holds its own settings: the shared prefix's slot may be on any of them.
    const nodes: RedisClient[] = probe.isCluster ? (probe as Cluster).nodes("master") : [probe];
    const warnings = new Set<string>();
    for (const node of nodes) for (const w of redisSettingWarnings(await node.info("memory"), await node.info("persistence"), await configSave(node))) warnings.add(w);
    return [...warnings];
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new StartupError(`教联体助手无法启动：连不上 Redis（尝试了 ${target.kind === "standalone" ? maskUrl(target.url) : describeTarget(target)}：${why}）。${REDIS_FIX}`);
  } finally {
    probe.disconnect();
  }
}

/** `CONFIG GET save`, or undefined where CONFIG is disabled (managed Redis): then INFO alone decides. */
async function configSave(redis: RedisClient): Promise<string | undefined> {
  try {
    const [, value] = (await redis.config("GET", "save")) as [string, string];
    return value;
  } catch {
    return undefined;
  }
}

const field = (info: string, name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();

/**
 * BullMQ needs noeviction: under any other policy Redis may silently drop queue keys when memory
 * runs out (lost jobs, broken locks). Without persistence a Redis restart drops every queued job;
 * they come back only if the platforms redeliver.
 */
export function redisSettingWarnings(memory: string, persistence: string, save: string | undefined): string[] {
  const warnings: string[] = [];
  const policy = field(memory, "maxmemory_policy");
  if (policy && policy !== "noeviction") {
    warnings.push(
      `Redis 的 maxmemory-policy 是 ${policy}，BullMQ 需要 noeviction，否则内存满时队列中的消息会被悄悄删除。请执行：redis-cli CONFIG SET maxmemory-policy noeviction，并在 redis.conf 写入 maxmemory-policy noeviction。` +
        ` / Redis maxmemory-policy is ${policy}; BullMQ requires noeviction (set "maxmemory-policy noeviction" in redis.conf).`,
    );
  }
  const aof = field(persistence, "aof_enabled") === "1";
  const rdb = save !== undefined ? save.trim() !== "" : false;
  if (!aof && !rdb) {
    warnings.push(
      "Redis 没有开启持久化：Redis 重启会丢掉队列里尚未处理的消息（只能靠平台重发补回）。请在 redis.conf 写入 appendonly yes 和 appendfsync everysec（或执行 redis-cli CONFIG SET appendonly yes）。" +
        ' / Redis persistence is off: a Redis restart loses queued messages. Set "appendonly yes" and "appendfsync everysec" in redis.conf.',
    );
  } else if (!aof) {
    warnings.push(
      "Redis 只开启了 RDB 快照（save），两次快照之间的消息在 Redis 崩溃时会丢失。建议在 redis.conf 写入 appendonly yes 和 appendfsync everysec。" +
        ' / Redis uses RDB snapshots only; set "appendonly yes" and "appendfsync everysec" in redis.conf.',
    );
  }
  return warnings;
}

const S3_CHECK_MS = 15_000;

/** The bucket answers a HEAD with these credentials (StartupError otherwise, saying which setting to look at). */
export async function checkBucket(settings: S3Settings, client: Client = s3Client(settings)): Promise<void> {
  const where = `${maskUrl(settings.endpoint)} 的桶 ${settings.bucket}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${S3_CHECK_MS / 1000} s`), { code: "ETIMEDOUT" })), S3_CHECK_MS);
  });
  let exists: boolean;
  try {
    exists = await Promise.race([client.bucketExists(settings.bucket), timeout]);
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? "");
    const why = e instanceof Error ? e.message : String(e);
    const fix =
      code === "AccessDenied" || code === "SignatureDoesNotMatch" || code === "InvalidAccessKeyId"
        ? "密钥被拒绝：请检查 S3_ACCESS_KEY_ID、S3_SECRET_ACCESS_KEY，以及这对密钥是否有这个桶的权限。 / The credentials were refused: check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the key's permissions on the bucket."
        : code === "MovedPermanently" || code === "TemporaryRedirect" || code === "AuthorizationHeaderMalformed"
          ? "服务要求别的地址或区域：请检查 S3_ENDPOINT、S3_REGION 和 S3_FORCE_PATH_STYLE。 / The server points elsewhere: check S3_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE."
          : "请确认对象存储服务在运行、S3_ENDPOINT 写对了（含 http:// 或 https:// 和端口）。 / Check that the object storage answers at S3_ENDPOINT.";
    throw new StartupError(`教联体助手无法启动：访问对象存储失败（尝试了 ${where}：${code ? `${code} ` : ""}${why}）。${fix}`);
  } finally {
    clearTimeout(timer);
  }
  if (!exists) {
    throw new StartupError(
      `教联体助手无法启动：对象存储里没有桶 ${settings.bucket}（${maskUrl(settings.endpoint)}）。请先建好这个桶，或改 S3_BUCKET；也请检查 S3_REGION 和 S3_FORCE_PATH_STYLE。 / Bucket ${settings.bucket} does not exist at ${maskUrl(settings.endpoint)}: create it or fix S3_BUCKET.`,
    );
  }
}
