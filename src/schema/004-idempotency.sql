-- 004-idempotency: the keys of writes that clients may retry.  A POST that
-- carries an Idempotency-Key header records (principal, key) in the same
-- transaction as its writes; a retry with the same key gets the stored
-- answer instead of writing again.  Rows older than a day are removed.
CREATE TABLE idempotency(
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  content_type TEXT,
  location TEXT,
  body TEXT,
  PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
