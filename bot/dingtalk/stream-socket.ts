/**
 * One DingTalk Stream WebSocket, on dingtalk-stream's DWClient for what it does right (gateway
 * request shape, frame parsing, SYSTEM ping answers, the ack format of socketCallBackResponse)
 * but with its own lifecycle switched off: autoReconnect and keepAlive are false, so the SDK
 * starts no timer and schedules no reconnect (2.1.5 leaks a keepalive interval per socket and
 * doubles reconnects after a failed handshake). StreamClient owns the lifecycle.
 *
 * Protocol source: open-dingtalk/developerpedia docs/learn/stream/protocol.md (gateway
 * POST /v1.0/gateway/connections/open → endpoint + single-use ticket valid 90 s; SYSTEM topics
 * ping and disconnect; "服务端在静默10s之后会主动断开 tcp 连接" after a disconnect notice).
 */
import { EventEmitter } from "node:events";
import { DWClient, type DWClientDownStream } from "dingtalk-stream";
import WebSocket from "ws";
import type { Logger } from "../../config/logger.ts";
import { requestJson } from "../http-json.ts";

export interface StreamSocketOptions {
  clientId: string;
  clientSecret: string;
  gatewayUrl: string;
  /** Interval of WebSocket pings; a ping unanswered by the next tick ends the socket. */
  keepAliveMs: number;
  topics: readonly string[];
  log: Logger;
}

/** The fields of DWClient that TypeScript calls private but that this subclass must use. */
interface DWClientInternals {
  dw_url?: string;
  userDisconnect: boolean;
  socket?: WebSocket;
}

const OPEN = 1;
/** A retired socket that has not finished its close handshake by then is cut. */
const RETIRE_GRACE_MS = 5000;

export class StreamSocket extends DWClient {
  private readonly internals = this as unknown as DWClientInternals;
  /** "frame" (a CALLBACK frame), "disconnect-notice", "closed". */
  readonly events = new EventEmitter();
  private watchdog: NodeJS.Timeout | undefined;
  private retireTimer: NodeJS.Timeout | undefined;
  private answered = true;
  private closed = false;
  openedAt = 0;
  /** When DingTalk sent this socket its `disconnect` notice (it closes the socket 10 s later). */
  toldToGoAt: number | undefined;

  constructor(private readonly opts: StreamSocketOptions) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: false, ua: "jiaolian-bot" });
    // Not in the constructor's type, but read from config by the SDK's close handler.
    (this.config as { autoReconnect?: boolean }).autoReconnect = false;
    for (const topic of opts.topics) this.config.subscriptions.push({ type: "CALLBACK", topic });
  }

  /** Gateway call, then the WebSocket handshake; rejects if either fails (no retry here). */
  async open(): Promise<void> {
    await this.getEndpoint();
    await this._connect();
    this.openedAt = Date.now();
    const socket = this.internals.socket;
    if (!socket) throw new Error("dingtalk stream: no socket after connect");
    socket.once("close", () => this.finish());
    this.watchdog = setInterval(() => this.tick(), this.opts.keepAliveMs);
    this.watchdog.unref();
  }

  get live(): boolean {
    return !this.closed && this.internals.socket?.readyState === OPEN;
  }

  /**
   * Ends a socket that a newer one replaced: a close handshake, so frames DingTalk already put
   * on the wire still arrive and are handled; cut after a grace period if the server is silent.
   */
  retire(): void {
    if (this.closed) return;
    this.internals.userDisconnect = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.retireTimer = setTimeout(() => this.close(), RETIRE_GRACE_MS);
    this.internals.socket?.close();
  }

  /** Ends this socket at once (stopping, or a dead socket). */
  close(): void {
    this.internals.userDisconnect = true;
    this.internals.socket?.terminate();
    this.finish();
  }

  /**
   * The WebSocket handshake as the SDK's own _connect does it (2.1.5 dist/client.mjs: same URL,
   * TLS options, pong → heartbeat, message → onDownStream, connected/registered flags), but its
   * errors go to our log: the SDK prints every refused handshake with console.warn and a stack
   * trace, and "connect success" with console.info, outside the structured log.
   */
  override _connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const url = this.internals.dw_url;
      if (!url) return reject(new Error("dingtalk stream: no endpoint"));
      this.internals.userDisconnect = false;
      const socket = new WebSocket(url, { rejectUnauthorized: true });
      this.internals.socket = socket;
      socket.on("open", () => {
        this.connected = true;
        resolve();
      });
      socket.on("pong", () => this.heartbeat());
      socket.on("message", (data: WebSocket.RawData) => this.onDownStream(data.toString()));
      socket.on("close", () => {
        this.connected = false;
        this.registered = false;
      });
      socket.on("error", (err) => {
        // A refused handshake is logged once by StreamClient ("connection failed", with its retry).
        if (this.connected) this.opts.log.warn({ err: err.message }, "dingtalk stream socket error");
        socket.terminate();
        reject(err);
      });
    });
  }

  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    // Request and answer as in protocol.md 步骤一 (and the SDK's own getEndpoint).
    const answer = await requestJson<{ endpoint?: string; ticket?: string }>("dingtalk gateway", this.opts.gatewayUrl, {
      body: { clientId, clientSecret, ua, subscriptions },
      headers: { accept: "application/json" },
    });
    if (!answer.endpoint || !answer.ticket) throw new Error("dingtalk gateway: no endpoint or ticket");
    this.internals.dw_url = `${answer.endpoint}?ticket=${encodeURIComponent(answer.ticket)}`;
    return this;
  }

  override onDownStream(data: string): void {
    try {
      super.onDownStream(data);
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "dingtalk stream frame ignored (malformed)");
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers?.topic === "disconnect") this.events.emit("disconnect-notice");
  }

  override onCallback(message: DWClientDownStream): void {
    this.events.emit("frame", message);
  }

  /** The SDK calls this on every pong. */
  override heartbeat(): void {
    this.answered = true;
  }

  private tick(): void {
    const socket = this.internals.socket;
    if (!socket || socket.readyState !== OPEN) return;
    if (!this.answered) {
      this.opts.log.warn("dingtalk stream socket stopped answering pings; replacing it");
      this.close();
      return;
    }
    this.answered = false;
    socket.ping();
  }

  private finish(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retireTimer) clearTimeout(this.retireTimer);
    this.watchdog = undefined;
    this.retireTimer = undefined;
    if (this.closed) return;
    this.closed = true;
    this.events.emit("closed");
  }
}
