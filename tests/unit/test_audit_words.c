/*
** test_audit_words.c — unit tests of src/audit_words.c, the audit log in
** words people read: every action code that src/ records has Chinese words
** (the list below is every audit_record / audit_commit action literal of
** the .c files of src/; an area that adds one adds it here and in audit_words.c), an
** unknown code is shown as it is, field names, which fields are times and
** yes/no, and the kinds the audit pages filter by.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "audit_words.h"

static const char *const recorded[] = {
	"account.add", "account.disable", "account.password", "announcement.announce",
	"announcement.cosign", "audit.chain_start", "catalog.add", "catalog.copy_town",
	"catalog.low_stock", "catalog.off", "catalog.on", "catalog.photo", "catalog.restock",
	"catalog.update", "checkin.close", "checkin.open", "consultation.answer",
	"consultation.comment", "consultation.open", "declaration.accept", "declaration.create",
	"declaration.decline", "entry.add", "entry.import", "entry.remove", "evaluation.add",
	"evaluation.criterion", "fund.add", "fund.reverse", "fund.spend", "group.add",
	"group.leave", "honour.confirm", "household.add", "household.import_add",
	"household.import_update", "household.leave", "household.name_consent",
	"household.update", "ledger.correct", "ledger.score", "ledger.yearend", "objection.add",
	"objection.decide", "passbook.pin", "passbook.token", "passbook.token_revoke",
	"redemption.cancel", "redemption.handout", "redemption.reserve", "redemption.reverse",
	"security.csrf", "security.denied", "security.export", "security.household_login",
	"security.household_login_failed", "security.household_login_locked", "security.login",
	"security.login_failed", "security.login_failures", "security.login_locked",
	"security.login_throttled", "security.logout", "security.policy", "sheet.approve",
	"sheet.return", "sheet.submit", "standard.adopt", "standard.seal", "standard.template",
	"town.name", "town.public_url", "town.setting", "town_catalog.save", "village.add",
	"village.settings", "welfare_post.add", "welfare_post.apply", "welfare_post.decide",
};

/* audit_words-100: every recorded action has Chinese words, and no two
** actions share them (the page could not tell them apart). */
static void audit_words_100_actions(void **state)
{
	(void)state;
	enum { N = sizeof recorded / sizeof recorded[0] };
	for (size_t i = 0; i < N; i++) {
		const char *w = audit_action_words(recorded[i]);
		if (!strcmp(w, recorded[i]))
			fail_msg("no words for %s", recorded[i]);
		if ((unsigned char)w[0] < 0x80)
			fail_msg("%s: %s is not Chinese", recorded[i], w);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(w, audit_action_words(recorded[j])))
				fail_msg("%s and %s are both %s", recorded[i], recorded[j], w);
	}
	assert_string_equal(audit_action_words("sheet.approve"), "集体审定积分表");
	assert_string_equal(audit_action_words("no.such"), "no.such");
	assert_string_equal(audit_action_words(""), "");
	assert_string_equal(audit_action_words(NULL), "");
}

/* audit_words-110: fields, times and yes/no. */
static void audit_words_110_fields(void **state)
{
	(void)state;
	assert_string_equal(audit_field_words("head_name"), "户主姓名");
	assert_string_equal(audit_field_words("points"), "分数");
	assert_string_equal(audit_field_words("mystery"), "mystery");
	assert_true(audit_field_is_time("created_at"));
	assert_true(audit_field_is_time("pin_set_at"));
	assert_false(audit_field_is_time("_at"));
	assert_false(audit_field_is_time("at"));
	assert_false(audit_field_is_time("date"));
	assert_false(audit_field_is_time("created_at_x"));
	assert_false(audit_field_is_time(NULL));
	assert_true(audit_field_is_yesno("hukou"));
	assert_true(audit_field_is_yesno("veto"));
	assert_false(audit_field_is_yesno("points"));
	assert_false(audit_field_is_yesno(NULL));
}

/* audit_words-120: the kinds: each has a key, a Chinese label and a LIKE
** pattern that matches the actions of its key; every recorded action of a
** kind's prefix is found by it. */
static void audit_words_120_kinds(void **state)
{
	(void)state;
	int n = 0;
	for (const struct audit_kind *k = audit_kinds; k->key; k++, n++) {
		assert_non_null(k->label);
		assert_true((unsigned char)k->label[0] >= 0x80);
		size_t len = strlen(k->pattern);
		assert_true(len > 1 && k->pattern[len - 1] == '%');
		assert_int_equal(strncmp(k->pattern, k->key, strlen(k->key)), 0);
		assert_ptr_equal(audit_kind_find(k->key), k);
	}
	assert_true(n >= 10);
	assert_null(audit_kind_find("nope"));
	assert_null(audit_kind_find(NULL));
	const struct audit_kind *t = audit_kind_find("town");
	assert_non_null(t);
	assert_string_equal(t->pattern, "town%"); /* town.* and town_catalog.* */
	assert_string_equal(audit_kind_find("sheet")->pattern, "sheet.%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audit_words_100_actions),
		cmocka_unit_test(audit_words_110_fields),
		cmocka_unit_test(audit_words_120_kinds),
	};
	return cmocka_run_group_tests_name("audit_words", tests, NULL, NULL);
}
