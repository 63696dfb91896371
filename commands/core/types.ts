/** What a command is, and the small context its handler receives. */
import type { z } from "zod";
import type { FormSettings } from "../../core/links/index.ts";
import type { Db, Sql, Tx } from "../../db/client.ts";
import type { FileStore } from "../../db/file-store.ts";
import type { PictureSource } from "../../messages/pictures.ts";
import type { InboundResult } from "../../messages/queues.ts";
import type { ContextActivity, ContextCommunity, ContextMember } from "../../db/message-context.ts";
import type { InboundMessage, Platform, Reply } from "../../messages/messages.ts";
import type { RetentionPolicy } from "../../core/privacy/policy.ts";
import type { ArgsSchema } from "./fields.ts";
import type { ParseEnv, SchoolInfo } from "./recognize.ts";

export type { Role } from "../../db/message-context.ts";

/** The community and member as loaded with each message (db/message-context.ts). */
export type CommunityInfo = ContextCommunity;
export type MemberInfo = ContextMember;

/** Deployment settings a few commands need (never secrets). */
export interface CommandSettings {
  /** The only origins a group robot webhook may point to (the platforms' hosts; a fake in tests). */
  webhookOrigins: { wecom: string; dingtalk: string };
  /** Web forms: where links point and how they are signed. Absent: forms are off. */
  forms?: FormSettings;
  /**
   * Platforms whose web sign-in is configured (WeCom OAuth, DingTalk 免登). A form or download link
   * asked for in a group on one of them opens only after the right account signs in; on the others
   * a form link is not posted in a group at all (anyone there could open it).
   */
  signIn?: readonly ("wecom" | "dingtalk")[];
  /** Personal data: the deployment's retention defaults and where files live (deleted with a community). Absent: defaults, no files. */
  privacy?: { retention: RetentionPolicy };
}

export type { FormSettings } from "../../core/links/index.ts";

export const DEFAULT_SETTINGS: CommandSettings = {
  webhookOrigins: { wecom: "https://qyapi.weixin.qq.com", dingtalk: "https://oapi.dingtalk.com" },
};

export interface CommandContext {
  /** Data access: the transaction this command runs in. */
  db: Tx;
  /** Raw SQL outside any transaction: only for `singleStatement` commands. */
  sql: Sql;
  now: Date;
  message: InboundMessage;
  community: CommunityInfo | null;
  member: MemberInfo | null;
  schools: SchoolInfo[];
  parseEnv: ParseEnv;
  /** Every registered command and the one lookup by name or alias, for /帮助. */
  commands: Registry;
  settings: CommandSettings;
}

/** A context whose community and member are known (for commands that need a bound group). */
export interface BoundContext extends CommandContext {
  community: CommunityInfo;
  member: MemberInfo;
}

export type CommandResult = string | Reply[];

