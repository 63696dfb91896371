/**
 * Teachers recording while the province's digests go out (bench/province.ts): a steady stream of
 * `/记录` from group chats of other communities, half on WeCom (the legacy organisation's bot),
 * half on DingTalk (organisation yulin), each timed from the moment the fake platform pushes it
 * to the bot until the bot's first answer reaches the platform: the WeCom reply on the message's
 * req_id (aibot_respond_msg) or the DingTalk reply on the message's own sessionWebhook.
 */
import type { FakeDingtalk } from "../test/fakes/dingtalk.ts";
import type { FakeWecom } from "../test/fakes/wecom.ts";

export interface ReplyChats {
  /** WeCom group chat ids of the legacy organisation, as the platform knows them. */
  wecom: string[];
  /** DingTalk conversation ids of organisation yulin, as the platform knows them. */
  dingtalk: string[];
}

export interface ReplyFigures {
  sent: number;
  answered: number;
  p50: number;
  p99: number;
  max: number;
  /** One answer's text, to show what the bot said (a record, not an error). */
  sample: string;
}

interface Probe {
  sentAt: number;
  doneAt?: number;
  text?: string;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export class ReplyLoad {
  private readonly probes = new Map<string, Probe>();
  private seq = 0;

  constructor(
    private readonly wecom: FakeWecom,
    private readonly dingtalk: FakeDingtalk,
    private readonly chats: ReplyChats,
  ) {}

  /** Called from the fakes' hooks for every frame or call the bot made. */
  onWecom(cmd: string, reqId: string, text: () => string): void {
    if (cmd === "aibot_respond_msg") this.answered(`w:${reqId}`, text);
  }
  /**
   * DingTalk answers on the message's session webhook (target: the session, one per message
   * here), or, for an answer with buttons, with a card to the conversation (target: the
   * conversation; the oldest unanswered message there). Digests go through the OpenAPI's group
   * and user sends, never these two.
   */
  onDingtalk(via: string, target: string | undefined, text: () => string): void {
    this.vias.set(via, (this.vias.get(via) ?? 0) + 1);
    if (!target) return;
    if (via === "session") this.answered(`d:${target}`, text);
    if (via === "card") {
      const waiting = this.byConversation.get(target) ?? [];
      const key = waiting.find((k) => this.probes.get(k)?.doneAt === undefined);
      if (key) this.answered(key, text);
    }
  }
  /** DingTalk sends seen, by kind (to tell where answers went when some are missing). */
  readonly vias = new Map<string, number>();
  private readonly byConversation = new Map<string, string[]>();

  private answered(key: string, text: () => string): void {
    const p = this.probes.get(key);
    if (p && p.doneAt === undefined) {
      p.doneAt = Date.now();
      p.text = text();
    }
  }

  /** `perSecond` messages a second for `seconds`; then waits up to `graceMs` for the answers. */
  async run(perSecond: number, seconds: number, graceMs = 60_000): Promise<ReplyFigures> {
    const keys: string[] = [];
    const start = Date.now();
    for (let i = 0; i < perSecond * seconds; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      keys.push(await this.send(++this.seq));
    }
    const until = Date.now() + graceMs;
    while (keys.some((k) => this.probes.get(k)?.doneAt === undefined) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const probes = keys.map((k) => this.probes.get(k)!);
    const latencies = probes.map((p) => (p.doneAt ?? Date.now()) - p.sentAt);
    return {
      sent: keys.length,
      answered: probes.filter((p) => p.doneAt !== undefined).length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: Math.max(...latencies),
      // A WeCom answer's text (DingTalk's is a card's JSON).
      sample: probes.find((p) => p.text && !p.text.startsWith("{"))?.text?.split("\n")[0] ?? "",
    };
  }

  /** One `/记录` from a teacher account new to the bot, in the next chat of one platform or the other. */
  private async send(n: number): Promise<string> {
    const text = "/记录 示范课 今天 县实小 杨庄 语文";
    if (n % 2 === 0) {
      const chatId = this.chats.wecom[(n / 2) % this.chats.wecom.length]!;
      const reqId = `bench-${n}`;
      this.probes.set(`w:${reqId}`, { sentAt: Date.now() });
      await this.wecom.userSays({ text, userId: `teacher${n}`, chatId, reqId });
      return `w:${reqId}`;
    }
    const conversationId = this.chats.dingtalk[((n - 1) / 2) % this.chats.dingtalk.length]!;
    const session = `bench-${n}`;
    this.probes.set(`d:${session}`, { sentAt: Date.now() });
    this.byConversation.set(conversationId, [...(this.byConversation.get(conversationId) ?? []), `d:${session}`].slice(-20));
    await this.dingtalk.userSays({ text, userId: `teacher${n}`, conversationId, session });
    return `d:${session}`;
  }
}
