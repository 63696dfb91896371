/**
 * Crash recovery in about a second instead of a lock lapse. Every process that runs workers keeps
 * an entry in Redis: the client id of its Redis connection and the BullMQ worker id of each of its
 * workers, plus a heartbeat key that expires. A process that dies (SIGKILL, OOM kill) loses its
 * TCP connections at once, so Redis stops listing its client id. Any live worker process that
 * finds an entry whose client id is gone from CLIENT LIST *and* whose heartbeat expired moves that
 * process's active jobs back to wait, using BullMQ's own Job.moveToWait(token) with the dead
 * worker's lock token (BullMQ tokens are `<worker.id>:<n>`, worker.ts in bullmq 6.7), which checks
 * the token atomically: a job that another worker holds by now is left alone.
 *
 * Both conditions, because each alone is wrong sometimes: a heartbeat lapses when a busy event
 * loop is late (the process is alive, its connection open); a client id changes when a live
 * process reconnects (it re-registers on `ready`, its heartbeat still running). The BullMQ lock
 * and stalled check stay as the fallback (a hung host whose connection lingers).
 * test/worker-reclaim.test.ts kills a worker process holding a job with a 60 s lock and expects
 * the job run again within seconds, so a BullMQ change to tokens or lock keys fails a test.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Queue } from "bullmq";
import type { RedisClient } from "../config/redis.ts";
import type { Logger } from "../config/logger.ts";
import { retries } from "../bot/metrics.ts";

export interface ReclaimOptions {
  connection: RedisClient;
  prefix: string;
  log: Logger;
  /** How often the heartbeat is renewed and dead peers are looked for. */
  sweepMs?: number;
  /** Heartbeat lifetime: a peer whose heartbeat is older and whose connection is gone is dead. */
  aliveMs?: number;
}

interface Entry {
  client: number;
  workers: Record<string, string>;
  host: string;
  pid: number;
}

/** After Redis itself restarted, live peers need a moment to reconnect and re-register. */
const REDIS_UPTIME_MIN_S = 10;

export class Reclaimer {
  readonly incarnation = randomUUID();
  private readonly workers: Record<string, string> = {};
  private readonly queues = new Map<string, Queue>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private started = false;
  /** Set when the server refuses CLIENT LIST (some managed Redis): then only the BullMQ lock recovers. */
  private blind = false;
  private failing = false;
  private readonly sweepMs: number;
  private readonly aliveMs: number;
  private readonly onReady = () => void this.register().catch((e: unknown) => this.warn("presence not registered", e));

  constructor(private readonly o: ReclaimOptions) {
    // On a Cluster, CLIENT ID and CLIENT LIST answer for whichever node received them, not for the
    // one holding our slot, so a live peer could look dead: only the BullMQ lock recovers there.
    this.blind = o.connection.isCluster;
    this.sweepMs = o.sweepMs ?? 1_000;
    this.aliveMs = o.aliveMs ?? 3_000;
  }

  private get key() {
    return `${this.o.prefix}:presence`;
  }
  private aliveKey(incarnation: string) {
    return `${this.o.prefix}:presence:alive:${incarnation}`;
  }

  /** Records a worker of this process and starts heartbeat and sweeps (the first sweep at once). */
  add(queue: string, workerId: string): void {
    this.workers[queue] = workerId;
    if (this.started) {
      void this.register().catch((e: unknown) => this.warn("presence not registered", e));
      return;
    }
    this.started = true;
    this.o.connection.on("ready", this.onReady);
    const tick = () => void this.tick();
    this.timer = setInterval(tick, this.sweepMs);
    this.timer.unref();
    void this.register()
      .then(() => this.tick())
      .catch((e: unknown) => this.warn("presence not registered", e));
  }

  private async register(): Promise<void> {
    if (this.blind) return;
    const client = Number(await this.o.connection.client("ID"));
    const entry: Entry = { client, workers: this.workers, host: hostname(), pid: process.pid };
    await this.o.connection.multi().hset(this.key, this.incarnation, JSON.stringify(entry)).set(this.aliveKey(this.incarnation), "1", "PX", this.aliveMs).exec();
  }

  private async tick(): Promise<void> {
    if (this.sweeping || !this.timer) return;
    this.sweeping = true;
    try {
      await this.o.connection.set(this.aliveKey(this.incarnation), "1", "PX", this.aliveMs);
      if (!this.blind) await this.sweep();
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.warn("dead-worker sweep failed", e); // once per run of failures (Redis down)
      this.failing = true;
    } finally {
      this.sweeping = false;
    }
  }

