-- 001-base: the town, villages, accounts, sessions, households and members,
-- and the audit log.  Written in the subset SQLite and PostgreSQL both run:
-- @ID@ is each backend's auto-numbered primary key, times are unix seconds
-- (BIGINT), dates 'YYYY-MM-DD' text, booleans 0/1.

CREATE TABLE setting(
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE village(
  id @ID@,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  admits_tenants INTEGER NOT NULL DEFAULT 0 CHECK (admits_tenants IN (0,1)),
  objection_days INTEGER NOT NULL DEFAULT 7 CHECK (objection_days BETWEEN 1 AND 90),
  yearend_rule TEXT NOT NULL DEFAULT 'carry' CHECK (yearend_rule IN ('clear','carry','carry_cap')),
  yearend_cap BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE household(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  code TEXT NOT NULL,
  head_name TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  member_count INTEGER,
  phone TEXT NOT NULL DEFAULT '',
  hukou INTEGER NOT NULL CHECK (hukou IN (0,1)),
  homestead INTEGER NOT NULL CHECK (homestead IN (0,1)),
  resident INTEGER NOT NULL CHECK (resident IN (0,1)),
  tenant INTEGER NOT NULL DEFAULT 0 CHECK (tenant IN (0,1)),
  joined TEXT,
  left_on TEXT,
  left_reason TEXT,
  -- kept by household.c from the rule 户在、房在、人在 (and the village's
  -- tenant setting) so lists and balances filter with an index
  eligible INTEGER NOT NULL DEFAULT 0,
  participating INTEGER NOT NULL DEFAULT 0,
  pin_hash TEXT,
  pin_set_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (village_id, code)
);
CREATE INDEX household_village_part ON household(village_id, participating, code);

CREATE TABLE member(
  id @ID@,
  household_id BIGINT NOT NULL REFERENCES household(id),
  name TEXT NOT NULL,
  relation TEXT NOT NULL DEFAULT '',
  party_member INTEGER NOT NULL DEFAULT 0 CHECK (party_member IN (0,1)),
  phone TEXT NOT NULL DEFAULT '',
  removed_on TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX member_household ON member(household_id);

CREATE TABLE account(
  id @ID@,
  login TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('town_admin','village_admin','scorer','shopkeeper')),
  village_id BIGINT REFERENCES village(id),
  display_name TEXT NOT NULL DEFAULT '',
  pw_hash TEXT NOT NULL,
  pw_changed_at BIGINT NOT NULL,
  must_change INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CHECK ((role = 'town_admin' AND village_id IS NULL) OR
         (role <> 'town_admin' AND village_id IS NOT NULL))
);

-- A session belongs to an account or (passbook logins) to a household.
-- id is the SHA-256 of the cookie's token: a stolen database copy holds no
-- usable cookie.
CREATE TABLE session(
  id TEXT PRIMARY KEY,
  account_id BIGINT REFERENCES account(id),
  household_id BIGINT REFERENCES household(id),
  csrf TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  CHECK ((account_id IS NULL) <> (household_id IS NULL))
);
CREATE INDEX session_account ON session(account_id);

-- Failed and successful logins, for throttling; kept in the database so
-- that every server instance sees the same count.
CREATE TABLE login_attempt(
  id @ID@,
  login TEXT NOT NULL,
  ip TEXT NOT NULL,
  at BIGINT NOT NULL,
  ok INTEGER NOT NULL
);
CREATE INDEX login_attempt_login ON login_attempt(login, at);

CREATE TABLE audit(
  id @ID@,
  at BIGINT NOT NULL,
  account_id BIGINT,
  login TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  village_id BIGINT,
  action TEXT NOT NULL,
  object TEXT NOT NULL DEFAULT '',
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_village ON audit(village_id, id);
CREATE INDEX audit_object ON audit(object, id);
--@append_only audit
