-- 003-passbook: the household card's tokens.  A card carries a QR code of
-- the URL /p/TOKEN that opens the household's passbook read-only without a
-- login.  TOKEN is 32 random bytes as 64 lower-case hex characters; only
-- its SHA-256 (hex, of those 64 characters) is stored, so a copy of the
-- database does not give the URLs away.  Issuing a new token revokes the
-- household's older ones (revoked_at set); rows are never deleted, so the
-- card history stays.  The PIN lives in household.pin_hash (001-base).
-- Same subset and conventions as 001-base.sql.

CREATE TABLE passbook_token(
  token_hash TEXT PRIMARY KEY,            -- SHA-256 hex of the token
  household_id BIGINT NOT NULL REFERENCES household(id),
  village_id BIGINT NOT NULL REFERENCES village(id),
  created_by TEXT NOT NULL,               -- login of the admin who issued it
  created_at BIGINT NOT NULL,
  revoked_at BIGINT                       -- NULL while the card works
);
CREATE INDEX passbook_token_household ON passbook_token(household_id, revoked_at);
