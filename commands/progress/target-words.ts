/** Reading a target as an admin types it: "示范课 核心校→成员校 2 每月". */
import { resolveKind } from "../../core/kinds.ts";
import { PAIRS_KIND, type Per, type SchoolRole, type TargetScope, type TargetSpec } from "../../core/targets.ts";
import { UserError } from "../core/errors.ts";

export const TARGET_EXAMPLE = "例如：/目标 设置 示范课 核心校→成员校 2";

const ROLE: Readonly<Record<string, SchoolRole>> = { 核心校: "core", 核心: "core", 牵头校: "core", 成员校: "member", 成员: "member" };
const PER: Readonly<Record<string, Per>> = { 每学期: "term", 学期: "term", 每月: "month", 每个月: "month", 每周: "week", 每年: "year", 每学年: "year" };
const ROLE_PATTERN = "(核心校|核心|牵头校|成员校|成员)";

function readScope(text: string): TargetScope | undefined {
  const directed = new RegExp(`^${ROLE_PATTERN}\\s*(?:→|->|>|到)\\s*${ROLE_PATTERN}$`).exec(text);
  if (directed?.[1] && directed[2]) {
    const [giver, receiver] = [ROLE[directed[1]], ROLE[directed[2]]];
    if (giver && receiver) return { type: "pair", giver, receiver, directed: true, atReceiver: true };
  }
  const mutual = new RegExp(`^${ROLE_PATTERN}\\s*(?:—|-|↔|<->|与|和)\\s*${ROLE_PATTERN}$`).exec(text);
  if (mutual?.[1] && mutual[2]) {
    const [a, b] = [ROLE[mutual[1]], ROLE[mutual[2]]];
    if (a && b) return { type: "pair", giver: a, receiver: b, directed: false, atReceiver: false };
  }
  if (text === "双方" || text === "每对学校") return { type: "pair", giver: "core", receiver: "member", directed: false, atReceiver: false };
  if (text === "共同体" || text === "全体") return { type: "community" };
  if (text === "每校" || text === "每所学校" || text === "各校") return { type: "school", role: null };
  const role = ROLE[text.replace(/^每所?/, "")];
  if (role) return { type: "school", role };
  if (text === "导师" || text === "师傅" || text === "每位导师") return { type: "mentor", side: "mentor" };
  if (text === "徒弟" || text === "每名徒弟") return { type: "mentor", side: "mentee" };
  return undefined;
}

/** The words after "/目标 设置" → a target; a Chinese refusal naming the word that did not fit. */
export function readTarget(words: readonly string[]): TargetSpec {
  // "核心校 → 成员校" typed with spaces is one scope.
  const text = words.join(" ").replace(/\s*(→|->|↔|<->)\s*/g, "$1");
  let kind: string | undefined;
  let scope: TargetScope | undefined;
  let min: number | undefined;
  let per: Per = "term";
  for (const word of text.split(" ").filter(Boolean)) {
    const count = /^(\d{1,3})(?:次|节|篇|项|对|个)?$/.exec(word);
    if (count && min === undefined) min = Number(count[1]);
    else if (PER[word]) per = PER[word];
    else if (!kind && (resolveKind(word) || word === PAIRS_KIND || word === "结对")) kind = resolveKind(word) ?? PAIRS_KIND;
    else if (!scope && readScope(word)) scope = readScope(word);
    else throw new UserError(`没看懂「${word}」：目标写成 类型 范围 次数，范围如 共同体、核心校、成员校、核心校→成员校、核心校—成员校、导师、徒弟。\n${TARGET_EXAMPLE}`);
  }
  if (!kind) throw new UserError(`请写上活动类型。${TARGET_EXAMPLE}`);
  if (min === undefined || min < 1 || min > 200) throw new UserError(`请写上次数（1–200）。${TARGET_EXAMPLE}`);
  if (!scope) throw new UserError(`请写上范围：共同体、核心校、成员校、核心校→成员校、核心校—成员校、导师或徒弟。${TARGET_EXAMPLE}`);
  if (scope.type === "pair" && scope.directed && scope.giver === scope.receiver && scope.giver === "core") throw new UserError("核心校→核心校 不是两所学校之间的目标，请检查。");
  return { kind, min, per, scope };
}
