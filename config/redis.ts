/**
 * How this deployment reaches Redis: one node (REDIS_URL), a Sentinel-watched primary
 * (REDIS_SENTINELS + REDIS_SENTINEL_MASTER) or a Redis Cluster (REDIS_CLUSTER_NODES). The
 * failover and slot routing are ioredis's own (its `sentinels` option and its Cluster class);
 * BullMQ accepts either connection. On a Cluster every key this bot touches starts with the
 * hash-tagged QUEUE_PREFIX (`{jiaolian}`), so all of them, BullMQ's included, live in one slot
 * and every Lua script's keys are on one node (BullMQ's documented way to run on a Cluster).
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Env } from "./env.ts";

/** A connection to whichever shape of Redis is configured; both classes share the command API. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: "standalone"; url: string }
  | { kind: "sentinel"; sentinels: HostPort[]; master: string; username?: string; password?: string; sentinelPassword?: string }
  | { kind: "cluster"; nodes: HostPort[]; username?: string; password?: string };

/** "host:port,host:port" (IPv6 as [::1]:port); the env schema has checked the shape already. */
export function parseHostPorts(list: string): HostPort[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s);
      if (!m) throw new Error(`not host:port: ${s}`);
      return { host: m[1] as string, port: Number(m[2]) };
    });
}

/** Credentials in REDIS_URL (redis://user:pass@…) apply to the data nodes in every shape. */
function credentials(url: string): { username?: string; password?: string } {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

export function redisTarget(env: Pick<Env, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_SENTINEL_MASTER" | "REDIS_SENTINEL_PASSWORD" | "REDIS_CLUSTER_NODES">): RedisTarget {
  if (env.REDIS_CLUSTER_NODES) return { kind: "cluster", nodes: parseHostPorts(env.REDIS_CLUSTER_NODES), ...credentials(env.REDIS_URL) };
  if (env.REDIS_SENTINELS) {
    return {
      kind: "sentinel",
      sentinels: parseHostPorts(env.REDIS_SENTINELS),
      master: env.REDIS_SENTINEL_MASTER,
      ...credentials(env.REDIS_URL),
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    };
  }
  return { kind: "standalone", url: env.REDIS_URL };
}

/** Where a person reads which Redis was tried (no password). */
export function describeTarget(t: RedisTarget): string {
  if (t.kind === "standalone") {
    const u = new URL(t.url);
    u.password = u.password ? "***" : "";
    return u.toString();
  }
  const list = (t.kind === "sentinel" ? t.sentinels : t.nodes).map((n) => `${n.host}:${n.port}`).join(",");
  return t.kind === "sentinel" ? `sentinel ${list} (master ${t.master})` : `cluster ${list}`;
}

/**
 * After a Sentinel failover the old primary comes back as a replica and answers writes with
 * READONLY until ioredis has asked the sentinels again: reconnect and resend that command
 * (ioredis README, "Reconnect on error"), so a job added mid-failover lands on the new primary.
 */
const resendOnReadonly = (err: Error): 2 | false => (err.message.startsWith("READONLY") ? 2 : false);

export interface ClientRole {
  /** Workers and blocking readers need maxRetriesPerRequest null (BullMQ's rule for Workers). */
  forWorker?: boolean;
  /**
   * Batches commands issued in the same tick into one socket write: under a burst this cuts system
   * calls several-fold. Only for connections that never block (producers, pub).
   */
  autoPipelining?: boolean;
  /** For probes: fail at once instead of retrying. */
  probe?: boolean;
}

export function createRedis(target: RedisTarget, { forWorker = true, autoPipelining = false, probe = false }: ClientRole = {}): RedisClient {
  const common: RedisOptions = {
    maxRetriesPerRequest: probe ? 0 : forWorker ? null : 3,
    enableReadyCheck: true,
    reconnectOnError: resendOnReadonly,
    ...(probe ? { lazyConnect: true, retryStrategy: () => null, connectTimeout: 3_000 } : {}),
  };
  if (target.kind === "standalone") return new Redis(target.url, { ...common, enableAutoPipelining: autoPipelining });
  const auth = { ...(target.username ? { username: target.username } : {}), ...(target.password ? { password: target.password } : {}) };
  if (target.kind === "sentinel") {
    return new Redis({
      ...common,
      ...auth,
      enableAutoPipelining: autoPipelining,
      sentinels: target.sentinels,
      name: target.master,
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      // Subscribes to the sentinels' +switch-master, so a failover is noticed at once rather than
      // when the old primary's socket finally errors.
      failoverDetector: true,
      ...(probe ? { sentinelRetryStrategy: () => null } : {}),
    });
  }
  return new Cluster(target.nodes, {
    redisOptions: { ...common, ...auth },
    enableAutoPipelining: autoPipelining,
    enableReadyCheck: true,
    lazyConnect: probe,
    ...(probe ? { clusterRetryStrategy: () => null } : {}),
  });
}
