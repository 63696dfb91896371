/**
 * DingTalk as a platform: Stream mode (or the HTTP callback) in; replies through the message's
 * session webhook while it lives, else through the robot OpenAPI. Buttons: StandardCard
 * interactive cards in groups (the only buttons a group robot ever hears about), ActionCard
 * dtmd links in 1:1 chats, and plain "@我 发送 …" hints where no card can be shown. Exports
 * follow the text as file messages (media upload + sampleFile; the text already names the link).
 */
import { withMarkdownSafeText } from "../markdown.ts";
import { createHash } from "node:crypto";
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from "dingtalk-stream";
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage, OutboundMessage, Reply } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, PlatformAdapter } from "../adapter.ts";
import { ThrottledError, type Delivery } from "../delivery.ts";
import { fetchOwnFile, FileTooLarge } from "../fetch-file.ts";
import { platformFiles } from "../metrics.ts";
import { InboundSpool, spoolDefaults } from "../spool.ts";
import { CardRefused, DingtalkApi, MEDIA_FILE_MAX_BYTES, MediaRefused, SAMPLE_FILE_TYPES, SessionExpired, type DingtalkApiOptions, type DingtalkMessage } from "./api.ts";
import { CARD_CALLBACK_PATH, cardCallbackApiSecret, cardCallbackToken, registerCardCallbackRoute, type PressOutcome } from "./card-callback-http.ts";
import { cardBizIdFor, CardRegistry, standardCard, type CardChat } from "./cards.ts";
import { registerDingtalkCallback } from "./http-callback.ts";
import { sessionWebhookAllowed } from "./session-webhook.ts";
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
  redis: RedisClient;
  prefix: string;
  /** Sent with each card when set (the route of card callbacks registered with DingTalk). */
  cardRouteKey?: string;
  /** Where DingTalk reaches this server (HTTP mode: the card callback URL registered at start). */
  publicBaseUrl?: string;
  /** Largest export sent as a file message (DingTalk's media limit by default); larger ones go as the link alone. */
  maxFileBytes?: number;
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
  /** HTTP mode: true once DingTalk accepted our card callback URL (until then, and if refused, groups get text hints). */
  private httpCardsReady = false;

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
      registerDingtalkCallback(this.opts.http, {
        secret: this.opts.api.clientSecret,
        sink: async (m) => {
          await spool.accept(m);
          return { jobId: "", existed: false };
        },
        log: this.log,
        redis: this.opts.redis,
        prefix: this.opts.prefix,
        now: this.now,
      });
      this.startHttpCards(spool);
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

  /**
   * HTTP mode with a card route key and a public URL: the click route is served here and its URL
   * registered with DingTalk in the background (boot never waits on DingTalk). Refused or
   * unreachable: logged once, and groups keep getting "@我 发送 …" hints.
   */
  private startHttpCards(spool: InboundSpool): void {
    const routeKey = this.opts.cardRouteKey;
    const base = this.opts.publicBaseUrl?.replace(/\/+$/, "");
    if (!routeKey || !base) return;
    const secret = this.opts.api.clientSecret;
    const token = cardCallbackToken(secret, routeKey);
    registerCardCallbackRoute(this.opts.http, token, (body) => this.onHttpCardPress(body, spool), this.log);
    void this.api
      .registerCardCallback({ callbackRouteKey: routeKey, callbackUrl: `${base}${CARD_CALLBACK_PATH}/${token}`, apiSecret: cardCallbackApiSecret(secret, routeKey) })
      .then(() => {
        this.httpCardsReady = true;
        this.log.info({ routeKey }, "dingtalk card callback URL registered; groups get interactive cards");
      })
      .catch((e: unknown) => {
        this.log.warn({ err: e instanceof Error ? e.message : String(e), routeKey }, "dingtalk card callback registration refused; groups get '@我 发送' hints instead of cards");
      });
  }

  status(): ConnectionStatus[] {
    return this.client ? [this.client.status()] : [];
  }

  plan(plain: OutboundMessage): Delivery[] {
    // Rendered as markdown by the platform: user text in it must not become links or headings.
    const message = withMarkdownSafeText(plain);
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
    // Exports follow as file messages; the text already names each link, so a file that cannot go loses nothing.
    const files = message.replies.flatMap((r) => (r.file ? [r.file] : [])).map<Delivery>((file) => ({ send: () => this.sendFile(message, handle, file) }));
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
      ...files,
    ];
  }

  async stop(): Promise<void> {
    this.client?.stop();
    this.spool?.stop();
  }

  /** Cards need their clicks: Stream mode has the card topic; HTTP mode only a callback URL DingTalk accepted. */
  private get cardsWork(): boolean {
    return this.opts.mode === "stream" || this.httpCardsReady;
  }

  /**
   * One export as a DingTalk file message: our own signed URL fetched, uploaded as media, sent as
   * sampleFile through the OpenAPI (the session webhook has no file type). Too large, a type
   * sampleFile does not take, or an upload/send DingTalk refuses: logged once and given up, never
   * retried (the text with the link already went out). Only throttling waits and goes again.
   */
  private async sendFile(message: OutboundMessage, handle: Partial<DingtalkReplyHandle> | undefined, file: NonNullable<Reply["file"]>): Promise<void> {
    const give = (outcome: string, detail: string) => {
      platformFiles.inc({ platform: "dingtalk", outcome });
      this.log.warn({ chatId: message.chatId, file: file.label, outcome, err: detail }, "dingtalk file message not sent; the reply's text carries its link");
    };
    try {
      const f = await fetchOwnFile(file.url, { maxBytes: this.opts.maxFileBytes ?? MEDIA_FILE_MAX_BYTES, fallbackName: file.label });
      const fileType = fileTypeOf(f.name, f.contentType);
      if (!fileType) return give("unsupported", `type of ${f.name} (${f.contentType}) is not one sampleFile takes`);
      const fileName = f.name.toLowerCase().endsWith(`.${fileType}`) ? f.name : `${f.name}.${fileType}`;
      const mediaId = await this.api.uploadFile(f.bytes, fileName, f.contentType);
      await this.viaOpenApi(message, handle, { kind: "file", mediaId, fileName, fileType });
      platformFiles.inc({ platform: "dingtalk", outcome: "sent" });
    } catch (e) {
      if (e instanceof ThrottledError) throw e;
      const outcome = e instanceof FileTooLarge ? "too_large" : e instanceof MediaRefused ? "refused" : "error";
      give(outcome, e instanceof Error ? e.message : String(e));
    }
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
    const session = handle?.sessionWebhook;
    if (session && !sessionWebhookAllowed(session, [this.opts.api.oapiBase ?? "", this.opts.api.apiBase])) {
      this.log.warn({ chatId: message.chatId }, "dingtalk session webhook not on a DingTalk host; using the OpenAPI");
    } else if (session && (handle.sessionExpiresAt ?? 0) - EXPIRY_MARGIN_MS > this.now()) {
      try {
        return await this.api.viaSession(session, m);
      } catch (e) {
        if (!(e instanceof SessionExpired)) throw e;
        this.log.info("session webhook refused; using the OpenAPI");
      }
    }
    return this.viaOpenApi(message, handle, m);
  }

  private async viaOpenApi(message: OutboundMessage, handle: Partial<DingtalkReplyHandle> | undefined, m: DingtalkMessage): Promise<void> {
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

  /** A card button (Stream card topic): the command it stands for, run as if the presser had @-mentioned the robot with it. */
  private async onCardCallback(frame: DWClientDownStream, ack: (result: unknown) => void): Promise<void> {
    const press = cardPress(safeJson(frame.data));
    const found = press && (await this.cards.lookup(press.cardBizId, press.actionId).catch(() => undefined));
    if (!press || !found) {
      this.log.info({ card: press?.cardBizId }, "dingtalk card press ignored (unknown card or button)");
      return ack({});
    }
    await this.accept(this.pressMessage(press, found), ack);
  }

  /** The same press arriving at the HTTP card callback URL (HTTP mode): spooled like a robot message. */
  private async onHttpCardPress(body: unknown, spool: InboundSpool): Promise<PressOutcome> {
    const press = cardPress(body);
    if (!press) return "malformed";
    const found = await this.cards.lookup(press.cardBizId, press.actionId).catch(() => undefined);
    if (!found) {
      this.log.info({ card: press.cardBizId }, "dingtalk card press refused (unknown or expired card or button)");
      return "unknown";
    }
    await spool.accept(this.pressMessage(press, found));
    return "queued";
  }

  private pressMessage(press: { userId: string; cardBizId: string; actionId: string }, found: { chat: CardChat; command: string }): InboundMessage {
    const { chat, command } = found;
    const handle: DingtalkReplyHandle = {
      via: "dingtalk",
      conversationType: chat.group ? "group" : "direct",
      openConversationId: chat.conversationId,
      staffId: press.userId,
      cardBizId: press.cardBizId,
    };
    // One press of one button by one person is one command, however often DingTalk reports it. The
    // command's hash is part of it: an updated card reuses button ids for new commands.
    const commandHash = createHash("sha256").update(command).digest("hex").slice(0, 12);
    return {
      platform: "dingtalk",
      chatId: chat.conversationId,
      chatType: chat.group ? "group" : "direct",
      senderId: press.userId,
      senderName: "",
      text: command,
      messageId: `card-${press.cardBizId}-${press.actionId}-${commandHash}-${press.userId}`.slice(0, 256),
      mentioned: true,
      receivedAt: new Date(this.now()).toISOString(),
      replyHandle: { ...handle },
    };
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

/** sampleFile's fileType from the name's extension, else the content type; undefined when sampleFile takes neither. */
function fileTypeOf(name: string, contentType: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext && SAMPLE_FILE_TYPES.has(ext)) return ext;
  if (contentType.includes("spreadsheetml")) return "xlsx";
  if (contentType.includes("wordprocessingml")) return "docx";
  if (contentType.includes("application/pdf")) return "pdf";
  return undefined;
}
