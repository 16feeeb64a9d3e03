-- 015-objection: objections (异议) to a quarterly announcement and their
-- decisions, the village settings they and the public pages need, and the
-- households' separate consent to publish their head's name (PIPL art. 25).
-- Same conventions as 001-base.sql.

-- Village settings of jifen's own (documented keys, docs/objections.md):
--   objection_reply_days      days from receipt within which the two
--                             committees answer an objection (村规: 10)
--   announcement_public_days  days after the objection period ends during
--                             which an announcement stays on the public list
--                             (its page stays reachable by its receipts' link)
ALTER TABLE village ADD COLUMN objection_reply_days INTEGER NOT NULL DEFAULT 10 CHECK (objection_reply_days BETWEEN 1 AND 90);
ALTER TABLE village ADD COLUMN announcement_public_days INTEGER NOT NULL DEFAULT 90 CHECK (announcement_public_days BETWEEN 0 AND 3650);

-- The household's separate consent (单独同意) to show its head's name
-- unmasked on the public announcement pages: the day it was given and who
-- recorded it.  NULL: no consent (names masked, 张*明).  Withdrawing sets
-- them back to NULL; both are in the audit log.
ALTER TABLE household ADD COLUMN name_consent_on TEXT;
ALTER TABLE household ADD COLUMN name_consent_by TEXT;

-- One objection to an announcement, against the household's line (entry_seq
-- NULL) or one ledger entry.  The decision is the two committees': rejected
-- with a reason, or upheld with the reason and the ledger entry it posted
-- (ledger_seq: a correction of entry_seq, or a missed item scored), in the
-- same transaction.  The link lives here, not in the entry: the ledger's
-- canonical encoding does not change.
CREATE TABLE objection(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  announcement_id BIGINT NOT NULL REFERENCES announcement(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'letter', 'visit')),
  entry_seq BIGINT,                       -- the ledger entry objected to, NULL: the line
  reason TEXT NOT NULL,                   -- what the household says
  photo TEXT,                             -- evidence hash or NULL
  received_on TEXT NOT NULL,              -- YYYY-MM-DD, inside the objection period
  reply_by TEXT NOT NULL,                 -- YYYY-MM-DD: received_on + objection_reply_days
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rejected', 'upheld')),
  decided_on TEXT,                        -- YYYY-MM-DD
  decision TEXT,                          -- the reason the household sees
  ledger_seq BIGINT,                      -- upheld: the entry posted
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_by TEXT,
  decided_at BIGINT
);
CREATE INDEX objection_village ON objection(village_id, status, id);
CREATE INDEX objection_household ON objection(household_id, id);
