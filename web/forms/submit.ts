/** Reading a multipart submission, checking it, storing photos, and queueing it as one message. */
import type { FastifyRequest } from "fastify";
import { checkDay } from "../../commands/activities/record.ts";
import { isUserError } from "../../commands/core/errors.ts";
import { todayIn } from "../../core/dates.ts";
import type { FormDeps } from "./deps.ts";
import { photoBindingFor, photoUrl } from "./photo-link.ts";
import { MAX_PHOTOS, photoName, sniffImage, storePhoto, type ImageType } from "../../db/photos.ts";
import { recordOfForm, type FormContext } from "./submission.ts";
import { checkForm, type FormValues } from "./validate.ts";
import { requiredFields } from "./views.ts";
import { cleanPhoto } from "../../core/privacy/clean-photo.ts";
import { CONSENT_FIELD, NO_CONSENT } from "../privacy/photo-consent.ts";

export interface Upload {
  values: FormValues;
  photos: { data: Buffer; type: ImageType | undefined }[];
  photoError?: string;
}

const RESULT_WAIT_MS = 10_000;

export async function readUpload(req: FastifyRequest): Promise<Upload> {
  const upload: Upload = { values: {}, photos: [] };
  try {
    for await (const part of req.parts()) {
      if (part.type === "file") {
        const data = await part.toBuffer();
        if (data.length > 0) upload.photos.push({ data, type: sniffImage(data) });
      } else if (typeof part.value === "string") {
        // Browsers send line breaks in form fields as CRLF (HTML form encoding): store them as LF.
        const value = part.value.replace(/\r\n?/g, "\n");
        const before = upload.values[part.fieldname];
        upload.values[part.fieldname] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") upload.photoError = "照片不能超过10MB，请换一张或压缩后再传。";
    else if (code === "FST_FILES_LIMIT") upload.photoError = `最多上传${MAX_PHOTOS}张照片。`;
    // Anything else the multipart reader refuses is a broken body (cut off, bad headers): the sender's fault.
    else throw Object.assign(new Error(`malformed multipart body: ${(e as Error).message}`), { statusCode: 400 });
  }
  return upload;
}

export type SubmitOutcome = { type: "invalid"; errors: Record<string, string> } | { type: "done"; lines: string[]; photoUrls: string[] };

async function photoErrors(upload: Upload): Promise<Record<string, string>> {
  if (upload.photoError) return { photos: upload.photoError };
  if (upload.photos.some((p) => !p.type)) return { photos: "只能上传照片（JPG、PNG、GIF、WebP、HEIC），其他文件不收。" };
  if (upload.photos.length > 0 && upload.values[CONSENT_FIELD] !== "1") return { photos: NO_CONSENT };
  // Position, device and time come off before anything is stored; a photo they cannot come off is refused.
  for (const p of upload.photos) {
    const clean = await cleanPhoto(p.data);
    if (!clean.ok) return { photos: clean.reason };
    p.data = clean.data;
  }
  return {};
}

export async function submitForm(deps: FormDeps, ctx: FormContext, upload: Upload): Promise<SubmitOutcome> {
  const now = deps.now();
  const today = todayIn(now, ctx.community.timezone);
  // Recognition needs the schools with their ids and short names, as a command's context has them.
  const env = { now, zone: ctx.community.timezone, schools: ctx.community.schools };
  const { command } = ctx;
  const check = checkForm(command.args, upload.values, env, requiredFields(ctx), (args): Record<string, string> => {
    // The same date rule as a typed command: not more than a year away.
    const day = (args.date as { date?: string } | undefined)?.date;
    try {
      if (day) checkDay(day, today);
      return {};
    } catch (e) {
      if (isUserError(e)) return { date: e.userText.split("。")[0] ?? e.userText };
      throw e;
    }
  });
  const errors = { ...(check.ok ? {} : check.errors), ...(await photoErrors(upload)) };
  if (!check.ok || Object.keys(errors).length > 0) return { type: "invalid", errors };

  const earlier = await recordOfForm(deps.db, ctx);
  if (earlier) return { type: "done", lines: [`这张表已经提交过了：记录 #${earlier.number}（${earlier.kind}）。`], photoUrls: [] };

  const photoUrls = await keepPhotos(deps, ctx, upload);
  const { token: t } = ctx;
  const { jobId } = await deps.sink({
    platform: t.p,
    chatId: t.ch,
    chatType: t.t,
    senderId: t.u,
    senderName: t.n,
    text: `/${command.name}（网页表单）`,
    messageId: ctx.messageId,
    mentioned: true,
    receivedAt: now.toISOString(),
    form: { command: command.name, args: check.args },
  });
  const result = await deps.resultOf(jobId, RESULT_WAIT_MS);
  const lines = result ? result.replies.map((r) => r.text) : ["已收到，正在处理。几秒后可在群里看到确认，或发送 /列表 查看。"];
  return { type: "done", lines, photoUrls };
}

/** Writes the photos (same names on a second submit, so nothing doubles) and their rows. */
async function keepPhotos(deps: FormDeps, ctx: FormContext, upload: Upload): Promise<string[]> {
  const rows = upload.photos.map((p, position) => {
    const type = p.type as ImageType;
    return { position, type, data: p.data, fileName: photoName(ctx.token.j, position, type) };
  });
  for (const r of rows) await storePhoto(deps.files, ctx.community.id, r.fileName, r.data);
  await deps.db.activityPhoto.createMany({
    // Stored with the photo: the uploader confirmed the guardians' consent (checked above).
    data: rows.map((r) => ({
      communityId: ctx.community.id,
      sourceMessageKey: ctx.sourceKey,
      position: r.position,
      fileName: r.fileName,
      mimeType: r.type.mime,
      size: r.data.length,
      consentAt: deps.now(),
    })),
    skipDuplicates: true,
  });
  const exp = deps.now().getTime() + deps.forms.ttlMs;
  // A form posted in a group (signed in) shows its photos through links bound the same way; 1:1 they stay short-lived bearer links.
  const binding = ctx.token.si === 1 ? photoBindingFor(ctx.token.p) : undefined;
  return rows.map((r) => photoUrl(deps.forms, ctx.community.id, [r.fileName], exp, binding));
}
