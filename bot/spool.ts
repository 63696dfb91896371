/**
 * No inbound message lost to a queue outage. DingTalk pushes a robot message once and never
 * again (protocol.md FAQ: "机器人消息当前是fire-forgot模式，不会因为网络超时而重复推送"), so a
 * message the queue refused is retried here a few times, then written to a local spool
 * directory (one file per message, named by its key, written to a temp name and renamed so a
 * crash leaves no half file) and drained into the queue once it answers again. The queue's
 * jobId is the message key, so a message that reached Redis and the spool both is queued once.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../config/logger.ts";
import { inboundMessageSchema, messageKey, type InboundMessage } from "../messages/messages.ts";
import type { InboundSink } from "./adapter.ts";

export interface SpoolOptions {
  dir: string;
  /** Tries before spooling, each bounded by attemptTimeoutMs, spaced by retryDelayMs·n. */
  attempts: number;
  attemptTimeoutMs: number;
  retryDelayMs: number;
  /** How often the spool is tried again while it holds messages. */
  drainEveryMs: number;
  log: Logger;
}

export const spoolDefaults = { attempts: 3, attemptTimeoutMs: 3000, retryDelayMs: 200, drainEveryMs: 2000 };

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`queue did not answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class InboundSpool {
  private drainTimer: NodeJS.Timeout | undefined;
  private draining = false;
  /** A drain was asked for while one ran: run again right after (files may have arrived meanwhile). */
  private drainAgain = false;
  private stopped = false;

  constructor(
    private readonly sink: InboundSink,
    private readonly opts: SpoolOptions,
  ) {}

  /** Resolves once the message is queued or safely on disk; rejects only if the disk refuses too. */
  readonly accept = async (message: InboundMessage): Promise<"queued" | "spooled"> => {
    let lastError: unknown;
    for (let i = 0; i < this.opts.attempts; i++) {
      try {
        await withTimeout(this.sink(message), this.opts.attemptTimeoutMs);
        return "queued";
      } catch (e) {
        lastError = e;
        if (i + 1 < this.opts.attempts) await sleep(this.opts.retryDelayMs * (i + 1));
      }
    }
    await this.write(message);
    this.opts.log.warn({ err: lastError instanceof Error ? lastError.message : String(lastError), messageId: message.messageId }, "queue unavailable; message kept in the local spool");
    this.scheduleDrain();
    return "spooled";
  };

  /** Starts draining whatever an earlier run left on disk. */
  async start(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    if ((await this.files()).length) this.scheduleDrain(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
  }

  /** Moves spooled messages into the queue; stops at the first refusal and tries again later. */
  async drain(): Promise<number> {
    if (this.draining) {
      this.drainAgain = true;
      return 0;
    }
    this.draining = true;
    this.drainAgain = false;
    let moved = 0;
    try {
      for (const name of await this.files()) {
        const path = join(this.opts.dir, name);
        const message = inboundMessageSchema.safeParse(parseOrUndefined(await readFile(path, "utf8")));
        if (!message.success) {
          // Never retried forever, never deleted unseen: set aside for a person to look at.
          await rename(path, `${path}.bad`);
          this.opts.log.error({ file: name }, "spooled message unreadable; kept as .bad");
          continue;
        }
        await withTimeout(this.sink(message.data), this.opts.attemptTimeoutMs);
        await unlink(path);
        moved++;
      }
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "spool not drained yet");
      this.scheduleDrain();
    } finally {
      this.draining = false;
    }
    if (this.drainAgain) this.scheduleDrain(0);
    if (moved) this.opts.log.info({ moved }, "spooled messages queued");
    return moved;
  }

  async pending(): Promise<number> {
    return (await this.files()).length;
  }

  private async files(): Promise<string[]> {
    try {
      return (await readdir(this.opts.dir)).filter((n) => n.endsWith(".json")).sort();
    } catch {
      return [];
    }
  }

  private async write(message: InboundMessage): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    // Named by arrival time then key: drained in arrival order, and one file per message.
    const key = createHash("sha256").update(messageKey(message)).digest("hex").slice(0, 32);
    const name = `${message.receivedAt.replace(/[^0-9]/g, "")}-${key}.json`;
    const tmp = join(this.opts.dir, `.${name}.tmp`);
    await writeFile(tmp, JSON.stringify(message), { flush: true });
    await rename(tmp, join(this.opts.dir, name));
  }

  private scheduleDrain(delay = this.opts.drainEveryMs): void {
    if (this.drainTimer || this.stopped) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      void this.drain();
    }, delay);
    this.drainTimer.unref();
  }
}
