/**
 * Exports (Reply.file) as DingTalk file messages: our own signed URL fetched, uploaded as media,
 * sent as sampleFile through the OpenAPI (the session webhook has no file type). Too large, a
 * type sampleFile does not take, or an upload/send DingTalk refuses: logged once and given up,
 * never retried (the text with the link already went out). Only throttling waits and goes again.
 */
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage, Reply } from "../../messages/messages.ts";
import { ThrottledError, type Delivery } from "../delivery.ts";
import { fetchOwnFile, FileTooLarge } from "../fetch-file.ts";
import { platformFiles } from "../metrics.ts";
import { type DingtalkApi, type DingtalkMessage, MEDIA_FILE_MAX_BYTES, MediaRefused, SAMPLE_FILE_TYPES } from "./api.ts";

export interface FileRoute {
  api: DingtalkApi;
  log: Logger;
  /** Largest export sent as a file message (DingTalk's media limit by default). */
  maxFileBytes?: number;
  /** The OpenAPI send to the message's chat or user. */
  viaOpenApi(m: DingtalkMessage): Promise<void>;
}

export function fileDeliveries(message: OutboundMessage, route: FileRoute): Delivery[] {
  return message.replies.flatMap((r) => (r.file ? [r.file] : [])).map<Delivery>((file) => ({ send: () => sendFile(message, route, file) }));
}

async function sendFile(message: OutboundMessage, route: FileRoute, file: NonNullable<Reply["file"]>): Promise<void> {
  const give = (outcome: string, detail: string) => {
    platformFiles.inc({ platform: "dingtalk", outcome });
    route.log.warn({ chatId: message.chatId, file: file.label, outcome, err: detail }, "dingtalk file message not sent; the reply's text carries its link");
  };
  try {
    const f = await fetchOwnFile(file.url, { maxBytes: route.maxFileBytes ?? MEDIA_FILE_MAX_BYTES, fallbackName: file.label });
    const fileType = fileTypeOf(f.name, f.contentType);
    if (!fileType) return give("unsupported", `type of ${f.name} (${f.contentType}) is not one sampleFile takes`);
    const fileName = f.name.toLowerCase().endsWith(`.${fileType}`) ? f.name : `${f.name}.${fileType}`;
    const mediaId = await route.api.uploadFile(f.bytes, fileName, f.contentType);
    await route.viaOpenApi({ kind: "file", mediaId, fileName, fileType });
    platformFiles.inc({ platform: "dingtalk", outcome: "sent" });
  } catch (e) {
    if (e instanceof ThrottledError) throw e;
    const outcome = e instanceof FileTooLarge ? "too_large" : e instanceof MediaRefused ? "refused" : "error";
    give(outcome, e instanceof Error ? e.message : String(e));
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
