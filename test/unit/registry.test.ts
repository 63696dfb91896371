/**
 * The registry: one key per name or alias, refused twice at boot; /帮助 and dispatch read the
 * same lookup (a duplicate alias used to run one command and explain another).
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { COMMANDS, registry } from "../../commands/index.ts";
import { createRegistry, DuplicateCommandNameError } from "../../commands/core/registry.ts";
import { boundCommand } from "../../commands/core/types.ts";
import type { CommandContext } from "../../commands/core/types.ts";
import { helpCommand } from "../../commands/core/help.ts";

const extra = (name: string, aliases: string[]) => boundCommand({ name, aliases, summary: "测试", examples: [], args: z.object({}), run: async () => "ok" });

describe("duplicate names", () => {
  it("a new command with an alias another one has (统计 of /进度) is refused at boot", () => {
    expect(registry.find("统计")?.name).toBe("进度");
    expect(() => createRegistry([...COMMANDS, extra("统计表", ["统计"])])).toThrow(DuplicateCommandNameError);
    expect(() => createRegistry([...COMMANDS, extra("统计表", ["统计"])])).toThrow(/"统计" of \/统计表 is already taken by \/进度/);
  });
  it("a name that is another's name, in another case, is refused", () => {
    expect(() => createRegistry([extra("Help", []), extra("help", [])])).toThrow(DuplicateCommandNameError);
  });
  it("a command may repeat its own name among its aliases", () => {
    expect(createRegistry([extra("甲", ["甲", "jia"])]).find("JIA")?.name).toBe("甲");
  });
  it("the real list has no duplicate", () => expect(registry.all).toBe(COMMANDS));
});

describe("/帮助 explains what the name runs", () => {
  const ctx = { commands: registry, schools: [], community: null } as unknown as CommandContext;
  it("an alias is explained as the command dispatch runs for it", async () => {
    for (const command of COMMANDS)
      for (const alias of command.aliases) {
        const text = String(await helpCommand.run(ctx, { topic: alias }));
        expect(text, alias).toContain(`/${registry.find(alias)?.name}`);
        expect(registry.find(alias)).toBe(command);
      }
  });
  it("help of a name no command has is refused in Chinese", async () => {
    await expect(helpCommand.run(ctx, { topic: "不存在" })).rejects.toThrow(/没有「不存在」这个命令/);
  });
});
