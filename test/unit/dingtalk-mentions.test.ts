/** DingTalk's atUsers (dingtalk_stream/chatbot.py AtUser) → the accounts a message @-mentions. */
import { describe, expect, it } from "vitest";
import { messageFromRobot } from "../../bot/dingtalk/inbound.ts";

const base = { msgId: "m1", conversationId: "cid", conversationType: "2", senderStaffId: "admin1", senderNick: "王主任", msgtype: "text", chatbotUserId: "$:LWCP_v1:$robot" };

describe("DingTalk mentions", () => {
  it("lists mentioned members by staffId, never the robot itself or someone outside the organisation", () => {
    const m = messageFromRobot(
      {
        ...base,
        text: { content: " /成员 @王芳 校长" },
        atUsers: [{ dingtalkId: "$:LWCP_v1:$robot" }, { dingtalkId: "$:LWCP_v1:$x", staffId: "wangfang" }, { dingtalkId: "$:LWCP_v1:$guest" }],
      },
      new Date(),
    );
    expect(m?.mentions).toEqual([{ userId: "wangfang" }]);
    expect(m?.text).toBe("/成员 @王芳 校长");
  });

  it("a malformed atUsers list is ignored, the message still read", () => {
    const m = messageFromRobot({ ...base, text: { content: "/帮助" }, atUsers: "nonsense" }, new Date());
    expect(m?.text).toBe("/帮助");
    expect(m?.mentions).toBeUndefined();
  });
});
