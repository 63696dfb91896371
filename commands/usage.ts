/** Usage lines generated from a command's schema, so help never drifts from the parser. */
import { fieldsOf } from "./fields.ts";
import type { AnyCommand } from "./types.ts";

export function usageLine(c: AnyCommand): string {
  const parts = fieldsOf(c.args).map((f) => {
    const label = f.placeholder ?? f.label;
    if ((f.token === "rest" || f.positional === false) && f.keys.length > 0) return `[${f.keys[0]}=…]`;
    const shown = f.multiple ? `${label}…` : label;
    return f.required ? `<${shown}>` : `[${shown}]`;
  });
  return `/${c.name} ${parts.join(" ")}`.trim();
}

export function keyedForms(c: AnyCommand): string {
  return fieldsOf(c.args).filter((f) => f.keys.length > 0).map((f) => `${f.keys[0]}=`).join(" ");
}

/** Usage plus one example: what every error for this command ends with. */
export function usageText(c: AnyCommand): string {
  const keyed = keyedForms(c);
  const lines = [`用法：${usageLine(c)}`];
  if (keyed) lines.push(`也可写成：${keyed}`);
  if (c.examples[0]) lines.push(`例如：${c.examples[0]}`);
  return lines.join("\n");
}

export function helpFor(c: AnyCommand): string {
  const names = [c.name, ...c.aliases].map((n) => `/${n}`).join(" ");
  return [`${names}：${c.summary}`, `用法：${usageLine(c)}`, ...c.examples.map((e) => `例如：${e}`)].join("\n");
}
