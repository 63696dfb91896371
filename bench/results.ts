/** bench/RESULTS.md keeps the newest run first: a section goes in before the first existing one. */
import { readFileSync, writeFileSync } from "node:fs";

/** `file`: RESULTS.md as the calling bench finds it (source benches and built ones in dist/ sit at different depths). */
export function prependResults(file: URL, section: string): void {
  const old = readFileSync(file, "utf8");
  const cut = old.indexOf("\n## ");
  writeFileSync(file, cut < 0 ? `${old}\n${section}` : `${old.slice(0, cut + 1)}${section}\n${old.slice(cut + 1)}`);
}
