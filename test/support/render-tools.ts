/**
 * LibreOffice and poppler for looking at a generated .docx as a reader would: found on the
 * machine, or installed through apt (the reason is returned when neither works, so the test
 * that needs them can say so loudly).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");
const TOOLS = ["soffice", "pdftoppm", "pdftotext", "pdffonts"];
export const PACKAGES = ["libreoffice-writer-nogui", "poppler-utils", "fonts-noto-cjk"];

const has = (tool: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Finds the tools, installing them with apt when it can; the reason when it cannot. */
export function ensureTools(): string | null {
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
