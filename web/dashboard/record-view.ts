/**
 * One record's page: what it says, and for those who may change it (its recorder within the
 * edit window, or an admin — the same rule /修改 applies) a correction form with the record's
 * fields; anyone in the community may confirm it. Submitting runs /修改 or /确认 itself.
 */
import type { FieldSpec } from "../../commands/core/fields.ts";
import { esc } from "../forms/html.ts";

export const EDIT_FIELDS = ["date", "subject", "title", "headcount", "people", "notes"] as const;

export interface RecordPageData {
  communityId: number;
  communityName: string;
  number: number;
  summary: string;
  confirmed: boolean;
  values: Record<string, string>;
  fields: FieldSpec[];
  canEdit: boolean;
  nonce: string;
  csrf: string;
  errors: Record<string, string>;
  outcome?: string[];
}

function input(f: FieldSpec, value: string, error: string | undefined): string {
  const id = `f-${f.name}`;
  const control =
    f.name === "notes"
      ? `<textarea id="${id}" name="${f.name}" maxlength="500">${esc(value)}</textarea>`
      : `<input type="text" id="${id}" name="${f.name}" value="${esc(value)}"${f.placeholder ? ` placeholder="${esc(f.placeholder)}"` : ""}>`;
  return `<div class="field${error ? " bad" : ""}"><label for="${id}">${esc(f.label)}</label>${control}${error ? `<div class="error" role="alert">${esc(error)}</div>` : ""}</div>`;
}

export function recordBody(d: RecordPageData): string {
  const outcome = d.outcome ? `<div class="card" role="status"><h2>结果</h2>${d.outcome.map((l) => `<p>${esc(l)}</p>`).join("")}</div>` : "";
  const hidden = `<input type="hidden" name="_csrf" value="${esc(d.csrf)}"><input type="hidden" name="j" value="${esc(d.nonce)}">`;
  const confirm = d.confirmed
    ? '<p class="muted">这条记录已确认 ✔</p>'
    : `<form method="post" action="/community/${d.communityId}/record/${d.number}/confirm">${hidden}<button type="submit">确认无误</button></form>`;
  const edit = d.canEdit
    ? `<div class="card"><h2>更正</h2><p class="muted">只填要改的项；与在群里发 /修改 ${d.number} 相同，修改会记入审计，并在群里回一条确认。</p>
<form method="post" action="/community/${d.communityId}/record/${d.number}">${hidden}${d.fields.map((f) => input(f, d.values[f.name] ?? "", d.errors[f.name])).join("")}<button type="submit">保存更正</button></form></div>`
    : '<p class="muted">只有登记人（7天内）或管理员可以更正这条记录。</p>';
  return `<p><a href="/community/${d.communityId}">← ${esc(d.communityName)}</a></p><h1>记录 #${d.number}</h1>${outcome}
<div class="card"><p>${esc(d.summary)}</p>${confirm}</div>${edit}`;
}
