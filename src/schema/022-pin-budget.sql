-- 022: the village-wide budget of failed household PIN logins per hour
-- (issue 17).  A 6-digit PIN has a million values: the per-household
-- lock-out stops guessing one household, not an attacker who spreads
-- guesses over every household of a village from many addresses.  Once
-- the village's failures within an hour reach this budget, PIN logins of
-- the village pause for an hour (auth.c); QR passbook cards keep working.
ALTER TABLE village ADD COLUMN pin_failures_per_hour INTEGER NOT NULL DEFAULT 20
  CHECK (pin_failures_per_hour BETWEEN 1 AND 10000);
