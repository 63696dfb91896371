/**
 * Targets (quotas a term is judged by) and progress against them. Pure: counts in, rows out.
 * The default template follows seed 002 (对口协作), the most concrete of the seeds.
 */
export type TargetScope = "community" | "school";

export interface TargetRule {
  kind: string;
  scope: TargetScope;
  /** For school scope: which schools it applies to. */
  schoolRole?: "core" | "member" | "any";
  minCount: number;
}

/** Seed 002: per term, for both schools; the larger (core) and smaller (member) school each have more. */
export const DEFAULT_TARGETS: readonly TargetRule[] = [
  { kind: "联席会议", scope: "community", minCount: 1 },
  { kind: "管理论坛", scope: "school", schoolRole: "core", minCount: 2 },
  { kind: "教研活动", scope: "school", schoolRole: "any", minCount: 2 },
  { kind: "主题活动", scope: "school", schoolRole: "any", minCount: 1 },
  { kind: "集体备课", scope: "school", schoolRole: "core", minCount: 2 },
  { kind: "示范课", scope: "school", schoolRole: "core", minCount: 2 },
  { kind: "专题讲座", scope: "school", schoolRole: "core", minCount: 2 },
  { kind: "参观学习", scope: "school", schoolRole: "member", minCount: 1 },
  { kind: "挂职", scope: "school", schoolRole: "member", minCount: 1 },
  { kind: "听评课", scope: "school", schoolRole: "member", minCount: 2 },
  { kind: "论文案例", scope: "school", schoolRole: "member", minCount: 1 },
];

export interface SchoolRef {
  id: number;
  fullName: string;
  role: "core" | "member";
}

export interface ActivityRef {
  kind: string;
  hostSchoolId: number | null;
  schoolIds: number[];
}

export interface ProgressRow {
  kind: string;
  done: number;
  target: number | null;
}

export interface Progress {
  community: ProgressRow[];
  schools: { school: SchoolRef; rows: ProgressRow[]; behind: number }[];
}

/** An activity counts once for the community and once for every school it involved. */
function involves(a: ActivityRef, schoolId: number): boolean {
  return a.hostSchoolId === schoolId || a.schoolIds.includes(schoolId);
}

function countByKind(activities: readonly ActivityRef[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of activities) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return counts;
}

function rows(counts: Map<string, number>, targets: Map<string, number>): ProgressRow[] {
  const kinds = new Set([...targets.keys(), ...counts.keys()]);
  return [...kinds].map((kind) => ({ kind, done: counts.get(kind) ?? 0, target: targets.get(kind) ?? null }));
}

export function computeProgress(schools: readonly SchoolRef[], activities: readonly ActivityRef[], rules: readonly TargetRule[]): Progress {
  const communityTargets = new Map(rules.filter((r) => r.scope === "community").map((r) => [r.kind, r.minCount]));
  const community = rows(countByKind(activities), communityTargets);
  const perSchool = schools.map((school) => {
    const applicable = rules.filter((r) => r.scope === "school" && (r.schoolRole === "any" || r.schoolRole === undefined || r.schoolRole === school.role));
    const targets = new Map(applicable.map((r) => [r.kind, r.minCount]));
    const schoolRows = rows(countByKind(activities.filter((a) => involves(a, school.id))), targets);
    const behind = schoolRows.filter((r) => r.target !== null && r.done < r.target).length;
    return { school, rows: schoolRows, behind };
  });
  return { community, schools: perSchool };
}
