/**
 * Photos are served only through signed, expiring links naming the community and the file(s)
 * (web/forms/photo-link.ts): one file is the image; several are a page of them.
 */
import type { FastifyReply } from "fastify";
import { verifyToken } from "../../core/signed-token.ts";
import { esc, messagePage, page } from "./html.ts";
import { photoUrl, type PhotoToken } from "./photo-link.ts";
import { mimeOfName, openPhoto } from "./photos.ts";
import type { FormDeps } from "./deps.ts";

const MAX_FILES = 5;
const isFiles = (fs: unknown): fs is string[] => Array.isArray(fs) && fs.length > 0 && fs.length <= MAX_FILES && fs.every((f) => typeof f === "string");

const refuse = (reply: FastifyReply, status: number) =>
  reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(messagePage("看不到这张照片", ["链接无效、已过期，或照片已不存在。"]));

export async function servePhoto(deps: FormDeps, token: string, reply: FastifyReply): Promise<FastifyReply> {
  const check = verifyToken<PhotoToken>(deps.forms.secret, token, deps.now());
  if (!check.ok) return refuse(reply, check.reason === "expired" ? 410 : 403);
  const { c, f, fs, exp } = check.payload;
  if (typeof c !== "number") return refuse(reply, 403);
  if (isFiles(fs)) return gallery(deps, reply, c, fs, exp);
  const file = typeof f === "string" ? await openPhoto(deps.files, c, f) : undefined;
  if (!file || typeof f !== "string") return refuse(reply, 404);
  return reply
    .type(mimeOfName(f))
    .header("content-length", String(file.size))
    .header("cache-control", "private, max-age=3600")
    .header("x-content-type-options", "nosniff")
    .header("content-disposition", "inline")
    .send(file.stream);
}

/** One activity's photos on a page; each image has its own link with the page's expiry. */
function gallery(deps: FormDeps, reply: FastifyReply, communityId: number, files: string[], exp: number): FastifyReply {
  const images = files.map((f, i) => `<img src="${esc(photoUrl(deps.forms, communityId, [f], exp))}" alt="照片${i + 1}">`).join("");
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "private, no-store")
    .send(page("活动照片", `<h1>活动照片（${files.length}张）</h1><div class="photos">${images}</div>`));
}
