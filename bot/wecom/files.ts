/**
 * Exports (Reply.file) as WeCom file messages. The reply's text always names the signed link, so
 * the file is an addition: when it is too large, the upload is refused or the send fails, the
 * text has gone out already; the failure is logged once and the send resolves (a retry would
 * only repeat the refusal).
 *
 * 智能机器人: upload over the long connection, then a passive reply on the message's req_id
 * (aibot_respond_msg, SDK `replyMedia`) or, for pushes or when the req_id is no longer answerable,
 * a proactive file message (aibot_send_msg, quota-aware). Self-built app: media/upload then a file
 * message to the user (message/send) or to the app's group chat (appchat/send).
 *
 * Pictures (Reply.image, the progress chart) go the same way as image messages on the bot
 * connection, after a proactive text.
 */
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage } from "../../messages/messages.ts";
import { ThrottledError, UndeliverableError, type Delivery } from "../delivery.ts";
import { fetchOwnFile, FileTooLarge } from "../fetch-file.ts";
import { platformFiles } from "../metrics.ts";
import type { WecomAppApi } from "./app-api.ts";
import { WecomAckError, type BotConnection } from "./bot-connection.ts";
import type { QuotaGuard } from "./quota.ts";

/**
 * 普通文件 up to 20 MB, and more than 5 bytes (上传临时素材,
 * developer.work.weixin.qq.com/document/path/90253 and 96484); the long-connection upload takes at
 * most 100 chunks of 512 KB (document/path/101463), so 20 MB is the binding limit for both.
 */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface FileRoutes {
  log: Logger;
  bot?: {
    conn: BotConnection;
    /** The message being answered: the file goes as a passive reply on it. */
    reqId?: string;
    /** A proactive send through the adapter's quota guard, with the app as the way round it for a user. */
    proactive(send: () => Promise<void>, viaApp: (app: WecomAppApi) => Promise<void>): Promise<void>;
  };
  app?: { api: WecomAppApi; direct: boolean };
}

export function fileDeliveries(message: OutboundMessage, routes: FileRoutes): Delivery[] {
  const { chatId } = message;
  return message.replies
    .flatMap((r) => (r.file ? [r.file] : []))
    .map((file) => ({
      send: async () => {
        const deliver = async () => {
          const f = await fetchOwnFile(file.url, { maxBytes: MAX_FILE_BYTES, fallbackName: file.label });
          const { bot, app } = routes;
          if (bot) {
            const mediaId = await bot.conn.upload(f.bytes, "file", f.name);
            if (bot.reqId) {
              try {
                return await bot.conn.replyMedia(bot.reqId, "file", mediaId);
              } catch (e) {
                if (!(e instanceof WecomAckError)) throw e;
                routes.log.info({ errcode: e.errcode }, "file reply on the req_id refused; sending it proactively");
              }
            }
            return await bot.proactive(
              () => bot.conn.sendMedia(chatId, "file", mediaId),
              async (api) => api.sendFileToUser(chatId, await api.uploadFile(f.bytes, f.name)),
            );
          }
          if (app) {
            const mediaId = await app.api.uploadFile(f.bytes, f.name);
            await (app.direct ? app.api.sendFileToUser(chatId, mediaId) : app.api.sendFileToChat(chatId, mediaId));
          }
        };
        try {
          await deliver();
          platformFiles.inc({ platform: "wecom", outcome: "sent" });
        } catch (e) {
          // Throttling passes: the job waits and this send runs again (as on DingTalk); anything else is given up once.
          if (e instanceof ThrottledError) throw e;
          platformFiles.inc({ platform: "wecom", outcome: e instanceof FileTooLarge ? "too_large" : "error" });
          routes.log.warn({ err: (e as Error).message, file: file.label, chatId }, "export not sent as a WeCom file message (the reply's link stands); not retried");
        }
      },
    }));
}

/**
 * Temporary media: images up to 10 MB, JPG/PNG, more than 5 bytes (上传临时素材,
 * developer.work.weixin.qq.com/document/path/96484); our charts are ~50 KB.
 */
const MAX_PICTURE_BYTES = 10 * 1024 * 1024;

/** Pictures after a proactive text, uploaded and sent as image messages; the text already names their URL. */
export function pictureDeliveries(message: OutboundMessage, conn: BotConnection, quota: QuotaGuard): Delivery[] {
  return message.replies
    .flatMap((r) => (r.image ? [r.image] : []))
    .map((img) => ({
      send: async () => {
        if (await quota.exhaustedUntil(message.chatId)) return; // the text, sent or refused already, names the chart's link
        const picture = await fetchOwnFile(img.url, { maxBytes: MAX_PICTURE_BYTES, fallbackName: "progress.png", timeoutMs: 15_000, typePrefix: "image/" });
        const mediaId = await conn.upload(picture.bytes, "image", "progress.png");
        await quota
          .send(message.chatId, message.chatType === "direct", () => conn.sendMedia(message.chatId, "image", mediaId))
          .catch((e: Error) => {
            if (!(e instanceof UndeliverableError)) throw e;
          });
      },
    }));
}
