/** The progress chart: a real PNG of the expected size, Chinese drawn with the bundled font. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_WIDTH, chartHeight, MAX_CHART_ROWS, progressChartSvg, renderProgressChart, svgToPng } from "../../reports/progress-chart.ts";
import { decodePng } from "../support/png.ts";

const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");
const rows = [
  { label: "示范课 县实小→杨庄", done: 1, target: 2 },
  { label: "集体备课 县实小→青龙沟", done: 0, target: 2 },
  { label: "听评课 青龙沟", done: 1, target: 2 },
];

describe("progress chart", () => {
  it("renders a PNG that decodes to the expected size, kept as an artifact to look at", () => {
    const png = renderProgressChart({ title: "本学期目标进度", subtitle: "截至 11月22日 · 剩 7 周", rows });
    const { width, height } = decodePng(png);
    expect(width).toBe(CHART_WIDTH);
    expect(height).toBe(chartHeight(rows.length));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "progress-chart.png"), png);
  });

  it("draws the labels as Chinese text with the bundled font (no system font consulted)", () => {
    const svg = progressChartSvg({ title: "本学期目标进度", rows });
    expect(svg).toContain("集体备课 县实小→青龙沟");
    expect(svg).toContain("0/2");
    // Without a font resvg silently draws no text at all: the picture with the bundled font must carry much more.
    const withFont = renderProgressChart({ title: "本学期目标进度", rows });
    const withoutFont = svgToPng(svg, []);
    expect(withFont.length).toBeGreaterThan(withoutFont.length * 2);
  });

  it("caps the rows so a long list stays readable on a phone", () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ label: `示范课 第${i}项`, done: 0, target: 1 }));
    expect(decodePng(renderProgressChart({ title: "进度", rows: many })).height).toBe(chartHeight(MAX_CHART_ROWS));
  });
});
