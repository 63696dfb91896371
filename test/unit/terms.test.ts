/** The community's own term (termFor), its weeks, and the default names; pure, no database. */
import { describe, expect, it } from "vitest";
import { defaultTermName, termFor, termWeeks } from "../../core/terms.ts";

const own = { termName: "2026年秋季学期", termStart: "2026-09-01", termEnd: "2027-01-16" };
const none = { termName: null, termStart: null, termEnd: null };

describe("termFor", () => {
  it("uses the community's term for a day inside it", () => {
    expect(termFor(own, "2026-11-28")).toEqual({ name: "2026年秋季学期", start: "2026-09-01", end: "2027-01-16" });
  });
  it("falls back to the calendar outside it, and when none is set", () => {
    expect(termFor(own, "2027-03-01")).toEqual({ name: "2027年春季学期", start: "2027-02-01", end: "2027-08-31" });
    expect(termFor(none, "2026-11-28")).toEqual({ name: "2026年秋季学期", start: "2026-09-01", end: "2027-01-31" });
  });
});

describe("termWeeks", () => {
  const term = { name: "t", start: "2026-09-01", end: "2027-01-16" };
  it("counts the weeks, the current week and the weeks left (a started week counts)", () => {
    expect(termWeeks(term, "2026-11-28")).toEqual({ total: 20, current: 13, left: 8 });
    expect(termWeeks(term, "2026-09-01")).toEqual({ total: 20, current: 1, left: 20 });
    expect(termWeeks(term, "2027-01-16")).toEqual({ total: 20, current: 20, left: 1 });
  });
  it("is zero after the term and whole before it", () => {
    expect(termWeeks(term, "2027-01-17").left).toBe(0);
    expect(termWeeks(term, "2026-08-20")).toEqual({ total: 20, current: 0, left: 20 });
  });
});

describe("defaultTermName", () => {
  it.each([
    ["2026-09-01", "2026年秋季学期"],
    ["2026-08-25", "2026年秋季学期"],
    ["2027-01-05", "2026年秋季学期"],
    ["2027-02-20", "2027年春季学期"],
  ])("%s → %s", (start, name) => {
    expect(defaultTermName(start)).toBe(name);
  });
});
