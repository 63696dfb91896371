/**
 * Several items in one command (Command.several): each part is parsed and run by itself inside
 * its own savepoint, so one refused part loses no other and leaves nothing half-written; the
 * message gets one reply with every result and every refused part with its reason.
 */
import { dropSpokenFullStop, normalizeText, splitCommand, stripLeadingMentions } from "../../core/normalize.ts";
import type { Tx } from "../../db/client.ts";
import type { Reply } from "../../messages/messages.ts";
import { AskError, isUserError } from "./errors.ts";
import { fieldsOf } from "./fields.ts";
import { parseArgs } from "./parse.ts";
import type { AnyCommand, CommandContext, CommandResult } from "./types.ts";
import { exampleLine } from "./usage.ts";

/**
 * The argument text with its line breaks (dispatch folds them into spaces for the parser): each
 * line normalized by itself, the leading @mentions and the command word taken off the first.
 */
export function argumentLines(raw: string): string {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => dropSpokenFullStop(normalizeText(l)))
    .filter((l) => l !== "");
  const first = stripLeadingMentions(lines[0] ?? "").text;
  const rest = splitCommand(first)?.rest ?? first.replace(/^\S+\s*/, "");
  return [rest, ...lines.slice(1)].join("\n").trim();
}

type Mention = NonNullable<CommandContext["message"]["mentions"]>[number];

/**
 * The @-mentions that belong to one part (a line of /成员 names its own person): a part that does
 * not start with "@" has none, so another line's mention never lands on it; one that does has the
 * mention of that name where the platform names mentions, else all of them (one: that one; more:
 * the command refuses to guess which account is meant).
 */
export function mentionsOfPart(part: string, mentions: readonly Mention[]): Mention[] {
  const at = /^@(\S+)/.exec(part);
  if (!at) return [];
  const named = mentions.filter((m) => m.name === at[1]);
  return named.length === 1 ? named : [...mentions];
}

const texts = (r: CommandResult) => (typeof r === "string" ? r : r.map((x) => x.text).join("\n"));

export async function runSeveral(tx: Tx, ctx: CommandContext, command: AnyCommand, parts: readonly string[]): Promise<Reply[]> {
  const done: string[] = [];
  const refused: { n: number; part: string; reason: string }[] = [];
  for (const [i, part] of parts.entries()) {
    await tx.$executeRawUnsafe("SAVEPOINT several_part");
    try {
      const parsed = parseArgs(command.args, part, ctx.parseEnv);
      if (parsed.kind === "missing") throw new AskError(parsed.field.name, parsed.partial);
      const message = { ...ctx.message, mentions: mentionsOfPart(part, ctx.message.mentions ?? []) };
      done.push(texts(await command.run({ ...ctx, message }, parsed.args)));
      await tx.$executeRawUnsafe("RELEASE SAVEPOINT several_part");
    } catch (e) {
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT several_part");
      if (e instanceof AskError) {
        const label = fieldsOf(command.args).find((f) => f.name === e.field)?.label ?? e.field;
        refused.push({ n: i + 1, part, reason: `缺少「${label}」` });
      } else if (isUserError(e)) refused.push({ n: i + 1, part, reason: e.userText.split("\n")[0] ?? e.userText });
      else throw e;
    }
  }
  // The same refusal for every part (e.g. only an admin may do this): said once.
  const reasons = new Set(refused.map((r) => r.reason));
  if (done.length === 0 && reasons.size === 1) return [{ text: `${[...reasons][0]}\n${exampleLine(command, ctx.schools)}` }];
  const lines = [...done];
  if (refused.length > 0) lines.push(`❌ 未处理 ${refused.length} 条：`, ...refused.map((r) => `第${r.n}条「${r.part}」：${r.reason}`));
  return [{ text: lines.join("\n") }];
}
