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

export function keyedForms(c: AnyCommand): string {
  return fieldsOf(c.args)
    .filter((f) => f.keys.length > 0 && !f.hidden)
    .map((f) => `${f.keys[0]}=`)
    .join(" ");
}

/** Usage plus one example: what every error for this command ends with. */
export function usageText(c: AnyCommand, schools: readonly SchoolInfo[] = []): string {
  const keyed = keyedForms(c);
  const lines = [`用法：${usageLine(c)}`];
  if (keyed) lines.push(`也可写成：${keyed}`);
  if (c.examples[0]) lines.push(`例如：${c.examples[0]}`);
  return localizeExamples(lines.join("\n"), schools);
}

export function helpFor(c: AnyCommand, schools: readonly SchoolInfo[] = []): string {
  const names = [c.name, ...c.aliases].map((n) => `/${n}`).join(" ");
  return localizeExamples([`${names}：${c.summary}`, `用法：${usageLine(c)}`, ...c.examples.map((e) => `例如：${e}`)].join("\n"), schools);
}
