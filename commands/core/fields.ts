/**
 * Argument metadata attached to each field of a command's zod schema. The same schema then drives
 * the text parser (which token goes to which field), the usage text, and (later) forms.
 */
import { z } from "zod";

export type TokenKind =
  | "date" // a Chinese or numeric date → { date, time? }
  | "school" // a known school (full or short name) → school id
  | "subject" // 语文, 数学 … → canonical subject
  | "kind" // an activity kind or alias → canonical kind
  | "headcount" // "35人" → 35
  | "title" // 《…》 → text inside
  | "int" // a record number, "#12" or "12" → 12
  | "choice" // one of `choices` → its value
  | "person" // "李老师执教", "王芳主讲" → the person (after key=, any name)
  | "text" // any other word, in order
  | "rest"; // everything up to the next key=value, punctuation kept

export interface FieldMeta {
  /** Chinese label used in usage and questions. */
  label: string;
  /** Keys accepted in key=value form (Chinese first). */
  keys: readonly string[];
  token: TokenKind;
  multiple?: boolean;
  required?: boolean;
  /** The question asked in the chat when a required field is missing. Absent: fail with usage. */
  ask?: string;
  /** For token "choice": typed word → stored value. */
  choices?: Readonly<Record<string, string>>;
  /** False: only filled as key=value, never from a positional word (e.g. people's names). */
  positional?: boolean;
  /** A line of help under the field in a web form. */
  hint?: string;
  /** Placeholder shown in the usage line, e.g. "<类型>". */
  placeholder?: string;
  /** Only filled by answering the bot's question (a confirmation): left out of usage lines. */
  hidden?: boolean;
  /**
   * For a command's leading choice field, its sub-verbs (parse.ts reads it from the first word):
   * per value, what may follow the verb and what that does, one usage line each. Usage, /帮助 and
   * the command's own refusals show these lines (usage.ts); a value without lines is shown bare.
   */
  verbs?: Readonly<Record<string, readonly VerbUsage[]>>;
}

/** One usage line of a sub-verb: "/设置 提醒 3天 2小时　会前多久提醒". */
export interface VerbUsage {
  /** What follows the verb, e.g. "<日期> [补班]"; absent: the verb alone. */
  args?: string;
  /** What it does, or an example. */
  does?: string;
}

export const fieldRegistry = z.registry<FieldMeta>();

/** Attaches parsing metadata to a zod schema and returns it (for use inside z.object). */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  (schema as z.ZodType).register(fieldRegistry, meta);
  return schema;
}

export type ArgsSchema = z.ZodObject<Record<string, z.ZodType>>;

export interface FieldSpec extends FieldMeta {
  name: string;
}

/** The fields of a command's schema in declaration order, with their metadata. */
export function fieldsOf(schema: ArgsSchema): FieldSpec[] {
  return Object.entries(schema.shape).map(([name, s]) => {
    const meta = fieldRegistry.get(s);
    if (!meta) throw new Error(`field ${name} has no metadata`);
    return { name, ...meta };
  });
}
