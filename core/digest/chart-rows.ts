/** The progress chart's bars: per school, done vs target for what is behind (all items when nothing is). */
import type { ProgressReport } from "../progress.ts";
import { scopeWhere, targetLabel } from "../progress-text.ts";
import type { ChartRowLike } from "./input.ts";

export function chartRows(report: ProgressReport, max: number): ChartRowLike[] {
  const behind = report.items.filter((i) => !i.met);
  const shown = (behind.length > 0 ? behind : report.items).slice(0, max);
  return shown.map((i) => ({ label: `${targetLabel(i)} ${scopeWhere(report, i.scope)}`, done: i.done, target: i.min }));
}
