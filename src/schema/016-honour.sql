-- 016-honour: results use (结果运用) — the year's honours as the two
-- committees confirmed them (star households, the model-household
-- shortlist), and the public-welfare posts (公益岗位) with their
-- applications and decisions.  Same conventions as 001-base.sql.

-- The confirmation of one village's honours of one year: the meeting that
-- confirmed them, like an approval's, and the stars setting in force then.
-- One per village and year, kept: never updated or deleted.
CREATE TABLE honour_confirmation(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  year INTEGER NOT NULL,
  meeting_date TEXT NOT NULL,             -- YYYY-MM-DD
  attendees TEXT NOT NULL,
  resolution TEXT NOT NULL,
  stars TEXT NOT NULL,                    -- the village's stars setting then
  confirmed_by TEXT NOT NULL,
  confirmed_at BIGINT NOT NULL,
  UNIQUE (village_id, year)
);
--@append_only honour_confirmation

-- The confirmed list, frozen: every participating household's line as the
-- ranking gave it on confirmation (code and head's name as they were), and
-- whether the committees put it on the model-household shortlist (评先选优).
CREATE TABLE honour_line(
  confirmation_id BIGINT NOT NULL REFERENCES honour_confirmation(id),
  line_no INTEGER NOT NULL,               -- 1.. in ranking order
  household_id BIGINT NOT NULL REFERENCES household(id),
  code TEXT NOT NULL,
  head_name TEXT NOT NULL,
  year_points BIGINT NOT NULL,
  rank_no INTEGER NOT NULL,
  stars INTEGER NOT NULL,
  eligible INTEGER NOT NULL CHECK (eligible IN (0,1)),
  veto_reason TEXT NOT NULL,              -- '' unless not eligible
  party_member INTEGER NOT NULL CHECK (party_member IN (0,1)),
  model INTEGER NOT NULL CHECK (model IN (0,1)),
  PRIMARY KEY (confirmation_id, line_no)
);
--@append_only honour_line

-- A public-welfare post opening (公益岗位) of a village: the places, the
-- application period, and the weight (percent) the household's year points
-- carry in the assessment.  Decided once: who got it and why.
CREATE TABLE welfare_post(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  places INTEGER NOT NULL CHECK (places BETWEEN 1 AND 100),
  apply_from TEXT NOT NULL,               -- YYYY-MM-DD
  apply_until TEXT NOT NULL,              -- YYYY-MM-DD
  points_weight INTEGER NOT NULL CHECK (points_weight BETWEEN 0 AND 100),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
  decided_on TEXT,
  decision TEXT,                          -- the reason, public
  decided_by TEXT,
  decided_at BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
--@no_delete welfare_post
CREATE INDEX welfare_post_village ON welfare_post(village_id, id);

-- One household's application to a post: online from its passbook or
-- recorded by the village admin (office); selected on the decision.
CREATE TABLE welfare_application(
  id @ID@,
  post_id BIGINT NOT NULL REFERENCES welfare_post(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  channel TEXT NOT NULL CHECK (channel IN ('online', 'office')),
  note TEXT NOT NULL,
  applied_on TEXT NOT NULL,               -- YYYY-MM-DD
  selected INTEGER NOT NULL DEFAULT 0 CHECK (selected IN (0,1)),
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (post_id, household_id)
);
--@no_delete welfare_application
