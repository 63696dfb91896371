/**
 * One progress chart as a PNG: for each target that is behind, done against the minimum, as a
 * horizontal bar on a grey track. ECharts renders SVG on the server (no browser, no canvas) and
 * resvg turns it into PNG with the bundled Chinese font.
 */
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";
import { CHART_FONT_FAMILY, chartFontFiles } from "./chart-font.ts";

export interface ChartRow {
  /** e.g. "示范课 县实小→杨庄" */
  label: string;
  done: number;
  target: number;
}

export interface ChartInput {
  title: string;
  subtitle?: string;
  rows: readonly ChartRow[];
}

/** Phone screens are ~750 px wide at 2×; more rows than this would be unreadable, so they are cut (the text lists all). */
export const CHART_WIDTH = 750;
export const MAX_CHART_ROWS = 14;
const ROW_HEIGHT = 40;
const TOP = 96;
const BOTTOM = 24;

export const chartHeight = (rows: number): number => TOP + BOTTOM + Math.max(1, Math.min(rows, MAX_CHART_ROWS)) * ROW_HEIGHT;

export function progressChartSvg(input: ChartInput): string {
  const rows = input.rows.slice(0, MAX_CHART_ROWS);
  const height = chartHeight(rows.length);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height });
  try {
    const labels = rows.map((r) => r.label).reverse();
    const done = rows.map((r) => Math.min(r.done, r.target)).reverse();
    const track = rows.map((r) => r.target).reverse();
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      textStyle: { fontFamily: CHART_FONT_FAMILY },
      title: {
        text: input.title,
        subtext: input.subtitle ?? "",
        left: 16,
        top: 12,
        textStyle: { fontSize: 24, fontWeight: "bold", color: "#1d2129" },
        subtextStyle: { fontSize: 16, color: "#4e5969" },
      },
      grid: { left: 16, right: 72, top: TOP, bottom: BOTTOM, containLabel: true },
      xAxis: { type: "value", show: false, max: (v: { max: number }) => Math.max(1, v.max) },
      yAxis: { type: "category", data: labels, axisTick: { show: false }, axisLine: { show: false }, axisLabel: { fontSize: 17, color: "#1d2129" } },
      series: [
        {
          type: "bar",
          data: track,
          barWidth: 18,
          barGap: "-100%",
          itemStyle: { color: "#e5e6eb", borderRadius: 9 },
          silent: true,
          label: { show: true, position: "right", fontSize: 16, color: "#4e5969", formatter: (p: { dataIndex: number }) => `${done[p.dataIndex] ?? 0}/${track[p.dataIndex] ?? 0}` },
        },
        { type: "bar", data: done, barWidth: 18, itemStyle: { color: "#f53f3f", borderRadius: 9 } },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function renderProgressChart(input: ChartInput): Buffer {
  return svgToPng(progressChartSvg(input), chartFontFiles());
}

/** Cost: about 0.1 s of CPU per chart on this machine, nearly all of it laying out the Chinese text. */
export function svgToPng(svg: string, fontFiles: readonly string[]): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: [...fontFiles], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
    fitTo: { mode: "width", value: CHART_WIDTH },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
