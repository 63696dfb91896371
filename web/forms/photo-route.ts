/**
 * Photos are served only through signed, expiring links naming the community and the file(s)
 * (web/forms/photo-link.ts): one file is the image; several are a page of them.
 */
import type { FastifyReply } from "fastify";
import { verifyLink } from "../../core/links/index.ts";
import { esc, messagePage, page } from "./html.ts";
import { photoUrl } from "./photo-link.ts";
import { mimeOfName, openPhoto } from "./photos.ts";
import type { FormDeps } from "./deps.ts";

const refuse = (reply: FastifyReply, status: number) =>
  reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(messagePage("看不到这张照片", ["链接无效、已过期，或照片已不存在。"]));

export async function servePhoto(deps: FormDeps, token: string, reply: FastifyReply): Promise<FastifyReply> {
  const check = verifyLink(deps.forms.secret, token, deps.now(), "p");
  if (!check.ok) return refuse(reply, check.reason === "expired" ? 410 : 403);
  const { c, f, fs, exp } = check.payload;
  if (fs) return gallery(deps, reply, c, fs, exp);
  const file = f === undefined ? undefined : await openPhoto(deps.files, c, f);
  if (!file || f === undefined) return refuse(reply, 404);
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
