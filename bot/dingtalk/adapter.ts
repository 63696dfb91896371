/**
 * DingTalk as a platform: Stream mode (or the HTTP callback) in; replies through the message's
 * session webhook while it lives, else through the robot OpenAPI. Buttons: StandardCard
 * interactive cards in groups (the only buttons a group robot ever hears about), ActionCard
 * dtmd links in 1:1 chats, and plain "@我 发送 …" hints where no card can be shown.
 */
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from "dingtalk-stream";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage, OutboundMessage } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, PlatformAdapter } from "../adapter.ts";
import type { Delivery } from "../delivery.ts";
import { InboundSpool, spoolDefaults } from "../spool.ts";
import { CardRefused, DingtalkApi, SessionExpired, type DingtalkApiOptions, type DingtalkMessage } from "./api.ts";
import { cardBizIdFor, CardRegistry, standardCard } from "./cards.ts";
import { registerDingtalkCallback } from "./http-callback.ts";
import { cardPress, messageFromRobot, type DingtalkReplyHandle } from "./inbound.ts";
import { directMessage, groupTextWithHints, toParts, type Part } from "./replies.ts";
import { StreamClient, type Backoff } from "./stream-client.ts";

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
  redis: Redis;
  prefix: string;
  /** Sent with each card when set (the route of card callbacks registered with DingTalk). */
  cardRouteKey?: string;
  http: FastifyInstance;
  log: Logger;
  now?: () => number;
}

export class DingtalkAdapter implements PlatformAdapter {
  readonly platform = "dingtalk" as const;
  readonly api: DingtalkApi;
  client: StreamClient | undefined;
  private spool: InboundSpool | undefined;
  private readonly cards: CardRegistry;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: DingtalkAdapterOptions) {
    this.api = new DingtalkApi(opts.api);
    this.cards = new CardRegistry(opts.redis, opts.prefix);
    this.log = opts.log.child({ platform: "dingtalk" });
    this.now = opts.now ?? Date.now;
  }

  async start(sink: InboundSink): Promise<void> {
    const spool = new InboundSpool(sink, { ...spoolDefaults, dir: this.opts.spoolDir, log: this.log });
    this.spool = spool;
    await spool.start();
    if (this.opts.mode === "http") {
      // The HTTP callback is pushed once too: answered once queued or spooled.
      registerDingtalkCallback(
        this.opts.http,
        this.opts.api.clientSecret,
        async (m) => {
          await spool.accept(m);
          return { jobId: "", existed: false };
        },
        this.log,
      );
      return;
    }
    const client = new StreamClient({
      clientId: this.opts.api.clientId,
      clientSecret: this.opts.api.clientSecret,
      gatewayUrl: this.opts.gatewayUrl,
      keepAliveMs: this.opts.keepAliveMs,
      backoff: this.opts.backoff,
      log: this.log,
    });
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
    const direct = handle?.conversationType ? handle.conversationType === "direct" : message.chatType === "direct";
    const parts = toParts(message.replies);
    // Pictures (the progress chart) follow the text as image messages; the text already names their URL.
    const images = message.replies
      .flatMap((r) => (r.image ? [r.image] : []))
      .map<Delivery>((img) => ({
        send: () => this.sendOne(message, handle, { kind: "image", title: img.alt, url: img.url }),
      }));
    return [
      ...parts.map((p, i) => ({
        send: () => {
          if (direct) return this.sendOne(message, handle, directMessage(p));
          // The answer to a card press replaces that card (its first part; the rest follow as text).
          if (handle?.cardBizId && i === 0) return this.updateCard(message, handle, handle.cardBizId, p);
          if (p.buttons.length) return this.sendCard(message, handle, p, cardBizIdFor([message.chatId, message.replyTo ?? JSON.stringify(message.replies), String(i)]));
          return this.sendOne(message, handle, groupTextWithHints(p));
        },
      })),
      ...images,
    ];
  }

  async stop(): Promise<void> {
    this.client?.stop();
    this.spool?.stop();
  }

  /** Cards need the callback: in HTTP mode none arrives here, so the group gets "@我 发送 …" hints instead. */
  private get cardsWork(): boolean {
    return this.opts.mode === "stream";
  }

  private async sendCard(message: OutboundMessage, handle: Partial<DingtalkReplyHandle> | undefined, p: Part, cardBizId: string): Promise<void> {
    if (!this.cardsWork) return this.sendOne(message, handle, groupTextWithHints(p));
    const conversationId = handle?.openConversationId ?? message.chatId;
    await this.cards.remember(cardBizId, { conversationId, group: true }, p.buttons);
    try {
      await this.api.sendCard(cardBizId, standardCard(p.title, p.text, p.buttons), { openConversationId: conversationId }, this.opts.cardRouteKey);
    } catch (e) {
      if (!(e instanceof CardRefused)) throw e;
      this.log.warn({ err: e.message, chatId: message.chatId }, "dingtalk card refused; answering with text that says to @ the robot");
      await this.sendOne(message, handle, groupTextWithHints(p));
    }
  }

  private async updateCard(message: OutboundMessage, handle: Partial<DingtalkReplyHandle>, cardBizId: string, p: Part): Promise<void> {
    if (p.buttons.length) await this.cards.remember(cardBizId, { conversationId: handle.openConversationId ?? message.chatId, group: true }, p.buttons);
    try {
      await this.api.updateCard(cardBizId, standardCard(p.title, p.text, p.buttons));
    } catch (e) {
      if (!(e instanceof CardRefused)) throw e;
      this.log.warn({ err: e.message, chatId: message.chatId }, "dingtalk card update refused; answering with text");
      await this.sendOne(message, handle, groupTextWithHints(p));
    }
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
    const direct = handle?.conversationType ? handle.conversationType === "direct" : message.chatType === "direct";
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

  /** A card button: the command it stands for, run as if the presser had @-mentioned the robot with it. */
  private async onCardCallback(frame: DWClientDownStream, ack: (result: unknown) => void): Promise<void> {
    const press = cardPress(safeJson(frame.data));
    const found = press && (await this.cards.lookup(press.cardBizId, press.actionId).catch(() => undefined));
    if (!press || !found) {
      this.log.info({ card: press?.cardBizId }, "dingtalk card press ignored (unknown card or button)");
      return ack({});
    }
    const { chat, command } = found;
    const handle: DingtalkReplyHandle = {
      via: "dingtalk",
      conversationType: chat.group ? "group" : "direct",
      openConversationId: chat.conversationId,
      staffId: press.userId,
      cardBizId: press.cardBizId,
    };
    await this.accept(
      {
        platform: "dingtalk",
        chatId: chat.conversationId,
        chatType: chat.group ? "group" : "direct",
        senderId: press.userId,
        senderName: "",
        // One press of one button by one person is one command, however often DingTalk reports it.
        text: command,
        messageId: `card-${press.cardBizId}-${press.actionId}-${press.userId}`.slice(0, 256),
        mentioned: true,
        receivedAt: new Date(this.now()).toISOString(),
        replyHandle: { ...handle },
      },
      ack,
    );
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
