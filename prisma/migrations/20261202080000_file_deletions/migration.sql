-- Files a transaction decided to delete, carried out in the file store after it commits
-- (db/file-deletions.ts): an S3 bucket cannot take part in PostgreSQL's transaction (issue 20, item 4).
CREATE TABLE "FileDeletion" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "under" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FileDeletion_pkey" PRIMARY KEY ("id")
);
