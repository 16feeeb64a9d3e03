-- 002-ledger: standards (the town template and each village's versions with
-- their adoption record), monthly sheets and their draft entries, evidence
-- photos, households' declarations, collective approvals, and the ledger:
-- append-only, hash-chained per village (see docs/ledger.md), with the chain
-- head and the household balances kept in the same transaction as the
-- entries.  Same subset and conventions as 001-base.sql.

-- One version of a standard.  village_id NULL: a version of the town's
-- recommended template (推荐模板); otherwise a village's own standard
-- (一村一方案), adopted by democratic procedure.  A version never changes
-- once written: a change is a new version with its own effective date.
CREATE TABLE standard_version(
  id @ID@,
  village_id BIGINT REFERENCES village(id),
  version INTEGER NOT NULL,               -- 1, 2, ... within the village (or the template)
  effective_on TEXT NOT NULL,             -- YYYY-MM-DD from which entries are scored under it
  adopted_on TEXT,                        -- YYYY-MM-DD of the meeting that adopted it
  meeting_type TEXT NOT NULL DEFAULT ''   -- 'villagers' 村民会议, 'representatives' 村民代表会议, '' not given
    CHECK (meeting_type IN ('', 'villagers', 'representatives')),
  meeting TEXT NOT NULL DEFAULT '',       -- free text: the meeting, its minutes reference
  entitled INTEGER,                       -- 应到人数 (NULL: not recorded)
  attendance INTEGER,                     -- 实到人数
  votes_for INTEGER,
  votes_against INTEGER,
  votes_abstain INTEGER,
  source TEXT NOT NULL DEFAULT 'csv' CHECK (source IN ('csv', 'template', 'form', 'builtin')),
  based_on BIGINT REFERENCES standard_version(id),  -- the template/version it started from
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (village_id, version)
);
CREATE INDEX standard_version_village ON standard_version(village_id, effective_on);
--@append_only standard_version

-- The items of one version, in the order of the standard (seq).  The
-- category is the item's group (类别) by name; categories are ordered by
-- their first item.  cap_month/cap_year NULL: no cap.
CREATE TABLE standard_item(
  id @ID@,
  version_id BIGINT NOT NULL REFERENCES standard_version(id),
  seq INTEGER NOT NULL,
  category TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  points BIGINT NOT NULL CHECK (points <> 0),
  cap_month BIGINT CHECK (cap_month > 0),
  cap_year BIGINT CHECK (cap_year > 0),
  veto INTEGER NOT NULL DEFAULT 0 CHECK (veto IN (0,1)),
  evidence INTEGER NOT NULL DEFAULT 0 CHECK (evidence IN (0,1)),
  UNIQUE (version_id, code)
);
--@append_only standard_item

-- Evidence photos (JPEG/PNG, type checked by content), stored by content
-- hash inside the database as base64 text so that one backup / one
-- PostgreSQL dump holds everything and both engines store it the same way.
-- Scoped by village: a village's photos are invisible to other villages.
CREATE TABLE evidence(
  village_id BIGINT NOT NULL REFERENCES village(id),
  hash TEXT NOT NULL,                     -- SHA-256 hex of the bytes
  mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
  size BIGINT NOT NULL,
  data_b64 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (village_id, hash)
);

-- One village's scoring of one month (月度积分表).
CREATE TABLE sheet(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  month TEXT NOT NULL,                    -- YYYY-MM
  status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
  submitted_by TEXT,
  submitted_at BIGINT,
  returned_by TEXT,
  returned_at BIGINT,
  return_reason TEXT,
  approval_id BIGINT,                     -- set when approved
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (village_id, month)
);

