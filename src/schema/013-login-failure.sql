-- 013-login-failure: what login throttling keeps apart since issue 11
-- (finding 4).  Same conventions as 001-base.sql.
--
-- login_attempt.ip is the address a limit counts (IPv6 by its /64, see
-- guard.h); failures per address within the window throttle that address,
-- so it needs its own index.
CREATE INDEX login_attempt_ip ON login_attempt(ip, at);

-- One row per login with failures since its last success: how many, the
-- last one's time and address (the client's, as audited), and the time
-- before which an attempt from an address that has not itself failed
-- against the login is answered 429 (an exponential delay, not a lock).
-- A success deletes the row; the owner is told what it held.
CREATE TABLE login_failure(
  login TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at BIGINT NOT NULL,
  last_ip TEXT NOT NULL,
  not_before BIGINT NOT NULL
);

-- A notice for the session's first page (failures since the last login).
ALTER TABLE session ADD COLUMN notice TEXT;
