-- The ledger page of a village lists its latest entries by date without a
-- household typed in (issue 15): ORDER BY date DESC, seq DESC of one
-- village, read from this index instead of sorting the whole ledger.
CREATE INDEX ledger_village_date ON ledger_entry(village_id, date, seq);

-- QR check-in at an activity (签到, issue 15): a scorer opens one for an
-- item and a date; each household that scans it with its passbook session
-- gets one draft entry of that item (the scan's row, once per household).
CREATE TABLE checkin(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  token TEXT NOT NULL UNIQUE,
  item_code TEXT NOT NULL,
  date TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX checkin_village ON checkin(village_id, id);
CREATE TABLE checkin_scan(
  checkin_id BIGINT NOT NULL REFERENCES checkin(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  entry_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (checkin_id, household_id)
);
