-- 007-balance-index: a village's balances read from two index ranges.
--
-- `jifen balances` and the balances API list every household of a village
-- with its balance and this year's points.  Joining household_balance and
-- household_year per household cost two index seeks and two table reads a
-- household (13 k instructions a row on the county, BENCHMARKS.md).  These
-- indexes hold the figures themselves, in household order, so the village's
-- balances are one range of each index, merged in C (ledger_balances).
DROP INDEX household_balance_village;
CREATE INDEX household_balance_village ON household_balance(village_id, household_id, balance);
DROP INDEX household_year_village;
CREATE INDEX household_year_village ON household_year(village_id, year, household_id, points,
  veto);
-- and the village's participating households with the name the list shows
DROP INDEX household_village_part;
CREATE INDEX household_village_part ON household(village_id, participating, code, head_name);
