/**
 * A district's term at a glance: activities recorded per week, as an SVG bar chart drawn on the
 * server by ECharts (no browser script, nothing fetched). The bars after this week stay empty.
 */
import * as echarts from "echarts";

export interface WeekBar {
  /** "第3周" */
  label: string;
  count: number;
}

export function weeklyChartSvg(weeks: readonly WeekBar[], width = 1000, height = 260): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      grid: { left: 40, right: 16, top: 20, bottom: 36 },
      xAxis: { type: "category", data: weeks.map((w) => w.label), axisTick: { show: false }, axisLabel: { fontSize: 13, color: "#4e5969", interval: "auto" } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 13, color: "#4e5969" }, splitLine: { lineStyle: { color: "#e5e6eb" } } },
      series: [{ type: "bar", data: weeks.map((w) => w.count), itemStyle: { color: "#1664ff", borderRadius: [4, 4, 0, 0] }, barMaxWidth: 28 }],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
