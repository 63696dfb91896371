/**
 * WeCom as a platform: the 智能机器人 long connection and/or the self-built app callback in,
 * passive replies (one stream reply per message, with a card when the reply has buttons or
 * choices), card updates after a click, and proactive sends out (minding the bot's daily
 * per-conversation quota, bot/wecom/quota.ts). Exports go out as file messages after the text
 * (bot/wecom/files.ts). No database, no commands.
 */
import { withMarkdownSafeText } from "../markdown.ts";
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import type { InboundMessage, OutboundMessage, Reply } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, PlatformAdapter } from "../adapter.ts";
import { UndeliverableError, type Delivery } from "../delivery.ts";
import { splitForLimit } from "../split.ts";
import { WecomAppApi, APP_MARKDOWN_LIMIT, type AppApiOptions } from "./app-api.ts";
import { registerWecomCallback } from "./app-callback.ts";
import { BotConnection, WecomAckError, type BotConnectionOptions } from "./bot-connection.ts";
import type { CallbackKeys } from "./callback-crypto.ts";
import { buttonCard, CardStore, doneCard, linkCard, taskIdFor, voteCard, type TemplateCard } from "./cards.ts";
import { fileDeliveries } from "./files.ts";
import { cardClickFromFrame, messageFromFrame, type Frame } from "./inbound.ts";
import { ProactiveQuota, QuotaGuard } from "./quota.ts";

/** A stream reply carries up to 20480 bytes; proactive markdown up to 4096. */
const STREAM_LIMIT = 20480;
const MARKDOWN_LIMIT = 4096;
const WELCOME = "你好，我是教联体助手。发送 /帮助 查看命令，例如：/记录 示范课 11月20日 二小 语文";

export interface WecomAdapterOptions {
  bot?: Omit<BotConnectionOptions, "log">;
  app?: { api: AppApiOptions; keys: CallbackKeys; http: FastifyInstance };
  redis: RedisClient;
  prefix: string;
  log: Logger;
  /** The clock the proactive quota's reset is reckoned on (tests move it). */
  now?: () => Date;
}

type Handle = { via?: string; reqId?: string; kind?: string; taskId?: string; cardType?: string; userId?: string };

export class WecomAdapter implements PlatformAdapter {
  readonly platform = "wecom" as const;
  readonly connection: BotConnection | undefined;
  private readonly app: WecomAppApi | undefined;
  private readonly cards: CardStore;
  private readonly quota: QuotaGuard;
  private readonly log: Logger;
  private sink: InboundSink | undefined;

  constructor(private readonly opts: WecomAdapterOptions) {
    this.log = opts.log.child({ platform: "wecom" });
    this.connection = opts.bot && new BotConnection({ ...opts.bot, log: opts.log });
    this.app = opts.app && new WecomAppApi(opts.app.api, opts.log.child({ platform: "wecom", mode: "app" }));
    this.cards = new CardStore(opts.redis, opts.prefix);
    this.quota = new QuotaGuard(new ProactiveQuota(opts.redis, opts.prefix, opts.now ?? (() => new Date())), this.app, this.log);
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    if (this.opts.app) registerWecomCallback(this.opts.app.http, this.opts.app.keys, sink, this.log, () => (this.opts.now?.() ?? new Date()).getTime());
    this.connection?.start({
      message: (f) => this.accept(messageFromFrame(f, new Date()), f),
      cardEvent: (f) => void this.onCardClick(f),
      enterChat: (f) => {
        const reqId = typeof f.headers?.req_id === "string" ? f.headers.req_id : undefined;
        if (reqId) this.connection?.welcome(reqId, WELCOME).catch((e: Error) => this.log.warn({ err: e.message }, "welcome not sent"));
      },
    });
  }

  plan(plain: OutboundMessage): Delivery[] {
    // Rendered as markdown by the platform: user text in it must not become links or headings.
    const message = withMarkdownSafeText(plain);
    const handle = (message.replyHandle ?? {}) as Handle;
    const texts = message.replies.map((r) => r.text);
    if (texts.length === 0) return [];
    if (handle.via === "bot" && handle.reqId && handle.kind === "card") return [this.cardUpdate(message, handle, handle.reqId)];
    if (handle.via === "bot" && handle.reqId) return [...this.streamReply(message, handle.reqId), ...this.files(message, handle.reqId)];
    if (handle.via === "app" || !this.connection) return [...this.appSends(message), ...this.files(message)];
    return [...this.proactive(message, texts.join("\n\n"), cardOf(message.replies, taskIdFor(`${message.chatId}:${message.replyTo ?? texts[0]}`))), ...this.images(message), ...this.files(message)];
  }

