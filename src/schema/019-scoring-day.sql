-- The ledger page of a village lists its latest entries by date without a
-- household typed in (issue 15): ORDER BY date DESC, seq DESC of one
-- village, read from this index instead of sorting the whole ledger.
CREATE INDEX ledger_village_date ON ledger_entry(village_id, date, seq);
