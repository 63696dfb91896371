/** Long replies split to a platform's byte limit: at line boundaries, never mid-line unless one line is too long. */
import { describe, expect, it } from "vitest";
import { splitForLimit } from "../../bot/split.ts";

const bytes = (s: string) => Buffer.byteLength(s);

describe("splitForLimit", () => {
  it("keeps a short text whole", () => {
    expect(splitForLimit("一\n二", 100)).toEqual(["一\n二"]);
  });

  it("splits at line boundaries, every part within the limit, nothing lost", () => {
    const lines = Array.from({ length: 40 }, (_, i) => `#${i} 示范课 二小 语文`);
    const text = lines.join("\n");
    const parts = splitForLimit(text, 200);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(200);
    // Every part is made of whole lines, and together they are the text.
    for (const p of parts) for (const l of p.split("\n")) expect(lines).toContain(l);
    expect(parts.join("\n")).toBe(text);
  });

  it("cuts a single over-long line at character boundaries (never inside a Chinese character or an emoji)", () => {
    const line = "教联体😀".repeat(50);
    const parts = splitForLimit(`开头\n${line}\n结尾`, 64);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(64);
      expect(p).not.toMatch(/\uFFFD/);
      expect(Buffer.from(p).toString()).toBe(p);
    }
    expect(parts.join("").replace(/\n/g, "")).toBe(`开头${line}结尾`);
    expect(parts[0]).toBe("开头");
  });
});
