/*
** audit_words.h — the audit log's codes in Chinese for its pages, and the
** kinds of action the pages filter by (audit_words.c).
*/
#ifndef JIFEN_AUDIT_WORDS_H
#define JIFEN_AUDIT_WORDS_H

/* The action ("household.update") in words ("修改农户信息"); an unknown
** code is returned as it is. */
const char *audit_action_words(const char *action);
/* A before/after JSON key ("head_name") by its Chinese name ("户主姓名");
** an unknown key as it is. */
const char *audit_field_words(const char *key);
/* 1 when the key's value is a Unix time (…_at), to show as a date. */
int audit_field_is_time(const char *key);
/* 1 when the key's value is 0/1 for no/yes. */
int audit_field_is_yesno(const char *key);

/* A kind of action: key in the page's URL, its name, the SQL LIKE pattern
** of its action codes. */
struct audit_kind {
	const char *key, *label, *pattern;
};
/* Every kind, ending with a row of NULLs. */
extern const struct audit_kind audit_kinds[];
/* The kind of key, or NULL. */
const struct audit_kind *audit_kind_find(const char *key);

#endif