export interface Command<S extends ArgsSchema, C extends CommandContext = CommandContext> {
  /** Chinese name first; then English and other aliases (Simplified; Traditional input is converted). */
  name: string;
  aliases: readonly string[];
  summary: string;
  examples: readonly string[];
  args: S;
  /** Needs a group bound to a community (all but /帮助 and /绑定). */
  bound: boolean;
  /**
   * The handler writes with one SQL statement that is idempotent by its own unique key (an
   * activity's source message key), so it runs without a surrounding transaction or a
   * processed-message row. Only for the hot path; everything else is transactional.
   */
  singleStatement?: boolean;
  /**
   * A redelivered message that this command already recorded (an activity under the message's
   * key, found with the message context) is answered again from that record. One command at most.
   */
  replay?: (recorded: ContextActivity, schools: readonly SchoolInfo[], today: string | undefined, settings: CommandSettings, platform: Platform) => Reply[];
  /**
   * The command has a web form built from `args` (web/forms/): sent with no arguments, it answers
   * with a link to that form instead of asking field by field.
   */
  webForm?: { title: string };
  /**
   * The message is not stored as processed: it deleted its sender's (or its community's) data,
   * and the stored row would keep some (a 1:1 chat's key is the sender's user id). A redelivery
   * runs it again and finds nothing left to delete.
   */
  keepsNoMessage?: boolean;
  /**
   * Several at once (issue 25: setting up a community took 13–16 messages): splits the argument
   * text into one argument text per item (one a line, or 甲校、乙校、丙校); each is parsed and run
   * by itself (commands/core/several.ts) and all are answered in one reply. Undefined or a single
   * part: the message runs as usual.
   */
  several?: (rest: string) => string[] | undefined;
  /** Words that, as the whole argument text, answer without parsing (e.g. /成员 列表). */
  words?: Readonly<Record<string, (ctx: C) => Promise<CommandResult>>>;
  run(ctx: C, args: z.infer<S>): Promise<CommandResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers are contravariant in their context; the registry only needs name, args and run.
export type AnyCommand = Command<ArgsSchema, any>;

/** A command that runs in a group bound to a community, with a known member. */
export function boundCommand<S extends ArgsSchema>(c: Omit<Command<S, BoundContext>, "bound">): Command<S, BoundContext> {
  return { ...c, bound: true };
}

/** A command that also runs where no community is bound yet (/帮助, /绑定). */
export function openCommand<S extends ArgsSchema>(c: Omit<Command<S, CommandContext>, "bound">): Command<S, CommandContext> {
  return { ...c, bound: false };
}

/** What dispatch asks of the features besides their commands. */
export interface RegistryHooks {
  /** Appended once to an admin's reply (e.g. pushes the platform refused); null when nothing is due. */
  adminNotice?: (tx: Tx, communityId: number, timezone: string) => Promise<Reply | null>;
  /**
   * Appended once to a reply whose sender the bot keeps something about (the privacy notice);
   * null when already told. `command` is the command that ran.
   */
  senderNotice?: (db: Pick<Tx, "platformIdentity">, communityId: number, message: InboundMessage, settings: CommandSettings, now: Date, command: string) => Promise<Reply | null>;
  /** Several statements of one command in one message, one a line (several /记录), answered in one reply. */
  batch?: BatchHook;
  /**
   * A message's pictures (InboundMessage.pictures) made evidence of its record, or of the
   * sender's record for pictures alone (`result` null); returns the replies with what happened to them.
   */
  pictures?: (env: { db: Db; now: Date; evidence: Evidence }, message: InboundMessage, result: InboundResult | null) => Promise<InboundResult>;
}

/** Where a message's pictures are fetched from (the platforms, through bot/) and stored. */
export interface Evidence {
  pictures: PictureSource;
  files: FileStore;
  /** Told when a fetch fails for another reason than the picture itself (logs). */
  warn?: (detail: Record<string, unknown>, text: string) => void;
}

/** One line of a message of several statements: its number (1-based) and its argument text, or null when it is not one. */
export interface BatchLine {
  line: number;
  text: string;
  rest: string | null;
}

export interface BatchHook {
  /** The command the lines are statements of: a message naming another command is never a batch. */
  command: AnyCommand;
  /** The lines of a message holding two statements or more; undefined for any other message. */
  lines(raw: string): BatchLine[] | undefined;
  /** Runs every line; one reply for all. */
  record(ctx: BoundContext, lines: readonly BatchLine[]): Promise<Reply[]>;
}

export interface Registry extends RegistryHooks {
  /** In the order /帮助 lists them. */
  readonly all: readonly AnyCommand[];
  /** By name or alias, case-insensitive: the one lookup for dispatch, /帮助 and web forms. */
  find(name: string): AnyCommand | undefined;
  /** The command whose name or alias is closest to what was typed, for "did you mean". */
  suggest(name: string): AnyCommand | undefined;
  /** How a redelivered message that a single-statement command already recorded is answered again. */
  replayRecorded?: (recorded: ContextActivity, schools: readonly SchoolInfo[], today: string | undefined, settings: CommandSettings, platform: Platform) => Reply[];
}
