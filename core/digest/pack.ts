/**
 * A digest is a list of sections (each a list of lines). Platforms cap a message's size; the
 * digest is cut between sections, never inside one unless a single section alone is too big,
 * and then between lines (a line never breaks: each is far below any limit).
 */
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

export type Section = readonly string[];

export function packSections(sections: readonly Section[], maxBytes: number): string[] {
  const parts: string[] = [];
  let current = "";
  const push = (block: string) => {
    const candidate = current === "" ? block : `${current}\n\n${block}`;
    if (bytes(candidate) <= maxBytes) current = candidate;
    else {
      if (current !== "") parts.push(current);
      current = block;
    }
  };
  for (const section of sections.filter((s) => s.length > 0)) {
    const block = section.join("\n");
    if (bytes(block) <= maxBytes) {
      push(block);
      continue;
    }
    // One section over the limit: its lines, packed greedily, each part a whole number of lines.
    if (current !== "") parts.push(current);
    current = "";
    for (const line of section) {
      const candidate = current === "" ? line : `${current}\n${line}`;
      if (bytes(candidate) <= maxBytes) current = candidate;
      else {
        if (current !== "") parts.push(current);
        current = line;
      }
    }
  }
  if (current !== "") parts.push(current);
  return parts;
}

/**
 * Per-platform size of one digest message (UTF-8 bytes). WeCom: the smallest of its send paths
 * (self-built app markdown, 2048 bytes, developer.work.weixin.qq.com/document/path/90236);
 * DingTalk robot markdown 5000 (bot/dingtalk/replies.ts); the simulator like WeCom's robot.
 */
export const DIGEST_LIMIT = { wecom: 2048, dingtalk: 5000, sim: 4096 } as const;
