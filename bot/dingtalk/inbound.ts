/**
 * DingTalk robot messages (Stream topic /v1.0/im/bot/messages/get, or the HTTP callback body) →
 * the neutral InboundMessage. Network input: checked, and anything unusable gives undefined.
 */
import { z } from "zod";
import { stripLeadingMentions } from "../../core/normalize.ts";
import type { InboundMessage } from "../../messages/messages.ts";

const robotMessage = z.object({
  msgId: z.string().min(1).max(256),
  conversationId: z.string().min(1).max(256),
  /** "1": 1:1 chat, "2": group. */
  conversationType: z.string().optional(),
  senderStaffId: z.string().max(256).optional(),
  senderId: z.string().max(512).optional(),
  senderNick: z.string().max(128).optional().catch(undefined),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional().catch(undefined),
  /**
   * Voice arrives as msgtype "audio" with DingTalk's own recognition text; a command typed with a
   * picture as msgtype "richText": content.richText[] of { text } and { type: "picture",
   * downloadCode, pictureDownloadCode } (open.dingtalk.com/document/orgapp/receive-message,
   * 富文本; the same shape open-source DingTalk adapters read: text items joined, picture items by
   * downloadCode).
   */
  content: z
    .object({
      recognition: z.string(),
      /** A picture alone (msgtype "picture", 1:1 or @ in a group): content.downloadCode / pictureDownloadCode (same doc, 图片). */
      downloadCode: z.string().max(2048),
      pictureDownloadCode: z.string().max(2048),
      richText: z
        .array(
          z
            .object({ text: z.string(), type: z.string(), downloadCode: z.string().max(2048), pictureDownloadCode: z.string().max(2048) })
            .partial()
            .catch({}),
        )
        .max(50),
    })
    .partial()
    .optional()
    .catch(undefined),
  sessionWebhook: z.string().url().optional().catch(undefined),
  sessionWebhookExpiredTime: z.number().optional().catch(undefined),
  isInAtList: z.boolean().optional().catch(undefined),
  /** The robot's own dingtalkId: it is in atUsers too (dingtalk_stream/chatbot.py, ChatbotMessage). */
  chatbotUserId: z.string().optional().catch(undefined),
  /** Everyone the message @-mentions: dingtalkId, and staffId for members of the organisation (chatbot.py, AtUser). */
  atUsers: z
    .array(z.object({ dingtalkId: z.string().optional(), staffId: z.string().max(256).optional() }).catch({}))
    .max(100)
    .optional()
    .catch(undefined),
});

export interface DingtalkReplyHandle {
  via: "dingtalk";
  sessionWebhook?: string;
  /** Epoch ms after which the session webhook no longer works (read from the message, never assumed). */
  sessionExpiresAt?: number;
  conversationType: "group" | "direct";
  openConversationId: string;
  staffId?: string;
  /** Set on a card press: the answer replaces that card. */
  cardBizId?: string;
}

export function messageFromRobot(data: unknown, receivedAt: Date): InboundMessage | undefined {
  const r = robotMessage.safeParse(data);
  if (!r.success) return undefined;
  const m = r.data;
  const rich = m.msgtype === "richText" ? (m.content?.richText ?? []) : [];
  const richText = rich.flatMap((i) => (i.text !== undefined ? [i.text] : [])).join("\n");
  const pictures = rich.flatMap((i) => (i.type === "picture" && (i.downloadCode || i.pictureDownloadCode) ? [{ downloadCode: (i.downloadCode || i.pictureDownloadCode)! }] : []));
  const group = m.conversationType === "2";
  const code = m.msgtype === "picture" ? m.content?.downloadCode || m.content?.pictureDownloadCode : undefined;
  if (code) pictures.push({ downloadCode: code });
  // Pictures without a command reach a record only in a 1:1 chat (in a group nothing says which).
  const picturesAlone = !group && pictures.length > 0 && (m.msgtype === "picture" || m.msgtype === "richText") ? "" : undefined;
  const raw = m.msgtype === "text" ? m.text?.content : m.msgtype === "audio" ? m.content?.recognition : m.msgtype === "richText" && richText.trim() !== "" ? richText : picturesAlone;
  const sender = m.senderStaffId || m.senderId;
  if (raw === undefined || !sender) return undefined;
  const handle: DingtalkReplyHandle = {
    via: "dingtalk",
    conversationType: group ? "group" : "direct",
    openConversationId: m.conversationId,
    ...(m.sessionWebhook ? { sessionWebhook: m.sessionWebhook } : {}),
    ...(m.sessionWebhookExpiredTime ? { sessionExpiresAt: m.sessionWebhookExpiredTime } : {}),
    ...(m.senderStaffId ? { staffId: m.senderStaffId } : {}),
  };
  // Only organisation members (a staffId) can hold a role; the robot's own entry is not a person.
  const mentions = (m.atUsers ?? []).filter((u) => u.staffId && u.dingtalkId !== m.chatbotUserId).map((u) => ({ userId: u.staffId! }));
  return {
    platform: "dingtalk",
    chatId: m.conversationId,
    chatType: group ? "group" : "direct",
    senderId: sender.slice(0, 256),
    senderName: m.senderNick ?? "",
    text: stripLeadingMentions(raw).text,
    messageId: m.msgId,
    // DingTalk only delivers group messages that @-mention the robot.
    mentioned: true,
    ...(mentions.length ? { mentions } : {}),
    ...(pictures.length ? { pictures } : {}),
    ...(m.msgtype === "audio" ? { spoken: true } : {}),
    receivedAt: receivedAt.toISOString(),
    replyHandle: { ...handle },
  };
}

/**
 * A StandardCard button press on topic /v1.0/card/instances/callback. Fields as the official
 * Python SDK reads them (dingtalk_stream/card_callback.py): outTrackId (our cardBizId), userId,
 * content (a JSON string whose cardPrivateData.actionIds names the pressed button).
 */
const cardCallback = z.object({
  outTrackId: z.string().min(1).max(256),
  userId: z.string().min(1).max(256),
  content: z.string().max(10_000),
});
const cardContent = z.object({ cardPrivateData: z.object({ actionIds: z.array(z.string().max(64)).min(1) }) });

export function cardPress(data: unknown): { userId: string; cardBizId: string; actionId: string } | undefined {
  const r = cardCallback.safeParse(data);
  if (!r.success) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(r.data.content);
  } catch {
    return undefined;
  }
  const c = cardContent.safeParse(content);
  if (!c.success) return undefined;
  return { userId: r.data.userId, cardBizId: r.data.outTrackId, actionId: c.data.cardPrivateData.actionIds[0]! };
}
