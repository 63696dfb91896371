/**
 * WeCom 智能机器人 callback frames → the neutral InboundMessage. Frames come from the network:
 * everything is checked, and a frame that is not a usable message gives undefined (logged by the
 * caller), never an exception.
 */
import { z } from "zod";
import { stripLeadingMentions } from "../../core/normalize.ts";
import type { InboundMessage } from "../../messages/messages.ts";

const from = z.object({ userid: z.string().min(1).max(256) });

const messageBody = z.object({
  msgid: z.string().min(1).max(256),
  chattype: z.enum(["single", "group"]).catch("single"),
  chatid: z.string().min(1).max(256).optional().catch(undefined),
  from,
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional().catch(undefined),
  voice: z.object({ content: z.string() }).optional().catch(undefined),
});

const selectedItem = z.object({
  question_key: z.string().optional(),
  option_ids: z
    .object({ option_id: z.array(z.string()) })
    .partial()
    .optional(),
});
const cardEvent = z.object({
  card_type: z.string().optional(),
  event_key: z.string().optional(),
  task_id: z.string().max(128).optional(),
  selected_items: z
    .object({ selected_item: z.array(selectedItem) })
    .partial()
    .optional(),
});
const eventBody = z.object({
  msgid: z.string().min(1).max(256),
  chattype: z.enum(["single", "group"]).catch("single"),
  chatid: z.string().min(1).max(256).optional().catch(undefined),
  from,
  event: z.object({ eventtype: z.string(), template_card_event: cardEvent.optional() }).and(cardEvent),
});

export interface Frame {
  headers?: { req_id?: unknown };
  body?: unknown;
}

export interface WecomReplyHandle {
  via: "bot";
  reqId: string;
  /** "message": answer with a (stream) reply; "card": update the clicked card. */
  kind: "message" | "card";
  taskId?: string;
  cardType?: string;
  /** A click: the one who clicked, the only one the updated card is shown to. */
  userId?: string;
}

const reqIdOf = (frame: Frame) => (typeof frame.headers?.req_id === "string" && frame.headers.req_id !== "" ? frame.headers.req_id : undefined);

function where(body: { chattype: "single" | "group"; chatid?: string | undefined; from: { userid: string } }) {
  const group = body.chattype === "group" && body.chatid !== undefined;
  return { chatId: group ? body.chatid! : body.from.userid, chatType: group ? ("group" as const) : ("direct" as const) };
}

/** A text or voice (already transcribed) message; other kinds (images, files) give undefined. */
export function messageFromFrame(frame: Frame, receivedAt: Date): InboundMessage | undefined {
  const reqId = reqIdOf(frame);
  const parsed = messageBody.safeParse(frame.body);
  if (!reqId || !parsed.success) return undefined;
  const b = parsed.data;
  const raw = b.msgtype === "text" ? b.text?.content : b.msgtype === "voice" ? b.voice?.content : undefined;
  if (raw === undefined) return undefined;
  const handle: WecomReplyHandle = { via: "bot", reqId, kind: "message" };
  return {
    platform: "wecom",
    ...where(b),
    senderId: b.from.userid,
    senderName: "",
    // In groups WeCom only delivers messages that @-mention the bot; the mention itself is not part of the command.
    text: stripLeadingMentions(raw).text,
    messageId: b.msgid,
    mentioned: true,
    receivedAt: receivedAt.toISOString(),
    replyHandle: { ...handle },
  };
}

/**
 * A click on one of our cards: a button's key is the command it stands for; a vote's option is
 * looked up by the caller (option ids are short). Returns the command or the chosen option ids.
 */
export function cardClickFromFrame(
  frame: Frame,
): { reqId: string; msgid: string; chatId: string; chatType: "group" | "direct"; userId: string; taskId?: string; cardType?: string; eventKey?: string; optionIds: string[] } | undefined {
  const reqId = reqIdOf(frame);
  const parsed = eventBody.safeParse(frame.body);
  if (!reqId || !parsed.success || parsed.data.event.eventtype !== "template_card_event") return undefined;
  const b = parsed.data;
  // WeCom nests the details under template_card_event; older payloads put them on the event itself.
  const e = { ...b.event, ...(b.event.template_card_event ?? {}) };
  const optionIds = (e.selected_items?.selected_item ?? []).flatMap((i) => i.option_ids?.option_id ?? []);
  return {
    reqId,
    msgid: b.msgid,
    ...where(b),
    userId: b.from.userid,
    ...(e.task_id ? { taskId: e.task_id } : {}),
    ...(e.card_type ? { cardType: e.card_type } : {}),
    ...(e.event_key ? { eventKey: e.event_key } : {}),
    optionIds,
  };
}