-- A household's own claim of a good deed (积分申报), for a scorer to accept
-- into a sheet (creating an entry) or decline with a reason it sees.
CREATE TABLE declaration(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  item_code TEXT NOT NULL DEFAULT '',     -- the item the household thinks fits, '' none
  date TEXT NOT NULL,                     -- YYYY-MM-DD of the deed
  note TEXT NOT NULL,
  photo TEXT,                             -- evidence hash or NULL
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
  decline_reason TEXT,
  entry_id BIGINT,                        -- the entry accepting it
  decided_by TEXT,
  decided_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX declaration_village ON declaration(village_id, status, id);
CREATE INDEX declaration_household ON declaration(household_id, id);

-- Draft entries (积分记录) on a sheet.  They stay after approval (the sheet
-- shows what was approved) and each then has its ledger entry; an approved
-- sheet's entries are never changed or removed.
CREATE TABLE entry(
  id @ID@,
  sheet_id BIGINT NOT NULL REFERENCES sheet(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  item_id BIGINT NOT NULL REFERENCES standard_item(id),
  item_code TEXT NOT NULL,                -- copy of the item's code: caps count by code
  version_id BIGINT NOT NULL REFERENCES standard_version(id),
  date TEXT NOT NULL,                     -- YYYY-MM-DD inside the sheet's month
  quantity INTEGER NOT NULL CHECK (quantity >= 1),
  points BIGINT NOT NULL,                 -- item points x quantity
  note TEXT NOT NULL DEFAULT '',
  photo TEXT,                             -- evidence hash or NULL
  declaration_id BIGINT REFERENCES declaration(id),
  recorded_by TEXT NOT NULL,              -- login of the scorer ("cli" from the CLI)
  created_at BIGINT NOT NULL
);
CREATE INDEX entry_sheet ON entry(sheet_id, household_id);
CREATE INDEX entry_household ON entry(household_id, date);

-- The two committees' collective approval (集体审定) of one sheet.
CREATE TABLE approval(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  sheet_id BIGINT NOT NULL REFERENCES sheet(id),
  month TEXT NOT NULL,
  meeting_date TEXT NOT NULL,             -- YYYY-MM-DD
  attendees TEXT NOT NULL,
  resolution TEXT NOT NULL,
  approved_by TEXT NOT NULL,              -- login
  approved_at BIGINT NOT NULL,
  entry_count BIGINT NOT NULL DEFAULT 0,
  points_total BIGINT NOT NULL DEFAULT 0,
  seq_first BIGINT,                       -- the ledger entries it posted (NULL: none)
  seq_last BIGINT,
  head_hash TEXT,                         -- chain head after it
  UNIQUE (sheet_id)
);
CREATE INDEX approval_village ON approval(village_id, id);

-- The ledger (积分台账): append-only, one hash chain per village.
--   kind 'score'       an approved entry of a sheet (approval_id, entry_id set)
--        'correction'  reverses (part of) the score entry correction_of, with reason
--        'redemption', 'yearend', 'adjust'  reserved for the points shop and year end
-- prev_hash/hash: see docs/ledger.md for the canonical encoding.
CREATE TABLE ledger_entry(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  seq BIGINT NOT NULL,                    -- 1, 2, ... within the village
  household_id BIGINT NOT NULL REFERENCES household(id),
  kind TEXT NOT NULL CHECK (kind IN ('score', 'correction', 'redemption', 'yearend', 'adjust')),
  -- item_id, version_id, approval_id and entry_id carry no REFERENCES: the
  -- posting code takes them from rows it has just read in the same
  -- transaction, the hash covers them, and four foreign-key lookups per row
  -- were a tenth of the time of approving a 100,000-entry sheet; the keys
  -- of household_id and village_id are dropped on PostgreSQL by
  -- 006-ledger-fk.sql, which says what guarantees them instead
  item_id BIGINT,                         -- standard_item(id)
  item_code TEXT NOT NULL DEFAULT '',
  version_id BIGINT,                      -- standard_version(id)
  month TEXT NOT NULL,                    -- YYYY-MM the points belong to
  date TEXT NOT NULL,                     -- YYYY-MM-DD of the event
  quantity INTEGER NOT NULL,
  points BIGINT NOT NULL,
  approval_id BIGINT,                     -- approval(id)
  entry_id BIGINT,                        -- entry(id)
  correction_of BIGINT REFERENCES ledger_entry(id),
  reason TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  photo TEXT NOT NULL DEFAULT '',
  posted_at BIGINT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (village_id, seq)
);
CREATE INDEX ledger_household ON ledger_entry(household_id, date, seq);
-- partial: only corrections are indexed, so posting score entries pays nothing for it
CREATE INDEX ledger_correction ON ledger_entry(correction_of) WHERE correction_of IS NOT NULL;
--@append_only ledger_entry

-- The chain head of each village: the last entry's seq and hash.  Posting
-- updates it in the same transaction; on PostgreSQL that UPDATE is the row
-- lock that serialises concurrent postings of one village.
CREATE TABLE ledger_head(
  village_id BIGINT PRIMARY KEY REFERENCES village(id),
  seq BIGINT NOT NULL DEFAULT 0,
  hash TEXT NOT NULL
);

-- Kept in the same transaction as the ledger entries: balance = SUM(points)
-- of the household's entries; household_year.points = SUM(points) of its
-- score/correction entries of that calendar year (by month); veto 1 when a
-- veto item (一票否决) stands that year.
CREATE TABLE household_balance(
  household_id BIGINT PRIMARY KEY REFERENCES household(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  balance BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX household_balance_village ON household_balance(village_id);

CREATE TABLE household_year(
  household_id BIGINT NOT NULL REFERENCES household(id),
  year INTEGER NOT NULL,
  village_id BIGINT NOT NULL REFERENCES village(id),
  points BIGINT NOT NULL DEFAULT 0,
  veto INTEGER NOT NULL DEFAULT 0 CHECK (veto IN (0,1)),
  PRIMARY KEY (household_id, year)
);
CREATE INDEX household_year_village ON household_year(village_id, year);
