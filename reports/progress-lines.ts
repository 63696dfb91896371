/** One progress item as a line in a document: "示范课 县实小→杨庄 1/2". */
import type { ProgressItem, ProgressReport } from "../core/progress.ts";
import { scopeWhere } from "../core/progress-text.ts";

export function itemLine(report: ProgressReport, i: ProgressItem): string {
  const where = scopeWhere(report, i.scope);
  return `${i.target.label ?? i.target.kind} ${where} ${i.done}/${i.min}`;
}
