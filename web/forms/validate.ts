/**
 * A submitted form → the command's arguments, or an error per field. Each value goes through the
 * same recognizers as a typed command (commands/recognize.ts) and then the command's own zod
 * schema, so a form can record nothing a command could not.
 */
import type { ArgsSchema, FieldSpec } from "../../commands/core/fields.ts";
import { fieldsOf } from "../../commands/core/fields.ts";
import { isUserError } from "../../commands/core/errors.ts";
import { recognizeKeyed, type ParseEnv } from "../../commands/core/recognize.ts";

/** What the browser sent: one string per field, several for a multiple choice. */
export type FormValues = Record<string, string | string[]>;

export type FormCheck = { ok: true; args: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** Free-text lists (people) are typed on one line, separated the way Chinese lists are. */
const LIST_SEPARATORS = /[、，,；;\s]+/;

function valuesOf(f: FieldSpec, raw: string | string[] | undefined): string[] {
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== "");
  if (f.multiple && (f.token === "text" || f.token === "person")) return list.flatMap((v) => v.split(LIST_SEPARATORS)).filter((v) => v !== "");
  return f.multiple ? list : list.slice(0, 1);
}

function recognizeOne(value: string, f: FieldSpec, env: ParseEnv): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const r = recognizeKeyed(value, f, env);
    if (r.ok) return { ok: true, value: r.value };
  } catch (e) {
    if (isUserError(e)) return { ok: false, error: e.userText };
    throw e;
  }
  return { ok: false, error: `「${value}」不是有效的${f.label}` };
}

/**
 * `required` names fields the form itself insists on beyond the schema (e.g. the host school,
 * which a typed command would ask for); `extra` runs the command's own further checks.
 */
export function checkForm(
  schema: ArgsSchema,
  values: FormValues,
  env: ParseEnv,
  required: readonly string[] = [],
  extra: (args: Record<string, unknown>) => Record<string, string> = () => ({}),
): FormCheck {
  const errors: Record<string, string> = {};
  const partial: Record<string, unknown> = {};
  for (const f of fieldsOf(schema)) {
    const words = valuesOf(f, values[f.name]);
    if (words.length === 0) {
      if (f.required || required.includes(f.name)) errors[f.name] = `请填写${f.label}`;
      continue;
    }
    const recognized = words.map((w) => recognizeOne(w, f, env));
    const failed = recognized.find((r) => !r.ok);
    if (failed && !failed.ok) {
      errors[f.name] = failed.error;
      continue;
    }
    const list = recognized.map((r) => (r.ok ? r.value : undefined));
    partial[f.name] = f.multiple ? [...new Set(list)] : list[0];
  }
  const parsed = schema.safeParse(partial);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "");
      const label = fieldsOf(schema).find((f) => f.name === name)?.label ?? name;
      errors[name] ??= `${label}${issue.message}`;
    }
  }
  // The command's further checks too, so every mistake shows at once, not one per submit.
  for (const [name, message] of Object.entries(extra(partial))) errors[name] ??= message;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, args: partial };
}
