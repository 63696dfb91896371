/**
 * Commands an attacker can type: guessing /关联 codes, district codes in any script.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { MAX_WRONG_CODES_ALL, MAX_WRONG_CODES_PER_SENDER } from "../../commands/community/link.ts";
import { unique } from "../support/env.ts";
import { boundGroup, Chat, startTestApp } from "../support/harness.ts";
import { ownDatabase } from "../support/own-database.ts";

let app: App;
beforeAll(async () => {
  // A database of its own: the all-senders cap counts every wrong code in the deployment, and
  // every test runs at the same fixed clock, so in the shared database the wrong codes of other
  // files (and of earlier runs, which never age out of that clock's window) would count here.
  app = await startTestApp({ DATABASE_URL: await ownDatabase("link_guessing") });
});
afterAll(async () => app?.close());

const direct = { chatType: "direct" };

describe("/关联 codes cannot be guessed", () => {
  it(`after ${MAX_WRONG_CODES_PER_SENDER} wrong codes a sender is refused, even the right code`, async () => {
    const g = await boundGroup(app, { schools: false });
    const owner = new Chat(app, g.userId, g.userId, g.userName);
    const code = /关联码：(\d{6})/.exec(await owner.says("/关联码", direct))?.[1];
    expect(code).toBeDefined();
    const guesser = new Chat(app, unique("dm"), unique("x"), "猜码的人");
    for (let i = 0; i < MAX_WRONG_CODES_PER_SENDER; i++) {
      const wrong = String(((Number(code) + 1 + i) % 900_000) + 100_000);
      expect(await guesser.says(`/关联 ${wrong}`, direct)).toMatch(/关联码不对或已过期/);
    }
    expect(await guesser.says(`/关联 ${code}`, direct)).toMatch(/输错次数太多/);
    // The owner's own new account is not affected.
    const second = new Chat(app, unique("dm"), unique("y"), g.userName);
    expect(await second.says(`/关联 ${code}`, direct)).toMatch(/已关联/);
  });

  it(`after ${MAX_WRONG_CODES_ALL} wrong codes from many accounts, no code is looked up for anyone`, async () => {
    await app.db.linkCodeFailure.deleteMany({});
    const g = await boundGroup(app, { schools: false });
    const owner = new Chat(app, g.userId, g.userId, g.userName);
    const code = /关联码：(\d{6})/.exec(await owner.says("/关联码", direct))?.[1];
    expect(code).toBeDefined();
    const perAccount = MAX_WRONG_CODES_PER_SENDER - 1;
    for (let sent = 0; sent < MAX_WRONG_CODES_ALL; ) {
      const guesser = new Chat(app, unique("dm"), unique("x"), "猜码的人");
      for (let i = 0; i < perAccount && sent < MAX_WRONG_CODES_ALL; i++, sent++) {
        const wrong = String(((Number(code) + 1 + sent) % 900_000) + 100_000);
        expect(await guesser.says(`/关联 ${wrong}`, direct)).toMatch(/关联码不对或已过期/);
      }
    }
    // A fresh account that never guessed, with the right code: refused until the window passes.
    const second = new Chat(app, unique("dm"), unique("y"), g.userName);
    expect(await second.says(`/关联 ${code}`, direct)).toMatch(/暂停使用关联码/);
    expect(await app.db.platformIdentity.count({ where: { userId: second.userId } })).toBe(0);
  });
});

describe("/区县 绑定 with any code", () => {
  it("a code in another script gets the usual refusal, not an internal error", async () => {
    const bureau = new Chat(app, unique("dm"), unique("b"), "教育局");
    const name = `${unique("县")}`.slice(0, 20);
    expect(await bureau.says(`/区县 创建 ${name}`, direct)).toMatch(/加入码：[A-Z2-9]{8}/);
    const g = await boundGroup(app, { schools: false });
    for (const code of ["ABCDEFGé", "ÀÉÎÕÜÇÑß", "𝔸𝔹ℂ𝔻𝔼𝔽𝔾ℍ", "ABCD234"]) {
      expect(await g.says(`/区县 绑定 ${name} ${code}`), code).toMatch(/区县名称或加入码不对/);
    }
  });
});
