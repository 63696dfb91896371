/**
 * The district's weekly digest, from the scheduler's tick: Monday 08:30 Beijing (half an hour
 * after the communities' default digest, so the week's records are the same ones), 1:1 to every
 * admin of every district that has one. Exactly once through the same delivery ledger as every
 * other push: each (part, admin) is claimed before it is queued, a "*" marker after the fan-out
 * lets later ticks skip the district, and a crash mid fan-out is finished by the next tick.
 */
import { composeDistrictDigest, DISTRICT_TIMEZONE } from "../../core/digest/district.ts";
import { DIGEST_LIMIT, packSections } from "../../core/digest/pack.ts";
import { digestWeek, lastDigestDue } from "../../core/digest/when.ts";
import { classifyDue } from "../../core/meetings/due.ts";
import { todayIn } from "../../core/dates.ts";
import { defaultTermFor } from "../../core/terms.ts";
import { claim, markedOccurrences } from "../../db/delivery-ledger.ts";
import { loadDistrictDigestInput } from "../../db/district-digest-input.ts";
import { platformSchema, type Reply } from "../../messages/messages.ts";
import { pushAll, skip, type Push, type ScheduleDeps } from "./push.ts";
import type { Recipient } from "./recipients.ts";

export const DISTRICT_DIGEST_KIND = "district-digest";
export const DISTRICT_DIGEST_SCHEDULE = { weekday: 1, time: "08:30", timezone: DISTRICT_TIMEZONE } as const;

export async function runDistrictDigestWork(deps: ScheduleDeps, now: Date = deps.now()): Promise<{ due: number; queued: number }> {
  const dueAt = lastDigestDue(DISTRICT_DIGEST_SCHEDULE, now);
  const state = classifyDue(dueAt, now);
  if (state !== "on-time" && state !== "late" && state !== "missed") return { due: 0, queued: 0 };
  const districts = await deps.db.district.findMany({ where: { admins: { some: {} } }, include: { admins: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
  const keyOf = (id: number) => `district:${id}@${digestWeek(dueAt, DISTRICT_TIMEZONE)}`;
  const finished = await markedOccurrences(
    deps.db,
    DISTRICT_DIGEST_KIND,
    districts.map((d) => keyOf(d.id)),
    "*",
  );
  let queued = 0;
  for (const d of districts.filter((x) => !finished.has(keyOf(x.id)))) {
    const push = { communityId: null, districtId: d.id, kind: DISTRICT_DIGEST_KIND, occurrenceKey: keyOf(d.id), dueAt };
    try {
      if (state === "missed") {
        await skip(deps, now, push, "district digest more than 6 hours overdue");
        continue;
      }
      queued += await fanOut(deps, now, d, { ...push, late: state === "late" });
    } catch (e) {
      // One district's failure must not stop the others'; no marker, so the next tick retries it.
      deps.log.error({ districtId: d.id, err: e instanceof Error ? e.stack : String(e) }, "district digest failed");
    }
  }
  return { due: districts.length, queued };
}

type DistrictWithAdmins = { id: number; name: string; admins: { platform: string; userId: string }[] };

async function fanOut(deps: ScheduleDeps, now: Date, d: DistrictWithAdmins, push: Omit<Push, "reply">): Promise<number> {
  const today = todayIn(now, DISTRICT_TIMEZONE);
  const input = await loadDistrictDigestInput(deps.db, d, defaultTermFor(today), today, DISTRICT_TIMEZONE, now);
  const sections = composeDistrictDigest(input, now);
  const sends = d.admins.flatMap((a) => {
    const p = platformSchema.safeParse(a.platform);
    if (!p.success) return [];
    const to: Recipient = { key: `user:${p.data}:${a.userId}`, platform: p.data, chatId: a.userId, chatType: "direct" };
    return districtParts(sections, p.data, push.late).map((reply, i) => ({ push: { ...push, occurrenceKey: i === 0 ? push.occurrenceKey : `${push.occurrenceKey}#${i + 1}`, reply }, to }));
  });
  const queued = await pushAll(deps, now, sends);
  await claim(deps.db, { ...push, recipient: "*", payload: null, now }, "done");
  return queued;
}

function districtParts(sections: ReturnType<typeof composeDistrictDigest>, platform: keyof typeof DIGEST_LIMIT, late: boolean): Reply[] {
  const head = late ? "【补发】机器人恢复运行后补发本周区县周报\n" : "";
  const packed = packSections(sections, DIGEST_LIMIT[platform] - 200);
  return packed.map((text, i) => ({ text: i === 0 ? head + text : `📬 区县周报（续 ${i + 1}/${packed.length}）\n${text}` }));
}
