/** GET /my/<token>: the /我的数据 file, built when it is opened (nothing is written to disk). */
import type { FastifyInstance } from "fastify";
import { MY_DATA_PATH } from "../../commands/privacy/my-data.ts";
import { verifyLink } from "../../core/links/index.ts";
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
    // Every kind of link is signed with the same secret: only a /我的数据 link opens this.
    const check = verifyLink(deps.forms.secret, req.params.token, deps.now(), "my");
    if (!check.ok) return refuse(check.reason === "expired" ? 410 : 403, check.reason === "expired" ? "链接已过期，请在单聊中重新发送 /我的数据。" : "链接无效，请在单聊中重新发送 /我的数据。");
    const data = await personData(deps.db, check.payload.pl, check.payload.u, deps.now());
    const name = `我的数据${deps.now().toISOString().slice(0, 10)}.json`;
    return reply
      .type("application/json; charset=utf-8")
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="jiaolian-mydata.json"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(JSON.stringify(data, null, 2));
  });
}