  /** Export files after the text (which already names their link); each send is best effort and never throws. */
  private files(message: OutboundMessage, reqId?: string): Delivery[] {
    const viaApp = (message.replyHandle as Handle | undefined)?.via === "app" || !this.connection;
    const direct = message.chatType === "direct";
    const conn = this.connection;
    return fileDeliveries(message, {
      log: this.log,
      ...(conn && !viaApp ? { bot: { conn, ...(reqId ? { reqId } : {}), proactive: (send, app) => this.quota.send(message.chatId, direct, send, app) } } : {}),
      ...(this.app ? { app: { api: this.app, direct: message.replyTo !== undefined || direct } } : {}),
    });
  }

  /** Pictures (the progress chart) after the text, uploaded and sent as image messages; the text already names their URL. */
  private images(message: OutboundMessage): Delivery[] {
    const conn = this.connection!;
    return message.replies
      .flatMap((r) => (r.image ? [r.image] : []))
      .map((img) => ({
        send: async () => {
          if (await this.quota.exhaustedUntil(message.chatId)) return; // the text, sent or refused already, names the chart's link
          const mediaId = await conn.upload(await fetchPicture(img.url), "image", "progress.png");
          await this.quota
            .send(message.chatId, message.chatType === "direct", () => conn.sendMedia(message.chatId, "image", mediaId))
            .catch((e: Error) => {
              if (!(e instanceof UndeliverableError)) throw e;
            });
        },
      }));
  }

  status(): ConnectionStatus[] {
    return this.connection ? [this.connection.status()] : [];
  }

  async stop(): Promise<void> {
    this.connection?.stop();
  }

  private accept(message: InboundMessage | undefined, frame: Frame): void {
    if (!message) {
      this.log.debug({ msgtype: (frame.body as { msgtype?: unknown } | undefined)?.msgtype }, "wecom frame ignored (not a text or voice message)");
      return;
    }
    this.sink?.(message).catch((e: Error) => this.log.error({ err: e.message, messageId: message.messageId }, "wecom message could not be queued"));
  }

  private async onCardClick(frame: Frame): Promise<void> {
    const click = cardClickFromFrame(frame);
    if (!click) return this.log.debug("wecom card event ignored (malformed)");
    const option = click.optionIds[0];
    const command = click.eventKey?.startsWith("/") ? click.eventKey : click.taskId && option ? await this.cards.choice(click.taskId, option) : undefined;
    if (!command) return; // "done" buttons, or a card of ours that expired
    const handle: Handle = {
      via: "bot",
      reqId: click.reqId,
      kind: "card",
      userId: click.userId,
      ...(click.taskId ? { taskId: click.taskId } : {}),
      ...(click.cardType ? { cardType: click.cardType } : {}),
    };
    this.accept(
      {
        platform: "wecom",
        chatId: click.chatId,
        chatType: click.chatType,
        senderId: click.userId,
        senderName: "",
        text: command,
        messageId: click.msgid,
        mentioned: true,
        receivedAt: new Date().toISOString(),
        replyHandle: handle,
      },
      frame,
    );
  }

  /** Within 5 s of the click the card shows the result (for the one who clicked); later, the result goes as a message. */
  private cardUpdate(message: OutboundMessage, handle: Handle, reqId: string): Delivery {
    const text = message.replies.map((r) => r.text).join("\n\n");
    const conn = this.connection!;
    return {
      send: async () => {
        try {
          await conn.updateCard(reqId, doneCard(handle.taskId ?? taskIdFor(reqId), handle.cardType, text), handle.userId ? [handle.userId] : undefined);
        } catch (e) {
          if (!(e instanceof WecomAckError)) throw e;
          for (const d of this.proactive(message, splitForLimit(text, MARKDOWN_LIMIT)[0]!, undefined)) await d.send();
        }
      },
    };
  }

