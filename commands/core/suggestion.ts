/**
 * The bot's latest nearest-word suggestion ("「扬庄」是「杨庄」吗？") to one person in one chat,
 * kept so that a typed 「是」 accepts it as a click on its button would. It lives in the same row
 * as a pending question (one per platform + chat + person, with an expiry), under a field name no
 * command has, so one person's 「是」 can never accept a suggestion made to someone else.
 */
import type { Db, Tx } from "../../db/client.ts";
import type { InboundMessage } from "../../messages/messages.ts";

/** The PendingQuestion.field that marks a row as a suggestion, not a question about a field. */
export const SUGGESTION_FIELD = "__suggestion__";
const SUGGESTION_TTL_MS = 10 * 60 * 1000;

/**
 * What accepting means: `resends` are the ready-made messages, one per option (a whole command,
 * or the bare answer to a question); `question` is the question that was being answered, if any.
 */
export interface StoredSuggestion {
  options: string[];
  resends: string[];
  question?: { command: string; field: string; partial: Record<string, unknown> };
}

const YES = /^(是|是的|是啊|对|对的|对啊|好|好的|嗯|没错)[。！!.~～]*$/u;
const NO = /^(否|不是|不对|不|没有|算了)[。！!.~～]*$/u;

export const isYes = (text: string) => YES.test(text.trim());
export const isNo = (text: string) => NO.test(text.trim());

export function readSuggestion(partial: Record<string, unknown>): StoredSuggestion | null {
  const s = partial as Partial<StoredSuggestion>;
  return Array.isArray(s.resends) && Array.isArray(s.options) ? (s as StoredSuggestion) : null;
}

export async function storeSuggestion(db: Db | Tx, message: InboundMessage, communityId: number, command: string, suggestion: StoredSuggestion, now: Date): Promise<void> {
  const data = { communityId, command, field: SUGGESTION_FIELD, partial: JSON.parse(JSON.stringify(suggestion)), expiresAt: new Date(now.getTime() + SUGGESTION_TTL_MS) };
  await db.pendingQuestion.upsert({
    where: { platform_chatId_userId: { platform: message.platform, chatId: message.chatId, userId: message.senderId } },
    create: { ...data, platform: message.platform, chatId: message.chatId, userId: message.senderId },
    update: data,
  });
}
