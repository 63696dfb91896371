-- When a schedule was last set, so the scheduler can tell a push moved into the past by a setting
-- (sent now) from one missed while the bot was down (a catch-up). Null: never changed since created.
ALTER TABLE "Community" ADD COLUMN "digestChangedAt" TIMESTAMPTZ(3), ADD COLUMN "remindersChangedAt" TIMESTAMPTZ(3);
ALTER TABLE "Meeting" ADD COLUMN "plannedAt" TIMESTAMPTZ(3);
