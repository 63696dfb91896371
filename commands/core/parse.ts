/**
 * The one parser for every command: assigns key=value pieces by key and positional words by
 * what they are (date, school, subject, …), in any order, then validates with the command's zod
 * schema. A missing required field with a question becomes a `missing` result (the bot asks).
 */
import type { z } from "zod";
import { parseLeadingDate } from "../../core/dates.ts";
import { UserError } from "./errors.ts";
import { fieldsOf, type ArgsSchema, type FieldSpec } from "./fields.ts";
import { findSchools, recognize, recognizeKeyed, type ParseEnv } from "./recognize.ts";
import { candidatesQuestion, nearestWords } from "./suggest.ts";
import { type Piece, tokenize } from "./tokenize.ts";

export type Partial = Record<string, unknown>;

export type ParseResult<S extends ArgsSchema> = { kind: "ok"; args: z.infer<S> } | { kind: "missing"; field: FieldSpec; partial: Partial };

function keysOf(fields: readonly FieldSpec[]): Map<string, FieldSpec> {
  const map = new Map<string, FieldSpec>();
  for (const f of fields) for (const k of f.keys) map.set(k.toLowerCase(), f);
  return map;
}

function assign(partial: Partial, f: FieldSpec, value: unknown): void {
  if (f.multiple) {
    const list = (partial[f.name] as unknown[] | undefined) ?? [];
    if (!list.includes(value)) list.push(value);
    partial[f.name] = list;
  } else {
    partial[f.name] = value;
  }
}

const isOpen = (partial: Partial, f: FieldSpec) => f.multiple || partial[f.name] === undefined;

/** Which field a positional word belongs to: specific kinds first, then free text in order. */
function placeWord(word: string, fields: readonly FieldSpec[], partial: Partial, env: ParseEnv): boolean {
  for (const f of fields) {
    if (f.token === "text" || f.token === "rest" || f.positional === false || !isOpen(partial, f)) continue;
    const r = recognize(word, f, env);
    if (r.ok) {
      assign(partial, f, r.value);
      return true;
    }
  }
  const textField = fields.find((f) => f.token === "text" && f.positional !== false && isOpen(partial, f));
  if (textField) {
    assign(partial, textField, word);
    return true;
  }
  return false;
}

/** "二小到双庙", "二小→双庙", "二小送教双庙": one school goes to another. */
const ROUTE = /^(.+?)(?:送教到|送教|到|去|→|->|—>)(.+)$/u;

/**
 * A route between two schools, as teachers write it: the first gives (主讲校), the second hosts
 * (主办, where it happened). Only when both sides are one known school each and both fields are
 * still open; anything else is left to the other recognizers.
 */
function placeRoute(word: string, fields: readonly FieldSpec[], partial: Partial, env: ParseEnv): boolean {
  const m = ROUTE.exec(word);
  const giver = fields.find((f) => f.keys.includes("主讲校"));
  const host = fields.find((f) => f.keys.includes("主办"));
  if (!m || !giver || !host || !isOpen(partial, giver) || !isOpen(partial, host)) return false;
  const [from, to] = [findSchools(m[1]!, env.schools), findSchools(m[2]!, env.schools)];
  if (from.length !== 1 || to.length !== 1 || from[0]!.id === to[0]!.id) return false;
  assign(partial, giver, from[0]!.id);
  assign(partial, host, to[0]!.id);
  return true;
}

/**
 * A route whose side names no school ("县一小到柳河乡" for 柳合乡中心小学) gets the same nearest
 * words as that side typed alone, instead of "没看懂" for the whole piece.
 */
function routeTypo(word: string, fields: readonly FieldSpec[], env: ParseEnv): UserError | undefined {
  const m = ROUTE.exec(word);
  if (!m || !fields.some((f) => f.keys.includes("主讲校")) || !fields.some((f) => f.keys.includes("主办"))) return undefined;
  const schoolFields = fields.filter((f) => f.token === "school");
  for (const side of [m[1]!, m[2]!]) {
    if (findSchools(side, env.schools).length > 0) continue;
    const near = nearestWords(side, schoolFields, env);
    if (near.length > 0) return new UserError(candidatesQuestion(side, near), { word: side, options: near, within: word });
  }
  return undefined;
}

/**
 * A date typed apart at piece `i` ("12月 9日", "12 月 9 日", full-width spaces normalized before),
 * read by the same recogniser as the meeting commands (parseLeadingDate) when the command has an
 * open date field: only words separated by spaces are joined. How many pieces it took (0: none).
 */
function placeSpacedDate(pieces: readonly Piece[], i: number, text: string, fields: readonly FieldSpec[], partial: Partial, env: ParseEnv): number {
  const f = fields.find((x) => x.token === "date" && x.positional !== false && isOpen(partial, x));
  if (!f) return 0;
  const run: string[] = [];
  for (let j = i; j < pieces.length && run.length < 6; j++) {
    const p = pieces[j]!;
    if (p.type !== "word" || (j > i && text.slice(pieces[j - 1]!.end, p.start).trim() !== "")) break;
    run.push(p.text);
  }
  if (run.length < 2) return 0;
  const { parse, used } = parseLeadingDate(run, env.now, env.zone);
  if (used < 2) return 0;
  if (!parse.ok) throw new UserError(`日期「${run.slice(0, used).join(" ")}」不存在，请检查月份和日子。例如：11月20日`);
  assign(partial, f, parse.value);
  return used;
}

