/**
 * The DingTalk Stream connection we own: at most one registered socket (two only during a
 * handover), one reconnect timer, capped exponential backoff with jitter when the gateway or a
 * socket fails, and on the server's `disconnect` notice a new socket opened first and the old
 * one closed only once the new one is registered (DingTalk closes it 10 s after the notice;
 * messages pushed in between still arrive on the old one, and robot messages are never pushed
 * again: protocol.md FAQ "机器人消息当前是fire-forgot模式").
 *
 * Never deaf for long: the backoff starts over after every socket that opened (a run of short
 * handovers must not push the next wait towards the cap), and while a socket that was told to go
 * still has time before the server closes it, a failed open is retried at a short fixed cadence
 * (the window is only 10 s; waiting out a backoff there means a gap with no socket at all). A
 * gateway that refuses our credentials is the one failure that waits at the cap: retrying fast
 * cannot fix a wrong secret.
 */
import type { DWClientDownStream } from "dingtalk-stream";
import type { Logger } from "../../config/logger.ts";
import type { ConnectionStatus } from "../adapter.ts";
import { HttpStatusError } from "../http-json.ts";
import { StreamSocket, type StreamSocketOptions } from "./stream-socket.ts";

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** Fixed retry cadence while a socket told to go is still open (default 100 ms). */
  handoverRetryMs?: number;
}

/** protocol.md: "服务端在静默10s之后会主动断开 tcp 连接" after a disconnect notice. */
export const NOTICE_TO_CLOSE_MS = 10_000;
const DEFAULT_HANDOVER_RETRY_MS = 100;

/** The gateway said our AppKey/AppSecret are wrong (401, or a 403 that is not throttling). */
export function isCredentialsError(e: unknown): boolean {
  if (!(e instanceof HttpStatusError)) return false;
  if (e.status === 401) return true;
  return e.status === 403 && !/QpsLimit|Throttl/i.test(e.code ?? "");
}

export interface StreamClientOptions extends Omit<StreamSocketOptions, "topics"> {
  backoff: Backoff;
}

/** A CALLBACK frame and the ack that goes back on the socket it came on. */
export type FrameHandler = (frame: DWClientDownStream, ack: (result: unknown) => void) => void;

/** Full jitter on the upper half: between half and all of min(max, initial·2^attempt). */
export function backoffDelay(b: Backoff, attempt: number, random = Math.random): number {
  const ceiling = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class StreamClient {
  private current: StreamSocket | undefined;
  private opening = false;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private readonly handlers = new Map<string, FrameHandler>();
  private readonly log: Logger;
  /** Observable for /healthz and tests. */
  readonly stats = { gatewayCalls: 0, reconnects: 0, handovers: 0, failures: 0 };
  private state: { state: ConnectionStatus["state"]; since: number } = { state: "connecting", since: Date.now() };

  constructor(private readonly opts: StreamClientOptions) {
    this.log = opts.log;
  }

  on(topic: string, handler: FrameHandler): this {
    this.handlers.set(topic, handler);
    return this;
  }

  start(): void {
    if (!this.stopped && this.current) return; // already open
    this.stopped = false;
    this.attempt = 0;
    this.setState("connecting");
    void this.openNext();
  }

  /** `as`: "standby" when another gateway holds the stream (bot/connection-lease.ts). */
  stop(as: "stopped" | "standby" = "stopped"): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.current?.close();
    this.current = undefined;
    this.setState(as);
  }

  status(): ConnectionStatus {
    return { platform: "dingtalk", state: this.state.state, since: new Date(this.state.since).toISOString(), reconnects: this.stats.reconnects };
  }

  /** Opens a socket; on success it becomes current and the previous one (if any) is closed. */
  private async openNext(): Promise<void> {
    if (this.opening || this.retry || this.stopped) return;
    this.opening = true;
    const socket = new StreamSocket({ ...this.opts, topics: [...this.handlers.keys()] });
    // Wired before opening: DingTalk may push a frame in the same packet as the handshake answer,
    // and it is emitted before the open promise's continuation runs.
    this.wire(socket);
    try {
      this.stats.gatewayCalls++;
      await socket.open();
    } catch (e) {
      socket.close();
      this.opening = false;
      this.stats.failures++;
      const delay = this.retryDelay(e);
      this.log.warn({ err: e instanceof Error ? e.message : String(e), attempt: this.attempt, retryInMs: delay }, "dingtalk stream connection failed");
      if (!this.current) this.setState("reconnecting");
      this.schedule(delay);
      return;
    }
    this.opening = false;
    if (this.stopped) return socket.close();
    // It opened: whatever failed before is over, so the next failure starts from the short wait.
    this.attempt = 0;
    const previous = this.current;
    this.current = socket;
    this.setState("connected");
    if (previous) {
      this.stats.handovers++;
      previous.retire();
    }
    this.log.info({ handover: previous !== undefined }, "dingtalk stream connected");
    // Told to go before it even became current (the notice raced the handshake's end): hand over now.
    if (socket.toldToGoAt !== undefined) void this.openNext();
  }

  /** How long to wait after a failed open (see the header for why each case waits what it does). */
  private retryDelay(e: unknown): number {
    if (isCredentialsError(e)) return backoffDelay(this.opts.backoff, Number.POSITIVE_INFINITY);
    const fast = this.opts.backoff.handoverRetryMs ?? DEFAULT_HANDOVER_RETRY_MS;
    const toldAt = this.current?.toldToGoAt;
    if (this.current?.live && toldAt !== undefined && Date.now() + fast < toldAt + NOTICE_TO_CLOSE_MS) return fast;
    return backoffDelay(this.opts.backoff, this.attempt++);
  }

  private schedule(delayMs: number): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.openNext();
    }, delayMs);
  }

  private wire(socket: StreamSocket): void {
    socket.events.on("frame", (frame: DWClientDownStream) => {
      const handler = this.handlers.get(frame.headers?.topic);
      const ack = (result: unknown) => {
        try {
          socket.socketCallBackResponse(frame.headers.messageId, result);
        } catch (e) {
          this.log.warn({ err: e instanceof Error ? e.message : String(e) }, "dingtalk stream ack not sent");
        }
      };
      if (handler) handler(frame, ack);
      else ack({});
    });
    socket.events.on("disconnect-notice", () => {
      socket.toldToGoAt ??= Date.now();
      if (socket !== this.current) return;
      this.log.info("dingtalk asked this connection to go; opening the next one first");
      void this.openNext();
    });
    socket.events.once("closed", () => {
      socket.events.removeAllListeners();
      if (socket !== this.current || this.stopped) return;
      this.current = undefined;
      this.stats.reconnects++;
      this.setState("reconnecting");
      if (!this.opening) this.schedule(backoffDelay(this.opts.backoff, this.attempt++));
    });
  }

  private setState(state: ConnectionStatus["state"]): void {
    if (this.state.state !== state) this.state = { state, since: Date.now() };
  }

  /** Sockets still registered (tests assert at most one, two during a handover). */
  get liveSockets(): number {
    return this.current?.live ? 1 : 0;
  }
}
