/*
** test_scoring_group.c — unit tests of scoring_group.c and consultation.c:
** role words and the recorder lookup over a roster (numbered data cases),
** then against a database: the rule at submission, leaving with history,
** and a consultation from its period to the adoption that links it.
** SQLite always, PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "ledgerfix.h"

#include "consultation.h"
#include "scoring_group.h"

/* grp-100: role words, and who recorded on which day. */
static void grp_100_roles_and_recorder(void **state)
{
	(void)state;
	assert_string_equal(group_role_parse("村民代表"), "representative");
	assert_string_equal(group_role_parse("committee"), "committee");
	assert_null(group_role_parse("队长"));
	assert_string_equal(group_role_label("legal"), "法律明白人");
	assert_string_equal(group_role_label("x"), "");
	struct group_member rows[] = {
		{.name = "甲", .account_login = "s1", .joined_on = "2024-01-01", .left_on = "2024-06-01"},
		{.name = "乙", .account_login = "s1", .joined_on = "2024-06-01", .left_on = ""},
		{.name = "丙", .account_login = "", .joined_on = "2024-01-01", .left_on = ""},
	};
	static const struct {
		const char *login, *date, *want; /* want NULL: no member */
	} cases[] = {
		{"s1", "2023-12-31", NULL}, {"s1", "2024-01-01", "甲"}, {"s1", "2024-05-31", "甲"},
		{"s1", "2024-06-01", "乙"}, {"s1", "2030-01-01", "乙"}, {"s2", "2024-03-01", NULL},
		{"", "2024-03-01", NULL},
	};
	/* the rule on counts (members, committee, representatives) */
	static const struct {
		int64_t members, committee, reps;
		int ok;
		const char *missing;
	} rule[] = {
		{0, 0, 0, 0, "村两委成员和村民代表"}, {3, 0, 2, 0, "村两委成员"},
		{3, 2, 0, 0, "村民代表"}, {2, 1, 1, 1, ""}, {8, 2, 2, 1, ""},
	};
	for (size_t i = 0; i < sizeof rule / sizeof *rule; i++) {
		struct group_status st;
		group_status_from_counts(&st, rule[i].members, rule[i].committee, rule[i].reps);
		assert_int_equal(st.members, rule[i].members);
		assert_int_equal(st.ok, rule[i].ok);
		assert_string_equal(st.missing, rule[i].missing);
	}
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct group_member *m = group_member_for(rows, 3, cases[i].login, cases[i].date);
		if (cases[i].want)
			assert_string_equal(m ? m->name : "(none)", cases[i].want);
		else
			assert_null(m);
	}
}

/* group_status_all()'s callback for grp-200: the statuses of V1 and V2. */
struct all_status {
	int64_t v_id, w_id;
	struct group_status v, w;
	int calls;
};
static void collect_status(void *ctx, int64_t village_id, const struct group_status *st)
{
	struct all_status *a = ctx;
	a->calls++;
	if (village_id == a->v_id)
		a->v = *st;
	else if (village_id == a->w_id)
		a->w = *st;
}

/* grp-200: the fixture's group meets the rule; without its representative
** a submission is refused with the message; a new one unblocks it. */
static void grp_200_rule_at_submit(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	errlist errs = {0};
	assert_int_equal(group_check_submit(f->d, f->v->id, &errs), 0);
	int64_t rep = query_int(f->d, "SELECT MIN(id) FROM group_member WHERE role = 'representative'");
	char today[11];
	date_today(today);
	assert_int_equal(group_member_leave(f->d, &f->who, f->v, rep, today, "", &errs), 0);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 1);
	assert_string_equal(errs.msg[0], "积分管理小组还缺少村民代表，不能提交审定");
	errlist_free(&errs);
	/* every village's status in one query says the same as each one's */
	struct all_status got = {f->v->id, f->w->id, {0}, {0}, 0};
	assert_int_equal(group_status_all(f->d, collect_status, &got), 0);
	assert_int_equal(got.calls, 2);
	assert_false(got.v.ok);
	assert_string_equal(got.v.missing, "村民代表");
	assert_true(got.w.ok);
	struct group_status one;
	assert_int_equal(group_status_get(f->d, f->v->id, &one), 0);
	assert_int_equal(one.members, got.v.members);
	assert_int_equal(one.committee, got.v.committee);
	/* the row stays, dated */
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM group_member WHERE left_on IS NOT NULL"),
			 1);
	struct group_member_input in = {.name = "新代表", .role = "村民代表", .joined_on = today,
					.meeting_date = today, .attendees = "支委 5 人"};
	int64_t id;
	assert_int_equal(group_member_add(f->d, &f->who, f->v, &in, &errs, &id), 0);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	/* V2's group was not touched */
	struct group_status st;
	assert_int_equal(group_status_get(f->d, f->w->id, &st), 0);
	assert_true(st.ok);
	errlist_free(&errs);
}

/* grp-300: a consultation's period, its answers and the adoption's link. */
static void grp_300_consultation(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	char today[11];
	date_today(today);
	const char *csv = template_csv();
	errlist errs = {0};
	int64_t cid, kid, ver = 0;
	assert_int_equal(consultation_open(f->d, &f->who, f->v, "草案", "d.csv", csv, strlen(csv),
					   today, today, &errs, &cid),
			 0);
	/* a household of V2 cannot comment on V1's draft */
	assert_int_equal(consultation_comment_add(f->d, &f->who, f->v, cid, hid(f, f->w, "H1"), "",
						  "意见", NULL, &errs, &kid),
			 1);
	errlist_free(&errs);
	assert_int_equal(consultation_comment_add(f->d, &f->who, f->v, cid, hid(f, f->v, "H1"), "",
						  "意见", NULL, &errs, &kid),
			 0);
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = today;
	ad.effective_on = "2099-01-01";
	ad.meeting_type = "villagers";
	/* still open */
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	errlist_free(&errs);
	db_stmt *s = db_prepare(f->d, "UPDATE consultation SET opens_on = '2024-01-01',"
				      " closes_on = '2024-01-31' WHERE id = $id");
	assert_non_null(s);
	db_bind_int(s, "$id", cid);
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);
	/* outside the period now; and a comment unanswered blocks adoption */
	assert_int_equal(consultation_comment_add(f->d, &f->who, f->v, cid, 0, "yishi", "迟了", NULL,
						  &errs, &kid),
			 1);
	assert_non_null(strstr(errs.msg[0], "不在期内"));
	errlist_free(&errs);
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	assert_non_null(strstr(errs.msg[0], "没有答复"));
	errlist_free(&errs);
	int64_t first = query_int(f->d, "SELECT MIN(id) FROM consultation_comment");
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, first, "已采纳", &errs), 0);
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 0);
	int64_t linked = 0;
	const char *why;
	assert_int_equal(standard_basis_get(f->d, f->a, ver, &linked, &why), 0);
	assert_int_equal(linked, cid);
	struct consultation *c;
	assert_int_equal(consultation_get(f->d, f->a, f->v->id, cid, &c), 0);
	assert_int_equal(c->version_id, ver);
	assert_string_equal(consultation_state(c, today), "adopted");
	/* a second adoption of the same draft is refused, nothing written */
	ad.effective_on = "2099-02-01";
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	errlist_free(&errs);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(grp_200_rule_at_submit, setup, teardown), \
	cmocka_unit_test_setup_teardown(grp_300_consultation, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(grp_100_roles_and_recorder),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("scoring_group/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("scoring_group/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("scoring_group/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] scoring_group/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
