/**
 * The Chinese font charts are drawn with: Noto Sans SC (as "Noto Sans Hans"), shipped inside an
 * npm package, so a fresh `npm install` draws Chinese, not boxes, and nothing is downloaded at
 * run time. The machine's own fonts are never consulted: the picture is the same everywhere.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const CHART_FONT_FAMILY = "Noto Sans Hans";

export function chartFontFiles(): string[] {
  const entry = createRequire(import.meta.url).resolve("@embedpdf/fonts-sc");
  const fonts = join(dirname(entry), "..", "fonts");
  return ["NotoSansHans-Regular.otf", "NotoSansHans-Bold.otf"].map((f) => join(fonts, f));
}
