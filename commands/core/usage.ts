/** Usage lines generated from a command's schema, so help never drifts from the parser. */
import { localizeExamples } from "./examples.ts";
import { fieldsOf } from "./fields.ts";
import type { SchoolInfo } from "./recognize.ts";
import type { AnyCommand } from "./types.ts";

export function usageLine(c: AnyCommand): string {
  const parts = fieldsOf(c.args)
    .filter((f) => !f.hidden)
    .map((f) => {
      const label = f.placeholder ?? f.label;
      if ((f.token === "rest" || f.token === "person" || f.positional === false) && f.keys.length > 0) return `[${f.keys[0]}=…]`;
      const shown = f.multiple ? `${label}…` : label;
      return f.required ? `<${shown}>` : `[${shown}]`;
    });
  return `/${c.name} ${parts.join(" ")}`.trim();
}

/**
 * What every refusal for this command ends with: one example (issue 25: a refusal is one line plus
 * one example, not the whole usage; /帮助 <命令> has the rest).
 */
export function exampleLine(c: AnyCommand, schools: readonly SchoolInfo[] = []): string {
  return localizeExamples(`例如：${c.examples[0] ?? usageLine(c)}`, schools);
}

export function helpFor(c: AnyCommand, schools: readonly SchoolInfo[] = []): string {
  const names = [c.name, ...c.aliases].map((n) => `/${n}`).join(" ");
  return localizeExamples([`${names}：${c.summary}`, `用法：${usageLine(c)}`, ...c.examples.map((e) => `例如：${e}`)].join("\n"), schools);
}
