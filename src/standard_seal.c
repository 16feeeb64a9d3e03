/*
** standard_seal.c — the content hash of a standard version (its adoption
** record and every item), which the version's audit row records when it is
** adopted (standard.adopt) or, for versions adopted before schema 014,
** the 'standard.seal' row written at the upgrade.  `jifen verify`
** recomputes it, so an item's points, name or cap changed in the database
** is found although the tables hold no hash of their own (they are
** append-only, docs/ledger.md "What the audit chain anchors").
*/
#include "standard.h"

#include <string.h>

/* The encoding: "jifen-standard-v1", the version's columns 0–15 of
** STANDARD_SEAL_SELECT, then columns 17–25 of each item in seq order
** (column 16, the item's id, is left out: entries name it and are checked
** against it), then "end" — each column as its text (NULL as ""), in the
** length-prefixed form of buf_field().  Both backends give integers as
** decimal text, so a database moved by migrate-db keeps its hashes. */
enum { SEAL_VERSION_COLS = 16, SEAL_ITEM_FIRST = 17, SEAL_COLS = 26 };

void standard_seal_add(buf *b, db_stmt *s, int first)
{
	if (first) {
		b->len = 0;
		buf_field(b, "jifen-standard-v1");
		for (int i = 0; i < SEAL_VERSION_COLS; i++)
			buf_field(b, db_column_text(s, i));
	}
	for (int i = SEAL_ITEM_FIRST; i < SEAL_COLS; i++)
		buf_field(b, db_column_text(s, i));
}

void standard_seal_finish(buf *b, char out[65])
{
	buf_field(b, "end");
	sha256_hex(b->p, b->len, out);
}

int standard_content_hash(db *d, int64_t version_id, char out[65])
{
	db_stmt *s = db_prepare(d, STANDARD_SEAL_SELECT " WHERE v.id = $id ORDER BY i.seq");
	if (!s || db_bind_int(s, "$id", version_id))
		return -1;
	buf b = {0};
	int st, n = 0;
	while ((st = db_step(s)) == DB_ROW)
		standard_seal_add(&b, s, n++ == 0);
	if (st == DB_DONE && n)
		standard_seal_finish(&b, out);
	buf_free(&b);
	if (st == DB_DONE && !n)
		db_set_error(d, "标准版本 %lld 没有项目", (long long)version_id);
	return st == DB_DONE && n ? 0 : -1;
}
