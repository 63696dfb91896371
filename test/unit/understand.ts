/** Test helper: text as typed → command name and parsed arguments, with no database. */
import { normalizeText, splitCommand, stripLeadingMentions } from "../../core/normalize.ts";
import { parseArgs } from "../../commands/core/parse.ts";
import type { ParseEnv } from "../../commands/core/recognize.ts";
import { findCommand } from "../../commands/index.ts";

export const NOW = new Date("2026-11-22T04:00:00Z"); // Sunday 12:00 in Beijing

export const ENV: ParseEnv = {
  now: NOW,
  zone: "Asia/Shanghai",
  schools: [
    { id: 1, fullName: "清涧县第二小学", shortNames: ["二小", "第二小学"], role: "core" },
    { id: 2, fullName: "郝家也中心小学", shortNames: ["郝家也"], role: "member" },
    { id: 3, fullName: "店则沟九年制学校", shortNames: ["店则沟"], role: "member" },
    { id: 4, fullName: "寨沟中心小学", shortNames: ["寨沟"], role: "member" },
    { id: 5, fullName: "双庙中心小学", shortNames: ["双庙"], role: "member" },
  ],
};

export function understand(raw: string, env: ParseEnv = ENV) {
  const { text } = stripLeadingMentions(normalizeText(raw));
  const split = splitCommand(text);
  if (!split) throw new Error(`not a command: ${raw}`);
  const command = findCommand(split.name);
  if (!command) throw new Error(`unknown command: ${split.name}`);
  const result = parseArgs(command.args, split.rest, env);
  return { command: command.name, result, args: result.kind === "ok" ? (result.args as Record<string, unknown>) : undefined };
}
