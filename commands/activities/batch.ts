/**
 * Several records in one message: a coordinator pastes a week's activities, one per line, each
 * line starting with a kind (示范课 …) or /记录. Each line is checked and stored by itself under
 * its own key (the message's key plus the line number, under the same unique constraint), so a
 * refused line loses no other, and a redelivery after a crash half way records nothing twice.
 */
import { resolveKind } from "../../core/kinds.ts";
import { dropSpokenFullStop, normalizeText, stripLeadingMentions } from "../../core/normalize.ts";
import { isUniqueViolation } from "../../db/client.ts";
import { sourceKey, type Reply } from "../../messages/messages.ts";
import { AskError, isUserError } from "../core/errors.ts";
import { fieldsOf } from "../core/fields.ts";
import { parseArgs } from "../core/parse.ts";
import type { BatchLine, BoundContext } from "../core/types.ts";
import { activityLine } from "./activity-view.ts";
import { recordActivity, recordArgs } from "./record.ts";

export type { BatchLine } from "../core/types.ts";

export const MAX_BATCH_LINES = 50;

const RECORD_WORD = /^\/?\s*(?:记录|登记|record)(?:\s+|$)/i;
const LIST_NUMBER = /^(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、)）:：]\s*/;

/** The argument text of a line that is a record ("/记录 示范课 …", "示范课 …", "2、示范课 …"), else null. */
export function recordRest(line: string): string | null {
  const text = line.replace(LIST_NUMBER, "");
  const word = RECORD_WORD.exec(text);
  if (word) return text.slice(word[0].length).trim();
  const first = text.split(" ")[0] ?? "";
  return resolveKind(first) ? text : null;
}

/**
 * The lines of a message that holds two records or more; undefined for any other message (one
 * record over several lines, with a 备注 on the next line, stays one record).
 */
export function batchLines(raw: string): BatchLine[] | undefined {
  const lines = raw
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, text: dropSpokenFullStop(normalizeText(l)) }))
    .map((l, i) => (i === 0 ? { ...l, text: stripLeadingMentions(l.text).text } : l))
    .filter((l) => l.text !== "");
  const parsed = lines.map((l) => ({ ...l, rest: recordRest(l.text) }));
  return parsed.filter((l) => l.rest !== null).length >= 2 ? parsed : undefined;
}

type Outcome = { line: BatchLine; number: number; text: string } | { line: BatchLine; refused: string };

/** Records each line; one reply listing every new number and every refused line with its reason. */
export async function recordBatch(ctx: BoundContext, lines: readonly BatchLine[]): Promise<Reply[]> {
  if (lines.length > MAX_BATCH_LINES) return [{ text: `一条消息最多 ${MAX_BATCH_LINES} 行记录，这条有 ${lines.length} 行，没有处理。请分几条发送。` }];
  const outcomes: Outcome[] = [];
  for (const line of lines) outcomes.push(await recordLine(ctx, line));
  return [{ text: batchText(outcomes) }];
}

async function recordLine(ctx: BoundContext, line: BatchLine): Promise<Outcome> {
  if (line.rest === null) return { line, refused: "不是记录（每行以活动类型或 /记录 开头）" };
  const message = { ...ctx.message, messageId: `${ctx.message.messageId}#${line.line}` };
  const lineCtx: BoundContext = { ...ctx, message };
  try {
    const parsed = parseArgs(recordArgs, line.rest, ctx.parseEnv);
    if (parsed.kind === "missing") return { line, refused: `缺少「${parsed.field.label}」` };
    const { activity } = await recordActivity(lineCtx, parsed.args);
    return { line, number: activity.number, text: activityLine(activity, ctx.schools) };
  } catch (e) {
    if (e instanceof AskError) return { line, refused: askReason(e) };
    if (isUserError(e)) return { line, refused: e.userText.split("\n")[0] ?? e.userText };
    if (isUniqueViolation(e)) {
      // Recorded by an earlier delivery of this message that stopped before answering.
      const earlier = await ctx.db.activity.findUnique({ where: { sourceMessageKey: sourceKey(message) } });
      if (earlier) return { line, number: earlier.number, text: activityLine(earlier, ctx.schools) };
    }
    throw e;
  }
}

function askReason(e: AskError): string {
  if (e.field === "confirmFar") return "日期在 60 天以后，请单独发送这一条，确认后记录";
  const f = fieldsOf(recordArgs).find((x) => x.name === e.field);
  return `缺少「${f?.label ?? e.field}」`;
}

function batchText(outcomes: readonly Outcome[]): string {
  const done = outcomes.filter((o): o is Extract<Outcome, { number: number }> => "number" in o);
  const refused = outcomes.filter((o): o is Extract<Outcome, { refused: string }> => "refused" in o);
  const lines: string[] = [];
  if (done.length > 0) lines.push(`✅ 已记录 ${done.length} 条：`, ...done.map((o) => o.text));
  if (refused.length > 0) lines.push(`❌ 未记录 ${refused.length} 行（改好后重新发送这几行即可）：`, ...refused.map((o) => `第${o.line.line}行「${clip(o.line.text)}」：${o.refused}`));
  if (done.length > 0) {
    const numbers = done.map((o) => o.number);
    lines.push(`有误可发 /修改 ${numbers[0]} 字段=值，或 /撤销 ${numbers[0]}`);
  }
  return lines.join("\n");
}

const clip = (text: string) => ([...text].length > 24 ? `${[...text].slice(0, 24).join("")}…` : text);
