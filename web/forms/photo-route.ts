/**
 * Photos are served only through signed, expiring links naming the community and the file(s)
 * (web/forms/photo-link.ts): one file is the image; several are a page of them.
 */
import type { FastifyReply } from "fastify";
import { verifyLink } from "../../core/links/index.ts";
import { esc, messagePage, page } from "./html.ts";
import { photoUrl } from "./photo-link.ts";
import { mimeOfName, openPhoto } from "../../db/photos.ts";
import type { FormDeps } from "./deps.ts";
import { livePhotos } from "../privacy/live-photos.ts";
import { strippedStream } from "../../core/privacy/clean-photo.ts";

const refuse = (reply: FastifyReply, status: number) =>
  reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(messagePage("看不到这张照片", ["链接无效、已过期，或照片已不存在（记录已撤销或删除、超过保存期限）。"]));

export async function servePhoto(deps: FormDeps, token: string, reply: FastifyReply): Promise<FastifyReply> {
  const check = verifyLink(deps.forms.secret, token, deps.now(), "p");
  if (!check.ok) return refuse(reply, check.reason === "expired" ? 410 : 403);
  const { c, f, fs, exp } = check.payload;
  // Only while the photo's row and its record live (not revoked, deleted or past retention), whatever the link's expiry.
  if (fs) {
    const live = await livePhotos(deps.db, c, fs);
    const shown = fs.filter((x) => live.has(x));
    return shown.length > 0 ? gallery(deps, reply, c, shown, exp) : refuse(reply, 404);
  }
  if (f === undefined || !(await livePhotos(deps.db, c, [f])).has(f)) return refuse(reply, 404);
  const file = await openPhoto(deps.files, c, f);
  if (!file) return refuse(reply, 404);
  // Stripped again on the way out, still streamed: photos stored before uploads were cleaned carry EXIF (no length: it changes).
  return reply
    .type(mimeOfName(f))
    .header("cache-control", "private, max-age=3600")
    .header("x-content-type-options", "nosniff")
    .header("content-disposition", "inline")
    .send(strippedStream(file.stream));
}

/** One activity's photos on a page; each image has its own link with the page's expiry. */
function gallery(deps: FormDeps, reply: FastifyReply, communityId: number, files: string[], exp: number): FastifyReply {
  const images = files.map((f, i) => `<img src="${esc(photoUrl(deps.forms, communityId, [f], exp))}" alt="照片${i + 1}">`).join("");
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "private, no-store")
    .send(page("活动照片", `<h1>活动照片（${files.length}张）</h1><div class="photos">${images}</div>`));
}
