/**
 * Splitting long replies to fit a platform's size limit (counted in UTF-8 bytes, as the
 * platforms count): at line boundaries, never inside a line unless one line alone is too long,
 * and then at character boundaries (never inside a character or a surrogate pair).
 */
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

export function splitForLimit(text: string, maxBytes: number): string[] {
  if (bytes(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const candidate = current === "" ? line : `${current}\n${line}`;
    if (bytes(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    if (current !== "") parts.push(current);
    if (bytes(line) <= maxBytes) {
      current = line;
      continue;
    }
    const pieces = splitLongLine(line, maxBytes);
    current = pieces.pop() ?? "";
    parts.push(...pieces);
  }
  if (current !== "") parts.push(current);
  return parts;
}

function splitLongLine(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of line) {
    if (bytes(current) + bytes(ch) > maxBytes) {
      out.push(current);
      current = "";
    }
    current += ch;
  }
  out.push(current);
  return out;
}
