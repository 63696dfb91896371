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
  /** A picture alone (1:1 only): image.url and its own image.aeskey (document/path/100719; SDK ImageMessage). */
  image: z
    .object({ url: z.string().url().max(2048), aeskey: z.string().max(256).optional() })
    .optional()
    .catch(undefined),
  /**
   * The message this one quotes (SDK BaseMessage.quote, QuoteContent: msgtype and its content,
   * no message id): the quoted text is kept, so a picture sent as a reply to a record finds it.
   */
  quote: z
    .object({ msgtype: z.string(), text: z.object({ content: z.string() }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  /**
   * Text and pictures in one message (the only non-text kind WeCom delivers in groups):
   * mixed.msg_item[] of { msgtype: "text", text.content } and { msgtype: "image", image.url,
   * image.aeskey } — developer.work.weixin.qq.com/document/path/100719 (智能机器人 接收消息,
   * 图文混排消息) and @wecom/aibot-node-sdk dist/index.d.ts (MixedMessage, MixedMsgItem, ImageContent).
   */
  mixed: z
    .object({
      msg_item: z
        .array(
          z.object({
            msgtype: z.string(),
            text: z.object({ content: z.string() }).optional().catch(undefined),
            image: z
              .object({ url: z.string().url().max(2048), aeskey: z.string().max(256).optional() })
              .optional()
              .catch(undefined),
          }),
        )
        .max(50),
    })
    .optional()
    .catch(undefined),
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

/**
 * The robot's own @name, which WeCom leaves where the person typed it ("@RobotA hello robot" in
 * the document's sample; also "/记录 … @RobotA" or in the middle). A group message reaches the
 * robot only when it is @-mentioned, so a lone @name is the robot's, wherever it stands; with
 * several, the robot's is the leading or the last one (another person's, as in /成员 @王芳 …,
 * stays for the command). 1:1 messages need no @ and keep theirs.
 */
export function withoutRobotMention(raw: string, group: boolean): string {
  const text = stripLeadingMentions(raw).text;
  if (!group || text !== raw.trim()) return text;
  const mentions = [...text.matchAll(/(?<=^|\s)@\S+/gu)];
  const robot = mentions.length === 1 ? mentions[0] : mentions.length > 1 && /@\S+\s*$/u.test(text) ? mentions[mentions.length - 1] : undefined;
  if (!robot || robot.index === undefined) return text;
  return `${text.slice(0, robot.index)} ${text.slice(robot.index + robot[0].length)}`.replace(/\s+/g, " ").trim();
}

/** The text of a mixed message (its text items in order) and its pictures. */
function mixedParts(b: z.infer<typeof messageBody>): { text: string; pictures: { url: string; aeskey?: string }[] } | undefined {
  const items = b.mixed?.msg_item;
  if (!items) return undefined;
  const text = items.flatMap((i) => (i.msgtype === "text" && i.text ? [i.text.content] : [])).join("\n");
  const pictures = items.flatMap((i) => (i.msgtype === "image" && i.image ? [{ url: i.image.url, ...(i.image.aeskey ? { aeskey: i.image.aeskey } : {}) }] : []));
  return { text, pictures };
}

/**
 * A text, voice (already transcribed) or mixed (text and pictures) message, or in a 1:1 chat
 * pictures alone (an image message, or a mixed one without text: text ""); other kinds (files,
 * video) give undefined.
 */
export function messageFromFrame(frame: Frame, receivedAt: Date): InboundMessage | undefined {
  const reqId = reqIdOf(frame);
  const parsed = messageBody.safeParse(frame.body);
  if (!reqId || !parsed.success) return undefined;
  const b = parsed.data;
  const direct = where(b).chatType === "direct";
  const image = b.msgtype === "image" && b.image ? { text: "", pictures: [{ url: b.image.url, ...(b.image.aeskey ? { aeskey: b.image.aeskey } : {}) }] } : undefined;
  const mixed = b.msgtype === "mixed" ? mixedParts(b) : image;
  const raw = b.msgtype === "text" ? b.text?.content : b.msgtype === "voice" ? b.voice?.content : mixed?.text;
  if (raw === undefined) return undefined;
  // Pictures without a command reach a record only in a 1:1 chat (WeCom delivers them only there).
  if (mixed && raw.trim() === "" && (!direct || mixed.pictures.length === 0)) return undefined;
  const handle: WecomReplyHandle = { via: "bot", reqId, kind: "message" };
  const quoted = b.quote?.text?.content;
  return {
    platform: "wecom",
    ...where(b),
    senderId: b.from.userid,
    senderName: "",
    // In groups WeCom only delivers messages that @-mention the bot; the mention itself is not part of the command.
    text: withoutRobotMention(raw, where(b).chatType === "group"),
    messageId: b.msgid,
    mentioned: true,
    ...(mixed?.pictures.length ? { pictures: mixed.pictures.map((p) => ({ ...p })) } : {}),
    ...(b.msgtype === "voice" ? { spoken: true } : {}),
    ...(quoted ? { quotedText: quoted.slice(0, 2000) } : {}),
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
