/**
 * Robot interactive cards with DingTalk's built-in StandardCard template: the only buttons that
 * work in a group (a dtmd sendMessage link posts text without an @, which the robot never
 * receives there). Each button is an `actionType: "request"` button; DingTalk reports a press on
 * the card callback topic with the card's id (outTrackId = our cardBizId) and the button's id
 * (content.cardPrivateData.actionIds). The command behind each button, and the chat the card is
 * in, are kept in Redis under the card id: the callback carries neither.
 *
 * Card JSON: open-dingtalk/dingtalk-stream-sdk-python dingtalk_stream/interactive_card.py
 * (INTERACTIVE_CARD_JSON_SAMPLE_1: config, header.title, contents markdown + action/button).
 */
import { createHash } from "node:crypto";
import type { RedisClient } from "../../config/redis.ts";
import { z } from "zod";

/** Cards stay clickable for this long (DingTalk keeps cards; a stale click gets a fresh answer). */
const CARD_TTL_S = 30 * 24 * 3600;

export interface CardButton {
  label: string;
  command: string;
}

export interface CardChat {
  conversationId: string;
  group: boolean;
  staffId?: string;
}

const cardEntry = z.object({
  chat: z.object({ conversationId: z.string(), group: z.boolean(), staffId: z.string().optional() }),
  commands: z.record(z.string(), z.string()),
});

export const buttonId = (i: number) => `btn_${i}`;

/** The StandardCard data (sent as a JSON string in cardData). */
export function standardCard(title: string, markdown: string, buttons: readonly CardButton[]): Record<string, unknown> {
  const contents: Record<string, unknown>[] = [{ type: "markdown", text: markdown, id: "text_main" }];
  if (buttons.length) {
    contents.push({
      type: "action",
      id: "action_main",
      actions: buttons.map((b, i) => ({ type: "button", label: { type: "text", text: b.label, id: `label_${i}` }, actionType: "request", status: i === 0 ? "primary" : "normal", id: buttonId(i) })),
    });
  }
  return { config: { autoLayout: true, enableForward: false }, header: { title: { type: "text", text: title } }, contents };
}

/** Same message, same card id: a retried send or update addresses the same card (cardBizId is DingTalk's idempotency id). */
export function cardBizIdFor(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 40);
}

export class CardRegistry {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(cardBizId: string) {
    return `${this.prefix}:dingtalk:card:${cardBizId}`;
  }

  async remember(cardBizId: string, chat: CardChat, buttons: readonly CardButton[]): Promise<void> {
    const commands = Object.fromEntries(buttons.map((b, i) => [buttonId(i), b.command]));
    await this.redis.set(this.key(cardBizId), JSON.stringify({ chat, commands }), "EX", CARD_TTL_S);
  }

  async lookup(cardBizId: string, actionId: string): Promise<{ chat: CardChat; command: string } | undefined> {
    const raw = await this.redis.get(this.key(cardBizId));
    if (!raw) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const entry = cardEntry.safeParse(parsed);
    const command = entry.success ? entry.data.commands[actionId] : undefined;
    if (!entry.success || !command) return undefined;
    const { conversationId, group, staffId } = entry.data.chat;
    return { chat: { conversationId, group, ...(staffId ? { staffId } : {}) }, command };
  }
}
