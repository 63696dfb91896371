/**
 * The fake DingTalk's media upload, from the official doc, not from our adapter:
 * https://open.dingtalk.com/document/orgapp/upload-media-files (English mirror
 * help.dingtalk.io/open/development/upload-media-files):
 * - POST https://oapi.dingtalk.com/media/upload?access_token=…, `type` image|voice|video|file,
 *   "Use multipart/form-data POST to upload the file. The file identifier name is media"; the
 *   form-data part carries filename and content-type.
 * - file: "Maximum size is 20 MB. Supported formats: doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar";
 *   error 40004 is named on that page for an invalid media type.
 * - Answer (legacy oapi shape): {errcode: 0, errmsg: "ok", type, media_id, created_at}.
 * Other refusals use DingTalk's global return codes (open.dingtalk.com/document/orgapp/server-api-error-codes-1,
 * mirrored at mabiji.com/dingtalk/errcode.html): 40014 invalid access_token, 40005 invalid file
 * type, 40006 invalid file size, 41005 no media data; 88 + sub_code 60011 (no permission for the API).
 * The codes matter less than the behaviour: every one of these uploads is refused, with HTTP 200.
 */
import { randomUUID } from "node:crypto";

export interface Upload {
  mediaId: string;
  type: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface UploadAnswer {
  errcode: number;
  errmsg: string;
  [k: string]: unknown;
}

const FILE_TYPES = new Set(["doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar"]);
export const MEDIA_MAX_BYTES = 20 * 1024 * 1024;

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** multipart/form-data (RFC 7578), enough for one upload: headers per part, raw bytes kept. */
export function parseMultipart(body: Buffer, contentType: string): Part[] | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return undefined;
    const chunk = body.subarray(start + 2, next - 2); // after CRLF, before CRLF
    const headEnd = chunk.indexOf("\r\n\r\n");
    if (headEnd < 0) return undefined;
    const head = chunk.subarray(0, headEnd).toString("utf8");
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type } : {}), data: chunk.subarray(headEnd + 4) });
    at = next;
  }
  return parts;
}

/** Judges one upload as DingTalk does; keeps the accepted ones so tests can read the bytes back. */
export function acceptUpload(url: URL, contentType: string, body: Buffer, tokenOk: boolean, store: Map<string, Upload>, maxBytes = MEDIA_MAX_BYTES): UploadAnswer {
  if (!tokenOk) return { errcode: 40014, errmsg: "不合法的access_token" };
  const type = url.searchParams.get("type") ?? "";
  if (!["image", "voice", "video", "file"].includes(type)) return { errcode: 40004, errmsg: "不合法的媒体文件类型" };
  const media = parseMultipart(body, contentType)?.find((p) => p.name === "media" && p.filename !== undefined);
  if (!media || media.data.length === 0) return { errcode: 41005, errmsg: "缺少多媒体文件数据" };
  // undici writes a filename's " \r \n as %22 %0D %0A (the HTML form rule); anything else as UTF-8.
  const fileName = (media.filename ?? "").replace(/%22/g, '"').replace(/%0D/g, "\r").replace(/%0A/g, "\n");
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";
  if (type === "file" && !FILE_TYPES.has(ext)) return { errcode: 40005, errmsg: "不合法的文件类型" };
  if (media.data.length > maxBytes) return { errcode: 40006, errmsg: "不合法的文件大小" };
  const mediaId = `@lAz${randomUUID().replace(/-/g, "")}`;
  store.set(mediaId, { mediaId, type, fileName, contentType: media.contentType ?? "application/octet-stream", bytes: Buffer.from(media.data) });
  return { errcode: 0, errmsg: "ok", type, media_id: mediaId, created_at: Date.now() };
}
