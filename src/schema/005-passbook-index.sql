-- 005-passbook-index: a household's passbook read from one place.
--
-- A passbook page lists a household's newest entries.  With the index
-- ledger_household (household_id, date, seq) each of them was one more
-- lookup of a table row, and a household's ~25 rows of a year lie on ~25
-- different pages of the file, one per month's approval: on the county
-- (3.2 M entries, 1.2 GB) that was most of a page's time (BENCHMARKS.md).
-- This index holds every column the passbook shows, in passbook order, so
-- the page is read from one or two neighbouring index pages and never
-- touches the table.  The hashes, recorded_by and posted_at stay out (the
-- passbook does not show them; they are most of a row's bytes).  The cap
-- tallies and veto checks of the entry screens read the same columns and
-- are covered too.
DROP INDEX ledger_household;
CREATE INDEX ledger_passbook ON ledger_entry(household_id, date, seq, village_id, id, kind,
  item_id, item_code, month, quantity, points, approval_id, correction_of, note, photo, reason);
