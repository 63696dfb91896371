/**
 * DingTalk as a platform: Stream mode (or the HTTP callback) in; replies through the message's
 * session webhook while it lives, else through the robot OpenAPI; ActionCard buttons whose
 * links send the button's command back as the user's message; interactive-card callbacks.
 */
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from "dingtalk-stream";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage, OutboundMessage, Reply } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, PlatformAdapter } from "../adapter.ts";
import type { Delivery } from "../delivery.ts";
import { splitForLimit } from "../split.ts";
import { DingtalkApi, SessionExpired, type DingtalkApiOptions, type DingtalkMessage } from "./api.ts";
import { registerDingtalkCallback } from "./http-callback.ts";
import { commandFromCardCallback, messageFromRobot, type DingtalkReplyHandle } from "./inbound.ts";
import { InboundSpool, spoolDefaults } from "../spool.ts";
import { StreamClient, type Backoff } from "./stream-client.ts";

const MARKDOWN_LIMIT = 5000;
/** A session webhook this close to its expiry is not used (the request could arrive after it). */
const EXPIRY_MARGIN_MS = 5000;

export interface DingtalkAdapterOptions {
  api: DingtalkApiOptions;
  mode: "stream" | "http";
  gatewayUrl: string;
  keepAliveMs: number;
  backoff: Backoff;
  /** Folder of the local spool that keeps messages the queue refused. */
  spoolDir: string;
  http: FastifyInstance;
  log: Logger;
  now?: () => number;
}

/** A button that makes the user's DingTalk client send the command into the chat. */
const sendMessageLink = (command: string) => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;

export class DingtalkAdapter implements PlatformAdapter {
  readonly platform = "dingtalk" as const;
  readonly api: DingtalkApi;
  client: StreamClient | undefined;
  private spool: InboundSpool | undefined;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: DingtalkAdapterOptions) {
    this.api = new DingtalkApi(opts.api);
    this.log = opts.log.child({ platform: "dingtalk" });
    this.now = opts.now ?? Date.now;
  }

  async start(sink: InboundSink): Promise<void> {
    if (this.opts.mode === "http") {
      registerDingtalkCallback(this.opts.http, this.opts.api.clientSecret, sink, this.log);
      return;
    }
    this.spool = new InboundSpool(sink, { ...spoolDefaults, dir: this.opts.spoolDir, log: this.log });
    await this.spool.start();
    const client = new StreamClient({ clientId: this.opts.api.clientId, clientSecret: this.opts.api.clientSecret, gatewayUrl: this.opts.gatewayUrl, keepAliveMs: this.opts.keepAliveMs, backoff: this.opts.backoff, log: this.log });
    client.on(TOPIC_ROBOT, (frame, ack) => void this.onRobotMessage(frame, ack));
    client.on(TOPIC_CARD, (frame, ack) => void this.onCardCallback(frame, ack));
    this.client = client;
    client.start();
  }

  status(): ConnectionStatus[] {
    return this.client ? [this.client.status()] : [];
  }

  plan(message: OutboundMessage): Delivery[] {
    if (message.replies.length === 0) return [];
    const handle = message.replyHandle as Partial<DingtalkReplyHandle> | undefined;
    return toMessages(message.replies).map((m) => ({ send: () => this.sendOne(message, handle, m) }));
  }

  async stop(): Promise<void> {
    this.client?.stop();
    this.spool?.stop();
  }

  private async sendOne(message: OutboundMessage, handle: Partial<DingtalkReplyHandle> | undefined, m: DingtalkMessage): Promise<void> {
    // Decided at send time, not when planned: a retried job may find the session expired.
    if (handle?.sessionWebhook && (handle.sessionExpiresAt ?? 0) - EXPIRY_MARGIN_MS > this.now()) {
      try {
        return await this.api.viaSession(handle.sessionWebhook, m);
      } catch (e) {
        if (!(e instanceof SessionExpired)) throw e;
        this.log.info("session webhook refused; using the OpenAPI");
      }
    }
    const direct = handle ? handle.conversationType === "direct" : message.chatType === "direct";
    if (direct) {
      const userId = handle?.staffId ?? (handle ? undefined : message.chatId);
      if (!userId) throw new Error("dingtalk: no user id to answer a 1:1 message");
      return this.api.toUser(userId, m);
    }
    return this.api.toGroup(handle?.openConversationId ?? message.chatId, m);
  }

  private async onRobotMessage(frame: DWClientDownStream, ack: (result: unknown) => void): Promise<void> {
    const message = messageFromRobot(safeJson(frame.data), new Date(this.now()));
    if (!message) {
      this.log.debug("dingtalk robot frame ignored (not a text or voice message)");
      return ack({});
    }
    await this.accept(message, ack);
  }

  private async onCardCallback(frame: DWClientDownStream, ack: (result: unknown) => void): Promise<void> {
    const messageId = frame.headers?.messageId;
    const click = commandFromCardCallback(safeJson(frame.data));
    if (!click || !messageId) return ack({});
    const group = click.conversationId !== undefined;
    const handle: DingtalkReplyHandle = { via: "dingtalk", conversationType: group ? "group" : "direct", openConversationId: click.conversationId ?? click.userId, staffId: click.userId };
    await this.accept({
      platform: "dingtalk", chatId: click.conversationId ?? click.userId, chatType: group ? "group" : "direct", senderId: click.userId, senderName: "",
      text: click.command, messageId: `card-${messageId}`, mentioned: true, receivedAt: new Date(this.now()).toISOString(), replyHandle: { ...handle },
    }, ack);
  }

  /**
   * Acknowledged once queued or spooled. DingTalk never pushes a robot message again, so a
   * refusal is not left to a redelivery: the spool keeps it until the queue takes it.
   */
  private async accept(message: InboundMessage, ack: (result: unknown) => void): Promise<void> {
    try {
      await this.spool!.accept(message);
      ack({});
    } catch (e) {
      this.log.error({ err: e instanceof Error ? e.message : String(e), messageId: message.messageId }, "dingtalk message could neither be queued nor spooled");
    }
  }
}

function safeJson(data: unknown): unknown {
  if (typeof data !== "string") return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Replies as DingTalk messages: markdown split at line boundaries; buttons on the last part as an ActionCard. */
function toMessages(replies: readonly Reply[]): DingtalkMessage[] {
  const text = replies.map((r) => r.text).join("\n\n");
  const last = [...replies].reverse().find((r) => r.choices?.length || r.actions?.length);
  const buttons = (last?.choices?.length ? last.choices : last?.actions ?? []).map((a) => ({ title: a.label, url: sendMessageLink(a.command) }));
  const parts = splitForLimit(text, MARKDOWN_LIMIT);
  return parts.map((p, i) => {
    const title = [...(p.split("\n")[0] ?? "")].slice(0, 20).join("") || "教联体助手";
    // Markdown needs two spaces before a newline to keep line breaks.
    const body = p.replace(/\n/g, "  \n");
    return i === parts.length - 1 && buttons.length ? { kind: "actionCard", title, text: body, buttons } : { kind: "markdown", title, text: body };
  });
}
