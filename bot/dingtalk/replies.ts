/** Replies as DingTalk message parts: markdown split at line boundaries; the buttons go on the last part. */
import type { Reply } from "../../messages/messages.ts";
import { splitForLimit } from "../split.ts";
import type { DingtalkMessage } from "./api.ts";
import type { CardButton } from "./cards.ts";

const MARKDOWN_LIMIT = 5000;

export interface Part {
  title: string;
  /** Markdown (two spaces before each newline keep line breaks). */
  text: string;
  buttons: CardButton[];
  /** A web page to open (a form, a download): an https button works in groups too, unlike a sendMessage link. */
  link?: { label: string; url: string };
}

export function toParts(replies: readonly Reply[]): Part[] {
  const text = replies.map((r) => r.text).join("\n\n");
  const last = [...replies].reverse().find((r) => r.choices?.length || r.actions?.length);
  const buttons = (last?.choices?.length ? last.choices : (last?.actions ?? [])).map((a) => ({ label: a.label, command: a.command }));
  const link = [...replies].reverse().find((r) => r.link)?.link;
  const parts = splitForLimit(text, MARKDOWN_LIMIT);
  return parts.map((p, i) => ({
    title: [...(p.split("\n")[0] ?? "")].slice(0, 20).join("") || "教联体助手",
    text: p.replace(/\n/g, "  \n"),
    buttons: i === parts.length - 1 ? buttons.slice(0, 5) : [],
    ...(link && i === parts.length - 1 ? { link } : {}),
  }));
}

/** An ActionCard whose one button opens the page (sampleActionCard: singleTitle + singleURL). */
const linkCard = (p: Part, link: { label: string; url: string }): DingtalkMessage => ({ kind: "actionCard", title: p.title, text: p.text, buttons: [{ title: link.label, url: link.url }] });

/** A button that makes the user's DingTalk client send the command into the chat: only for 1:1 chats (no @ needed there). */
const sendMessageLink = (command: string) => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;

export function directMessage(p: Part): DingtalkMessage {
  if (!p.buttons.length) return p.link ? linkCard(p, p.link) : { kind: "markdown", title: p.title, text: p.text };
  return { kind: "actionCard", title: p.title, text: p.text, buttons: p.buttons.map((b) => ({ title: b.label, url: sendMessageLink(b.command) })) };
}

/** A group where no card can be shown: the text tells people to @ the robot with each command. */
export function groupTextWithHints(p: Part): DingtalkMessage {
  if (!p.buttons.length) return p.link ? linkCard(p, p.link) : { kind: "markdown", title: p.title, text: p.text };
  const hints = p.buttons.map((b) => `- ${b.label}：@我 发送 ${b.command}`).join("  \n");
  return { kind: "markdown", title: p.title, text: `${p.text}  \n  \n${hints}` };
}
