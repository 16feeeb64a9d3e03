-- 024-passbook-store-gen: a generation per stored passbook, so that a
-- passbook rendered after the commit of a bulk write (a village's sheet,
-- an announcement: too many households to render inside the transaction)
-- is stored only if no write has changed the household since it was read
-- (passbook_store.c).  A bulk write leaves a tombstone (render_id '',
-- empty bodies, gen + 1) that is never served; every store bumps gen.
-- Same subset and conventions as 001-base.sql.

ALTER TABLE passbook_store ADD COLUMN gen BIGINT NOT NULL DEFAULT 0;
