/**
 * A lease in Redis that at most one process holds at a time, with a fencing token: every grant
 * takes the next number from a counter, and `fenced()` asks Redis whether this process's grant is
 * still the current one, so a holder that was paused (a stopped VM, a long GC, SIGSTOP) past its
 * lease learns it lost it before it acts, instead of acting on a stale belief. The holder renews
 * every ttl/3; anyone else tries to take it as often, so a dead holder is replaced within about
 * ttl + ttl/3. All keys are passed into the scripts (Redis Cluster routes by them).
 *
 * Used for "export the cluster-wide gauges once" (bot/metrics.ts) and meant for "one gateway holds
 * each bot's long connection".
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { RedisClient } from "../config/redis.ts";

// KEYS: lease, token counter. ARGV: owner, ttl ms. Returns the new token, or 0 when held by another.
const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held then
  local owner, token = string.match(held, '^(.*)|(%d+)$')
  if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return tonumber(token) end
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token`;

// KEYS: lease. ARGV: owner|token, ttl ms (0: only check). 1 when that grant is current.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

// KEYS: lease. ARGV: owner|token.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface LeaseOptions {
  redis: RedisClient;
  prefix: string;
  /** What is leased, e.g. "metrics" or "wecom-bot:<botId>". */
  name: string;
  ttlMs: number;
  /**
   * Who contends; default host:pid:random. A name that is stable across restarts (host and listen
   * address: no two live processes share one) lets a restarted process take its lease back at
   * once instead of waiting out the ttl of the one it replaced.
   */
  owner?: string;
  /**
   * Keep holding while Redis cannot be reached (default: give up). For the platform connection:
   * nobody can take the lease from a Redis that is down, and the connection is what keeps
   * receiving (into the spool) meanwhile; `fenced()` still answers false until Redis is back.
   */
  keepThroughOutage?: boolean;
  onAcquired?: (token: number) => void;
  onLost?: () => void;
}

export class Lease {
  readonly owner: string;
  private token = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly o: LeaseOptions) {
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  private get key() {
    return `${this.o.prefix}:lease:${this.o.name}`;
  }
  private get counterKey() {
    return `${this.o.prefix}:lease-token:${this.o.name}`;
  }
  private get grant() {
    return `${this.owner}|${this.token}`;
  }

  /** The fencing token of this process's grant, 0 when it does not (believe it) hold the lease. */
  get held(): number {
    return this.token;
  }

  /** Starts contending: tries at once, then every ttl/3 (renewing while held). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
    this.timer.unref();
  }

  /** One round: renew if held, else try to take it. Exposed for tests that pause a holder. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      if (this.token > 0) {
        const ok = Number(await this.o.redis.eval(RENEW, 1, this.key, this.grant, this.o.ttlMs));
        if (!ok) this.lose();
        return;
      }
      const token = Number(await this.o.redis.eval(ACQUIRE, 2, this.key, this.counterKey, this.owner, this.o.ttlMs));
      if (token > 0) {
        this.token = token;
        this.o.onAcquired?.(token);
      }
    } catch {
      // Redis unreachable: a holder cannot prove it still holds, so it stops acting as one
      // (unless told to keep through an outage; it learns the truth once Redis answers again).
      if (this.token > 0 && !this.o.keepThroughOutage) this.lose();
    } finally {
      this.ticking = false;
    }
  }

  /**
   * The fencing check, right before an action only the holder may take: true only when Redis
   * still names this very grant. A paused holder whose lease expired (and was granted again) gets
   * false, and stops acting as holder.
   */
  async fenced(): Promise<boolean> {
    if (this.token === 0) return false;
    const answer = await this.o.redis.eval(RENEW, 1, this.key, this.grant, 0).then(Number, () => undefined);
    if (answer === undefined) {
      if (!this.o.keepThroughOutage) this.lose();
      return false;
    }
    if (answer !== 1) this.lose();
    return answer === 1;
  }

  private lose(): void {
    this.token = 0;
    this.o.onLost?.();
  }

  /** Stops contending and gives the lease up at once (a clean shutdown hands over without waiting for the ttl). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.token > 0) await this.o.redis.eval(RELEASE, 1, this.key, this.grant).catch(() => undefined);
    this.token = 0;
  }

  /** For tests: stop renewing without releasing, like a process frozen in place. */
  pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
