/**
 * The mobile web form: GET shows it, POST checks it with the command's own schema and hands it
 * to the pipeline as one inbound message (id `form-<link id>`), so the same job records it with
 * the same idempotency as a typed command, and the confirmation is posted in the group.
 */
import { checkAsker } from "../auth/bound-link.ts";
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { FormDeps } from "./deps.ts";
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from "../../db/photos.ts";
import { type FormContext, loadForm, recordOfForm } from "./submission.ts";
import { donePage, formView, refusalPage } from "./views.ts";
import { readUpload, submitForm } from "./submit.ts";
import { servePhoto } from "./photo-route.ts";
import { formPage } from "./form-page.ts";
import { messagePage } from "./html.ts";

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);

/**
 * Uploads being read at once (each up to 5 × 10 MB held in memory, outside the heap cap): beyond
 * this, a submission is refused before its body is read and the person asked to try again.
 */
export const MAX_UPLOADS_IN_FLIGHT = 4;

export function registerFormRoutes(app: FastifyInstance, deps: FormDeps): void {
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 40, fieldSize: 8 * 1024, parts: 50 } });
    scope.setErrorHandler((err: { statusCode?: number; code?: string; message?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) deps.log.error({ url: req.url.replace(/\/[fp]\/[^/?]+/, "/…"), err: err.message }, "form request failed");
      const text = status === 500 ? "服务器出错了，什么也没有记录。请稍后从群里的链接重新打开。" : "提交的内容格式不对，什么也没有记录。请从群里的链接重新打开表单填写。";
      return html(reply, status, messagePage("没有提交成功", [text]));
    });

    scope.get<{ Params: { token: string } }>("/f/:token", async (req, reply) => {
      const load = await loadForm(deps.db, deps.forms.secret, req.params.token, deps.now());
      if (!load.ok) return html(reply, load.reason === "expired" ? 410 : 403, refusalPage(load.reason));
      const notYours = checkAsker(req, reply, deps.forms, deps.now(), load.ctx.token);
      if (notYours) return notYours;
      const done = await recordOfForm(deps.db, load.ctx);
      if (done) return html(reply, 200, donePage(load.ctx, [`这张表已经提交过了：记录 #${done.number}（${done.kind}）${done.revokedAt ? "，已撤销" : ""}。`], []));
      return html(reply, 200, formPage(formView(load.ctx, deps.now(), {}, {})));
    });

    // The link is checked before the body is read (onRequest runs before any parsing): an expired,
    // forged or already used link costs one query, not 50 MB of buffered photos. Such a refusal
    // closes the connection instead of draining the body it never wanted.
    const admitted = new WeakMap<FastifyRequest, FormContext>();
    let inFlight = 0;
    const admit = async (req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      const load = await loadForm(deps.db, deps.forms.secret, req.params.token, deps.now());
      if (!load.ok) return html(reply.header("connection", "close"), load.reason === "expired" ? 410 : 403, refusalPage(load.reason));
      const notYours = checkAsker(req, reply, deps.forms, deps.now(), load.ctx.token);
      if (notYours) return notYours;
      const done = await recordOfForm(deps.db, load.ctx);
      if (done) return html(reply.header("connection", "close"), 409, donePage(load.ctx, [`这张表已经提交过了：记录 #${done.number}（${done.kind}）${done.revokedAt ? "，已撤销" : ""}。`], []));
      if (inFlight >= MAX_UPLOADS_IN_FLIGHT)
        return html(reply.header("connection", "close").header("retry-after", "10"), 503, messagePage("没有提交成功", ["现在提交的人太多，什么也没有记录。请过十几秒再点一次提交。"]));
      admitted.set(req, load.ctx);
    };

    scope.post<{ Params: { token: string } }>("/f/:token", { onRequest: admit }, async (req, reply) => {
      const ctx = admitted.get(req);
      if (!ctx) return html(reply, 403, refusalPage("tampered"));
      if (!req.isMultipart()) return html(reply, 415, messagePage("没有提交成功", ["提交的内容格式不对，什么也没有记录。请从群里的链接重新打开表单填写。"]));
      inFlight++;
      try {
        const upload = await readUpload(req);
        const outcome = await submitForm(deps, ctx, upload);
        if (outcome.type === "invalid") return html(reply, 422, formPage(formView(ctx, deps.now(), upload.values, outcome.errors)));
        return html(reply, 200, donePage(ctx, outcome.lines, outcome.photoUrls));
      } finally {
        inFlight--;
      }
    });

    scope.get<{ Params: { token: string } }>("/p/:token", (req, reply) => servePhoto(deps, req, reply));
  });
}
