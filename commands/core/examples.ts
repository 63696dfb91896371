/**
 * Examples in usage texts and questions name the community's own schools, never the demo
 * community's (二小, 郝家也 … do not exist in a real community). The static texts keep the demo
 * names as placeholders; this swaps them for the community's core and member schools.
 */
import type { SchoolInfo } from "./recognize.ts";

const shortOf = (s: SchoolInfo) => s.shortNames[0] ?? s.fullName;

/** Demo name → the school it stands for (core, first member, second member, third member). */
const DEMO: readonly { full: string; shorts: readonly string[]; slot: number }[] = [
  { full: "清涧县第二小学", shorts: ["二小", "第二小学"], slot: 0 },
  { full: "郝家也中心小学", shorts: ["郝家也"], slot: 1 },
  { full: "双庙中心小学", shorts: ["双庙"], slot: 2 },
  { full: "寨沟中心小学", shorts: ["寨沟"], slot: 3 },
];

const GENERIC = [
  { full: "某某实验小学", short: "实小" },
  { full: "某某中心小学", short: "某校" },
  { full: "某某第二中心小学", short: "二中心" },
  { full: "某某第三中心小学", short: "三中心" },
];

export function localizeExamples(text: string, schools: readonly SchoolInfo[]): string {
  const core = schools.filter((s) => s.role === "core");
  const members = schools.filter((s) => s.role === "member");
  const ordered = [...core, ...members];
  let out = text;
  for (const demo of DEMO) {
    const own = ordered[demo.slot];
    // A community that really has the demo's school keeps its name.
    if (schools.some((s) => s.fullName === demo.full)) continue;
    const full = own?.fullName ?? GENERIC[demo.slot]?.full ?? "某某小学";
    const short = own ? shortOf(own) : (GENERIC[demo.slot]?.short ?? "某校");
    out = out.split(demo.full).join(full);
    for (const name of demo.shorts) out = out.replace(new RegExp(`(?<![\\u4e00-\\u9fff])${name}(?![\\u4e00-\\u9fff])|${name}(?=[ 、,，\\n）)]|$)`, "g"), () => short);
  }
  return out.replace(/清涧县第二小学教育共同体/g, "某某县实验小学教育共同体");
}
