/** Progress items in words: where a target applies, as /进度, the digest and exports show it. */
import type { HoldingBack, ItemScope, ProgressItem, ProgressReport } from "./progress.ts";

export function schoolNameIn(report: ProgressReport, id: number | null): string {
  return report.schools.find((s) => s.school.id === id)?.school.name ?? "未设学校";
}

/** Where an item applies (for /进度, the digest and the ledger), from the point of view of `self` (its own name is left out). */
export function scopeWhere(report: ProgressReport, scope: ItemScope, self?: number): string {
  switch (scope.type) {
    case "community":
      return "共同体";
    case "school":
      return scope.schoolId === self ? "" : schoolNameIn(report, scope.schoolId);
    case "pair": {
      const arrow = scope.directed ? "→" : "—";
      if (self === scope.giverId) return `${arrow}${schoolNameIn(report, scope.receiverId)}`;
      if (self === scope.receiverId) return scope.directed ? `${schoolNameIn(report, scope.giverId)}${arrow}` : `${arrow}${schoolNameIn(report, scope.giverId)}`;
      return `${schoolNameIn(report, scope.giverId)}${arrow}${schoolNameIn(report, scope.receiverId)}`;
    }
    case "mentor":
      return scope.side === "mentor" ? `导师${scope.person}（徒弟${scope.partner}）` : `徒弟${scope.person}`;
  }
}

/** A target's name as shown: its label, else its kind. */
export const targetLabel = (i: ProgressItem) => i.target.label ?? i.target.kind;

/** "石门（11 项目标中还差 9 项）", or for schools level with each other "郝家也、双庙（各 8 项目标中还差 8 项）". */
export function holdingBackText(h: HoldingBack): string {
  return `${h.schools.map((s) => s.name).join("、")}（${h.schools.length > 1 ? "各 " : ""}${h.of} 项目标中还差 ${h.behind} 项）`;
}

/**
 * Items with the same target on one line, so a school with a target per partner school reads in
 * a phone screen ("师徒结对：—郝家也 0/3、—双庙 1/3"); a target with one item reads as before
 * ("听评课 导师王老师（徒弟李老师） 1/2"). Order: as given (behind first), by each target's first item.
 */
export function groupedItemLines(report: ProgressReport, items: readonly ProgressItem[], self?: number): string[] {
  const groups = new Map<string, ProgressItem[]>();
  for (const i of items) groups.set(targetLabel(i), [...(groups.get(targetLabel(i)) ?? []), i]);
  const count = (i: ProgressItem) => `${i.done}/${i.min}${i.planned > 0 ? `（另有${i.planned}项计划）` : ""}`;
  return [...groups].map(([label, list]) => {
    const wheres = list.map((i) => scopeWhere(report, i.scope, self));
    if (list.length === 1) {
      const w = wheres[0] ?? "";
      const joined = w === "" || /^[→—]/.test(w) ? `${label}${w}` : `${label} ${w}`;
      return `${joined} ${count(list[0]!)}`;
    }
    return `${label}：${list.map((i, n) => (wheres[n] ? `${wheres[n]} ${count(i)}` : count(i))).join("、")}`;
  });
}
