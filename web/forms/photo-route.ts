/**
 * Photos are served only through signed, expiring links naming the community and the file(s)
 * (web/forms/photo-link.ts): one file is the image; several are a page of them. A link bound to
 * sign-in (`si`: made for a group, a ledger or a signed-in page) opens only for a signed-in
 * member of that community or an admin of its district: whoever may read the record itself
 * (/列表, the dashboard's school page), checked on every request.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { type PhotoLinkPayload, verifyLink } from "../../core/links/index.ts";
import { communityAccess } from "../../db/dashboard.ts";
import { sendToSignIn, viewerOf, wrongAccount } from "../auth/bound-link.ts";
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

export async function servePhoto(deps: FormDeps, req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply): Promise<FastifyReply> {
  const check = verifyLink(deps.forms.secret, req.params.token, deps.now(), "p");
  if (!check.ok) return refuse(reply, check.reason === "expired" ? 410 : 403);
  const { c, f, fs } = check.payload;
  if (check.payload.si === 1) {
    const viewer = viewerOf(req, deps.forms, deps.now());
    if (!viewer) return sendToSignIn(req, reply, check.payload.sp ?? "", "本共同体的成员和所在区县的管理员");
    if (!(await communityAccess(deps.db, viewer, c))) return wrongAccount(reply, ["这张照片属于另一个共同体的记录，只有该共同体的成员和所在区县的管理员登录后能看。你登录的账号不在其中。"]);
  }
  // Only while the photo's row and its record live (not revoked, deleted or past retention), whatever the link's expiry.
  if (fs) {
    const live = await livePhotos(deps.db, c, fs);
    const shown = fs.filter((x) => live.has(x));
    return shown.length > 0 ? gallery(deps, reply, check.payload, shown) : refuse(reply, 404);
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

/** One activity's photos on a page; each image has its own link with the page's expiry and binding. */
function gallery(deps: FormDeps, reply: FastifyReply, link: PhotoLinkPayload, files: string[]): FastifyReply {
  const binding = link.si === 1 ? (link.sp ? { sp: link.sp } : {}) : undefined;
  const images = files.map((f, i) => `<img src="${esc(photoUrl(deps.forms, link.c, [f], link.exp, binding))}" alt="照片${i + 1}">`).join("");
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "private, no-store")
    .send(page("活动照片", `<h1>活动照片（${files.length}张）</h1><div class="photos">${images}</div>`));
}
