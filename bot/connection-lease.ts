/**
 * Active/standby gateways: any number of gateway processes run, and exactly one of them holds
 * the platforms' long connections (WeCom's 智能机器人 socket, DingTalk's Stream) at a time,
 * through one lease in Redis (bot/lease.ts, fencing tokens). The others serve HTTP (platform
 * callbacks, the web pages, the simulator) and wait with the connections closed; when the holder
 * dies its lease runs out and one of them opens the connections, within the lease's ttl plus a
 * third of it.
 *
 * Why one lease for all connections, not one per bot: the outbound worker sends through them
 * (WeCom's replies go back on the socket the message came in on), so it runs where they are.
 *
 * Fencing: `fenced()` asks Redis, before each send, whether this process's grant is still the
 * current one. A holder that was paused past its lease (a stopped VM, SIGSTOP, a long GC) and
 * wakes up finds it was replaced, closes its connections and sends nothing more.
 */
import type { Logger } from "../config/logger.ts";
import type { RedisClient } from "../config/redis.ts";
import type { LongConnection } from "./adapter.ts";
import { Lease } from "./lease.ts";

export interface ConnectionLeaseOptions {
  redis: RedisClient;
  prefix: string;
  ttlMs: number;
  /** Stable across a restart of this process (host and listen address), see LeaseOptions.owner. */
  owner: string;
  connections: LongConnection[];
  log: Logger;
  /** Called when this process starts or stops holding the connections (the outbound worker follows). */
  onLead?: () => void;
  onFollow?: () => void;
}

export class ConnectionLease {
  private readonly lease: Lease;
  private leading = false;

  constructor(private readonly o: ConnectionLeaseOptions) {
    this.lease = new Lease({
      redis: o.redis,
      prefix: o.prefix,
      name: "platform-connections",
      ttlMs: o.ttlMs,
      owner: o.owner,
      // A Redis outage is when the connection matters most (DingTalk's spool keeps receiving).
      keepThroughOutage: true,
      onAcquired: (token) => this.lead(token),
      onLost: () => this.follow("lease lost to another gateway"),
    });
  }

  /** Whether this process holds the connections now. */
  get holding(): boolean {
    return this.leading;
  }

  /** The fencing check before a send: false once another gateway holds the lease (or Redis is unreachable). */
  fenced(): Promise<boolean> {
    return this.lease.fenced();
  }

  /** Contends at once: the first process opens the connections; the others go standby. */
  async start(): Promise<void> {
    await this.lease.start();
    if (!this.leading) this.follow("another gateway holds the platform connections");
  }

  private lead(token: number): void {
    if (this.leading) return;
    this.leading = true;
    this.o.log.info({ token, owner: this.lease.owner }, "this gateway holds the platform connections");
    for (const c of this.o.connections) c.open();
    this.o.onLead?.();
  }

  private follow(why: string): void {
    const was = this.leading;
    this.leading = false;
    for (const c of this.o.connections) c.standby();
    this.o.onFollow?.();
    if (was) this.o.log.warn({ owner: this.lease.owner }, `${why}: platform connections closed, standing by`);
    else this.o.log.info({ owner: this.lease.owner }, `${why}: standing by`);
  }

  /** Hands the lease over at once (a clean shutdown does not make the standby wait out the ttl). */
  async stop(): Promise<void> {
    await this.lease.stop();
    this.leading = false;
  }

  /** For tests: stop renewing without releasing or closing anything, like a process frozen in place. */
  freeze(): void {
    this.lease.pause();
  }

  /** For tests: one renewal round now (what the timer does every ttl/3). */
  tick(): Promise<void> {
    return this.lease.tick();
  }
}