function describe(word: string, fields: readonly FieldSpec[]): string {
  const wanted = fields.filter((f) => f.token !== "rest" && f.positional !== false).map((f) => f.label);
  return `没看懂「${word}」：它不是本命令能用的${wanted.join("、")}。`;
}

/**
 * Action word first: a command whose first field is a positional choice (its sub-verbs, as in
 * /设置 提醒 …, /推送群 添加 …) takes it from the first word when that word is one of its
 * choices. The rest of the text is what the other fields read, so a free-text field after the verb
 * gets everything but the verb. Returns that rest (the whole text when the first word is no verb).
 */
function takeVerb(fields: readonly FieldSpec[], text: string, env: ParseEnv, partial: Partial): string {
  const lead = fields[0];
  if (lead?.token !== "choice" || lead.positional === false || !isOpen(partial, lead)) return text;
  const first = /^\s*(\S+)(?:\s+|$)/u.exec(text);
  if (!first) return text;
  const r = recognize(first[1]!, lead, env);
  if (!r.ok) return text;
  assign(partial, lead, r.value);
  return text.slice(first[0].length);
}

/** Fills `partial` from argument text. Throws UserError for words that fit nowhere. */
export function collect(schema: ArgsSchema, whole: string, env: ParseEnv, partial: Partial = {}): Partial {
  const fields = fieldsOf(schema);
  const text = takeVerb(fields, whole, env, partial);
  const byKey = keysOf(fields);
  const pieces = tokenize(text, new Set(byKey.keys()));
  const restField = fields.find((f) => f.token === "rest" && f.keys.length === 0);
  if (restField && pieces.every((p) => p.type === "word") && text.trim() !== "") {
    // A command whose only argument is free text (e.g. /绑定 名称) takes it whole.
    partial[restField.name] = text.trim();
    return partial;
  }

  const kvPieces = pieces.filter((p) => p.type === "kv");
  for (const p of pieces) {
    if (p.type !== "kv") continue;
    const f = byKey.get(p.key);
    if (!f) continue;
    if (f.token === "rest") {
      const next = kvPieces.find((q) => q.start > p.start);
      assign(partial, f, text.slice(p.valueStart, next?.start ?? text.length).trim());
      continue;
    }
    const values = f.multiple ? p.value.split(/[,，、;；]+/).filter(Boolean) : [p.value];
    for (const v of values) {
      const r = recognizeKeyed(v, f, env);
      if (!r.ok) throw new UserError(`「${f.label}」填的「${v}」没看懂。`);
      assign(partial, f, r.value);
    }
  }

  const restStarts = kvPieces.filter((p) => byKey.get(p.key)?.token === "rest");
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.type !== "word") continue;
    // Words inside a rest value (e.g. 备注=… spanning several words) were taken with it.
    if (restStarts.some((r) => r.start < p.start && !kvPieces.some((q) => q.start > r.start && q.start < p.start))) continue;
    const dated = placeSpacedDate(pieces, i, text, fields, partial, env);
    if (dated > 0) {
      i += dated - 1;
      continue;
    }
    if (placeRoute(p.text, fields, partial, env) || placeWord(p.text, fields, partial, env)) continue;
    const typo = routeTypo(p.text, fields, env);
    if (typo) throw typo;
    const near = nearestWords(p.text, fields, env);
    if (near.length > 0) throw new UserError(candidatesQuestion(p.text, near), { word: p.text, options: near });
    throw new UserError(describe(p.text, fields));
  }
  return partial;
}

/** Checks required fields and validates the whole with zod. */
export function finish<S extends ArgsSchema>(schema: S, partial: Partial): ParseResult<S> {
  for (const f of fieldsOf(schema)) {
    if (f.required && f.ask && partial[f.name] === undefined) return { kind: "missing", field: f, partial };
  }
  const parsed = schema.safeParse(partial);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const name = first?.path[0];
    const f = fieldsOf(schema).find((x) => x.name === name);
    const missing = f && partial[f.name] === undefined;
    throw new UserError(missing ? `缺少「${f.label}」。` : `「${f?.label ?? String(name)}」${first?.message ?? "不正确"}。`);
  }
  return { kind: "ok", args: parsed.data as z.infer<S> };
}

export function parseArgs<S extends ArgsSchema>(schema: S, text: string, env: ParseEnv): ParseResult<S> {
  return finish(schema, collect(schema, text, env));
}

/** Reads the answer to a question about one field. */
export function answerField(f: FieldSpec, answer: string, env: ParseEnv, partial: Partial): Partial {
  const word = answer.trim();
  const r = f.token === "rest" || f.token === "text" ? { ok: true as const, value: word } : recognizeKeyed(word, f, env);
  if (!r.ok || word === "") throw new UserError(`没看懂「${word}」。${f.ask ?? ""}`);
  assign(partial, f, r.value);
  return partial;
}
