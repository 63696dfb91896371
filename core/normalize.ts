/**
 * Turns what people type on phones into one canonical form, once, before parsing:
 * full-width ASCII and digits (NFKC), Traditional characters (OpenCC), a leading @mention,
 * repeated spaces and line breaks.
 */
import * as OpenCC from "opencc-js";

// Taiwan standard to mainland Simplified; Hong Kong forms are covered by the same dictionaries.
const toSimplified = OpenCC.Converter({ from: "tw", to: "cn" });

// Full-width punctuation that is simply how Chinese is written stays as typed (it shows in notes
// and titles); the rest of the full-width ASCII block (／＝：＃, digits, letters) becomes ASCII.
const KEEP_FULL_WIDTH = new Set(["，", "；", "！", "？", "（", "）"]);

function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => (KEEP_FULL_WIDTH.has(ch) ? ch : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/** Full-width → half-width, Traditional → Simplified, whitespace folded to single spaces. */
export function normalizeText(raw: string): string {
  const halfWidth = toHalfWidth(raw.replace(/\u3000/g, " ")).replace(/[\u200b-\u200f\u2060\ufeff]/g, "");
  return toSimplified(halfWidth).replace(/\s+/g, " ").trim();
}

/**
 * Speech input ends a sentence with 「。」 (WeCom and DingTalk voice transcriptions, phone
 * keyboards' dictation): "/记录 示范课 今天 语文。" must still be read as ending in 语文. Only the
 * final full stop(s) of the message or line go; one inside (a note's sentences) stays.
 */
export function dropSpokenFullStop(text: string): string {
  return text.replace(/[。．]+\s*$/u, "").trimEnd();
}

/** Removes leading "@名字" mentions (a platform may leave the bot's own mention in the text). */
export function stripLeadingMentions(text: string): { text: string; mentioned: boolean } {
  let rest = text;
  let mentioned = false;
  for (;;) {
    const m = /^@\S+\s*/.exec(rest);
    if (!m) break;
    mentioned = true;
    rest = rest.slice(m[0].length);
  }
  return { text: rest.trim(), mentioned };
}

/** A command starts with "/" (after normalization, "／" is "/" too). */
export function splitCommand(text: string): { name: string; rest: string } | undefined {
  const m = /^\/\s*([^\s/]+)\s*([\s\S]*)$/.exec(text);
  if (!m || m[1] === undefined) return undefined;
  return { name: m[1].toLowerCase(), rest: (m[2] ?? "").trim() };
}
