-- 0008-admin: dashboard administrators. Only an admin's token opens the
-- security issue tracker pages of `steward serve`.

ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
