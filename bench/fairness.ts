/**
 * `npx tsx bench/fairness.ts`: what fair queueing costs on the hot path, in one run. The same
 * 5,000 messages (from 50 chats, one chat sending half of them) go through the gateway's
 * admission (bot/inbound-limits.ts) and BullMQ's inbound queue to a worker that does nothing,
 * once as FIFO jobs (no priority) and once with the priority admission returns; alternated three
 * times so machine noise falls on both. Real Redis (REDIS_URL), a unique prefix, removed after.
 * Appends a section to bench/RESULTS.md.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { InboundLimits } from "../bot/inbound-limits.ts";
import type { InboundMessage } from "../messages/messages.ts";

const N = 5_000;
const CHATS = 50;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function once(withPriority: boolean): Promise<{ admitAddMs: number; drainMs: number; perSecond: number }> {
  const prefix = `bf${randomUUID().slice(0, 8)}`;
  const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  const wconn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("inbound", { connection: conn, prefix });
  const limits = new InboundLimits(conn, prefix, { perSender: 1e9, perChat: 1e9, maxBacklogPerChat: 1e9, maxBacklogPerCommunity: 1e9 });
  const messages: InboundMessage[] = Array.from({ length: N }, (_, i) => ({
    platform: "sim",
    chatId: i % 2 === 0 ? "noisy" : `c${i % CHATS}`,
    chatType: "group",
    senderId: "u",
    senderName: "",
    text: "/记录 示范课",
    messageId: `m${i}`,
    mentioned: false,
    receivedAt: new Date().toISOString(),
  }));
  const t0 = performance.now();
  // 20 at a time, as the gateway sees them under a burst.
  for (let i = 0; i < N; i += 20) {
    await Promise.all(
      messages.slice(i, i + 20).map(async (m) => {
        const v = await limits.admit(m, m.messageId, Date.now());
        if (!v.ok) throw new Error("refused");
        await queue.add("inbound", m, { jobId: m.messageId, removeOnComplete: true, ...(withPriority ? { priority: v.priority } : {}) });
      }),
    );
  }
  const t1 = performance.now();
  let done = 0;
  let resolve = () => {};
  const finished = new Promise<void>((r) => (resolve = r));
  const worker = new Worker(
    "inbound",
    async (job) => {
      await limits.done(job.data as InboundMessage, job.id ?? "");
      if (++done === N) resolve();
    },
    { connection: wconn, prefix, concurrency: 16 },
  );
  await finished;
  const t2 = performance.now();
  await worker.close();
  await queue.obliterate({ force: true });
  const stray = await conn.keys(`${prefix}:*`);
  if (stray.length) await conn.del(...stray);
  await queue.close();
  conn.disconnect();
  wconn.disconnect();
  return { admitAddMs: t1 - t0, drainMs: t2 - t1, perSecond: N / ((t2 - t0) / 1000) };
}

const rows: { label: string; r: Awaited<ReturnType<typeof once>> }[] = [];
for (let round = 0; round < 3; round++) {
  for (const p of [false, true]) {
    const r = await once(p);
    const label = p ? "priority from the backlog" : "FIFO (no priority)";
    console.log(label, r);
    rows.push({ label, r });
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = (label: string) => {
  const mine = rows.filter((x) => x.label === label).map((x) => x.r);
  return { admitAddMs: median(mine.map((x) => x.admitAddMs)), drainMs: median(mine.map((x) => x.drainMs)), perSecond: median(mine.map((x) => x.perSecond)) };
};
const fifo = summary("FIFO (no priority)");
const prio = summary("priority from the backlog");
const line = (label: string, s: typeof fifo) => `| ${label} | ${s.admitAddMs.toFixed(0)} | ${s.drainMs.toFixed(0)} | ${s.perSecond.toFixed(0)} |`;
const now = new Date().toISOString().slice(0, 16).replace("T", " ");
const section = [
  `## ${now} UTC — fair queueing: cost of BullMQ priorities on the inbound hot path`,
  "",
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs. \`npx tsx bench/fairness.ts\`: ${N} messages from ${CHATS} chats (one chat sends half), admitted by bot/inbound-limits.ts and added 20 at a time, then drained by one worker (concurrency 16, no work). FIFO and priority runs alternated 3 times; medians.`,
  "",
  "| jobs | admit + add ms | drain ms | messages/s end to end |",
  "|---|---|---|---|",
  line("FIFO (no priority)", fifo),
  line("priority from the backlog", prio),
  "",
  `- Priority vs FIFO: ${((prio.perSecond / fifo.perSecond - 1) * 100).toFixed(1)} % messages/s (the database work of /记录, ~2–3 ms per message, is not in this loop).`,
  "",
];
const results = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const old = readFileSync(results, "utf8");
const head = old.indexOf("\n## ");
writeFileSync(results, head < 0 ? `${old}\n${section.join("\n")}` : `${old.slice(0, head + 1)}${section.join("\n")}\n${old.slice(head + 1)}`);
