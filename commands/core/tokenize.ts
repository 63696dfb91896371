/**
 * Splits a command's argument text into pieces: 《titles》 stay whole (spaces included),
 * "key=value" / "key：value" pieces are recognized only for keys the command knows, and
 * positional words are further split on Chinese list punctuation (，、；).
 */
export type Piece = { type: "kv"; key: string; value: string; start: number; valueStart: number; end: number } | { type: "word"; text: string; start: number; end: number };

const WORD = /《[^》]*》|[^\s《]+/g;
const LIST_PUNCTUATION = /[,，、;；]+/;

export function tokenize(text: string, knownKeys: ReadonlySet<string>): Piece[] {
  const raw: { text: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) raw.push({ text: m[0], start: m.index, end: m.index + m[0].length });

  const pieces: Piece[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    if (!r) continue;
    const kv = /^([^=:《]+?)[=:](.*)$/.exec(r.text);
    const key = kv?.[1]?.toLowerCase();
    if (kv && key !== undefined && knownKeys.has(key)) {
      let value = kv[2] ?? "";
      let end = r.end;
      // "key= value": the value is the next word.
      const next = raw[i + 1];
      if (value === "" && next && !isKeyValue(next.text, knownKeys)) {
        value = next.text;
        end = next.end;
        i++;
      }
      pieces.push({ type: "kv", key, value, start: r.start, valueStart: r.start + (kv[1]?.length ?? 0) + 1, end });
      continue;
    }
    let offset = r.start;
    const parts = r.text.startsWith("《") ? [r.text] : r.text.split(LIST_PUNCTUATION);
    for (const part of parts) {
      if (part) pieces.push({ type: "word", text: part, start: offset, end: offset + part.length });
      offset += part.length + 1;
    }
  }
  return pieces;
}

export function isKeyValue(word: string, knownKeys: ReadonlySet<string>): boolean {
  const kv = /^([^=:《]+?)[=:]/.exec(word);
  return kv?.[1] !== undefined && knownKeys.has(kv[1].toLowerCase());
}
