/** Photos are served only through signed, expiring links naming the community and the file. */
import type { FastifyReply } from "fastify";
import { verifyToken } from "../../core/signed-token.ts";
import { messagePage } from "./html.ts";
import { mimeOfName, readPhoto } from "./photos.ts";
import type { FormDeps } from "./deps.ts";

export async function servePhoto(deps: FormDeps, token: string, reply: FastifyReply): Promise<FastifyReply> {
  const check = verifyToken<{ c: number; f: string; exp: number }>(deps.forms.secret, token, deps.now());
  const data = check.ok && typeof check.payload.c === "number" && typeof check.payload.f === "string" ? await readPhoto(deps.photoDir, check.payload.c, check.payload.f) : undefined;
  if (!check.ok || !data) {
    const status = check.ok ? 404 : check.reason === "expired" ? 410 : 403;
    return reply
      .code(status)
      .type("text/html; charset=utf-8")
      .send(messagePage("看不到这张照片", ["链接无效、已过期，或照片已不存在。"]));
  }
  return reply.type(mimeOfName(check.payload.f)).header("cache-control", "private, max-age=3600").header("x-content-type-options", "nosniff").header("content-disposition", "inline").send(data);
}
