/**
 * WeCom out: the plan of one outbound message. Passive replies (one stream reply per message,
 * with a card when the reply has buttons or choices), card updates after a click, proactive
 * sends (minding the bot's daily per-conversation quota, ./quota.ts) and the self-built app.
 * Pictures and exports follow the text (./files.ts); the text already names their links.
 */
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage, Reply } from "../../messages/messages.ts";
import type { Delivery } from "../delivery.ts";
import { withMarkdownSafeText } from "../markdown.ts";
import { splitForLimit } from "../split.ts";
import { APP_MARKDOWN_LIMIT, type WecomAppApi } from "./app-api.ts";
import { type BotConnection, WecomAckError } from "./bot-connection.ts";
import { buttonCard, type CardStore, doneCard, linkCard, taskIdFor, voteCard, type TemplateCard } from "./cards.ts";
import { fileDeliveries, pictureDeliveries } from "./files.ts";
import type { WecomReplyHandle } from "./inbound.ts";
import type { QuotaGuard } from "./quota.ts";

/** A stream reply carries up to 20480 bytes; proactive markdown up to 4096. */
const STREAM_LIMIT = 20480;
const MARKDOWN_LIMIT = 4096;

/** The reply handle as it comes back from the queue: the bot's (./inbound.ts), the app's ({ via: "app" }), or none. */
type WecomHandle = Partial<Omit<WecomReplyHandle, "via">> & { via?: string };

export interface SenderParts {
  connection: BotConnection | undefined;
  app: WecomAppApi | undefined;
  cards: CardStore;
  quota: QuotaGuard;
  log: Logger;
}

export class WecomSender {
  private readonly connection: BotConnection | undefined;
  private readonly app: WecomAppApi | undefined;
  private readonly cards: CardStore;
  private readonly quota: QuotaGuard;
  private readonly log: Logger;

  constructor(parts: SenderParts) {
    ({ connection: this.connection, app: this.app, cards: this.cards, quota: this.quota, log: this.log } = parts);
  }

  plan(plain: OutboundMessage): Delivery[] {
    // Rendered as markdown by the platform: user text in it must not become links or headings.
    const message = withMarkdownSafeText(plain);
    const handle = (message.replyHandle ?? {}) as WecomHandle;
    const texts = message.replies.map((r) => r.text);
    if (texts.length === 0) return [];
    if (handle.via === "bot" && handle.reqId && handle.kind === "card") return [this.cardUpdate(message, handle, handle.reqId)];
    if (handle.via === "bot" && handle.reqId) return [...this.streamReply(message, handle.reqId), ...this.files(message, handle.reqId)];
    if (handle.via === "app" || !this.connection) return [...this.appSends(message), ...this.files(message)];
    return [
      ...this.proactive(message, texts.join("\n\n"), cardOf(message.replies, taskIdFor(`${message.chatId}:${message.replyTo ?? texts[0]}`))),
      ...pictureDeliveries(message, this.connection, this.quota),
      ...this.files(message),
    ];
  }

  /** Export files after the text (which already names their link); each send is best effort and never throws. */
  private files(message: OutboundMessage, reqId?: string): Delivery[] {
    const viaApp = (message.replyHandle as WecomHandle | undefined)?.via === "app" || !this.connection;
    const direct = message.chatType === "direct";
    const conn = this.connection;
    return fileDeliveries(message, {
      log: this.log,
      ...(conn && !viaApp ? { bot: { conn, ...(reqId ? { reqId } : {}), proactive: (send, app) => this.quota.send(message.chatId, direct, send, app) } } : {}),
      ...(this.app ? { app: { api: this.app, direct: message.replyTo !== undefined || direct } } : {}),
    });
  }

  /** Within 5 s of the click the card shows the result (for the one who clicked); later, the result goes as a message. */
  private cardUpdate(message: OutboundMessage, handle: WecomHandle, reqId: string): Delivery {
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
