/** GET /my/<token>: the /我的数据 file, built when it is opened (nothing is written to disk). */
import type { FastifyInstance } from "fastify";
import { MY_DATA_PATH, myDataPayloadSchema } from "../../commands/privacy/my-data.ts";
import { verifyToken } from "../../core/signed-token.ts";
import { personData } from "../../db/privacy/my-data.ts";
import type { FormDeps } from "../forms/deps.ts";
import { messagePage } from "../forms/html.ts";

export function registerMyDataRoute(app: FastifyInstance, deps: Pick<FormDeps, "db" | "forms" | "now">): void {
  app.get<{ Params: { token: string } }>(`${MY_DATA_PATH}/:token`, async (req, reply) => {
    const refuse = (status: number, line: string) =>
      reply
        .code(status)
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(messagePage("无法下载", [line]));
    const check = verifyToken<{ exp: number }>(deps.forms.secret, req.params.token, deps.now());
    if (!check.ok) return refuse(check.reason === "expired" ? 410 : 403, check.reason === "expired" ? "链接已过期，请在单聊中重新发送 /我的数据。" : "链接无效，请在单聊中重新发送 /我的数据。");
    // Form, photo and export links are signed with the same secret: only a /我的数据 payload opens this.
    const parsed = myDataPayloadSchema.safeParse(check.payload);
    if (!parsed.success) return refuse(403, "链接无效，请在单聊中重新发送 /我的数据。");
    const data = await personData(deps.db, parsed.data.pl, parsed.data.u, deps.now());
    const name = `我的数据${deps.now().toISOString().slice(0, 10)}.json`;
    return reply
      .type("application/json; charset=utf-8")
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="jiaolian-mydata.json"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(JSON.stringify(data, null, 2));
  });
}