  /** Finds dead peers and gives their active jobs back to the queue. Returns how many jobs moved. */
  async sweep(): Promise<number> {
    const r = this.o.connection;
    const all = await r.hgetall(this.key);
    const others = Object.entries(all).filter(([id]) => id !== this.incarnation);
    if (!others.length) return 0;
    const alive = await Promise.all(others.map(([id]) => r.exists(this.aliveKey(id))));
    const stale = others.filter((_, i) => alive[i] === 0);
    if (!stale.length) return 0;
    let clients: string;
    try {
      clients = (await r.client("LIST")) as string;
    } catch (e) {
      if (!/unknown command|NOPERM|disabled/i.test(e instanceof Error ? e.message : "")) throw e;
      this.blind = true;
      this.warn("CLIENT LIST refused: a dead worker's jobs run again only when their lock lapses (JOB_LOCK_MS)", e);
      return 0;
    }
    const info = await r.info("server");
    const uptime = Number(/uptime_in_seconds:(\d+)/.exec(info)?.[1] ?? Infinity);
    if (uptime < REDIS_UPTIME_MIN_S) return 0;
    const live = new Set([...clients.matchAll(/(?:^|\n)id=(\d+) /g)].map((m) => Number(m[1])));
    let moved = 0;
    for (const [id, raw] of stale) {
      const entry = parseEntry(raw);
      if (entry && live.has(entry.client)) continue; // alive, only late with its heartbeat
      const result = entry ? await this.reclaim(entry) : { moved: 0, complete: true };
      moved += result.moved;
      if (result.complete) await r.hdel(this.key, id);
      if (result.moved) this.o.log.warn({ jobs: result.moved, host: entry?.host, pid: entry?.pid }, "a worker process died: its jobs run again now");
    }
    return moved;
  }

  private async reclaim(entry: Entry): Promise<{ moved: number; complete: boolean }> {
    let moved = 0;
    let complete = true;
    for (const [name, workerId] of Object.entries(entry.workers)) {
      const queue = this.queueFor(name);
      const before = moved;
      const active = await queue.getActive(0, -1);
      const ids = active.flatMap((j) => (j.id ? [j.id] : []));
      const locks = ids.length ? await this.o.connection.mget(ids.map((id) => `${queue.toKey(id)}:lock`)) : [];
      for (const [i, job] of active.entries()) {
        const token = locks[i];
        if (!token?.startsWith(`${workerId}:`)) continue;
        try {
          await job.moveToWait(token);
          moved++;
          retries.inc({ queue: name, reason: "reclaimed" });
        } catch (e) {
          // Finished or taken meanwhile (lock gone or changed): nothing left to reclaim.
          if (await this.o.connection.get(`${queue.toKey(job.id ?? "")}:lock`).then((t) => t === token)) complete = false;
          this.warn("job not reclaimed", e);
        }
      }
      // Wake idle workers: BullMQ's moveToWait re-queues a prioritized job without the marker its
      // blocked workers wait on (bullmq 6.7 pushBackJobWithPriority.lua), so they would sleep up to
      // drainDelay (5 s). The fault test "one worker SIGKILLed … within 5 s" fails if this stops working.
      if (moved > before) await this.o.connection.zadd(queue.keys.marker ?? queue.toKey("marker"), 0, "0");
    }
    return { moved, complete };
  }

  private queueFor(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.o.connection, prefix: this.o.prefix });
      q.on("error", (e) => this.warn("queue connection error", e));
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * `abandon`: this process leaves jobs behind (forced close during an outage). Its entry stays and
   * its heartbeat ends now, so the next process reclaims them as soon as this one's connection closes.
   */
  async stop(abandon = false): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.o.connection.off("ready", this.onReady);
    const r = this.o.connection;
    const done = abandon ? r.del(this.aliveKey(this.incarnation)) : r.multi().hdel(this.key, this.incarnation).del(this.aliveKey(this.incarnation)).exec();
    await Promise.resolve(done).catch((e: unknown) => this.warn("presence not removed", e));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private warn(what: string, e: unknown): void {
    this.o.log.warn({ err: e instanceof Error ? e.message : String(e) }, what);
  }
}

function parseEntry(raw: string): Entry | undefined {
  try {
    const e = JSON.parse(raw) as Partial<Entry>;
    return typeof e.client === "number" && e.workers && typeof e.workers === "object" ? (e as Entry) : undefined;
  } catch {
    return undefined;
  }
}
