-- A group robot webhook added in a group the bot is in belongs to that group: when the platform
-- refuses the bot's own proactive send there (WeCom's daily quota), reminders and digests go
-- through the webhook instead.
ALTER TABLE "PushTarget" ADD COLUMN "chatId" TEXT;
CREATE INDEX "PushTarget_communityId_chatId_idx" ON "PushTarget"("communityId", "chatId");
-- Deliveries the platform refused for quota and nobody was told about yet (the admin's next reply says so).
CREATE INDEX "Delivery_communityId_status_idx" ON "Delivery"("communityId", status);
