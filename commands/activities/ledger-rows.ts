/**
 * A ledger's rows as /记录 arguments: each cell read by the same recognizers as a typed
 * `字段=值`, the whole checked by the same schema and the same rules (prepareRecord), so an
 * imported row is refused exactly where the typed command would be. Each row's key is its
 * content (plus how many identical rows came before it in the file): the same ledger imported
 * twice, or a second file holding the same rows, adds nothing.
 */
import { createHash } from "node:crypto";
import type { LedgerRow } from "../../core/ledger/read.ts";
import type { NewActivity } from "../../db/insert-activity.ts";
import { AskError, isUserError } from "../core/errors.ts";
import { fieldsOf } from "../core/fields.ts";
import { finish } from "../core/parse.ts";
import { recognizeKeyed } from "../core/recognize.ts";
import type { BoundContext } from "../core/types.ts";
import { prepareRecord, recordArgs, type RecordArgs } from "./record.ts";

export type CheckedRow = { line: number; key: string; row: NewActivity } | { line: number; refused: string };

const FIELDS = fieldsOf(recordArgs);

function argsOf(row: LedgerRow, ctx: BoundContext): RecordArgs {
  const partial: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(row.values)) {
    const f = FIELDS.find((x) => x.name === name);
    if (!f || text === undefined) continue;
    const pieces = f.multiple ? text.split(/[,，、;；\s]+/).filter(Boolean) : [text.replace(/\s+/g, " ").trim()];
    for (const piece of pieces) {
      const r = recognizeKeyed(piece, f, ctx.parseEnv);
      if (!r.ok) throw new AskError("unreadable", {}, `「${f.label}」填的「${piece}」没看懂`);
      if (f.multiple) partial[f.name] = [...((partial[f.name] as unknown[]) ?? []), r.value];
      else partial[f.name] = r.value;
    }
  }
  const result = finish(recordArgs, partial);
  if (result.kind === "missing") throw new AskError(result.field.name, partial);
  return result.args;
}

function reason(e: AskError): string {
  if (e.question && e.field === "unreadable") return e.question;
  if (e.field === "confirmFar") return "日期在 60 天以后（是计划的话请用 /记录 单独登记）";
  return `缺少「${FIELDS.find((f) => f.name === e.field)?.label ?? e.field}」`;
}

/** Checks every row; nothing is stored. */
export async function checkRows(ctx: BoundContext, rows: readonly LedgerRow[]): Promise<CheckedRow[]> {
  const seen = new Map<string, number>();
  const out: CheckedRow[] = [];
  for (const r of rows) {
    try {
      const args = argsOf(r, ctx);
      const content = createHash("sha256")
        .update(JSON.stringify([args.kind, args.date?.date, args.host, args.schools, args.subject, args.title, args.people, args.headcount, args.notes]))
        .digest("base64url")
        .slice(0, 24);
      const n = (seen.get(content) ?? 0) + 1;
      seen.set(content, n);
      const key = `import:${ctx.community.id}:${content}:${n}`;
      const { row } = await prepareRecord(ctx, args, key);
      out.push({ line: r.line, key, row });
    } catch (e) {
      if (e instanceof AskError) out.push({ line: r.line, refused: reason(e) });
      else if (isUserError(e)) out.push({ line: r.line, refused: (e.userText.split("\n")[0] ?? e.userText).replace(/。?请检查。.*$/, "") });
      else throw e;
    }
  }
  return out;
}
