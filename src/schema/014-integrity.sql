-- 014-integrity: the audit log becomes a hash chain like the ledger's, so
-- that `jifen verify` finds a deleted or changed audit row; the chain's
-- rows are also where the approvals' meeting records and the standards'
-- content hashes are anchored (docs/ledger.md, "What the audit chain
-- anchors").  Same subset and conventions as 001-base.sql.
--
-- seq numbers the chained rows 1, 2, 3 … town-wide; hash is the lower-case
-- hex SHA-256 of the previous row's hash (64 zeros for seq 1) and the
-- row's canonical encoding (audit.c audit_encode).  Rows written before
-- this migration keep seq and hash NULL: the table is append-only, and
-- SQL cannot compute the hashes on SQLite.  The first command run after
-- the upgrade writes the chain's first row, 'audit.chain_start', whose
-- after_json holds the number of those rows, the last one's id and a
-- SHA-256 over all of them (audit_chain_start), and one 'standard.seal'
-- row for every standard version adopted before (ledger_seal_legacy).
ALTER TABLE audit ADD COLUMN seq BIGINT;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit(seq);

-- The chain's head: the last row's seq and hash.  Every audit insert
-- updates it in its own transaction; on PostgreSQL that UPDATE is the row
-- lock that serialises concurrent audit inserts, as ledger_head does for a
-- village's postings.  Created by the first insert (so migrate-db can copy
-- it like any other table).
CREATE TABLE audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

-- Write quotas (issue 11): a day's photo uploads are counted per uploader
-- (evidence.c evidence_store), so the index serves that sum.
CREATE INDEX evidence_uploader ON evidence(uploaded_by, created_at);

-- Anonymous security events (CSRF failures, denials, failed logins before
-- a session) are aggregated: the first of an address, action and minute
-- writes its audit row, the others of that minute only count here
-- (audit.c audit_security_event).  Rows older than a day are removed.
CREATE TABLE audit_tally(
  ip TEXT NOT NULL,
  action TEXT NOT NULL,
  minute BIGINT NOT NULL,                 -- unix time / 60
  count BIGINT NOT NULL,
  PRIMARY KEY (ip, action, minute)
);
CREATE INDEX audit_tally_minute ON audit_tally(minute);