  private streamReply(message: OutboundMessage, reqId: string): Delivery[] {
    const conn = this.connection!;
    const seed = `${message.chatId}:${message.replyTo ?? reqId}`;
    const card = cardOf(message.replies, taskIdFor(seed));
    const [first = "", ...more] = splitForLimit(message.replies.map((r) => r.text).join("\n\n"), STREAM_LIMIT);
    const firstCard = more.length === 0 ? card : undefined;
    const head: Delivery = {
      send: async () => {
        if (firstCard?.choices) await this.cards.saveChoices(firstCard.card.task_id, firstCard.choices);
        try {
          await conn.replyStream(reqId, taskIdFor(`stream:${seed}`), first, firstCard?.card);
        } catch (e) {
          // The callback's req_id is no longer answerable (e.g. it came on a connection that has
          // since been replaced): say the same thing as a proactive message instead.
          if (!(e instanceof WecomAckError)) throw e;
          this.log.info({ errcode: e.errcode }, "passive reply refused; sending proactively");
          for (const d of this.proactive(message, first, firstCard)) await d.send();
        }
      },
    };
    return [head, ...more.flatMap((text, i) => this.proactive(message, text, i === more.length - 1 ? card : undefined))];
  }

  /** Proactive sends on the bot connection; over the quota, a 1:1 message goes through the app (text only: its buttons are typed commands too). */
  private proactive(message: OutboundMessage, text: string, card: CardPlan | undefined): Delivery[] {
    const conn = this.connection!;
    const { chatId } = message;
    const direct = message.chatType === "direct";
    const parts = splitForLimit(text, MARKDOWN_LIMIT).map<Delivery>((content) => ({
      send: () =>
        this.quota.send(
          chatId,
          direct,
          () => conn.send(chatId, { msgtype: "markdown", markdown: { content } }),
          async (app) => {
            for (const part of splitForLimit(content, APP_MARKDOWN_LIMIT)) await app.sendToUser(chatId, part);
          },
        ),
    }));
    if (!card) return parts;
    return [
      ...parts,
      {
        send: async () => {
          if (card.choices) await this.cards.saveChoices(card.card.task_id, card.choices);
          await this.quota.send(
            chatId,
            direct,
            () => conn.send(chatId, { msgtype: "template_card", template_card: card.card }),
            async () => {},
          );
        },
      },
    ];
  }

  private appSends(message: OutboundMessage): Delivery[] {
    const app = this.app;
    if (!app) throw new Error("wecom: neither the bot connection nor the app is configured");
    const direct = message.replyTo !== undefined || message.chatType === "direct";
    const parts = splitForLimit(message.replies.map((r) => r.text).join("\n\n"), APP_MARKDOWN_LIMIT);
    // WeCom drops app messages over 30/min per member silently: keep under the robot limit instead.
    return parts.map((content) => ({
      bucket: `wecom-app:${message.chatId}`,
      send: () => (direct ? app.sendToUser(message.chatId, content) : app.sendToChat(message.chatId, content)),
    }));
  }
}

type CardPlan = { card: TemplateCard; choices?: Reply["choices"] };

/** The card for a reply set: the last reply's choices (a vote) or buttons, if any. */
function cardOf(replies: readonly Reply[], taskId: string): CardPlan | undefined {
  const last = [...replies].reverse().find((r) => r.choices?.length || r.actions?.length);
  const linked = [...replies].reverse().find((r) => r.link);
  if (!last) return linked?.link ? { card: linkCard(linked, linked.link, taskId) } : undefined;
  if (last.choices?.length) return { card: voteCard(last, last.choices, taskId), choices: last.choices };
  return { card: buttonCard(last, last.actions ?? [], taskId) };
}

/**
 * Temporary media: images up to 10 MB, JPG/PNG, more than 5 bytes (上传临时素材,
 * developer.work.weixin.qq.com/document/path/96484); our charts are ~50 KB.
 */
const MAX_PICTURE_BYTES = 10 * 1024 * 1024;

/** The picture's bytes from the bot's own signed route (the platform never sees the URL itself). */
async function fetchPicture(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("image/")) throw new Error(`picture ${res.status} at ${new URL(url).pathname.slice(0, 3)}…`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_PICTURE_BYTES) throw new Error(`picture too large: ${bytes.length} bytes`);
  return bytes;
}
