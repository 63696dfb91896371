/**
 * The weekly digest, from the scheduler's tick: for each community whose digest time has come
 * (its weekday and HH:mm in its timezone), compose it and push it to every principal and
 * subscriber 1:1 (their school first) and the short one to its bound groups. Exactly once: each
 * (part, recipient) is claimed in the delivery ledger before it is queued; a "*" marker row
 * written after the fan-out lets later ticks skip the community with one query for all of them,
 * and a crash mid fan-out leaves no marker, so the next tick finishes it (claims dedupe).
 *
 * Only the "done" marker uses up the week. A slot that passed before the community was bound is
 * not a missed digest (nothing is sent, skipped or logged for it, unless the binding came within
 * the catch-up window: then it goes out now); a /设置 周报 change re-plans the week: a new slot
 * still ahead is sent then, one the change put earlier in this week goes out now (as a normal
 * digest). 【补发】 is only for a slot that was planned in time and passed while the bot was down;
 * such a skip is recorded under its own slot, so a later change can still send this week's.
 */
import { composeDigest } from "../../core/digest/compose.ts";
import { DIGEST_LIMIT, packSections } from "../../core/digest/pack.ts";
import { digestWeek, lastDigestDue } from "../../core/digest/when.ts";
import { DateTime } from "luxon";
import { CATCH_UP_MS, classifyPlanned, latest } from "../../core/meetings/due.ts";
import { type TermSetting, termFor, termSettingOf } from "../../core/terms.ts";
import { todayIn } from "../../core/dates.ts";
import { mapLimit } from "../../core/map-limit.ts";
import { chartLink } from "../../core/links/index.ts";
import { claim, markedOccurrences } from "../../db/delivery-ledger.ts";
import { digestReaders, type DigestReader } from "../../db/digest-audience.ts";
import { loadDigestInput } from "../../db/digest-input.ts";
import { platformSchema, type Reply } from "../../messages/messages.ts";
import { pushAll, pushTo, skip, type Push, type ScheduleDeps } from "./push.ts";
import { Audience, groupsOf, type Recipient } from "./recipients.ts";

export const DIGEST_KIND = "weekly-digest";
const CONCURRENCY = 4;
const TICK_REST = 1;

/** The community as the digest needs it: its name, zone and term (TermSetting), and its digest settings. */
interface DigestCommunity extends TermSetting {
  id: number;
  name: string;
  timezone: string;
  digestWeekday: number;
  digestTime: string;
  digestGroups: boolean;
  createdAt: Date;
  digestChangedAt: Date | null;
}

/** Communities with at least one school (nothing to report otherwise). */
async function digestCommunities(deps: ScheduleDeps): Promise<DigestCommunity[]> {
  const rows = await deps.db.community.findMany({
    where: { schools: { some: {} } },
    select: { id: true, name: true, timezone: true, termName: true, termStart: true, termEnd: true, digestWeekday: true, digestTime: true, digestGroups: true, createdAt: true, digestChangedAt: true },
    orderBy: { id: "asc" },
  });
  return rows.map((c) => ({ ...c, ...termSettingOf(c) }));
}

/**
 * The parts of one message, each under the platform's limit; later parts say they continue. The
 * first carries the chart (an image where the platform shows one, and its link in the text).
 */
function parts(sections: readonly (readonly string[])[], platform: keyof typeof DIGEST_LIMIT, late: boolean, chart?: string): Reply[] {
  const head = late ? "【补发】机器人恢复运行后补发本周周报\n" : "";
  const tail = chart ? `\n📈 进度图：${chart}` : "";
  // Room for the head and the chart line (a signed URL is well under 300 bytes).
  const packed = packSections(sections, DIGEST_LIMIT[platform] - 400);
  return packed.map((text, i) =>
    i === 0 ? { text: head + text + tail, ...(chart ? { image: { url: chart, alt: "本学期进度图" } } : {}) } : { text: `📬 周报（续 ${i + 1}/${packed.length}）\n${text}` },
  );
}

const asRecipient = (r: DigestReader): Recipient | null => {
  const p = platformSchema.safeParse(r.platform);
  return p.success ? { key: `user:${p.data}:${r.userId}`, platform: p.data, chatId: r.userId, chatType: "direct" } : null;
};

/**
 * How this week's slot stands. A changed setting may put the slot anywhere earlier in the current
 * week and it still goes now; a slot before the binding, only within the catch-up window.
 */
export function digestState(c: Pick<DigestCommunity, "digestWeekday" | "digestTime" | "timezone" | "createdAt" | "digestChangedAt">, now: Date) {
  const dueAt = lastDigestDue({ weekday: c.digestWeekday, time: c.digestTime, timezone: c.timezone }, now);
  const changed = c.digestChangedAt !== null && c.digestChangedAt > c.createdAt;
  const weekSoFar = now.getTime() - DateTime.fromJSDate(now, { zone: c.timezone }).startOf("week").toMillis();
  const grace = changed ? Math.max(CATCH_UP_MS, weekSoFar) : CATCH_UP_MS;
  return { dueAt, state: classifyPlanned(dueAt, latest(c.createdAt, c.digestChangedAt), now, grace) };
}

