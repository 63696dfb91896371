/**
 * The form itself, built from the command's field list (commands/fields.ts): each field's token
 * kind decides the control, its label and `required` come from the same metadata the parser uses.
 */
import type { FieldSpec } from "../../commands/core/fields.ts";
import { KIND_NAMES } from "../../core/kinds.ts";
import { SUBJECT_NAMES } from "../../core/subjects.ts";
import { esc, page } from "./html.ts";
import { MAX_PHOTOS } from "../../db/photos.ts";
import type { FormValues } from "./validate.ts";
import { consentBox, PHOTO_HINT } from "../privacy/photo-consent.ts";

export interface FormView {
  heading: string;
  who: string;
  fields: readonly FieldSpec[];
  required: readonly string[];
  schools: readonly string[];
  values: FormValues;
  errors: Record<string, string>;
  action: string;
}

const HINTS: Record<string, string> = {
  people: "多人用顿号分开，例如：张三、李四",
  title: "例如：分数的意义",
  notes: "例如：效果很好，下次到寨沟小学",
};

const hintOf = (f: FieldSpec) => f.hint ?? HINTS[f.name];
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const all = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function options(list: readonly string[], chosen: string, blank: string): string {
  return [`<option value="">${esc(blank)}</option>`, ...list.map((o) => `<option${o === chosen ? " selected" : ""}>${esc(o)}</option>`)].join("");
}

function control(f: FieldSpec, view: FormView): string {
  const id = `f-${f.name}`;
  const v = view.values[f.name];
  switch (f.token) {
    case "kind":
      return `<select id="${id}" name="${f.name}">${options(KIND_NAMES, first(v), "请选择")}</select>`;
    case "subject":
      return `<select id="${id}" name="${f.name}">${options(SUBJECT_NAMES, first(v), "（不填）")}</select>`;
    case "school":
      if (!f.multiple) return `<select id="${id}" name="${f.name}">${options(view.schools, first(v), "请选择")}</select>`;
      return `<div class="checks" id="${id}">${view.schools
        .map((s) => `<label><input type="checkbox" name="${f.name}" value="${esc(s)}"${all(v).includes(s) ? " checked" : ""}>${esc(s)}</label>`)
        .join("")}</div>`;
    case "date":
      return `<input id="${id}" type="date" name="${f.name}" value="${esc(first(v))}">`;
    case "headcount":
    case "int":
      return `<input id="${id}" type="number" inputmode="numeric" min="1" name="${f.name}" value="${esc(first(v))}">`;
    case "rest":
      return `<textarea id="${id}" name="${f.name}">${esc(first(v))}</textarea>`;
    default:
      return `<input id="${id}" type="text" name="${f.name}" value="${esc(all(v).join("、"))}">`;
  }
}

function fieldBlock(f: FieldSpec, view: FormView): string {
  const error = view.errors[f.name];
  const required = f.required || view.required.includes(f.name);
  const labelTag = f.token === "school" && f.multiple ? `<span class="label">` : `<label for="f-${f.name}">`;
  const labelEnd = f.token === "school" && f.multiple ? "</span>" : "</label>";
  return `<div class="field${error ? " bad" : ""}" data-field="${f.name}">${labelTag}${esc(f.label)}${required ? '<span class="req">*</span>' : ""}${labelEnd}
${control(f, view)}${hintOf(f) ? `<div class="hint">${esc(hintOf(f) ?? "")}</div>` : ""}${error ? `<div class="error" role="alert">${esc(error)}</div>` : ""}</div>`;
}

export function formPage(view: FormView): string {
  const photoError = view.errors.photos;
  const body = `<h1>${esc(view.heading)}</h1><p class="sub">${esc(view.who)}</p>
${Object.keys(view.errors).length ? '<div class="error" role="alert">有几处需要改一下，见下面红框。</div>' : ""}
<form method="post" action="${esc(view.action)}" enctype="multipart/form-data" novalidate>
${view.fields.map((f) => fieldBlock(f, view)).join("\n")}
<div class="field${photoError ? " bad" : ""}" data-field="photos"><label for="f-photos">照片（最多${MAX_PHOTOS}张，每张不超过10MB）</label>
<input id="f-photos" type="file" name="photos" accept="image/*" multiple>
${consentBox(view.values)}${photoError ? `<div class="error" role="alert">${esc(photoError)}</div>` : ""}
${photoError ? "" : `<div class="hint">${esc(PHOTO_HINT)}</div>`}</div>
<button type="submit">提交</button></form>`;
  return page(view.heading, body);
}
