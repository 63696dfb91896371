/** Usage lines generated from a command's schema, so help never drifts from the parser. */
import { localizeExamples } from "./examples.ts";
import { type ArgsSchema, type FieldSpec, fieldsOf } from "./fields.ts";
import type { SchoolInfo } from "./recognize.ts";
import type { AnyCommand } from "./types.ts";

/** What usage is generated from: a command's name and its schema. */
type Usable = { name: string; args: ArgsSchema };

/** The leading choice field that declares sub-verbs, if the command has one. */
function verbField(args: ArgsSchema): FieldSpec | undefined {
  const lead = fieldsOf(args)[0];
  return lead?.token === "choice" && lead.verbs ? lead : undefined;
}

/** The word shown for a verb's value: the first typed word that stands for it. */
function verbWord(f: FieldSpec, value: string): string {
  return Object.entries(f.choices ?? {}).find(([, v]) => v === value)?.[0] ?? value;
}

/**
 * Every usage line of a command: one per sub-verb line its verb field declares (only `verb`'s when
 * given), else the one line from its fields.
 */
export function usageLines(c: Usable, verb?: string): string[] {
  const f = verbField(c.args);
  if (!f?.verbs) return [usageLine(c)];
  return Object.entries(f.verbs)
    .filter(([value]) => verb === undefined || value === verb)
    .flatMap(([value, lines]) => {
      const head = `/${c.name} ${verbWord(f, value)}`;
      return lines.length === 0 ? [head] : lines.map((l) => `${head}${l.args ? ` ${l.args}` : ""}${l.does ? `　${l.does}` : ""}`);
    });
}

/** "用法：" and the usage lines, for a command's own answer to a bare or unknown sub-verb. */
export function usageText(c: Usable, verb?: string): string {
  return ["用法：", ...usageLines(c, verb)].join("\n");
}

export function usageLine(c: Usable): string {
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
  const lines = usageLines(c);
  const usage = lines.length === 1 ? [`用法：${lines[0]}`] : ["用法：", ...lines];
  return localizeExamples([`${names}：${c.summary}`, ...usage, ...c.examples.map((e) => `例如：${e}`)].join("\n"), schools);
}