export async function runDigestWork(deps: ScheduleDeps, now: Date = deps.now()): Promise<{ due: number; queued: number }> {
  const due = (await digestCommunities(deps))
    .map((c) => {
      const { dueAt, state } = digestState(c, now);
      return { c, dueAt, state, key: `community:${c.id}@${digestWeek(dueAt, c.timezone)}` };
    })
    .filter((d) => d.state === "on-time" || d.state === "now" || d.state === "late" || d.state === "missed");
  const finished = await markedOccurrences(
    deps.db,
    DIGEST_KIND,
    due.map((d) => d.key),
    "*",
    "done",
  );
  let queued = 0;
  // A few communities at a time: each is a handful of round trips, the pool has room for more.
  // Resting as long as each took: the tick composes far faster than the platforms take the parts
  // (3,000 communities: ~570 parts/s composed, ~35/s sent within the push budgets), so the
  // fan-out ends no later, and teachers' /记录 answers keep half the machine (bench/province.ts).
  await mapLimit(
    due.filter((x) => !finished.has(x.key)),
    CONCURRENCY,
    async (d) => {
      queued += await runOne(deps, now, d);
    },
    { rest: TICK_REST },
  );
  return { due: due.length, queued };
}

async function runOne(deps: ScheduleDeps, now: Date, d: { c: DigestCommunity; dueAt: Date; state: string; key: string }): Promise<number> {
  try {
    if (d.state === "missed") {
      // Under its own slot: it must not use up the week (a later /设置 周报 re-plans it).
      const slot = { communityId: d.c.id, kind: DIGEST_KIND, occurrenceKey: `${d.key}~${d.dueAt.toISOString()}`, dueAt: d.dueAt };
      await skip(deps, now, slot, "weekly digest more than 6 hours overdue");
      return 0;
    }
    return await fanOut(deps, now, d.c, d.dueAt, d.key, d.state === "late");
  } catch (e) {
    // One community's bad data must not stop the others'; no marker, so the next tick retries it.
    deps.log.error({ communityId: d.c.id, err: e instanceof Error ? e.stack : String(e) }, "weekly digest failed for a community");
    return 0;
  }
}

async function fanOut(deps: ScheduleDeps, now: Date, c: DigestCommunity, dueAt: Date, key: string, late: boolean): Promise<number> {
  const today = todayIn(now, c.timezone);
  const term = termFor(c, today);
  const push = { communityId: c.id, kind: DIGEST_KIND, occurrenceKey: key, dueAt, late };
  let queued = 0;
  if (term !== null) {
    const [input, readers, groups] = await Promise.all([loadDigestInput(deps.db, c, term, today, now), digestReaders(deps.db, c.id), c.digestGroups ? groupsOf(deps.db, c.id) : Promise.resolve([])]);
    const base = composeDigest(input, { ownSchoolId: null, short: false });
    const forSchool = new Map<number | null, ReturnType<typeof composeDigest>>([[null, base]]);
    const digestFor = (schoolId: number | null) => {
      if (!forSchool.has(schoolId)) forSchool.set(schoolId, composeDigest(input, { ownSchoolId: schoolId, short: false }, base.report));
      return forSchool.get(schoolId)!;
    };
    const short = composeDigest(input, { ownSchoolId: null, short: true }, base.report);
    const sends = [
      ...readers.reachable.flatMap((reader) => {
        const to = asRecipient(reader);
        const chart = deps.forms && chartLink(deps.forms, c.id, reader.memberId, now);
        return to ? partsTo(push, parts(digestFor(reader.schoolId).sections, to.platform, late, chart), to) : [];
      }),
      ...groups.flatMap((g) => partsTo(push, parts(short.sections, g.platform, late, deps.forms && chartLink(deps.forms, c.id, null, now)), g)),
    ];
    queued += await pushAll(deps, now, sends);
    queued += await tellAdminsOfUnreached(deps, now, c, readers.unreached);
  }
  // The fan-out is complete: later ticks skip this community this week without looking further.
  const marker = await claim(deps.db, { ...push, recipient: "*", payload: null, now }, "done");
  // A skip recorded under the week itself (before skips had their own slot) gives way to the marker.
  if (marker === null) await deps.db.delivery.updateMany({ where: { kind: DIGEST_KIND, occurrenceKey: key, recipient: "*", status: "skipped" }, data: { status: "done" } });
  return queued;
}

/** Each part is its own message (so platforms never re-split it mid-section) with its own ledger row. */
function partsTo(push: Omit<Push, "reply">, replies: Reply[], to: Recipient): { push: Push; to: Recipient }[] {
  return replies.map((reply, i) => ({ push: { ...push, occurrenceKey: i === 0 ? push.occurrenceKey : `${push.occurrenceKey}#${i + 1}`, reply }, to }));
}

/** Once per set of unreachable principals: the admins learn who and what to do. */
async function tellAdminsOfUnreached(deps: ScheduleDeps, now: Date, c: DigestCommunity, unreached: readonly DigestReader[]): Promise<number> {
  if (unreached.length === 0) return 0;
  const names = [...new Set(unreached.map((r) => r.name))];
  const ids = [...new Set(unreached.map((r) => r.memberId))].sort((a, b) => a - b);
  const text = [
    `📮 ${c.name}：以下成员还没有在企业微信里私聊过我，企业微信不允许机器人先发起私聊，所以周报发不到他们：${names.join("、")}。`,
    "请他们在企业微信里打开与本机器人的单聊，发送 /周报 订阅，下周起就能收到。",
  ].join("\n");
  const push = { communityId: c.id, kind: "digest-unreached", occurrenceKey: `community:${c.id}@members:${ids.join(",")}`, dueAt: now, late: false, reply: { text } };
  return pushTo(deps, now, push, await new Audience(deps.db, c.id).admins());
}
