/**
 * DingTalk out: the plan of one outbound message. Replies go through the message's session
 * webhook while it lives, else through the robot OpenAPI. Buttons: StandardCard interactive
 * cards in groups (the only buttons a group robot ever hears about), ActionCard dtmd links in
 * 1:1 chats, and plain "@我 发送 …" hints where no card can be shown. Pictures and exports
 * follow the text (./files.ts); the text already names their links.
 */
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage } from "../../messages/messages.ts";
import type { Delivery } from "../delivery.ts";
import { withMarkdownSafeText } from "../markdown.ts";
import { CardRefused, type DingtalkApi, type DingtalkMessage, SessionExpired } from "./api.ts";
import { cardBizIdFor, type CardRegistry, standardCard } from "./cards.ts";
import { fileDeliveries } from "./files.ts";
import type { DingtalkReplyHandle } from "./inbound.ts";
import { directMessage, groupTextWithHints, toParts, type Part } from "./replies.ts";
import { sessionWebhookAllowed } from "./session-webhook.ts";

/** A session webhook this close to its expiry is not used (the request could arrive after it). */
const EXPIRY_MARGIN_MS = 5000;

type Handle = Partial<DingtalkReplyHandle> | undefined;

export interface SenderOptions {
  api: DingtalkApi;
  cards: CardRegistry;
  log: Logger;
  now: () => number;
  /** The DingTalk API bases configured (a session webhook is used only on a DingTalk host or one of these). */
  apiBases: readonly string[];
  /** Sent with each card when set (the route of card callbacks registered with DingTalk). */
  cardRouteKey?: string;
  maxFileBytes?: number;
  /** Whether a card's presses reach us (Stream mode, or an HTTP callback URL DingTalk accepted). */
  cardsWork(): boolean;
}

export class DingtalkSender {
  constructor(private readonly opts: SenderOptions) {}

  plan(plain: OutboundMessage): Delivery[] {
    // Rendered as markdown by the platform: user text in it must not become links or headings.
    const message = withMarkdownSafeText(plain);
    if (message.replies.length === 0) return [];
    const handle = message.replyHandle as Handle;
    const direct = handle?.conversationType ? handle.conversationType === "direct" : message.chatType === "direct";
    const parts = toParts(message.replies);
    // Pictures (the progress chart) follow the text as image messages; the text already names their URL.
    const images = message.replies
      .flatMap((r) => (r.image ? [r.image] : []))
      .map<Delivery>((img) => ({
        send: () => this.sendOne(message, handle, { kind: "image", title: img.alt, url: img.url }),
      }));
    // Exports follow as file messages; the text already names each link, so a file that cannot go loses nothing.
    const files = fileDeliveries(message, {
      api: this.opts.api,
      log: this.opts.log,
      ...(this.opts.maxFileBytes !== undefined ? { maxFileBytes: this.opts.maxFileBytes } : {}),
      viaOpenApi: (m) => this.viaOpenApi(message, handle, m),
    });
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

  private async sendCard(message: OutboundMessage, handle: Handle, p: Part, cardBizId: string): Promise<void> {
    if (!this.opts.cardsWork()) return this.sendOne(message, handle, groupTextWithHints(p));
    const conversationId = handle?.openConversationId ?? message.chatId;
    await this.opts.cards.remember(cardBizId, { conversationId, group: true }, p.buttons);
    try {
      await this.opts.api.sendCard(cardBizId, standardCard(p.title, p.text, p.buttons), { openConversationId: conversationId }, this.opts.cardRouteKey);
    } catch (e) {
      if (!(e instanceof CardRefused)) throw e;
      this.opts.log.warn({ err: e.message, chatId: message.chatId }, "dingtalk card refused; answering with text that says to @ the robot");
      await this.sendOne(message, handle, groupTextWithHints(p));
    }
  }

  private async updateCard(message: OutboundMessage, handle: Partial<DingtalkReplyHandle>, cardBizId: string, p: Part): Promise<void> {
    if (p.buttons.length) await this.opts.cards.remember(cardBizId, { conversationId: handle.openConversationId ?? message.chatId, group: true }, p.buttons);
    try {
      await this.opts.api.updateCard(cardBizId, standardCard(p.title, p.text, p.buttons));
    } catch (e) {
      if (!(e instanceof CardRefused)) throw e;
      this.opts.log.warn({ err: e.message, chatId: message.chatId }, "dingtalk card update refused; answering with text");
      await this.sendOne(message, handle, groupTextWithHints(p));
    }
  }

  private async sendOne(message: OutboundMessage, handle: Handle, m: DingtalkMessage): Promise<void> {
    // Decided at send time, not when planned: a retried job may find the session expired.
    const session = handle?.sessionWebhook;
    if (session && !sessionWebhookAllowed(session, this.opts.apiBases)) {
      this.opts.log.warn({ chatId: message.chatId }, "dingtalk session webhook not on a DingTalk host; using the OpenAPI");
    } else if (session && (handle.sessionExpiresAt ?? 0) - EXPIRY_MARGIN_MS > this.opts.now()) {
      try {
        return await this.opts.api.viaSession(session, m);
      } catch (e) {
        if (!(e instanceof SessionExpired)) throw e;
        this.opts.log.info("session webhook refused; using the OpenAPI");
      }
    }
    return this.viaOpenApi(message, handle, m);
  }

  private async viaOpenApi(message: OutboundMessage, handle: Handle, m: DingtalkMessage): Promise<void> {
    const direct = handle?.conversationType ? handle.conversationType === "direct" : message.chatType === "direct";
    if (direct) {
      const userId = handle?.staffId ?? (handle ? undefined : message.chatId);
      if (!userId) throw new Error("dingtalk: no user id to answer a 1:1 message");
      return this.opts.api.toUser(userId, m);
    }
    return this.opts.api.toGroup(handle?.openConversationId ?? message.chatId, m);
  }
}
