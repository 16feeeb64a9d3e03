-- 025-passbook-store-gzip: the stored passbooks' two bodies kept deflated
-- (gzip.h), the JSON first and the page last, and on SQLite keyed by the
-- rowid itself.  On the county (150,000 households) the stored bodies
-- were 2.6 GB of a 5 GB file, past the 2 GB that SQLite maps, and a page
-- took five 4 kB reads; packed they are a quarter of that, and the JSON
-- (1.5 kB packed) sits inside the row's own B-tree page, read without
-- walking the page's overflow pages.  The rows are a cache of what the
-- ledger gives: dropped here, rendered on the fly until `jifen
-- passbook-render` (or the next write) stores them again — as after
-- every upgrade, whose renderer id differs anyway.
-- Same subset and conventions as 001-base.sql.

DROP TABLE passbook_store;
--@sqlite CREATE TABLE passbook_store(household_id INTEGER PRIMARY KEY REFERENCES household(id), village_id BIGINT NOT NULL REFERENCES village(id), render_id TEXT NOT NULL, as_of TEXT NOT NULL, valid_until BIGINT NOT NULL, etag TEXT NOT NULL, gen BIGINT NOT NULL DEFAULT 0, json_z BLOB NOT NULL, html_z BLOB NOT NULL);
--@postgresql CREATE TABLE passbook_store(household_id BIGINT PRIMARY KEY REFERENCES household(id), village_id BIGINT NOT NULL REFERENCES village(id), render_id TEXT NOT NULL, as_of TEXT NOT NULL, valid_until BIGINT NOT NULL, etag TEXT NOT NULL, gen BIGINT NOT NULL DEFAULT 0, json_z BYTEA NOT NULL, html_z BYTEA NOT NULL);
CREATE INDEX passbook_store_village ON passbook_store(village_id);
