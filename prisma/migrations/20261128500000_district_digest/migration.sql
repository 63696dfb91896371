-- The district's weekly digest goes through the same delivery ledger as a community's pushes:
-- a row belongs to a community or to a district, never both, never neither.
ALTER TABLE "Delivery" ALTER COLUMN "communityId" DROP NOT NULL;
ALTER TABLE "Delivery" ADD COLUMN "districtId" INTEGER;
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "District"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_one_owner" CHECK (("communityId" IS NULL) <> ("districtId" IS NULL));
