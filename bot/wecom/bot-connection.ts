/**
 * The 智能机器人 long connection, on WeCom's own SDK. What we add: reconnect forever (the SDK
 * stops after 10 tries by default), a heartbeat that replaces a connection that is open but
 * silent, WeCom's "replaced by a newer connection" notice honoured without reconnecting (two
 * instances of one bot would otherwise take the connection from each other forever), and
 * acknowledgement errors turned into Errors that say the errcode.
 */
import { WSClient } from "@wecom/aibot-node-sdk";
import type { Logger } from "../../config/logger.ts";
import type { ConnectionStatus } from "../adapter.ts";
import { sdkLogger } from "../sdk-logger.ts";
import type { Frame } from "./inbound.ts";

export interface BotConnectionOptions {
  botId: string;
  secret: string;
  wsUrl: string;
  heartbeatMs: number;
  log: Logger;
}

export interface ConnectionHandlers {
  message(frame: Frame): void;
  cardEvent(frame: Frame): void;
  enterChat(frame: Frame): void;
}

export type ConnectionState = "connecting" | "online" | "replaced" | "standby" | "stopped";

/** An acknowledgement with a non-zero errcode. */
export class WecomAckError extends Error {
  override readonly name = "WecomAckError";
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`wecom errcode ${errcode}: ${errmsg}`);
  }
}

function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  const f = e as { errcode?: unknown; errmsg?: unknown } | undefined;
  if (typeof f?.errcode === "number") return new WecomAckError(f.errcode, String(f.errmsg ?? ""));
  return new Error(String(e));
}

export class BotConnection {
  private readonly client: WSClient;
  private current: ConnectionState = "connecting";
  /** When the connection entered its state, and how often it was lost (for /healthz). */
  since = Date.now();
  reconnects = 0;
  private wasOnline = false;
  /** open() was called since the last standby(): there is a socket (or a reconnect loop) to close. */
  private opened = false;

  get state(): ConnectionState {
    return this.current;
  }

  set state(next: ConnectionState) {
    if (next !== this.current) this.since = Date.now();
    this.current = next;
  }

  status(): ConnectionStatus {
    const state = this.current === "online" ? "connected" : this.current === "connecting" ? (this.wasOnline ? "reconnecting" : "connecting") : this.current;
    return { platform: "wecom", part: "bot", state, since: new Date(this.since).toISOString(), reconnects: this.reconnects };
  }
  private readonly log: Logger;

  constructor(opts: BotConnectionOptions) {
    this.log = opts.log.child({ platform: "wecom", mode: "bot" });
    this.client = new WSClient({
      botId: opts.botId,
      secret: opts.secret,
      wsUrl: opts.wsUrl,
      heartbeatInterval: opts.heartbeatMs,
      maxReconnectAttempts: -1,
      maxAuthFailureAttempts: -1,
      logger: sdkLogger(this.log),
    });
  }

  /** Listens and connects. */
  start(handlers: ConnectionHandlers): void {
    this.listen(handlers);
    this.open();
  }

  /** Wires the handlers once; the connection may then be opened and closed many times. */
  listen(handlers: ConnectionHandlers): void {
    const c = this.client;
    c.on("message.text", (f) => handlers.message(f));
    c.on("message.voice", (f) => handlers.message(f));
    // Text and pictures together (the SDK's MessageType.Mixed): the text is a command.
    c.on("message.mixed", (f) => handlers.message(f));
    // A picture alone (1:1 chats only): evidence for the sender's record.
    c.on("message.image", (f) => handlers.message(f));
    c.on("event.template_card_event", (f) => handlers.cardEvent(f));
    c.on("event.enter_chat", (f) => handlers.enterChat(f));
    c.on("authenticated", () => {
      this.state = "online";
      this.wasOnline = true;
      this.log.info("wecom bot connection online");
    });
    c.on("disconnected", (reason) => {
      // Closed on purpose (standby, stop) or by the server for a newer connection: not a loss.
      if (this.state === "replaced" || this.state === "stopped" || this.state === "standby") return;
      if (this.state === "online") this.reconnects++;
      this.state = "connecting";
      this.log.warn({ reason }, "wecom bot connection lost");
    });
    c.on("event.disconnected_event", () => {
      this.state = "replaced";
      this.log.warn("another connection of this WeCom bot took over (another instance started?); this one stays idle and does not reconnect");
    });
    c.on("error", (err) => this.log.warn({ err: err.message }, "wecom bot connection error"));
  }

