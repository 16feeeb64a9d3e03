-- 023-group: the village's scoring group (村民积分管理自治小组) with its
-- history, and the public consultation (征求意见) on a draft standard with
-- its comments, the committee's answers and the adoption it led to.  Same
-- conventions as 001-base.sql.

-- One membership of the scoring group: a person in one role from joined_on
-- until left_on (NULL: still in the group).  Leaving is an UPDATE of left_on
-- and left_reason, never a DELETE: the roster keeps its history, and an
-- entry's recorder is found by the scorer account linked here on the day
-- the entry was recorded.  The account link never changes on a row: a
-- change is a leave and a new row.
CREATE TABLE group_member(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('committee', 'veteran', 'representative', 'mediator',
                                     'legal', 'respected', 'other')),
  account_login TEXT,                     -- the scorer/admin account of the member, NULL none
  joined_on TEXT NOT NULL,                -- YYYY-MM-DD
  left_on TEXT,                           -- YYYY-MM-DD, NULL while in the group
  left_reason TEXT,
  meeting_date TEXT NOT NULL,             -- the meeting that appointed the member
  attendees TEXT NOT NULL,                -- who attended it
  appointed_by TEXT NOT NULL,             -- the body that appointed (村党组织 ...)
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  left_by TEXT
);
CREATE INDEX group_member_village ON group_member(village_id, left_on, id);

-- A draft standard published for comment from opens_on to closes_on
-- (inclusive).  draft_csv is the draft in the standard CSV of
-- INTERFACES.md; version_id the version adopted from it (NULL until then).
CREATE TABLE consultation(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  title TEXT NOT NULL,
  draft_csv TEXT NOT NULL,
  opens_on TEXT NOT NULL,
  closes_on TEXT NOT NULL,
  version_id BIGINT REFERENCES standard_version(id),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX consultation_village ON consultation(village_id, id);

-- One comment: from a household (household_id set, online from its
-- passbook) or recorded from a meeting (body: 'hongbai' 红白理事会,
-- 'yishi' 村民议事会, 'funv' 妇女议事会, 'daode' 道德评议会), with the
-- committee's answer once given.
CREATE TABLE consultation_comment(
  id @ID@,
  consultation_id BIGINT NOT NULL REFERENCES consultation(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  household_id BIGINT REFERENCES household(id),
  body TEXT NOT NULL DEFAULT '' CHECK (body IN ('', 'hongbai', 'yishi', 'funv', 'daode')),
  text TEXT NOT NULL,
  commented_on TEXT NOT NULL,             -- YYYY-MM-DD inside the period
  answer TEXT,
  answered_on TEXT,
  answered_by TEXT,
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX consultation_comment_c ON consultation_comment(consultation_id, id);

-- Why a village version was adopted the way it was: after the consultation
-- consultation_id, or without one for the reason given (web adoptions ask
-- for it; CLI imports record nothing here, as before).
CREATE TABLE standard_basis(
  version_id BIGINT PRIMARY KEY REFERENCES standard_version(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  consultation_id BIGINT REFERENCES consultation(id),
  reason TEXT NOT NULL DEFAULT ''
);
