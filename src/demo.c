/*
** demo.c — `jifen init --demo`: a demo town of four Zhujiajiao villages with
** a few hundred households (realistic names and addresses, most eligible,
** most of those opted in, some tenants, a few left) and an account of every
** role, all entered through the same paths a real town uses (village_add,
** account_add, the households CSV import), so the demo exercises them.
** Generated from a fixed seed: every demo database is the same.
*/
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "commands.h"
#include "household.h"
#include "passbook.h"
#include "village.h"

static const char DEMO_PASSWORD[] = "jifen2024!";

static const struct {
	const char *code, *name;
	int households, admits_tenants;
} demo_villages[] = {
	{"zhangma", "张马村", 120, 0},
	{"shanwan", "山湾村", 95, 1},
	{"anzhuang", "安庄村", 110, 0},
	{"linjia", "林家村", 80, 1},
};

static const char *const surnames[] = {
	"沈", "陆", "张", "王", "朱", "顾", "徐", "金", "陈", "李", "钱", "孙", "周", "吴",
	"蒋", "姚", "杨", "黄", "俞", "许", "蔡", "唐", "夏", "庄", "曹", "潘", "胡", "戴",
};
static const char *const given[] = {
	"建国", "国强", "秀英", "桂英", "玉兰", "明华", "志刚", "雪梅", "海林", "美娟",
	"根宝", "金花", "卫东", "伟民", "丽华", "小妹", "德明", "春林", "凤英", "林娣",
	"永福", "文龙", "惠珍", "菊英", "耀祖", "家明", "慧敏", "红霞", "国良", "阿大",
};

