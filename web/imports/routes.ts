/**
 * The ledger upload page behind an /导入 link: GET shows a file picker, POST keeps the file and
 * hands `/导入 预览 <编号>` to the pipeline as the admin's own message (so the same command,
 * role check and replies apply), showing the preview with a button that sends `/导入 确认`.
 * The file is only read here to refuse what is not a ledger before anything is kept.
 */
import { checkAsker } from "../auth/bound-link.ts";
import { createHash } from "node:crypto";
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import { IMPORT_COMMAND } from "../../commands/links/import-link.ts";
import { type UploadLinkPayload, verifyLink } from "../../core/links/index.ts";
import { readLedger } from "../../core/ledger/read.ts";
import type { FormDeps } from "../forms/deps.ts";
import { esc, messagePage, page } from "../forms/html.ts";

export const MAX_LEDGER_BYTES = 5 * 1024 * 1024;
const RESULT_WAIT_MS = 30_000;

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);

const refusal = (reason: "tampered" | "expired") =>
  messagePage("链接不能用", [reason === "expired" ? "这个上传链接已过期。请在群里或单聊重新发送 /导入 获取新链接。" : "链接不完整或被改动过。请从机器人发的消息里重新打开。"]);

function uploadPage(error?: string): string {
  return page(
    "导入活动台账",
    `<h1>导入活动台账</h1><p class="sub">Excel（.xlsx）或 CSV。表头写 日期、活动类型、主办学校、参与学校、学科、课题、主讲、人数、备注（顺序不限）。上传后先预览，确认后才记录。</p>
<form method="post" enctype="multipart/form-data"><div class="field${error ? " bad" : ""}"><label for="file">台账文件</label>
<input id="file" name="file" type="file" accept=".xlsx,.csv" required>${error ? `<div class="error">${esc(error)}</div>` : ""}</div><button type="submit">上传并预览</button></form>`,
  );
}

export function registerImportRoutes(app: FastifyInstance, deps: FormDeps): void {
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_LEDGER_BYTES, files: 1, fields: 5, parts: 6 } });
    const load = (token: string) => {
      const check = verifyLink(deps.forms.secret, token, deps.now(), "i");
      return check.ok ? check : { ok: false as const, reason: check.reason === "expired" ? ("expired" as const) : ("tampered" as const) };
    };
    /** Runs a command as the admin who asked for the link, in the chat they asked in. */
    const send = async (t: UploadLinkPayload, text: string, messageId: string) => {
      const { jobId } = await deps.sink({ platform: t.p, chatId: t.ch, chatType: t.t, senderId: t.u, senderName: t.n, text, messageId, mentioned: true, receivedAt: deps.now().toISOString() });
      const result = await deps.resultOf(jobId, RESULT_WAIT_MS);
      return result ? result.replies.map((r) => r.text) : ["已收到，正在处理，结果会发到你和机器人的对话里。"];
    };

    scope.get<{ Params: { token: string } }>("/i/:token", async (req, reply) => {
      const check = load(req.params.token);
      if (!check.ok) return html(reply, check.reason === "expired" ? 410 : 403, refusal(check.reason));
      const notYours = checkAsker(req, reply, deps.forms, deps.now(), check.payload);
      if (notYours) return notYours;
      return html(reply, 200, uploadPage());
    });

    scope.post<{ Params: { token: string } }>("/i/:token", async (req, reply) => {
      const check = load(req.params.token);
      if (!check.ok) return html(reply, check.reason === "expired" ? 410 : 403, refusal(check.reason));
      const notYours = checkAsker(req, reply, deps.forms, deps.now(), check.payload);
      if (notYours) return notYours;
      const t = check.payload;
      let file: { name: string; data: Buffer } | undefined;
      try {
        const part = await req.file();
        if (part) file = { name: part.filename || "台账.xlsx", data: await part.toBuffer() };
      } catch (e) {
        const tooLarge = (e as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE";
        return html(reply, tooLarge ? 413 : 400, uploadPage(tooLarge ? "文件不能超过 5MB，请分开导入。" : "上传的内容格式不对，请重新选择文件。"));
      }
      if (!file || file.data.length === 0) return html(reply, 422, uploadPage("请选择一个台账文件。"));
      const read = await readLedger(file.data, file.name);
      if (!read.ok) return html(reply, 422, uploadPage(read.reason));
      const sha256 = createHash("sha256").update(file.data).digest("hex");
      const kept = await deps.db.ledgerImport.create({ data: { communityId: t.c, memberId: t.m, fileName: file.name.slice(0, 200), sha256, data: new Uint8Array(file.data) } });
      const lines = await send(t, `/${IMPORT_COMMAND} 预览 ${kept.id}`, `import-${t.j}-${kept.id}`);
      const button = `<form method="post" action="${esc(`/i/${req.params.token}/confirm/${kept.id}`)}"><button type="submit">确认导入</button></form>`;
      return html(reply, 200, messagePage("导入预览", lines, lines.some((l) => l.includes("确认请发")) ? button : ""));
    });

    scope.post<{ Params: { token: string; id: string } }>("/i/:token/confirm/:id", async (req, reply) => {
      const check = load(req.params.token);
      if (!check.ok) return html(reply, check.reason === "expired" ? 410 : 403, refusal(check.reason));
      const notYours = checkAsker(req, reply, deps.forms, deps.now(), check.payload);
      if (notYours) return notYours;
      const id = Number(req.params.id);
      if (!Number.isInteger(id) || id <= 0) return html(reply, 400, messagePage("没有导入", ["导入编号不对，请重新上传。"]));
      const lines = await send(check.payload, `/${IMPORT_COMMAND} 确认 ${id}`, `import-${check.payload.j}-${id}-confirm`);
      return html(reply, 200, messagePage("导入结果", lines));
    });
  });
}
