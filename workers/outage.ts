/**
 * While PostgreSQL or Redis is unreachable, the jobs that hit it wait here (holding their slot, so
 * the worker takes no new work: in effect it pauses) until one shared probe says both answer again.
 * Probing once for all jobs keeps a long outage cheap: no storm of doomed attempts.
 */
import type { Logger } from "../config/logger.ts";
import { dependencyDown } from "../bot/metrics.ts";
import { backoffMs } from "./transient.ts";

export class OutageGate {
  private recovery: Promise<void> | undefined;
  private since = 0;
  private stopped = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: Logger,
    private readonly probeCapMs = 2_000,
  ) {}

  /** When the current outage began (wall clock ms), or undefined when none is known. */
  get downSince(): number | undefined {
    return this.recovery ? this.since : undefined;
  }

  /** Ends probing (the process is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once the dependencies answer (true), or false at `deadline` (wall clock ms). */
  async waitUntilUp(deadline: number): Promise<boolean> {
    this.recovery ??= this.probeUntilUp();
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left).unref()));
    try {
      return await Promise.race([this.recovery.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async probeUntilUp(): Promise<void> {
    this.since = Date.now();
    dependencyDown.set(1);
    this.log.warn("数据库或 Redis 暂时无法连接，消息将在恢复后处理 (database or Redis unreachable; messages wait)");
    for (let attempt = 0; ; attempt++) {
      await new Promise((r) => setTimeout(r, backoffMs(attempt, this.probeCapMs)));
      // Shutting down: the waiting jobs stay waiting (never told "up"); the next process takes them over.
      if (this.stopped) return new Promise<never>(() => undefined);
      if (
        await this.probe().then(
          () => true,
          () => false,
        )
      )
        break;
    }
    this.log.warn({ downForMs: Date.now() - this.since }, "数据库与 Redis 已恢复 (database and Redis reachable again)");
    dependencyDown.set(0);
    this.recovery = undefined;
  }
}
