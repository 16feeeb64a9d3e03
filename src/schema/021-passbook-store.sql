-- 021-passbook-store: every household's passbook as the card page
-- /p/TOKEN and the JSON /api/v1/p/TOKEN answer it, stored so that an
-- announcement day's cold reads cost one indexed read instead of ~25
-- scattered ledger rows and the rendering (BENCHMARKS.md, issue 16).
-- Written by passbook_store.c in the same transaction as the change that
-- alters the passbook (db_touch), or deleted there when a bulk posting
-- touches too many households to render them inside it; a missing,
-- expired or foreign-renderer row is rendered on the fly, so a row is never
-- trusted unless it is exactly what the binary would write now.
-- Same subset and conventions as 001-base.sql.

CREATE TABLE passbook_store(
  household_id BIGINT PRIMARY KEY REFERENCES household(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  render_id TEXT NOT NULL,       -- the renderer's build id (page, JSON code)
  as_of TEXT NOT NULL,           -- YYYY-MM-DD the figures were computed for
  valid_until BIGINT NOT NULL,   -- unix time a live reservation expires (or far)
  etag TEXT NOT NULL,            -- hex of SHA-256 over the two bodies
  html TEXT NOT NULL,            -- the page, U+0001 where the card's URL goes
  json TEXT NOT NULL             -- the first page's JSON
);
CREATE INDEX passbook_store_village ON passbook_store(village_id);

-- Every household's receipt (docs/transparency.md) of an announcement,
-- written with the announcement: the passbook shows the newest one, which
-- otherwise costs rebuilding the announcement's Merkle tree of every line
-- on each page (a third of a page's instructions, BENCHMARKS.md).  The
-- same text `jifen receipt` prints up to the ledger checkpoint, which is
-- appended when read (a witness's cosignature adds to it later);
-- announcements from before this migration have none and are computed as
-- before.  Not append-only: a cache of what the lines give, like
-- passbook_store.
CREATE TABLE announcement_receipt(
  announcement_id BIGINT NOT NULL REFERENCES announcement(id),
  code TEXT NOT NULL,                     -- the household's code in the line
  receipt TEXT NOT NULL,
  PRIMARY KEY (announcement_id, code)
);
