/**
 * Who `npm run chat` speaks as and where: one person in one conversation, switched by lines that
 * start with ":" (never sent to the bot). Pure, so the switching is tested without a bot.
 */
import { DEMO_ADMIN, DEMO_CHAT } from "./demo.ts";

export interface ChatSession {
  chatId: string;
  chatType: "group" | "direct";
  userId: string;
  userName: string;
}

/** The starting point: CHAT_ID / USER_ID / USER_NAME / CHAT_TYPE, else the demo admin in the demo group. */
export function sessionFromEnv(env: NodeJS.ProcessEnv): ChatSession {
  const userId = env.USER_ID?.trim() || DEMO_ADMIN.userId;
  const direct = env.CHAT_TYPE === "direct";
  return {
    userId,
    userName: env.USER_NAME?.trim() || (userId === DEMO_ADMIN.userId ? DEMO_ADMIN.userName : userId),
    chatType: direct ? "direct" : "group",
    // In a 1:1 chat the conversation is the person (as the platforms and the simulator name it).
    chatId: direct ? userId : env.CHAT_ID?.trim() || DEMO_CHAT,
  };
}

export const describeSession = (s: ChatSession) => (s.chatType === "direct" ? `与机器人单聊，你是 ${s.userName}（${s.userId}）` : `群 ${s.chatId}，你是 ${s.userName}（${s.userId}）`);

export const SESSION_HELP = [
  ":as <用户ID> [姓名]  换一个人说话（例：:as u-zhang 张老师）",
  ":group <群ID>  换到另一个群（例：:group 郝家也教师群）",
  ":dm  与机器人单聊（当前的人）",
  ":who  现在是谁、在哪里",
];

export type SessionLine = { kind: "switched"; session: ChatSession } | { kind: "show" } | { kind: "error"; message: string } | { kind: "other" };

/** Reads one ":" line; anything it does not know is "other" (the caller handles :demo, :quit). */
export function sessionLine(line: string, s: ChatSession): SessionLine {
  const [word, ...rest] = line.trim().split(/\s+/);
  switch (word) {
    case ":as": {
      const [userId, ...name] = rest;
      if (!userId) return { kind: "error", message: "用法：:as <用户ID> [姓名]，例如 :as u-zhang 张老师" };
      const userName = name.join(" ") || userId;
      return { kind: "switched", session: { ...s, userId, userName, chatId: s.chatType === "direct" ? userId : s.chatId } };
    }
    case ":group": {
      const chatId = rest.join(" ");
      if (!chatId) return { kind: "error", message: "用法：:group <群ID>，例如 :group 郝家也教师群" };
      return { kind: "switched", session: { ...s, chatId, chatType: "group" } };
    }
    case ":dm":
      return { kind: "switched", session: { ...s, chatId: s.userId, chatType: "direct" } };
    case ":who":
      return { kind: "show" };
    default:
      return { kind: "other" };
  }
}
