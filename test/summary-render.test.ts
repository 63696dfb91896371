/**
 * The term summary as a reader sees it: the .docx opened by LibreOffice (as a school's WPS or
 * Word would lay it out), pages 1–2 rendered to PNG in test/artifacts/ for a person to look at,
 * and the layout checked where a machine can: Chinese glyphs from a CJK font (no boxes), the
 * four headings, and each school's name on one line in the table. LibreOffice and poppler are
 * installed through apt when missing; only a machine without apt skips, and says so.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";
import { fullTerm } from "./support/summary-term.ts";

const ARTIFACTS = join(import.meta.dirname, "artifacts");
const TOOLS = ["soffice", "pdftoppm", "pdftotext", "pdffonts"];
const PACKAGES = ["libreoffice-writer-nogui", "poppler-utils", "fonts-noto-cjk"];

const has = (tool: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Finds the tools, installing them with apt when it can; the reason when it cannot. */
function ensureTools(): string | null {
  if (TOOLS.every(has) && existsSync("/usr/share/fonts/opentype/noto")) return null;
  if (!has("apt-get")) return "apt-get is not available";
  try {
    const opts = { stdio: "ignore" as const, timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
    execFileSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "update", "-qq"], opts);
    execFileSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "--no-install-recommends", ...PACKAGES], opts);
  } catch (err) {
    return `apt-get install ${PACKAGES.join(" ")} failed: ${(err as Error).message}`;
  }
  return TOOLS.every(has) ? null : `still missing after apt-get: ${TOOLS.filter((t) => !has(t)).join(", ")}`;
}

const missing = ensureTools();
if (missing) console.warn(`⚠️ SKIPPING the rendered-summary test: ${missing}. Install ${PACKAGES.join(" ")} to run it.`);

let app: App;
let clock = TEST_NOW;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "r".repeat(40) }, () => clock);
});
afterAll(async () => app?.close());

describe.skipIf(missing !== null)("the term summary rendered by LibreOffice", () => {
  it("lays out pages 1–2 with CJK glyphs, the headings, and school names unbroken in the table", async () => {
    const g = await fullTerm(app, (at) => {
      clock = at;
    });
    const url = /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(await g.says("/导出 总结"))?.[0] ?? "";
    const res = await fetch(url);
    expect(res.status).toBe(200);
    mkdirSync(ARTIFACTS, { recursive: true });
    const docx = join(ARTIFACTS, "summary.docx");
    const pdf = join(ARTIFACTS, "summary.pdf");
    for (const f of [pdf, join(ARTIFACTS, "summary-page-1.png"), join(ARTIFACTS, "summary-page-2.png")]) rmSync(f, { force: true });
    writeFileSync(docx, Buffer.from(await res.arrayBuffer()));

    // Its own profile, so a LibreOffice already running elsewhere on the machine is not reused.
    const profile = `file:///tmp/lo-summary-${process.pid}`;
    execFileSync("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", ARTIFACTS, docx], { stdio: "ignore", timeout: 180_000 });
    expect(existsSync(pdf)).toBe(true);
    execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "2", pdf, join(ARTIFACTS, "summary-page")], { timeout: 60_000 });
    for (const page of [1, 2])
      expect(
        readFileSync(join(ARTIFACTS, `summary-page-${page}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");

    // Glyphs come from a CJK font (宋体/黑体 fall back to Noto CJK here), not from a font without Chinese.
    const fonts = execFileSync("pdffonts", [pdf]).toString();
    expect(fonts).toMatch(/CJK|Song|Hei|Ming|Sim/i);
    const layout = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
    for (const h of ["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、下一步打算"]) expect(layout).toContain(h);
    // pdftotext spaces CJK from digits and breaks lines: compare without whitespace.
    expect(layout.replace(/\s+/g, "")).toContain("现将2026年秋季学期共同体工作总结如下：");
    // In the table each row starts with a school's whole name (a wrapped cell would split it).
    for (const school of ["清涧县第二小学", "郝家也中心小学", "双庙中心小学"]) expect(layout).toMatch(new RegExp(`^\\s*${school}\\s+\\d+\\s+\\d+`, "m"));
  }, 300_000);
});
