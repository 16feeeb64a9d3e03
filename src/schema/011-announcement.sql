-- 011-announcement: 一季一公示 — the Merkle tree over each village's ledger,
-- its signed checkpoints and their witnesses' cosignatures, and the frozen
-- quarterly announcements with their lines.  Same conventions as
-- 001-base.sql; the markers are described in src/db.c.  What is signed and
-- how a receipt proves a line: docs/transparency.md.

-- The RFC 6962 tree over a village's ledger (leaf i = the canonical
-- encoding of docs/ledger.md of the entry with seq i + 1): the node hashes
-- of levels 0, 4, 8, … (level 0 the leaf hashes), 16 consecutive nodes of one
-- level a row — row (level, tile, width) holds the level's nodes
-- [16 tile, 16 tile + width), base64, 44 characters each, no separator.
-- Every other node (levels 1-3 above a kept level) is folded from the 2-8
-- kept nodes under it when a proof needs it (src/ledger_tree.c reads them
-- through merkle.h's stored-hash reader).  Written in the posting
-- transaction from the compact range at the head: a posting that ends
-- inside a tile writes that tile again, wider, in the next posting; the
-- narrower row stays (append-only) and readers take the widest — tlog-tiles'
-- idea in rows.  About 1.07 hashes an entry in a row per 16 entries, so the
-- bookkeeping costs an approval little (one row per entry with every stored
-- hash in hex cost a quarter; docs/transparency.md).  No foreign key: like
-- ledger_entry's on PostgreSQL (006) it would be a lookup per row of the
-- COPY; `jifen verify` recomputes every row from the entries.  On SQLite
-- WITHOUT ROWID: the rows live in the key's B-tree.
--@postgresql CREATE TABLE ledger_tree(village_id BIGINT NOT NULL, level INTEGER NOT NULL, tile BIGINT NOT NULL, width INTEGER NOT NULL, hashes TEXT NOT NULL, PRIMARY KEY (village_id, level, tile, width));
--@sqlite CREATE TABLE ledger_tree(village_id BIGINT NOT NULL, level INTEGER NOT NULL, tile BIGINT NOT NULL, width INTEGER NOT NULL, hashes TEXT NOT NULL, PRIMARY KEY (village_id, level, tile, width)) WITHOUT ROWID;
--@append_only ledger_tree
-- the rows of the ledgers posted before this migration, computed from the
-- entries in the migration's transaction (src/db.c runs the C step)
--@backfill ledger_tree

-- Every checkpoint the deployment's key signed of a village's ledger: a
-- C2SP tlog-checkpoint (origin "<key name>/<village code>", size, base64
-- root) as a signed note, verbatim.  The signer also appends each one to
-- its own log beside the key, outside the database (src/note.h).
CREATE TABLE ledger_checkpoint(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  size BIGINT NOT NULL,
  root TEXT NOT NULL,                     -- base64 of the root hash
  note TEXT NOT NULL,                     -- the signed note
  signed_at BIGINT NOT NULL,
  UNIQUE (village_id, size)
);
--@append_only ledger_checkpoint

-- Witnesses' cosignatures (C2SP tlog-cosignature/v1) of a checkpoint: the
-- signature line as the witness gave it.
CREATE TABLE checkpoint_cosignature(
  id @ID@,
  checkpoint_id BIGINT NOT NULL REFERENCES ledger_checkpoint(id),
  witness TEXT NOT NULL,                  -- the witness key's name
  key_id TEXT NOT NULL,                   -- 8 hex digits
  cosigned_at BIGINT NOT NULL,            -- the cosignature's own timestamp
  line TEXT NOT NULL,                     -- "— name base64\n"
  added_by TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  UNIQUE (checkpoint_id, witness, key_id)
);
--@append_only checkpoint_cosignature

-- A quarterly announcement (季度公示), frozen: never changed.  The lines are
-- the leaves of a second Merkle tree whose checkpoint (origin "<ledger
-- origin>/<quarter>", size = households, root) is signed too; every leaf
-- binds the village, quarter, date, objection period and the ledger
-- checkpoint (docs/transparency.md), so a receipt proves its line and
-- links it to the ledger.
CREATE TABLE announcement(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  quarter TEXT NOT NULL,                  -- YYYY-Qn
  announced_on TEXT NOT NULL,             -- YYYY-MM-DD, the first day of the objection period
  objection_until TEXT NOT NULL,          -- YYYY-MM-DD, its last day (objection_days after)
  checkpoint_id BIGINT NOT NULL REFERENCES ledger_checkpoint(id),
  ledger_size BIGINT NOT NULL,            -- entries on the ledger (seq 1 .. ledger_size)
  ledger_root TEXT NOT NULL,              -- base64 Merkle root at that size
  ledger_head TEXT NOT NULL,              -- hash chain head (docs/ledger.md) at that size
  households BIGINT NOT NULL,             -- lines = leaves of the announcement tree
  lines_root TEXT NOT NULL,               -- base64 root of the announcement tree
  note TEXT NOT NULL,                     -- its signed checkpoint
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (village_id, quarter)
);
--@append_only announcement

-- One line of an announcement: leaf idx (0-based, households in code order).
CREATE TABLE announcement_line(
  announcement_id BIGINT NOT NULL REFERENCES announcement(id),
  idx BIGINT NOT NULL,
  household_id BIGINT NOT NULL REFERENCES household(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,                     -- as published (masked)
  quarter_points BIGINT NOT NULL,
  year_points BIGINT NOT NULL,
  balance BIGINT NOT NULL,
  PRIMARY KEY (announcement_id, idx)
);
CREATE INDEX announcement_line_household ON announcement_line(household_id, announcement_id);
--@append_only announcement_line