unsigned demo_rand(unsigned *s)
{
	unsigned x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* The CSV of one village's demo households. */
static void demo_csv(buf *b, int vi, unsigned *seed)
{
	buf_puts(b, "户编号,户主姓名,地址,人口数,联系电话,本地户籍,宅基地房屋,常住,租赁户,参与日期\n");
	int n = demo_villages[vi].households;
	for (int i = 1; i <= n; i++) {
		unsigned r = demo_rand(seed);
		const char *sn = surnames[r % (sizeof surnames / sizeof *surnames)];
		const char *gn = given[(r >> 8) % (sizeof given / sizeof *given)];
		int group = 1 + (int)((i - 1) / 20);
		int tenant = (r >> 16) % 12 == 0;
		int resident = tenant || (r >> 20) % 15 != 0;
		int hukou = !tenant;
		int homestead = !tenant;
		int joined = (r >> 24) % 10 < 8;
		buf_printf(b, "%s-%03d,%s%s,%s%d组%d号,%u,139%08u,%s,%s,%s,%s,",
			   demo_villages[vi].code, i, sn, gn, demo_villages[vi].name, group,
			   (i - 1) % 20 + 1, 1 + (r >> 4) % 6, (r ^ 0x5bd1e995u) % 100000000u,
			   hukou ? "是" : "否", homestead ? "是" : "否", resident ? "是" : "否",
			   tenant ? "是" : "否");
		if (joined)
			buf_printf(b, "2024-%02u-%02u", 4 + (r >> 12) % 6, 1 + (r >> 3) % 28);
		buf_puts(b, "\n");
	}
}

int demo_load(struct cli *c)
{
	errlist errs = {0};
	int rc = EXIT_FAILURE_3;
	unsigned seed = 20240428;
	int64_t id;
	if (db_begin_write(c->db))
		return cli_db_failure(c);
	db_stmt *s = db_prepare(c->db, "SELECT COUNT(*) FROM village");
	if (!s || db_step(s) != DB_ROW)
		goto fail;
	int64_t existing = db_column_int(s, 0);
	db_reset(s);
	if (existing) {
		db_rollback(c->db);
		fprintf(stderr, "数据库里已经有村了，演示数据只能载入空数据库\n");
		return EXIT_REJECTED;
	}
	for (size_t i = 0; i < sizeof demo_villages / sizeof *demo_villages; i++) {
		if (village_insert(c->db, demo_villages[i].code, demo_villages[i].name, &errs, &id))
			goto fail;
		if (demo_villages[i].admits_tenants) {
			struct village *v = village_by_id(c->db, c->a, id);
			if (!v)
				goto fail;
			v->admits_tenants = 1;
			if (village_update_settings(c->db, v, &errs))
				goto fail;
		}
	}
	if (account_insert(c->db, "admin", ROLE_TOWN_ADMIN, NULL, DEMO_PASSWORD, 0, &errs))
		goto fail;
	for (size_t i = 0; i < sizeof demo_villages / sizeof *demo_villages; i++) {
		static const struct { int role; const char *suffix; } accs[] = {
			{ROLE_VILLAGE_ADMIN, "admin"}, {ROLE_SCORER, "scorer"}, {ROLE_SHOPKEEPER, "shop"}};
		for (int k = 0; k < 3; k++) {
			const char *login = arena_printf(c->a, "%s-%s", demo_villages[i].code, accs[k].suffix);
			if (account_insert(c->db, login, accs[k].role, demo_villages[i].code, DEMO_PASSWORD,
					0, &errs))
				goto fail;
		}
	}
	if (db_commit(c->db))
		goto fail;

	/* households through the CSV import, one transaction per village */
	int64_t total = 0;
	for (size_t i = 0; i < sizeof demo_villages / sizeof *demo_villages; i++) {
		buf csv = {0};
		demo_csv(&csv, (int)i, &seed);
		struct village *v = village_by_code(c->db, c->a, demo_villages[i].code);
		struct import_report rep = {0};
		int irc = household_import(c->db, &c->actor, v, "demo.csv", csv.p, csv.len, 0, &rep,
					   &errs);
		total += rep.added;
		import_report_free(&rep);
		buf_free(&csv);
		if (irc) {
			cli_print_errors(&errs);
			if (irc < 0)
				fprintf(stderr, "%s\n", db_errmsg(c->db));
			return EXIT_FAILURE_3;
		}
	}
	if ((rc = group_demo(c)) || (rc = ledger_demo(c)) || (rc = group_demo_finish(c)))
		return rc;
	if ((rc = honour_demo(c)))
		return rc;
	if ((rc = oversight_demo(c)))
		return rc;

	/* a household with a PIN and a card, to try the passbook */
	struct village *v0 = village_by_code(c->db, c->a, demo_villages[0].code);
	struct household *hh = NULL;
	int nh = 0;
	int64_t nall = 0;
	char token[2 * PASSBOOK_TOKEN_BYTES + 1], pin[PASSBOOK_PIN_DIGITS + 1];
	if (!v0 ||
	    household_list(c->db, c->a, v0->id, NULL, HH_PARTICIPATING, 1, 1, &hh, &nh, &nall) ||
	    nh < 1 || passbook_token_issue(c->db, &c->actor, v0, hh[0].id, token, pin, &errs)) {
		cli_print_errors(&errs);
		fprintf(stderr, "演示农户积分卡生成失败: %s\n", db_errmsg(c->db));
		return EXIT_FAILURE_3;
	}
	printf("已载入演示数据: %zu 个村, %lld 户。\n",
	       sizeof demo_villages / sizeof *demo_villages, (long long)total);
	printf("演示账号（密码都是 %s）:\n", DEMO_PASSWORD);
	printf("  admin            镇管理员\n");
	for (size_t i = 0; i < sizeof demo_villages / sizeof *demo_villages; i++)
		printf("  %s-admin / %s-scorer / %s-shop   %s 村管理员 / 评分员 / 积分超市\n",
		       demo_villages[i].code, demo_villages[i].code, demo_villages[i].code,
		       demo_villages[i].name);
	/* the villagers' front door as it is: the home page, the village by
	** name, the head's name (the card's short code works too), the PIN */
	const char *card_code = hh[0].code;
	size_t vlen = strlen(demo_villages[0].code);
	if (!strncmp(card_code, demo_villages[0].code, vlen) && card_code[vlen] == '-')
		card_code += vlen + 1;
	printf("演示农户（村民查积分）: 打开首页 /，村选 %s，户主姓名填 %s"
	       "（或积分卡上的户编号 %s），PIN %s；\n"
	       "  或不登录直接打开积分卡链接 /p/%s\n"
	       "工作人员登录: /login\n",
	       demo_villages[0].name, hh[0].head_name, card_code, pin, token);
	return EXIT_OK;
fail:
	db_rollback(c->db);
	cli_print_errors(&errs);
	if (!errs.n)
		fprintf(stderr, "数据库错误: %s\n", db_errmsg(c->db));
	errlist_free(&errs);
	return rc;
}
