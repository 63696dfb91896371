/**
 * The nearest known words to one the parser could not place ("扬庄" → 杨庄, "集被" → 集体备课):
 * offered as a choice instead of the whole usage text.
 */
import { distance } from "fastest-levenshtein";
import { ACTIVITY_KINDS } from "../../core/kinds.ts";
import { SUBJECT_WORDS } from "../../core/subjects.ts";
import type { FieldSpec } from "./fields.ts";
import type { ParseEnv } from "./recognize.ts";

/** Every kind word → the canonical name offered for it. */
const KIND_WORDS: readonly [string, string][] = ACTIVITY_KINDS.flatMap((k) => [k.name, ...k.aliases].map((w) => [w, k.name] as [string, string]));

/** True when every character of `word` appears in `candidate` in order (集备 in 集体备课). */
function isSubsequence(word: string, candidate: string): boolean {
  let i = 0;
  for (const ch of candidate) if (ch === word[i]) i++;
  return i === word.length;
}

function closeEnough(word: string, candidate: string): number | undefined {
  if (word === candidate) return undefined;
  const d = distance(word, candidate);
  const allowed = [...word].length <= 3 ? 1 : 2;
  if (d <= allowed) return d;
  if ([...word].length >= 2 && candidate.length <= word.length + 3 && isSubsequence(word, candidate)) return d + 0.5;
  return undefined;
}

/**
 * The start of a full name as long as the word ("柳合乡" of 柳合乡中心小学 for a typed 柳河乡):
 * people name a school by its place, and the parser knows a school by any part of its name.
 */
function leadingPart(fullName: string, word: string): string[] {
  const n = [...word].length;
  const chars = [...fullName];
  return n >= 2 && n < chars.length ? [chars.slice(0, n).join("")] : [];
}

/** Up to three candidates for the fields of this command, nearest first. */
export function nearestWords(word: string, fields: readonly FieldSpec[], env: ParseEnv): string[] {
  // typed form → the word offered (a kind's canonical name; a school's own name)
  const pool = new Map<string, string>();
  for (const f of fields) {
    if (f.positional === false && f.keys.length === 0) continue;
    const words: [string, string][] =
      f.token === "kind"
        ? [...KIND_WORDS]
        : f.token === "school"
          ? env.schools.flatMap((s) => [s.fullName, ...s.shortNames, ...leadingPart(s.fullName, word)].map((n): [string, string] => [n, n]))
          : f.token === "subject"
            ? SUBJECT_WORDS.map((w): [string, string] => [w, w])
            : f.token === "choice"
              ? Object.keys(f.choices ?? {}).map((w): [string, string] => [w, w])
              : [];
    for (const [typed, offered] of words) pool.set(typed, offered);
  }
  // A known word that did not fit (given twice, say) is not a typo: nothing to offer.
  if (pool.has(word)) return [];
  const scored = [...pool]
    .map(([typed, shown]) => ({ shown, d: closeEnough(word, typed) }))
    .filter((x): x is { shown: string; d: number } => x.d !== undefined)
    .sort((a, b) => a.d - b.d);
  return [...new Set(scored.map((x) => x.shown))].slice(0, 3);
}

/** "「扬庄」是「杨庄」吗？" or "「X」是「A」还是「B」？" */
export function candidatesQuestion(word: string, options: readonly string[]): string {
  const quoted = options.map((o) => `「${o}」`);
  return options.length === 1 ? `「${word}」是${quoted[0]}吗？` : `「${word}」是${quoted.slice(0, -1).join("、")}还是${quoted.at(-1)}？`;
}
