/**
 * A harness that talks like a user, over the real pipeline: HTTP → BullMQ (real Redis) →
 * worker → PostgreSQL → outbound queue → simulator reply.
 *   const g = await group(app); await g.says("/记录 …"); expect(g.last).toMatch(/已记录/)
 */
import { startApp, type App } from "../../app/app.ts";
import { testEnv, unique } from "./env.ts";

/**
 * The instant every in-process test app believes it is, unless a test moves its own clock.
 * Tests write dates without a year ("11月20日") and compare against terms and edit windows:
 * with the wall clock they would start failing on a date nobody chose.
 */
export const TEST_NOW = new Date("2026-11-22T04:00:00Z"); // Sunday 12:00 in Beijing

export async function startTestApp(overrides: Record<string, string> = {}, now: () => Date = () => TEST_NOW): Promise<App> {
  return startApp({ env: testEnv(overrides), now });
}

export interface SimResponse {
  status: number;
  body: { replies?: { text: string }[]; error?: string; duplicate?: boolean; messageId?: string };
}

export async function post(app: App, path: string, body: unknown): Promise<SimResponse> {
  const res = await fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as SimResponse["body"] };
}

export async function get<T = Record<string, unknown>>(app: App, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

export class Chat {
  last = "";
  /** How many replies the last message got (the text of all of them is `last`). */
  lastCount = 0;
  constructor(
    readonly app: App,
    readonly chatId: string,
    public userId: string,
    public userName: string,
  ) {}

  as(userId: string, userName: string): Chat {
    return new Chat(this.app, this.chatId, userId, userName);
  }

  /** Sends a message and returns the joined reply text (also kept in `last`). */
  async says(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await post(this.app, "/sim/messages", { chatId: this.chatId, userId: this.userId, userName: this.userName, text, ...extra });
    if (res.status !== 200) throw new Error(`sim answered ${res.status}: ${JSON.stringify(res.body)}`);
    this.last = (res.body.replies ?? []).map((r) => r.text).join("\n");
    this.lastCount = (res.body.replies ?? []).length;
    return this.last;
  }

  /**
   * This chat's admin gives `name` a school and role (`rest`, e.g. "郝家也 校长") by @-mentioning
   * their account, as DingTalk's atUsers name it (roles belong to accounts, never to names), and
   * returns that person's chat.
   */
  async member(name: string, rest: string, userId: string = unique("u")): Promise<Chat> {
    const reply = await this.says(`/成员 @${name} ${rest}`, { mentions: [{ userId }] });
    if (!/已(添加|设置)成员/.test(reply)) throw new Error(`/成员 @${name} ${rest} answered: ${reply}`);
    return this.as(userId, name);
  }

  async activities(): Promise<Record<string, unknown>[]> {
    return (await get<{ activities: Record<string, unknown>[] }>(this.app, `/sim/activities?chatId=${encodeURIComponent(this.chatId)}`)).body.activities;
  }
}

/** A fresh group bound to a fresh community, whose first member (the admin) is returned. */
export async function boundGroup(app: App, opts: { schools?: boolean } = {}): Promise<Chat & { community: string }> {
  const chat = new Chat(app, unique("g"), unique("u"), "王主任") as Chat & { community: string };
  chat.community = unique("共同体");
  await chat.says(`/绑定 ${chat.community}`);
  if (opts.schools !== false) {
    await chat.says("/学校 添加 清涧县第二小学 核心 二小 第二小学");
    await chat.says("/学校 添加 郝家也中心小学 成员 郝家也");
    await chat.says("/学校 添加 双庙中心小学 成员 双庙");
  }
  return chat;
}
