/** How /学校 and /成员 split "several at once" (Command.several) into one argument text each. */

const LIST = /[、，,]/;

/** The message's lines, trimmed, without empty ones. */
export const linesOf = (rest: string) =>
  rest
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

/** "张三、李四 二小 教师" → "张三 二小 教师", "李四 二小 教师": the first word lists several, the rest applies to each. */
export function expandFirstWord(line: string): string[] {
  const [first = "", ...others] = line.split(/\s+/);
  if (first.includes("=")) return [line];
  const names = first.split(LIST).filter((n) => n !== "");
  return names.length > 1 ? names.map((n) => [n, ...others].join(" ")) : [line];
}
