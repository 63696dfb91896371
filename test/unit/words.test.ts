/**
 * Words teachers use every day (issue 9): the new kind aliases, short date forms, approximate
 * headcounts and a school's everyday name, each in Simplified and Traditional; a refused word
 * gets its nearest candidates as a choice.
 */
import * as OpenCC from "opencc-js";
import { describe, expect, it } from "vitest";
import { isUserError, type UserError } from "../../commands/core/errors.ts";
import type { ParseEnv } from "../../commands/core/recognize.ts";
import { ENV, understand } from "./understand.ts";

const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });
const both = (typed: string) => [typed, toTraditional(typed)];

const COUNTY: ParseEnv = {
  ...ENV,
  schools: [
    { id: 11, fullName: "安川县实验小学", shortNames: ["县实小"], role: "core" },
    { id: 12, fullName: "杨庄乡中心小学", shortNames: ["杨庄"], role: "member" },
    { id: 13, fullName: "青龙沟村小学", shortNames: ["青龙沟"], role: "member" },
    { id: 14, fullName: "石门乡中心小学", shortNames: ["石门"], role: "member" },
  ],
};

describe("new kind aliases, Simplified and Traditional", () => {
  const cases: [string, string][] = [
    ["送教下乡", "示范课"],
    ["教研", "教研活动"],
    ["集备", "集体备课"],
    ["公开教学", "示范课"],
    ["课堂展示", "示范课"],
    ["研讨课", "示范课"],
    ["指导课题", "教研活动"],
    ["研究课题", "教研活动"],
    ["班主任会议", "德育活动"],
    ["德育交流", "德育活动"],
    ["一把手交流", "管理论坛"],
    ["校长交流", "管理论坛"],
  ];
  it.each(cases.flatMap(([word, kind]) => both(`/记录 ${word} 11月20日 杨庄`).map((typed) => ({ typed, kind }))))("$typed → $kind", ({ typed, kind }) => {
    expect(understand(typed, COUNTY).args).toMatchObject({ kind, host: 12 });
  });
});

describe("short dates as chat messages write them (today is 2026-11-22)", () => {
  const cases: [string, string][] = [
    ["10.27", "2026-10-27"],
    ["10/27", "2026-10-27"],
    ["10-27", "2026-10-27"],
    ["27号", "2026-11-27"],
    ["27日", "2026-11-27"],
    ["3号", "2026-12-03"],
    ["30号", "2026-11-30"],
    ["12.3", "2026-12-03"],
    ["1.5", "2027-01-05"],
    ["10.27日", "2026-10-27"],
  ];
  it.each(cases.flatMap(([word, date]) => both(`/记录 示范课 ${word} 杨庄`).map((typed) => ({ typed, date }))))("$typed → $date", ({ typed, date }) => {
    expect(understand(typed, COUNTY).args?.date).toEqual({ date });
  });

  it("refuses a short date that does not exist", () => {
    expect(() => understand("/记录 示范课 2.30 杨庄", COUNTY)).toThrow(/不存在/);
    expect(() => understand("/记录 示范课 13.5 杨庄", COUNTY)).toThrow(/不存在/);
  });
});

describe("headcounts as people write them", () => {
  const cases: [string, number][] = [
    ["约60人", 60],
    ["60余人", 60],
    ["60多人", 60],
    ["60人左右", 60],
    ["大约45名", 45],
    ["共120人次", 120],
  ];
  it.each(cases.flatMap(([word, n]) => both(`/记录 示范课 11月20日 杨庄 ${word}`).map((typed) => ({ typed, n }))))("$typed → $n", ({ typed, n }) => {
    expect(understand(typed, COUNTY).args?.headcount).toBe(n);
  });
});

describe("a school's everyday name", () => {
  it.each([...both("/记录 示范课 11月20日 杨庄小学"), ...both("/记录 示范课 11月20日 杨庄中心小学"), "/记录 示范课 11月20日 杨庄乡小学"])("%s → 杨庄乡中心小学", (typed) => {
    expect(understand(typed, COUNTY).args?.host).toBe(12);
  });

  it("asks when an everyday name fits two schools", () => {
    const env = { ...COUNTY, schools: [...COUNTY.schools, { id: 15, fullName: "杨庄镇第二小学", shortNames: ["杨二"], role: "member" as const }] };
    try {
      understand("/记录 示范课 11月20日 杨庄小学", env);
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as UserError).ambiguity?.options).toEqual(["杨庄乡中心小学", "杨庄镇第二小学"]);
    }
  });
});

describe("a refused word gets its nearest candidates, not the usage", () => {
  const refusal = (typed: string) => refusalIn(typed, COUNTY);
  function refusalIn(typed: string, env: ParseEnv): UserError {
    try {
      understand(typed, env);
    } catch (e) {
      if (isUserError(e)) return e;
      throw e;
    }
    throw new Error(`accepted: ${typed}`);
  }

  it.each(both("/记录 示范课 11月20日 扬庄"))("%s → 杨庄?", (typed) => {
    const e = refusal(typed);
    expect(e.userText).toBe("「扬庄」是「杨庄」吗？");
    expect(e.ambiguity?.options).toEqual(["杨庄"]);
  });

  it("offers a kind for a misspelt kind", () => {
    const e = refusal("/记录 集体被课 11月20日 杨庄");
    expect(e.ambiguity?.options).toContain("集体备课");
    expect(e.userText).not.toMatch(/用法/);
  });

  it("offers the place a school is named by, alone or inside 「X到Y」", () => {
    const env: ParseEnv = { ...COUNTY, schools: [...COUNTY.schools, { id: 15, fullName: "柳合乡中心小学", shortNames: [], role: "member" }] };
    const alone = refusalIn("/记录 示范课 11月20日 柳河乡", env);
    expect(alone.userText).toBe("「柳河乡」是「柳合乡」吗？");
    const route = refusalIn("/记录 示范课 11月20日 县实小到柳河乡", env);
    expect(route.userText).toBe("「柳河乡」是「柳合乡」吗？");
    expect(route.ambiguity).toEqual({ word: "柳河乡", options: ["柳合乡"], within: "县实小到柳河乡" });
    expect(refusalIn("/记录 示范课 11月20日 县食小到柳合乡", env).ambiguity?.options).toEqual(["县实小"]);
  });

  it("still explains a word that is near nothing", () => {
    expect(refusal("/记录 示范课 11月20日 火星").userText).toMatch(/没看懂「火星」/);
  });
});
