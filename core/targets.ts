/**
 * Targets (the quotas a term is judged by) as pure data, in the terms the seeds write them:
 * a kind, a minimum per period, and a scope (who must do it, for whom).
 */
export type SchoolRole = "core" | "member";
export type Per = "term" | "month" | "week" | "year";

export type TargetScope =
  /** The community as a whole. */
  | { type: "community" }
  /** Each school of a role (null: every school). */
  | { type: "school"; role: SchoolRole | null }
  /**
   * Each pair of schools giver → receiver by role ("core school at each member school").
   * Undirected: any activity both schools took part in counts, whoever gave it.
   * atReceiver: it must take place at the receiving school (host = receiver).
   */
  | { type: "pair"; giver: SchoolRole; receiver: SchoolRole; directed: boolean; atReceiver: boolean }
  /** Each mentor pair, counted for the mentor (per mentee) or the mentee. */
  | { type: "mentor"; side: "mentor" | "mentee" };

export interface TargetSpec {
  /** An activity kind, or PAIRS_KIND (counts registered mentor pairs, not activities). */
  kind: string;
  min: number;
  per: Per;
  scope: TargetScope;
  /** The seed's own words when they say more than the kind ("指导课题"). */
  label?: string;
  /** The stored row's id, when it came from the database. */
  id?: number;
}

/** A pseudo-kind: the number of mentor pairs (师徒结对) between two schools. */
export const PAIRS_KIND = "师徒结对";

const both = { type: "pair", giver: "core", receiver: "member", directed: false, atReceiver: false } as const;
const coreAtMember = { type: "pair", giver: "core", receiver: "member", directed: true, atReceiver: true } as const;
const memberAtCore = { type: "pair", giver: "member", receiver: "core", directed: true, atReceiver: true } as const;
const mentor = { type: "mentor", side: "mentor" } as const;
const mentee = { type: "mentor", side: "mentee" } as const;
const community = { type: "community" } as const;

/**
 * Seed 002 (对口协作), per term. Both schools of a pair: 对口协作会议 ≥ 1, 一把手 exchange ≥ 1,
 * 研讨活动 ≥ 2, 主题活动 ≥ 1, mentor pairs ≥ 3; each mentor per mentee 听评课 ≥ 2, 指导课题 ≥ 2.
 * Larger (core) school: 工作例会 with the partner's managers ≥ 2; at the partner school 集体备课,
 * 课题指导, 教学示范, 专题讲座 ≥ 2 each. Smaller (member) school: managers learning at the partner
 * ≥ 1, 挂职 ≥ 1; each mentee 听课 ≥ 2, 公开教学 ≥ 1, 论文或案例 ≥ 1.
 */
const 对口协作: TargetSpec[] = [
  { kind: "联席会议", min: 1, per: "term", scope: both, label: "对口协作会议" },
  { kind: "管理论坛", min: 1, per: "term", scope: both, label: "一把手交流" },
  { kind: "教研活动", min: 2, per: "term", scope: both, label: "研讨活动" },
  { kind: "主题活动", min: 1, per: "term", scope: both },
  { kind: PAIRS_KIND, min: 3, per: "term", scope: both },
  { kind: "管理论坛", min: 2, per: "term", scope: { ...coreAtMember, atReceiver: false }, label: "工作例会" },
  { kind: "集体备课", min: 2, per: "term", scope: coreAtMember },
  { kind: "教研活动", min: 2, per: "term", scope: coreAtMember, label: "课题指导" },
  { kind: "示范课", min: 2, per: "term", scope: coreAtMember },
  { kind: "专题讲座", min: 2, per: "term", scope: coreAtMember },
  { kind: "参观学习", min: 1, per: "term", scope: memberAtCore, label: "赴对方学习" },
  { kind: "挂职", min: 1, per: "term", scope: memberAtCore },
  { kind: "听评课", min: 2, per: "term", scope: memberAtCore },
  { kind: "听评课", min: 2, per: "term", scope: mentor },
  { kind: "教研活动", min: 2, per: "term", scope: mentor, label: "指导课题" },
  { kind: "听评课", min: 2, per: "term", scope: mentee, label: "听课" },
  { kind: "示范课", min: 1, per: "term", scope: mentee, label: "公开教学" },
  { kind: "论文案例", min: 1, per: "term", scope: mentee },
];

/**
 * Seed 000 (三校紧密型教育共同体): each school 1–2 管理论坛 a term; 1–2 班主任或科组长会议 and
 * 1–2 德育交流 a term (both are 德育活动 here); a 课堂展示 every month; 教学感想 1–2 a term.
 */
const 紧密型: TargetSpec[] = [
  { kind: "管理论坛", min: 1, per: "term", scope: { type: "school", role: null } },
  { kind: "德育活动", min: 1, per: "term", scope: community, label: "班主任会议" },
  { kind: "德育活动", min: 1, per: "term", scope: community, label: "德育交流" },
  { kind: "示范课", min: 1, per: "month", scope: community, label: "课堂展示" },
];

/** Seed 001 (教联体): 每月一次联合调研, 每周一次同课异构, 每年一个研究课题. */
const 教联体: TargetSpec[] = [
  { kind: "教研活动", min: 1, per: "month", scope: community, label: "联合调研" },
  { kind: "同课异构", min: 1, per: "week", scope: community },
  { kind: "教研活动", min: 1, per: "year", scope: community, label: "研究课题" },
];

export const TARGET_TEMPLATES: Readonly<Record<string, readonly TargetSpec[]>> = { 对口协作, 紧密型, 教联体 };
export const DEFAULT_TEMPLATE = "对口协作";
export const DEFAULT_TARGETS: readonly TargetSpec[] = 对口协作;

const ROLE_WORD: Record<SchoolRole, string> = { core: "核心校", member: "成员校" };
const PER_WORD: Record<Per, string> = { term: "每学期", month: "每月", week: "每周", year: "每年" };

export function scopeText(s: TargetScope): string {
  switch (s.type) {
    case "community":
      return "共同体";
    case "school":
      return s.role ? `每所${ROLE_WORD[s.role]}` : "每所学校";
    case "pair":
      if (!s.directed) return `${ROLE_WORD[s.giver]}—${ROLE_WORD[s.receiver]}双方`;
      return `${ROLE_WORD[s.giver]}→${ROLE_WORD[s.receiver]}${s.atReceiver ? "（在对方校）" : ""}`;
    case "mentor":
      return s.side === "mentor" ? "每位导师（每名徒弟）" : "每名徒弟";
  }
}

/** One line for /目标 列表: "示范课 核心校→成员校（在对方校） 每学期 ≥ 2". */
export function targetText(t: TargetSpec): string {
  const name = t.label && t.label !== t.kind ? `${t.kind}（${t.label}）` : t.kind;
  return `${name} ${scopeText(t.scope)} ${PER_WORD[t.per]} ≥ ${t.min}`;
}

/**
 * Two targets are the same rule (so setting it again changes its minimum) when kind, period and
 * scope match; the label is only the seed's wording and does not count.
 */
export function sameRule(a: TargetSpec, b: TargetSpec): boolean {
  return a.kind === b.kind && a.per === b.per && JSON.stringify(a.scope) === JSON.stringify(b.scope);
}