  /** Connects (again, after a standby or a replacement: the SDK's client reconnects on connect()). */
  open(): void {
    if (this.state === "online") return;
    this.state = "connecting";
    this.opened = true;
    this.client.connect();
  }

  /** Closes the connection on purpose: another gateway holds the lease (bot/connection-lease.ts). */
  standby(): void {
    const wasReplaced = this.state === "replaced";
    this.state = "standby";
    if (!this.opened) return;
    this.opened = false;
    if (!wasReplaced) this.client.disconnect();
    this.log.info("wecom bot connection closed: standby, another gateway holds it");
  }

  async replyStream(reqId: string, streamId: string, content: string, card?: Record<string, unknown>): Promise<void> {
    const frame = { headers: { req_id: reqId } };
    try {
      if (card) await this.client.replyStreamWithCard(frame, streamId, content, true, { templateCard: card as never });
      else await this.client.replyStream(frame, streamId, content, true);
    } catch (e) {
      throw asError(e);
    }
  }

  /** Updates the clicked card, for the given users only when given (others keep their buttons). */
  async updateCard(reqId: string, card: Record<string, unknown>, userIds?: string[]): Promise<void> {
    try {
      await this.client.updateTemplateCard({ headers: { req_id: reqId } }, card as never, userIds);
    } catch (e) {
      throw asError(e);
    }
  }

  async welcome(reqId: string, content: string): Promise<void> {
    try {
      await this.client.replyWelcome({ headers: { req_id: reqId } }, { msgtype: "text", text: { content } } as never);
    } catch (e) {
      throw asError(e);
    }
  }

  /** A proactive message to a group chat id or a user id. */
  async send(chatId: string, body: { msgtype: "markdown"; markdown: { content: string } } | { msgtype: "template_card"; template_card: Record<string, unknown> }): Promise<void> {
    try {
      await this.client.sendMessage(chatId, body as never);
    } catch (e) {
      throw asError(e);
    }
  }

  /**
   * Uploads temporary media over the long connection (aibot_upload_media_init / _chunk / _finish,
   * developer.work.weixin.qq.com/document/path/101463 上传临时素材; chunks of 512 KB, at most 100,
   * per @wecom/aibot-node-sdk 1.0.7 `uploadMedia`) and returns its media_id (valid 3 days).
   */
  async upload(bytes: Buffer, type: "image" | "file", filename: string): Promise<string> {
    try {
      return (await this.client.uploadMedia(bytes, { type, filename })).media_id;
    } catch (e) {
      throw asError(e);
    }
  }

  /**
   * Uploaded media as a passive reply on the message's req_id (aibot_respond_msg with
   * {msgtype, [msgtype]: {media_id}}: SDK 1.0.7 `replyMedia`). A reply, not a proactive send.
   */
  async replyMedia(reqId: string, type: "image" | "file", mediaId: string): Promise<void> {
    try {
      await this.client.replyMedia({ headers: { req_id: reqId } }, type, mediaId);
    } catch (e) {
      throw asError(e);
    }
  }

  /** Uploaded media as a proactive message (aibot_send_msg 文件消息 / 图片消息, document/path/101463). */
  async sendMedia(chatId: string, type: "image" | "file", mediaId: string): Promise<void> {
    try {
      await this.client.sendMediaMessage(chatId, type, mediaId);
    } catch (e) {
      throw asError(e);
    }
  }

  stop(): void {
    const wasReplaced = this.state === "replaced";
    this.state = "stopped";
    // After a "replaced" notice the SDK has already closed the socket and marked itself stopped;
    // a standby has nothing open.
    if (!wasReplaced && this.opened) this.client.disconnect();
    this.opened = false;
  }
}
