/**
 * `npm run bench:import`: a 2,000-row ledger (merged title, Chinese headers, Excel and typed
 * dates) previewed, confirmed, and imported a second time (nothing added), through the same
 * dispatch a platform message takes, on real PostgreSQL. Baseline in the same run: the same
 * 2,000 activities typed as 2,000 separate /记录 messages through that dispatch.
 * Target (issue 25): importing costs a coordinator less than typing — well under the typed time.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import ExcelJS from "exceljs";
import { handleInbound } from "../commands/index.ts";
import { createDatabase } from "../db/client.ts";
import { ensureDatabase, migrate } from "../db/migrate.ts";
import type { InboundMessage } from "../messages/messages.ts";

const ROWS = 2000;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench";
const NOW = new Date("2026-12-01T04:00:00Z");
const KINDS = ["示范课", "听评课", "集体备课", "专题讲座", "教研活动"];
const SCHOOLS = ["县实小", "杨庄", "青龙沟", "石门"];

const dayOf = (i: number) => new Date(Date.UTC(2026, 8, 1) + (i % 90) * 86_400_000);

async function ledger(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet("台账");
  s.addRow(["2026年秋季学期 活动台账"]);
  s.mergeCells("A1:H1");
  s.addRow(["序号", "活动形式", "时间", "承办学校", "参加学校", "学科", "活动内容", "参与人数"]);
  for (let i = 0; i < ROWS; i++) {
    const date = i % 2 === 0 ? dayOf(i) : `${dayOf(i).getUTCMonth() + 1}月${dayOf(i).getUTCDate()}日`;
    s.addRow([i + 1, KINDS[i % KINDS.length], date, SCHOOLS[i % 4], SCHOOLS[(i + 1) % 4], "语文", `《课题${i}》`, 20 + (i % 30)]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function main() {
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const { db, sql } = createDatabase(DATABASE_URL, 4);
  const tag = randomUUID().slice(0, 8);
  const community = await db.community.create({ data: { name: `导入基准${tag}` } });
  await db.school.createMany({
    data: ["安川县实验小学", "杨庄乡中心小学", "青龙沟村小学", "石门乡中心小学"].map((fullName, i) => ({
      communityId: community.id,
      fullName,
      role: i === 0 ? "core" : "member",
      shortNames: [SCHOOLS[i] as string],
    })),
  });
  const admin = await db.member.create({ data: { communityId: community.id, displayName: "王主任", roles: ["admin"] } });
  const chats = [`import-${tag}`, `typed-${tag}`];
  for (const chatId of chats) await db.chatGroup.create({ data: { communityId: community.id, platform: "sim", chatId } });
  await db.platformIdentity.create({ data: { communityId: community.id, memberId: admin.id, platform: "sim", userId: `u${tag}` } });
  const deps = { db, sql, now: () => NOW };
  const say = (chatId: string, text: string): Promise<string> =>
    handleInbound(deps, {
      platform: "sim",
      chatId,
      chatType: "group",
      senderId: `u${tag}`,
      senderName: "王主任",
      text,
      messageId: randomUUID(),
      mentioned: true,
      receivedAt: NOW.toISOString(),
    } satisfies InboundMessage).then((r) => r.replies.map((x) => x.text).join("\n"));

  const file = await ledger();
  const keep = async () => (await db.ledgerImport.create({ data: { communityId: community.id, memberId: admin.id, fileName: "台账.xlsx", sha256: "bench", data: new Uint8Array(file) } })).id;
  const time = async (what: () => Promise<string>) => {
    const t0 = performance.now();
    const text = await what();
    return { ms: performance.now() - t0, text: text.split("\n")[0] ?? "" };
  };
  const first = await keep();
  const preview = await time(() => say(chats[0] as string, `/导入 预览 ${first}`));
  const confirm = await time(() => say(chats[0] as string, `/导入 确认 ${first}`));
  const second = await keep();
  const again = await time(() => say(chats[0] as string, `/导入 确认 ${second}`));
  const recorded = await db.activity.count({ where: { communityId: community.id } });

  // Baseline: the same rows typed one message each.
  const t0 = performance.now();
  for (let i = 0; i < ROWS; i++)
    await say(chats[1] as string, `/记录 ${KINDS[i % KINDS.length]} ${dayOf(i).toISOString().slice(0, 10)} ${SCHOOLS[i % 4]} 参与=${SCHOOLS[(i + 1) % 4]} 语文 《课题${i}》 ${20 + (i % 30)}人`);
  const typedMs = performance.now() - t0;
  const typed = (await db.activity.count({ where: { communityId: community.id } })) - recorded;
  await db.$disconnect();
  await sql.end();

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const cpu = cpus()[0]?.model ?? "unknown";
  const section = [
    `## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — ledger import of ${ROWS} rows`,
    "",
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. In one process on real PostgreSQL, through handleInbound (the dispatch every platform message takes); the .xlsx has a merged title, Chinese headers, half the dates as Excel dates and half as 「9月2日」 text. Shared machine: other sessions were running.`,
    "",
    "| step | time | reply |",
    "|---|---|---|",
    `| preview (read the file, check all rows, look up existing keys) | ${s(preview.ms)} | ${preview.text} |`,
    `| confirm (record every row, one insert each) | ${s(confirm.ms)} | ${confirm.text} |`,
    `| the same file imported again | ${s(again.ms)} | ${again.text} |`,
    `| baseline: ${typed} typed /记录 messages, one by one | ${s(typedMs)} | — |`,
    "",
    `- rows recorded by the import: ${recorded} of ${ROWS}; by the second import: 0 (${again.text.includes("已记录 0 条") ? "✅" : "❌"})`,
    `- preview + confirm vs typing the same rows: ${((preview.ms + confirm.ms) / typedMs).toFixed(2)}× the time`,
    "",
  ].join("\n");
  const path = new URL("./RESULTS.md", import.meta.url);
  const old = readFileSync(path, "utf8");
  const at = old.indexOf("\n## ");
  writeFileSync(path, at < 0 ? `${old}\n${section}` : `${old.slice(0, at + 1)}${section}\n${old.slice(at + 1)}`);
  console.log(section);
}

await main();
