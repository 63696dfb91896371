/** Recognizers: does a word fit a token kind, and what value does it carry? */
import { parseChineseDate, type ParsedDate } from "../../core/dates.ts";
import { resolveKind } from "../../core/kinds.ts";
import { resolveSubject } from "../../core/subjects.ts";
import { UserError } from "./errors.ts";
import type { FieldSpec } from "./fields.ts";

export type { ContextSchool as SchoolInfo } from "../../db/message-context.ts";
import type { ContextSchool as SchoolInfo } from "../../db/message-context.ts";

export interface ParseEnv {
  now: Date;
  zone: string;
  schools: readonly SchoolInfo[];
}

export type Recognized = { ok: true; value: unknown } | { ok: false };
const no: Recognized = { ok: false };
const yes = (value: unknown): Recognized => ({ ok: true, value });

/**
 * Schools a word names: its full name, else one of its short names, else (two characters or
 * more) part of full names, e.g. "郝家也中心" — several such matches are asked about, not guessed.
 * A word longer than every school's name names none (and is not looked at further): a 4,000-
 * character word costs one length comparison, not a scan.
 */
export function findSchools(word: string, schools: readonly SchoolInfo[]): SchoolInfo[] {
  const longest = schools.reduce((n, s) => Math.max(n, s.fullName.length, ...s.shortNames.map((x) => x.length)), 0);
  if (word.length > longest) return [];
  const exact = schools.filter((s) => s.fullName === word);
  if (exact.length > 0) return exact;
  const short = schools.filter((s) => s.shortNames.includes(word));
  if (short.length > 0 || [...word].length < 2) return short;
  const part = schools.filter((s) => s.fullName.includes(word));
  return part.length > 0 ? part : byEverydayName(word, schools);
}

/** How many leading (or, reversed, trailing) characters two character arrays share. */
function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
const reversed = (a: readonly string[]) => [...a].reverse();

/**
 * A school's everyday name: the start of its full name (or a short name) plus its ending, as
 * "杨庄小学" for 杨庄乡中心小学. Both parts have at least two characters. Linear in the word and
 * each name: a split point i works when the word's first i characters start the full name (or are
 * a short name) and the remaining ones end it, so only the shared prefix and suffix are measured.
 */
function byEverydayName(word: string, schools: readonly SchoolInfo[]): SchoolInfo[] {
  const chars = [...word];
  const n = chars.length;
  const back = reversed(chars);
  return schools.filter((s) => {
    if (s.fullName.length <= word.length) return false;
    const full = [...s.fullName];
    const suffix = commonPrefix(back, reversed(full)); // tail = chars[i..] ends the name when n - i <= suffix
    const lowest = Math.max(2, n - suffix);
    if (Math.min(commonPrefix(chars, full), n - 2) >= lowest) return true;
    // A short name as the head: i is its length.
    return s.shortNames.some((name) => {
      const i = [...name].length;
      return i >= lowest && i <= n - 2 && word.startsWith(name);
    });
  });
}

function recognizeSchool(word: string, env: ParseEnv): Recognized {
  const found = findSchools(word, env.schools);
  if (found.length === 0) return no;
  if (found.length > 1) {
    const options = found.map((s) => s.fullName);
    throw new UserError(`「${word}」可以指 ${options.join("、")}，请选择或写全称。`, { word, options });
  }
  return yes(found[0]?.id);
}

function recognizeDate(word: string, env: ParseEnv): Recognized {
  const parsed = parseChineseDate(word, env.now, env.zone);
  if (parsed.ok) return yes(parsed.value satisfies ParsedDate);
  if (parsed.reason === "invalid") throw new UserError(`日期「${word}」不存在，请检查月份和日子。例如：11月20日`);
  return no;
}

/** Tries one word against one field's token kind. Throws UserError only for a word that is clearly meant for the field but wrong. */
export function recognize(word: string, f: FieldSpec, env: ParseEnv): Recognized {
  switch (f.token) {
    case "date":
      return recognizeDate(word, env);
    case "school":
      return recognizeSchool(word, env);
    case "subject": {
      const s = resolveSubject(word);
      return s ? yes(s) : no;
    }
    case "kind": {
      const k = resolveKind(word);
      return k ? yes(k) : no;
    }
    case "headcount": {
      // "60人", and the way counts are usually written: 约60人, 60余人, 60多人, 60人左右.
      const m = /^(?:约|大约|近|共|共计)?(\d{1,6})\s*(?:余|多|来)?(?:人|名|位|人次)(?:左右)?$/.exec(word);
      return m ? yes(Number(m[1])) : no;
    }
    case "title": {
      const m = /^《(.+)》$/.exec(word);
      return m ? yes(m[1]?.trim()) : no;
    }
    case "int": {
      const m = /^[#＃№]?(\d{1,9})号?$/.exec(word);
      return m ? yes(Number(m[1])) : no;
    }
    case "choice": {
      // Own keys only: "constructor" or "toString" are no choice.
      const own = (w: string) => (f.choices && Object.hasOwn(f.choices, w) ? f.choices[w] : undefined);
      const v = own(word) ?? own(word.toLowerCase());
      return v !== undefined ? yes(v) : no;
    }
    case "person": {
      const name = personOf(word);
      return name ? yes(name) : no;
    }
    case "text":
    case "rest":
      return word.length > 0 ? yes(word) : no;
  }
}

/**
 * The way teachers write who taught: a name (or 李老师) followed by what they did, as in
 * "李老师执教", "王芳主讲", "张校长作报告". Returns the name, or null for any other word.
 */
const PERSON_ACT = /^(?<name>[^\d\s=，,、]{1,10}?)(?:执教|主讲|授课|讲课|上课|作报告|做报告|开讲座|说课)$/u;

export function personOf(word: string): string | null {
  return PERSON_ACT.exec(word)?.groups?.name ?? null;
}

/** Values given after "key=" are more forgiving: a bare number is a headcount, any text a title. */
export function recognizeKeyed(value: string, f: FieldSpec, env: ParseEnv): Recognized {
  if (f.token === "headcount" && /^\d{1,6}$/.test(value)) return yes(Number(value));
  if (f.token === "title") return yes(value.replace(/^《|》$/g, "").trim());
  if (f.token === "person") return value.trim() ? yes(personOf(value.trim()) ?? value.trim()) : no;
  return recognize(value, f, env);
}
