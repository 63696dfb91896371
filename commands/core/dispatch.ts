/**
 * From one inbound message to its replies, in one database transaction. Knows no platform.
 * Idempotent twice over: a processed message is recorded (with its replies) in the same
 * transaction as its effects, under a unique key; a redelivery returns the stored replies.
 */
import type { Db, Sql, Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/client.ts";
import { loadMessageContext, type MessageContext } from "../../db/message-context.ts";
import { todayIn } from "../../core/dates.ts";
import { dropSpokenFullStop, normalizeText, splitCommand, stripLeadingMentions } from "../../core/normalize.ts";
import { sourceKey, type InboundMessage, type Reply } from "../../messages/messages.ts";
import type { InboundResult } from "../../messages/queues.ts";
import { boundCommunityOf, memberForSender, soleCommunityOfSender, schoolsOf } from "./context.ts";
import { AskError, isUserError, UserError } from "./errors.ts";
import { isNo, isYes, readSuggestion, SUGGESTION_FIELD, storeSuggestion, type StoredSuggestion } from "./suggestion.ts";
import { fieldsOf } from "./fields.ts";
import { formLinkReply } from "./form-link.ts";
import { answerField, finish, parseArgs, type ParseResult } from "./parse.ts";
import type { Registry } from "./registry.ts";
import type { SchoolInfo } from "./recognize.ts";
import {
  DEFAULT_SETTINGS,
  type AnyCommand,
  type BatchHook,
  type BatchLine,
  type BoundContext,
  type CommandContext,
  type CommandResult,
  type CommandSettings,
  type CommunityInfo,
  type Evidence,
  type MemberInfo,
} from "./types.ts";
import { exampleLine } from "./usage.ts";
import { argumentLines, runSeveral } from "./several.ts";
import { localizeExamples } from "./examples.ts";

export const MAX_TEXT_LENGTH = 4000;
const QUESTION_TTL_MS = 10 * 60 * 1000;

export interface DispatchDeps {
  db: Db;
  sql: Sql;
  now: () => Date;
  settings?: CommandSettings;
  /** The commands (commands/index.ts), handed in so the framework imports no feature. */
  registry: Registry;
  /** Where pictures that come with messages are fetched and stored; absent: pictures are ignored. */
  evidence?: Evidence;
}

const NOT_BOUND = "本群还没有绑定共同体。请先发送：/绑定 共同体名称\n例如：/绑定 清涧县第二小学教育共同体";
const NOT_UNDERSTOOD = "没看懂这条消息。发送 /帮助 查看可用命令，例如：/记录 示范课 11月20日 二小 语文";
const TOO_LONG = `消息太长了（超过${MAX_TEXT_LENGTH}字），没有处理。请分几条发送，或把备注写短一些。\n例如：/记录 示范课 11月20日 语文 备注=效果很好`;

const toReplies = (r: CommandResult): Reply[] => (typeof r === "string" ? [{ text: r }] : r);
const reply = (text: string, duplicate = false): InboundResult => ({ replies: [{ text }], duplicate });

type Pending = { command: string; field: string; partial: Record<string, unknown> };

/** What this message asks for: a command with its argument text, or an answer to a pending question. */
type Intent =
  | { type: "command"; command: AnyCommand; rest: string }
  | { type: "answer"; command: AnyCommand; pending: Pending; answer: string }
  | { type: "form"; command: AnyCommand; args: Record<string, unknown> };

/**
 * One message's replies. A voice message (its platform's transcription, read like typed text) is
 * answered with what was heard first, so a misheard word is seen before anyone relies on the record.
 */
export async function handleInbound(deps: DispatchDeps, message: InboundMessage): Promise<InboundResult> {
  const hook = deps.registry.pictures;
  const withPictures = message.pictures?.length && deps.evidence && hook && !message.form ? { hook, evidence: deps.evidence } : undefined;
  // Pictures alone (a 1:1 picture message): no text to run, only the pictures to place.
  const alone = withPictures !== undefined && message.text.trim() === "";
  const text = alone ? null : await handleText(deps, message);
  const result = withPictures ? await withPictures.hook({ db: deps.db, now: deps.now(), evidence: withPictures.evidence }, message, text) : (text ?? { replies: [], duplicate: false });
  const [first, ...rest] = result.replies;
  if (!message.spoken || !first) return result;
  const heard = dropSpokenFullStop(normalizeText(message.text));
  return { ...result, replies: [{ ...first, text: `🎤 听到：${heard}\n${first.text}` }, ...rest] };
}

async function handleText(deps: DispatchDeps, message: InboundMessage): Promise<InboundResult> {
  const key = sourceKey(message);
  if (message.text.trim().length > MAX_TEXT_LENGTH) return reply(TOO_LONG);
  const loaded = await loadMessageContext(deps.sql, message, key);
  const now = deps.now();
  const earlier = repliesOfProcessed(deps, loaded, now, message);
  if (earlier) return { replies: earlier, duplicate: true };

  const { text: typed, mentioned } = stripLeadingMentions(dropSpokenFullStop(normalizeText(message.text)));
  // A 1:1 chat that is not bound acts for the sender's only community (rare: the slow path).
  const community = loaded.community ?? (message.chatType === "direct" ? await soleCommunityOfSender(deps.db, message) : null);
  const pendingRow = loaded.pending;
  const live = pendingRow && new Date(pendingRow.expiresAt) > now ? pendingRow : null;
  const suggestion = live?.field === SUGGESTION_FIELD ? readSuggestion(live.partial) : null;
  let pending = live && live.field !== SUGGESTION_FIELD ? live : null;
  // A typed 「是」 to the bot's suggestion is the suggested message itself, as a click would send.
  let text = typed;
  if (live && suggestion && typed !== "" && !typed.startsWith("/")) {
    if (isYes(typed)) {
      if (suggestion.resends.length !== 1) return { replies: [pickOneReply(suggestion)], duplicate: false };
      text = suggestion.resends[0]!;
    } else if (isNo(typed)) {
      await deps.db.pendingQuestion.deleteMany({ where: { id: live.id } });
      return reply(`好的，没有改成「${suggestion.options.join("」「")}」。请改正后重新发送。`);
    } else if (!suggestion.question) {
      // Anything else moves on: a later 「是」 (perhaps said to someone else) accepts nothing.
      await deps.db.pendingQuestion.deleteMany({ where: { id: live.id } });
    }
    // A suggestion about an answer leaves its question waiting for this (or the accepted) answer.
    if (suggestion.question) pending = { ...live, ...suggestion.question };
  }
  const slashed = splitCommand(text);
  // "@机器人 记录 …" without the slash, where the platform says the robot was addressed, is a
  // command too (unless it answers the question the bot is waiting on: "确认" is also a command).
  const addressed = message.mentioned || message.chatType === "direct";
  const parsed = slashed ?? (addressed && !(pending && text !== "") ? bareCommand(deps.registry, text) : undefined);

  // Several records, one a line: each recorded by itself, answered in one reply.
  // Not when the message is another command (/纪要 with numbered items that start with a kind).
  // (See RegistryHooks.batch: the feature says which lines are records.)
  const batcher = deps.registry.batch;
  const otherCommand = parsed !== undefined && deps.registry.find(parsed.name) !== batcher?.command;
  const batch = !batcher || message.form || otherCommand ? undefined : batcher.lines(message.text);
  if (batcher && batch && (addressed || batch.some((l) => l.text.startsWith("/")))) {
    if (!community) return reply(localizeExamples(NOT_BOUND, []));
    if (pendingRow) await deps.db.pendingQuestion.deleteMany({ where: { id: pendingRow.id } });
    const base = { message, now, community, preloaded: preloadedFor(loaded, community), sql: deps.sql, settings: deps.settings ?? DEFAULT_SETTINGS, registry: deps.registry };
    return runBatch(deps, key, batch, base, batcher.record);
  }

  let intent: Intent;
  if (message.form) {
    // A web form's submission: arguments already structured, checked below by the same schema.
    const command = deps.registry.find(message.form.command);
    if (!command) return reply(NOT_UNDERSTOOD);
    intent = { type: "form", command, args: message.form.args };
  } else if (parsed) {
    // A new command cancels any question still waiting for this person.
    if (pendingRow) await deps.db.pendingQuestion.deleteMany({ where: { id: pendingRow.id } });
    const command = deps.registry.find(parsed.name);
    if (!command) {
      const guess = deps.registry.suggest(parsed.name);
      return reply(`没有「/${parsed.name}」这个命令。${guess ? `你是不是想用 /${guess.name}？\n${exampleLine(guess, loaded.schools)}` : "发送 /帮助 查看全部命令。"}`);
    }
    intent = { type: "command", command, rest: parsed.rest };
  } else if (pending && text !== "") {
    const command = deps.registry.find(pending.command);
    if (!command) return reply(localizeExamples(NOT_UNDERSTOOD, loaded.schools));
    intent = { type: "answer", command, pending: { command: pending.command, field: pending.field, partial: pending.partial }, answer: text };
  } else if (message.chatType === "group" && !mentioned && !message.mentioned && !text.startsWith("/")) {
    return { replies: [], duplicate: false }; // ordinary group chatter, not for the bot
  } else {
    return reply(localizeExamples(NOT_UNDERSTOOD, loaded.schools));
  }

  if (intent.command.bound && !community) return reply(localizeExamples(NOT_BOUND, []));
  const preloaded = preloadedFor(loaded, community);
  const base = { message, now, community, preloaded, sql: deps.sql, settings: deps.settings ?? DEFAULT_SETTINGS, registry: deps.registry };
  const isAdmin = community !== null && preloaded.member?.roles.includes("admin") === true;
  // The privacy notice, once per account: only a sender the context did not know as told can need it.
  const mayNeedNotice = preloaded.member === null || preloaded.member.noticed === false;
  const withNotice = async (db: Tx | Db, replies: Reply[]): Promise<Reply[]> => {
    if (!mayNeedNotice) return replies;
    const tell = deps.registry.senderNotice;
    if (!tell) return replies;
    const communityId = community?.id ?? (await boundCommunityOf(db, message));
    const notice = communityId === null ? null : await tell(db, communityId, message, base.settings, now, intent.command.name);
    return withSenderNotice(replies, notice);
  };
  try {
    if (intent.command.singleStatement && intent.type === "command") {
      // Atomic and idempotent by itself (see Command.singleStatement): no transaction needed.
      // (An answer to a question also deletes the question, so it takes the transactional path.)
      const ran = await withNotice(deps.db, await runIntent(deps.db, intent, base));
      return { replies: isAdmin ? await withAdminNotice(deps, key, community, ran, now, message) : ran, duplicate: false };
    }
    const replies = await deps.db.$transaction(async (tx) => {
      const ran = await withNotice(tx, await runIntent(tx, intent, base));
      // An admin hears here about scheduled pushes the platform refused for quota (told once); see RegistryHooks.adminNotice.
      const notice = isAdmin && deps.registry.adminNotice ? await deps.registry.adminNotice(tx, community.id, community.timezone) : null;
      const out = notice ? [...ran, notice] : ran;
      // A /绑定 that just bound the chat files its message under the new community (deleted with it).
      if (!intent.command.keepsNoMessage) await storeProcessed(tx, key, community?.id ?? (await boundCommunityOf(tx, message)), out, now, message);
      return out;
    });
    return { replies, duplicate: false };
  } catch (e) {
    // A refusal after the sender was kept anyway (the single-statement path enrols before it parses) still tells.
    if (isUserError(e)) {
      const refused = userErrorReply(e, intent);
      if (refused.suggestion && community) await storeSuggestion(deps.db, message, community.id, intent.command.name, refused.suggestion, now);
      return { replies: await withNotice(deps.db, [refused.reply]), duplicate: false };
    }
    if (isUniqueViolation(e)) {
      // The same message committed meanwhile (a second gateway or a retried job): answer as before.
      const stored = repliesOfProcessed(deps, await loadMessageContext(deps.sql, message, key), now, message);
      if (stored) return { replies: stored, duplicate: true };
    }
    throw e;
  }
}

/** What the message context already loaded, when it concerns the community the command runs in. */
function preloadedFor(loaded: MessageContext, community: CommunityInfo | null): Base["preloaded"] {
  const same = loaded.community !== null && community?.id === loaded.community.id;
  return { member: same ? loaded.member : null, schools: same ? loaded.schools : null };
}

/** The sender notice rides on the last reply rather than as one more: platforms and people see the same number of messages. */
function withSenderNotice(replies: Reply[], notice: Reply | null): Reply[] {
  if (!notice) return replies;
  const last = replies.at(-1);
  return last ? [...replies.slice(0, -1), { ...last, text: `${last.text}\n\n${notice.text}` }] : [notice];
}

/** Several records in one message (RegistryHooks.batch); the one reply stored under the message's key. */
async function runBatch(deps: DispatchDeps, key: string, lines: BatchLine[], base: Base & { community: CommunityInfo }, record: BatchHook["record"]): Promise<InboundResult> {
  const ctx = (await contextFor(deps.db, base)) as BoundContext;
  const recorded = await record(ctx, lines);
  let replies = recorded;
  try {
    await deps.db.$transaction(async (tx) => {
      // The batch kept its sender like any /记录: the privacy notice rides on its one reply.
      const notice = deps.registry.senderNotice ? await deps.registry.senderNotice(tx, base.community.id, base.message, base.settings, base.now, deps.registry.batch?.command.name ?? "") : null;
      replies = withSenderNotice(recorded, notice);
      await storeProcessed(tx, key, base.community.id, replies, base.now, base.message);
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const stored = repliesOfProcessed(deps, await loadMessageContext(deps.sql, base.message, key), base.now, base.message);
    if (stored) return { replies: stored, duplicate: true };
  }
  return { replies, duplicate: false };
}

/**
 * The message's replies, stored under its key in the transaction of its effects (see the header),
 * with its sender as a member when they are one: their messages go with them on deletion (/注销).
 * The community is looked up, not assumed: /删除共同体 deletes it within this very transaction.
 */
async function storeProcessed(tx: Tx, key: string, communityId: number | null, replies: Reply[], now: Date, m: InboundMessage): Promise<void> {
  await tx.$executeRaw`INSERT INTO "ProcessedMessage" (key, "communityId", "memberId", replies, "createdAt")
    VALUES (${key}, (SELECT id FROM "Community" WHERE id = ${communityId}), (SELECT "memberId" FROM "PlatformIdentity" WHERE "communityId" = ${communityId} AND platform = ${m.platform} AND "userId" = ${m.senderId}), ${JSON.stringify(replies)}::jsonb, ${now})`;
}

/**
 * After a single-statement command (/记录) by an admin: the admin notice (quota), if any, is appended and
 * the whole answer stored as the message's processed replies in the same transaction that marks
 * the notice told, so a redelivery repeats the notice instead of losing it. Most of the time
 * there is nothing to tell and this is one indexed query. If the message was stored meanwhile
 * (a concurrent redelivery), the notice stays untold for the next reply.
 */
async function withAdminNotice(deps: DispatchDeps, key: string, community: CommunityInfo, ran: Reply[], now: Date, m: InboundMessage): Promise<Reply[]> {
  const adminNotice = deps.registry.adminNotice;
  if (!adminNotice) return ran;
  try {
    return await deps.db.$transaction(async (tx) => {
      const notice = await adminNotice(tx, community.id, community.timezone);
      if (!notice) return ran;
      const out = [...ran, notice];
      await storeProcessed(tx, key, community.id, out, now, m);
      return out;
    });
  } catch (e) {
    if (isUniqueViolation(e)) return ran;
    throw e;
  }
}

/**
 * A refusal; for an ambiguous word, each meaning is offered as a ready-made message (the same
 * command with the word replaced, or the bare answer to a question) that a choice card can send.
 */
function userErrorReply(e: UserError, intent: Intent): { reply: Reply; suggestion?: StoredSuggestion } {
  if (!e.ambiguity || intent.type === "form") return { reply: { text: e.userText } };
  const { word, options, within } = e.ambiguity;
  const piece = within ?? word;
  const fixed = (option: string) => (within ? within.replace(word, option) : option);
  const resend = (option: string) => (intent.type === "answer" ? fixed(option) : `/${intent.command.name} ${replaceWord(intent.rest, piece, fixed(option))}`);
  // Where no card shows (or a button cannot be pressed), the ready-made message can be typed, or
  // a single suggestion accepted with 「是」.
  const how = options.length === 1 ? "点选项或回复「是」，也可" : "点选项，或";
  const typed = intent.type === "answer" ? `直接回复「${resend(options[0] ?? word)}」` : `直接发送：${resend(options[0] ?? word)}`;
  const resends = options.map(resend);
  return {
    reply: { text: `${e.userText}\n${how}${typed}`, choices: options.map((o, i) => ({ label: o, command: resends[i]! })) },
    suggestion: { options: [...options], resends, ...(intent.type === "answer" ? { question: intent.pending } : {}) },
  };
}

/** 「是」 to a suggestion of several words: which one is still the person's to say. */
function pickOneReply(s: StoredSuggestion): Reply {
  return { text: `有几个可能：${s.options.map((o) => `「${o}」`).join("")}。请点选项，或直接发送：${s.resends[0]}`, choices: s.options.map((o, i) => ({ label: o, command: s.resends[i]! })) };
}

/** Replaces the whole word (a positional word, or a key=value's value), not a part of another. */
function replaceWord(rest: string, word: string, by: string): string {
  return rest
    .split(/(\s+|[,，、;；=])/)
    .map((piece) => (piece === word ? by : piece))
    .join("");
}

/** "记录 示范课 …" (no slash) as a command, when its first word names one. */
function bareCommand(registry: Registry, text: string): { name: string; rest: string } | undefined {
  const m = /^([^\s/]+)\s*([\s\S]*)$/.exec(text);
  if (!m?.[1] || !registry.find(m[1])) return undefined;
  return { name: m[1].toLowerCase(), rest: (m[2] ?? "").trim() };
}

/** The replies a message produced when it was processed before, if it was. */
function repliesOfProcessed({ registry, settings }: Pick<DispatchDeps, "registry" | "settings">, loaded: MessageContext, now: Date, message: InboundMessage): Reply[] | undefined {
  if (loaded.processed) return loaded.processed as Reply[];
  const today = loaded.community ? todayIn(now, loaded.community.timezone) : undefined;
  if (loaded.recorded && registry.replayRecorded) return registry.replayRecorded(loaded.recorded, loaded.schools, today, settings ?? DEFAULT_SETTINGS, message.platform);
  return undefined;
}

interface Base {
  message: InboundMessage;
  now: Date;
  community: CommunityInfo | null;
  /** Loaded with the message context when it concerns the same community; null means load now. */
  preloaded: { member: MemberInfo | null; schools: SchoolInfo[] | null };
  sql: Sql;
  settings: CommandSettings;
  registry: Registry;
}

async function contextFor(tx: Tx | Db, base: Base): Promise<CommandContext> {
  const communityId = base.community?.id;
  const member = communityId === undefined ? null : (base.preloaded.member ?? (await memberForSender(tx, communityId, base.message)));
  const schools = communityId === undefined ? [] : (base.preloaded.schools ?? (await schoolsOf(tx, communityId)));
  return {
    db: tx,
    sql: base.sql,
    now: base.now,
    message: base.message,
    community: base.community,
    member,
    schools,
    commands: base.registry,
    settings: base.settings,
    parseEnv: { now: base.now, zone: base.community?.timezone ?? "Asia/Shanghai", schools },
  };
}

async function runIntent(tx: Tx | Db, intent: Intent, base: Base): Promise<Reply[]> {
  const { command } = intent;
  const ctx = await contextFor(tx, base);

  let result: ParseResult<typeof command.args>;
  try {
    if (intent.type === "answer") {
      const f = fieldsOf(command.args).find((x) => x.name === intent.pending.field);
      if (!f) throw new UserError(NOT_UNDERSTOOD);
      result = finish(command.args, answerField(f, intent.answer, ctx.parseEnv, intent.pending.partial));
    } else if (intent.type === "form") {
      result = finish(command.args, { ...intent.args });
    } else {
      if (command.webForm && intent.rest.trim() === "" && ctx.settings.forms && ctx.community && ctx.member) return [formLinkReply(ctx as BoundContext, command)];
      const word = command.words?.[intent.rest.trim().toLowerCase()];
      if (word) return toReplies(await word(ctx));
      const parts = command.singleStatement ? undefined : command.several?.(argumentLines(base.message.text));
      if (parts && parts.length > 1) return runSeveral(tx as Tx, ctx, command, parts);
      result = parseArgs(command.args, intent.rest, ctx.parseEnv);
    }
  } catch (e) {
    // A word with near candidates is asked about as a choice; only other refusals repeat the usage.
    if (isUserError(e)) throw new UserError(e.ambiguity ? e.userText : `${e.userText}\n${exampleLine(command, ctx.schools)}`, e.ambiguity);
    throw e;
  }

  if (result.kind === "missing") return ask(tx, ctx, command, result.field.name, result.partial);
  try {
    const out = toReplies(await command.run(command.bound ? (ctx as BoundContext) : ctx, result.args));
    if (intent.type === "answer") await tx.pendingQuestion.deleteMany({ where: { chatId: base.message.chatId, platform: base.message.platform, userId: base.message.senderId } });
    return out;
  } catch (e) {
    if (e instanceof AskError) return ask(tx, ctx, command, e.field, e.partial, e.question, e.communityId, e.choices);
    throw e;
  }
}

async function ask(
  tx: Tx | Db,
  ctx: CommandContext,
  command: AnyCommand,
  fieldName: string,
  partial: Record<string, unknown>,
  question?: string,
  communityId?: number,
  choices?: AskError["choices"],
): Promise<Reply[]> {
  const f = fieldsOf(command.args).find((x) => x.name === fieldName);
  const text = question ?? (f?.ask && localizeExamples(f.ask, ctx.schools));
  const filedUnder = communityId ?? ctx.community?.id;
  if (!text || filedUnder === undefined) throw new UserError(`缺少「${f?.label ?? fieldName}」。\n${exampleLine(command, ctx.schools)}`);
  const m = ctx.message;
  const data = { communityId: filedUnder, command: command.name, field: fieldName, partial: JSON.parse(JSON.stringify(partial)), expiresAt: new Date(ctx.now.getTime() + QUESTION_TTL_MS) };
  await tx.pendingQuestion.upsert({
    where: { platform_chatId_userId: { platform: m.platform, chatId: m.chatId, userId: m.senderId } },
    create: { ...data, platform: m.platform, chatId: m.chatId, userId: m.senderId },
    update: data,
  });
  return [{ text: `${text}\n（10分钟内直接回复即可；发送其他命令则取消）`, ...(choices?.length ? { choices: [...choices] } : {}) }];
}
