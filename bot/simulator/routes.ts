/**
 * The simulator's HTTP face (this machine only): post a message and get the bot's replies, read
 * what the bot pushed to a chat, and read a chat's community's activities.
 *
 * It posts as anyone, so "this machine" is checked strictly, in the /sim plugin scope (on the
 * route the router matched, after it decoded the path: `/%73im/messages` is the same route):
 * the caller is on loopback, no proxy forwarded the request (behind a same-host reverse proxy
 * every caller is 127.0.0.1), and the server listens on loopback only. SIMULATOR_ALLOW_REMOTE
 * lifts these checks.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Gateway } from "../gateway.ts";
import { forwarded, isLoopback } from "../loopback.ts";
import type { SimulatorAdapter } from "./adapter.ts";

/** What the simulator shows of a reply: its text, and the picture it carries (the simulator can show images). */
const simReply = (r: { text: string; image?: { url: string; alt: string } }) => (r.image ? { text: r.text, image: r.image } : { text: r.text });

export const REPLY_TIMEOUT_MS = 10_000;

const postSchema = z.object({
  chatId: z.string().trim().min(1).max(256),
  userId: z.string().trim().min(1).max(256),
  userName: z.string().max(128).optional(),
  text: z.string().max(1_000_000),
  messageId: z.string().trim().min(1).max(256).optional(),
  chatType: z.enum(["group", "direct"]).optional(),
  mentioned: z.boolean().optional(),
  /** Other people @-mentioned, by account, as DingTalk's atUsers gives them. */
  mentions: z
    .array(z.object({ userId: z.string().trim().min(1).max(256), name: z.string().max(128).optional() }))
    .max(50)
    .optional(),
});
const chatQuery = z.object({ chatId: z.string().trim().min(1).max(256) });

const EXAMPLE = '{"chatId":"g1","userId":"u1","userName":"张老师","text":"/记录 示范课 11月20日 二小 语文"}';

/** Reads the activities of the community bound to a simulator chat (provided by the app: bot/ has no database). */
export type ActivityReader = (platform: "sim", chatId: string) => Promise<unknown[] | null>;

function bad(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

export interface SimulatorAccess {
  /** SIMULATOR_ALLOW_REMOTE: accept any caller. */
  allowRemote: boolean;
  /** The HTTP server listens on a loopback address only. */
  listensOnLoopback: boolean;
}

/** Why a request may not use the simulator, or undefined when it may. */
export function simulatorRefusal(access: SimulatorAccess, req: Pick<FastifyRequest, "headers" | "socket">): string | undefined {
  if (access.allowRemote) return undefined;
  if (!access.listensOnLoopback) return "模拟器只在服务只监听本机地址（HOST=127.0.0.1）时可用；确需远程使用请设置 SIMULATOR_ALLOW_REMOTE=true。";
  if (!isLoopback(req.socket.remoteAddress) || forwarded(req.headers)) return "模拟器只接受本机直接发来的请求（经反向代理转发的也不接受）。";
  return undefined;
}

export function registerSimulatorRoutes(app: FastifyInstance, sim: SimulatorAdapter, gateway: Gateway, readActivities: ActivityReader, access: SimulatorAccess): void {
  void app.register(
    async (scope) => {
      scope.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
        const refusal = simulatorRefusal(access, req);
        if (refusal) return reply.code(403).send({ error: refusal });
      });
      simulatorRoutes(scope, sim, gateway, readActivities);
    },
    { prefix: "/sim" },
  );
}

function simulatorRoutes(app: FastifyInstance, sim: SimulatorAdapter, gateway: Gateway, readActivities: ActivityReader): void {
  app.post("/messages", async (req, reply) => {
    const body = postSchema.safeParse(req.body);
    if (!body.success) {
      const field = body.error.issues[0]?.path.join(".") || "正文";
      return bad(reply, `请求格式不对（${field}）。需要 JSON：${EXAMPLE}`);
    }
    const b = body.data;
    const messageId = b.messageId ?? randomUUID();
    const replyWait = sim.hub.wait(messageId, REPLY_TIMEOUT_MS);
    if (!sim.sink) return reply.code(503).send({ error: "模拟器尚未就绪，请稍后再试。" });
    const { jobId, existed } = await sim.sink({
      platform: "sim",
      chatId: b.chatId,
      chatType: b.chatType ?? "group",
      senderId: b.userId,
      senderName: b.userName ?? "",
      text: b.text,
      messageId,
      mentioned: b.mentioned ?? false,
      ...(b.mentions?.length ? { mentions: b.mentions } : {}),
      receivedAt: new Date().toISOString(),
    });
    if (existed) {
      // A redelivery: it is not processed again; answer with what the first delivery produced,
      // but only to the chat it came from.
      if (!(await gateway.sameChat(jobId, b.chatId))) return reply.code(409).send({ error: "这个 messageId 已被另一个群使用，请换一个。" });
      // Whichever comes first: the stored result (it finished earlier) or its reply going out now
      // (it is still being processed, e.g. again after a worker crash).
      const live = replyWait.then((r) => (r ? { replies: r, duplicate: true } : undefined));
      const earlier = await Promise.race([gateway.resultOf(jobId, REPLY_TIMEOUT_MS), live]);
      if (!earlier) return reply.code(504).send({ error: "处理超时（10秒）。稍后可用 GET /sim/activities 查看是否已记录。", messageId, replies: [] });
      return { messageId, duplicate: true, replies: earlier.replies.map(simReply) };
    }
    const delivered = await replyWait;
    if (!delivered) return reply.code(504).send({ error: "处理超时（10秒）。稍后可用 GET /sim/activities 查看是否已记录。", messageId, replies: [] });
    return { messageId, replies: delivered.map(simReply) };
  });

  app.get("/outbox", async (req, reply) => {
    const q = chatQuery.safeParse(req.query);
    if (!q.success) return bad(reply, "缺少 chatId。例如：GET /sim/outbox?chatId=g1");
    return { messages: await sim.outbox.list(q.data.chatId) };
  });

  app.get("/replies", async (req, reply) => {
    const q = chatQuery.safeParse(req.query);
    if (!q.success) return bad(reply, "缺少 chatId。例如：GET /sim/replies?chatId=g1");
    return { deliveries: await sim.hub.delivered(q.data.chatId) };
  });

  app.get("/activities", async (req, reply) => {
    const q = chatQuery.safeParse(req.query);
    if (!q.success) return bad(reply, "缺少 chatId。例如：GET /sim/activities?chatId=g1");
    const activities = await readActivities("sim", q.data.chatId);
    if (activities === null) return reply.code(404).send({ error: "这个群还没有绑定共同体。先发送 /绑定 共同体名称。", activities: [] });
    return { activities };
  });
}
