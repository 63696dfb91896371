/**
 * Template cards for WeCom: buttons under a reply (button_interaction: each button's key is its
 * command, so a click needs no state) and a one-of-several question (vote_interaction: option
 * ids are limited to 128 bytes, so the commands behind them are kept in Redis by task id).
 */
import { createHash } from "node:crypto";
import type { RedisClient } from "../../config/redis.ts";
import type { Reply } from "../../messages/messages.ts";

type Action = { label: string; command: string };
export type TemplateCard = Record<string, unknown> & { card_type: string; task_id: string };

const CARD_TTL_S = 7 * 24 * 3600;
/** WeCom shows at most 6 buttons and caps titles; longer text goes in the message body. */
const MAX_BUTTONS = 6;
const MAX_OPTIONS = 20;

const title = (text: string) => [...(text.split("\n")[0] ?? "")].slice(0, 26).join("") || "教联体助手";

/** Task ids must be unique per card and made of [A-Za-z0-9_-@]; derived from the message so a retry reuses it. */
export const taskIdFor = (seed: string) => `jl${createHash("sha1").update(seed).digest("hex").slice(0, 30)}`;

export function buttonCard(reply: Reply, actions: readonly Action[], taskId: string): TemplateCard {
  return {
    card_type: "button_interaction",
    main_title: { title: title(reply.text) },
    task_id: taskId,
    button_list: actions.slice(0, MAX_BUTTONS).map((a, i) => ({ text: a.label, style: i === 0 ? 1 : 2, key: a.command })),
  };
}

/**
 * A card that opens a web page (a form, a download): text_notice with card_action type 1 (jump to
 * a URL) and one jump_list entry as the visible button (模板卡片 text_notice,
 * developer.work.weixin.qq.com/document/path/101463 "模板卡片消息").
 */
export function linkCard(reply: Reply, link: { label: string; url: string }, taskId: string): TemplateCard {
  return {
    card_type: "text_notice",
    main_title: { title: title(reply.text) },
    sub_title_text: reply.text.split("\n").slice(1).join("\n").slice(0, 500),
    task_id: taskId,
    jump_list: [{ type: 1, title: link.label.slice(0, 13), url: link.url }],
    card_action: { type: 1, url: link.url },
  };
}

export function voteCard(reply: Reply, choices: readonly Action[], taskId: string): TemplateCard {
  return {
    card_type: "vote_interaction",
    main_title: { title: "请选择", desc: title(reply.text) },
    task_id: taskId,
    checkbox: { question_key: "choice", mode: 0, option_list: choices.slice(0, MAX_OPTIONS).map((c, i) => ({ id: `c${i}`, text: c.label.slice(0, 20) })) },
    submit_button: { text: "提交", key: "submit" },
  };
}

/** What a clicked card turns into after its command ran: the result, no more buttons. */
export function doneCard(taskId: string, cardType: string | undefined, resultText: string): TemplateCard {
  const lines = resultText.split("\n");
  return {
    card_type: cardType === "vote_interaction" ? "vote_interaction" : "button_interaction",
    main_title: { title: title(resultText) },
    sub_title_text: lines.slice(1).join("\n").slice(0, 500),
    task_id: taskId,
    ...(cardType === "vote_interaction"
      ? { checkbox: { question_key: "choice", disable: true, option_list: [{ id: "done", text: "已处理", is_checked: true }] }, submit_button: { text: "已提交", key: "done" } }
      : { button_list: [{ text: "已处理", style: 2, key: "done" }] }),
  };
}

export class CardStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async saveChoices(taskId: string, choices: readonly Action[]): Promise<void> {
    await this.redis.set(this.key(taskId), JSON.stringify(choices.slice(0, MAX_OPTIONS).map((c) => c.command)), "EX", CARD_TTL_S);
  }

  /** The command behind a chosen option, if the card is ours and not expired. */
  async choice(taskId: string, optionId: string): Promise<string | undefined> {
    const raw = await this.redis.get(this.key(taskId));
    const index = /^c(\d{1,2})$/.exec(optionId)?.[1];
    if (!raw || index === undefined) return undefined;
    try {
      const commands: unknown = JSON.parse(raw);
      const c = Array.isArray(commands) ? commands[Number(index)] : undefined;
      return typeof c === "string" ? c : undefined;
    } catch {
      return undefined;
    }
  }

  private key(taskId: string) {
    return `${this.prefix}:wecom-card:${taskId}`;
  }
}
