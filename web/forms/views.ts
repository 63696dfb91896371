/** The pages around the form: the form's own view model, refusals, and the result. */
import { fieldsOf } from "../../commands/core/fields.ts";
import { todayIn } from "../../core/dates.ts";
import type { FormView } from "./form-page.ts";
import { esc, messagePage } from "./html.ts";
import type { FormContext } from "./submission.ts";
import type { FormValues } from "./validate.ts";

/** The host school is asked for by a typed /记录 when the recorder has none; the form always asks. */
export const requiredFields = (ctx: FormContext): string[] => ("host" in ctx.command.args.shape && ctx.community.schools.length > 0 ? ["host"] : []);

export function formView(ctx: FormContext, now: Date, values: FormValues, errors: Record<string, string>): FormView {
  const defaults: FormValues = {
    date: todayIn(now, ctx.community.timezone),
    ...(ctx.token.k ? { kind: ctx.token.k } : {}),
    ...(ctx.member.schoolName ? { host: ctx.member.schoolName } : {}),
  };
  return {
    heading: ctx.command.webForm.title,
    who: `${ctx.community.name} · ${ctx.member.displayName}`,
    // A hidden field (a confirmation the bot asks for in the chat) has no place on the form.
    fields: fieldsOf(ctx.command.args).filter((f) => !f.hidden),
    required: requiredFields(ctx),
    schools: ctx.community.schools.map((s) => s.fullName),
    values: Object.keys(values).length > 0 ? values : defaults,
    errors,
    action: "",
  };
}

const REFUSALS = {
  tampered: ["这个链接不完整或被改动过，不能使用。", "请在群里发送 /表单 获取新的链接。"],
  expired: ["这个链接已过期（默认24小时内有效）。", "请在群里发送 /表单 获取新的链接。"],
  gone: ["这个链接对应的成员或共同体已不存在。", "请在群里发送 /表单 获取新的链接。"],
} as const;

export function refusalPage(reason: keyof typeof REFUSALS): string {
  return messagePage(reason === "expired" ? "链接已过期" : "链接无效", REFUSALS[reason]);
}

export function donePage(ctx: FormContext, lines: readonly string[], photoUrls: readonly string[]): string {
  const photos = photoUrls.length ? `<div class="photos">${photoUrls.map((u, i) => `<img src="${esc(u)}" alt="照片${i + 1}">`).join("")}</div>` : "";
  return messagePage("已提交", [...lines, "", `确认消息会发到群里。（${ctx.community.name}）`], photos);
}
