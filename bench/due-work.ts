/**
 * `npm run bench:schedule`: how long one scheduler tick takes with many communities, each with a
 * monthly rule, a group, three schools and a principal: a quiet tick (nothing due), the tick at
 * which every community's reminder is due (two pushes each), and the same instant again (all
 * claimed already). Real PostgreSQL and Redis; results are appended to bench/RESULTS.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { schedulerHarness } from "./scheduler-harness.ts";
import { runDueWork } from "../workers/schedule/due-work.ts";

const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 300);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench_schedule";
const RULE_MADE = new Date("2026-11-28T04:00:00Z");
const QUIET = new Date("2026-11-30T04:00:00Z");
const DUE = new Date("2026-12-02T01:00:00Z"); // 3 days before 09:00 Beijing on Saturday Dec 5

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { db, sql, redis, producers, log, run } = await schedulerHarness(DATABASE_URL, "silent");

  await db.$executeRawUnsafe(`TRUNCATE "Community" CASCADE`);
  for (let i = 0; i < COMMUNITIES; i++) {
    const c = await db.community.create({ data: { name: `${run}-${i}` } });
    await db.school.createMany({ data: ["第二小学", "郝家也中心小学", "双庙中心小学"].map((fullName) => ({ communityId: c.id, fullName })) });
    await db.chatGroup.create({ data: { communityId: c.id, platform: "sim", chatId: `${run}-g${i}` } });
    await db.member.create({ data: { communityId: c.id, displayName: "张校长", roles: ["principal"], identities: { create: { communityId: c.id, platform: "sim", userId: `${run}-p${i}` } } } });
    await db.meetingRule.create({ data: { communityId: c.id, text: "每月第一个周六 9:00", rrule: "FREQ=MONTHLY;BYDAY=+1SA", time: "09:00", anchor: new Date("2026-11-28"), updatedAt: RULE_MADE } });
  }

  const tick = async (at: Date) => {
    const t0 = performance.now();
    const r = await runDueWork({ db, producers, log, now: () => at }, at);
    return { ms: performance.now() - t0, queued: r.queued };
  };
  await tick(QUIET); // warm: connections, prepared plans, JIT
  const quiet = [];
  for (let i = 0; i < 5; i++) quiet.push((await tick(QUIET)).ms);
  const due = await tick(DUE);
  const again = [];
  for (let i = 0; i < 3; i++) again.push((await tick(DUE)).ms);

  const lines = [
    "",
    `## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — scheduler tick (meeting reminders)`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. ${COMMUNITIES} communities, each with a monthly rule, one group, three schools, one principal; runDueWork in-process against PostgreSQL and Redis on loopback.`,
    "",
    "| tick | pushes queued | ms |",
    "|---|---|---|",
    `| quiet (nothing due), median of 5 | 0 | ${median(quiet).toFixed(1)} |`,
    `| every community's 3-day reminder due | ${due.queued} | ${due.ms.toFixed(1)} |`,
    `| same instant again (all claimed), median of 3 | 0 | ${median(again).toFixed(1)} |`,
  ];
  console.log(lines.join("\n"));
  if (process.env.BENCH_WRITE !== "false") {
    // Newest first: before the first dated section.
    const file = new URL("./RESULTS.md", import.meta.url);
    const text = readFileSync(file, "utf8");
    const at = text.indexOf("\n## ");
    writeFileSync(file, at < 0 ? `${text}${lines.join("\n")}\n` : `${text.slice(0, at)}${lines.join("\n")}\n${text.slice(at)}`);
  }

  await producers.outbound.queue.obliterate({ force: true });
  await producers.close();
  await redis.quit();
  await db.$disconnect();
  await sql.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
