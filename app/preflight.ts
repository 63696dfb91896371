/**
 * Before anything starts: PostgreSQL answers (the database is created and migrated) and Redis
 * answers. Otherwise one paragraph saying what was tried and how to fix it.
 */
import { Redis } from "ioredis";
import { maskUrl } from "../config/logger.ts";
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

export async function checkRedis(redisUrl: string): Promise<void> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new StartupError(`教联体助手无法启动：连不上 Redis（尝试了 ${maskUrl(redisUrl)}：${why}）。${REDIS_FIX}`);
  } finally {
    probe.disconnect();
  }
}
