/*
** main.c — the command table of the jifen binary.  Each command is a
** function; its entry's help text is what `jifen help` prints.  Global
** options: --db URL (before or after the subcommand) or JIFEN_DB; default
** jifen.db in the current folder.  Exit codes per INTERFACES.md.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "commands.h"
#include "conffile.h"
#include "http.h"
#include "json.h"
#include "ledger.h"
#include "page_passbook.h"
#include "passbook_store.h"
#include "signing.h"
#include "version.h"
#include "village.h"

/* ---- commands --------------------------------------------------------- */

static const char *const no_options[] = {NULL};

/* jifen init [--demo]
** Create the database or upgrade its schema to this binary's newest
** version.  --demo also loads a demo town (villages, households, accounts
** of every role) and prints its logins. */
static int cmd_init(struct cli *c)
{
	static const char *const known[] = {"--demo", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	if (cli_npos(c))
		return cli_usage(c);
	if (town_name_init(c->db))
		return cli_db_failure(c);
	printf("数据库已就绪: %s (%s)\n", c->db_url, db_backend(c->db));
	/* the signing key of the checkpoints, outside the database */
	errlist errs = {0};
	int created;
	if (signing_key_ensure(c->a, signing_default_origin(c->a, c->db_url), &created, &errs)) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return EXIT_FAILURE_3;
	}
	if (created)
		printf("已生成签名密钥: %s\n", signing_key_path());
	/* the configuration file names the town of a packaged install */
	if (c->conf->town && strcmp(town_name(c->db, c->a), c->conf->town)) {
		errlist terrs = {0};
		int trc = town_name_set(c->db, &c->actor, c->conf->town, &terrs);
		if (trc) {
			trc = cli_area_failure(c, trc, &terrs);
			errlist_free(&terrs);
			return trc;
		}
	}
	if (cli_flag(c, "--demo"))
		return demo_load(c);
	return EXIT_OK;
}

/* jifen serve [--listen HOST:PORT] [--threads N]
** Serve the web pages and the JSON API (default 127.0.0.1:8080) until
** SIGTERM or Ctrl-C; requests in flight finish first. */
static int cmd_serve(struct cli *c)
{
	static const char *const known[] = {"--listen=", "--threads=", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	if (cli_npos(c))
		return cli_usage(c);
	int64_t threads = 0;
	const char *t = cli_opt(c, "--threads");
	if (t && (parse_int64(t, &threads) || threads < 1 || threads > 256)) {
		fprintf(stderr, "--threads: 应为 1–256 的整数\n");
		return EXIT_USAGE;
	}
	struct server_config cfg = {
		.listen = cli_opt(c, "--listen")  ? cli_opt(c, "--listen")
			  : c->conf->listen ? c->conf->listen
					    : "127.0.0.1:8080",
		.db_url = c->db_url,
		.threads = (unsigned)threads,
	};
	return http_serve(&cfg);
}

/* jifen village add CODE NAME
** Add a village to the town. */
static int cmd_village_add(struct cli *c)
{
	int rc = cli_check_options(c, no_options);
	if (rc)
		return rc;
	if (cli_npos(c) != 2)
		return cli_usage(c);
	const char *code = cli_pos(c, 0), *name = cli_pos(c, 1);
	errlist errs = {0};
	int64_t id = 0;
	rc = village_add(c->db, &c->actor, code, name, &errs, &id);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	printf("已添加村 %s %s\n", code, name);
	return EXIT_OK;
}

/* Read one line (the password) from stdin, without its newline. */
static char *read_stdin_line(arena *a)
{
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = 0;
	return arena_strdup(a, line);
}

/* jifen user add LOGIN --role ROLE [--village CODE] [--password-stdin]
** Add an account.  ROLE is town_admin, village_admin, scorer or
** shopkeeper; every role but town_admin belongs to one village.  The
** password is read from the first line of stdin. */
static int cmd_user_add(struct cli *c)
{
	static const char *const known[] = {"--role=", "--village=", "--password-stdin", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	const char *role = cli_opt(c, "--role");
	if (cli_npos(c) != 1 || !role)
		return cli_usage(c);
	if (!role_from_name(role) || role_from_name(role) == ROLE_HOUSEHOLD) {
		fprintf(stderr, "--role: 应为 town_admin、village_admin、scorer 或 shopkeeper\n");
		return EXIT_USAGE;
	}
	const char *pw = read_stdin_line(c->a);
	if (!pw) {
		fprintf(stderr, "请从标准输入提供密码（一行）\n");
		return EXIT_REJECTED;
	}
	errlist errs = {0};
	const char *login = cli_pos(c, 0);
	rc = account_add(c->db, &c->actor, login, role_from_name(role), cli_opt(c, "--village"), pw,
			 0, &errs);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	printf("已添加账号 %s (%s)\n", login, role_label(role_from_name(role)));
	return EXIT_OK;
}

/* The audit row's "after" of a policy change: {"value":N}, or the text
** quoted when it is not a number (trusted_proxies); arena a. */
static const char *policy_audit_value(arena *a, const char *value)
{
	int64_t v;
	if (!parse_int64(value, &v))
		return arena_printf(a, "{\"value\":%lld}", (long long)v);
	buf b = {0};
	struct json_writer w;
	jw_begin(&w, &b);
	jw_obj(&w, NULL);
	jw_str(&w, "value", value);
	jw_end_obj(&w);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* jifen config [set NAME VALUE]
** Show the security policy (password length and expiry, lock-out, session
** timeouts) and the server's limits (connections per address, header and
** body deadlines, body memory, trusted proxies), or set one value of it
** for every instance of the town; serve reads the limits when it starts. */
static int cmd_config(struct cli *c)
{
	int rc = cli_check_options(c, no_options);
	if (rc)
		return rc;
	int n = cli_npos(c);
	if (n == 3 && !strcmp(cli_pos(c, 0), "set")) {
		errlist errs = {0};
		const char *name = cli_pos(c, 1), *value = cli_pos(c, 2);
		if (db_begin_write(c->db))
			return cli_db_failure(c);
		rc = policy_set(c->db, name, value, &errs);
		if (rc == 0 && (audit_record(c->db, &c->actor, 0, "security.policy",
					     arena_printf(c->a, "policy:%s", name), NULL,
					     policy_audit_value(c->a, value)) ||
				db_commit(c->db)))
			rc = -1;
		if (rc) {
			db_rollback(c->db);
			rc = cli_area_failure(c, rc, &errs);
			errlist_free(&errs);
			return rc;
		}
		printf("已设置 %s = %s\n", name, value);
		return EXIT_OK;
	}
	if (n != 0)
		return cli_usage(c);
	struct security_policy pol;
	if (policy_load(c->db, &pol))
		return cli_db_failure(c);
	char value[256];
	const char *label, *name;
	for (int i = 0; (name = policy_field(&pol, i, value, sizeof value, &label)); i++)
		printf("%-28s %6s   %s\n", name, *value ? value : "\"\"", label);
	return EXIT_OK;
}

/* The shape of `jifen town` and `jifen town-url`: no argument shows the
** setting (get; NULL prints unset), one sets it (set) and prints done with
** the value; more is a usage error. */
static int town_setting_cmd(struct cli *c, const char *(*get)(db *, arena *),
			    int (*set)(db *, const struct actor *, const char *, errlist *),
			    const char *done)
{
	int rc = cli_check_options(c, no_options);
	if (rc)
		return rc;
	int n = cli_npos(c);
	if (n > 1)
		return cli_usage(c);
	if (n == 0) {
		const char *value = get(c->db, c->a);
		printf("%s\n", value ? value : "（未设置）");
		return EXIT_OK;
	}
	errlist errs = {0};
	rc = set(c->db, &c->actor, cli_pos(c, 0), &errs);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	printf("%s%s\n", done, cli_pos(c, 0));
	return EXIT_OK;
}

/* jifen town [NAME]
** Show the town's name (the footer of every page), or change it. */
static int cmd_town(struct cli *c)
{
	return town_setting_cmd(c, town_name, town_name_set, "镇名已改为 ");
}

/* jifen town-url [URL|none]
** Show the address villagers reach the server at (printed on household
** cards and in their QR codes), or set it: https://HOST[:PORT][/PATH];
** none removes it (the cards then use the address the admin's browser
** used, with a warning). */
static int cmd_town_url(struct cli *c)
{
	return town_setting_cmd(c, town_public_url, town_public_url_set, "公开网址已改为 ");
}

/* jifen routes
** List every web and API route: method, pattern, the roles that may call
** it (or "public"), and its flags.  The access-matrix test reads it, so
** that a new route cannot go without a row in the test's table. */
static int cmd_routes(struct cli *c)
{
	int rc = cli_check_options(c, no_options);
	if (rc)
		return rc;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++) {
			printf("%s %s ", rt->method, rt->pattern);
			if (rt->flags & ROUTE_PUBLIC)
				printf("public");
			else
				for (int bit = 1, first = 1; bit <= ROLE_HOUSEHOLD; bit <<= 1)
					if (rt->roles & bit) {
						printf("%s%s", first ? "" : ",", role_name(bit));
						first = 0;
					}
			printf("%s%s\n", rt->flags & ROUTE_UPLOAD ? " upload" : "",
			       rt->flags & ROUTE_NO_CSRF ? " no_csrf" : "");
		}
	return EXIT_OK;
}

/* The commands: the words that name each, its function, its usage line
** (what `jifen help` lists and what a usage error prints, cli_usage()) and
** what it does.  The function's comment above says the rest. */
static const struct command {
	const char *name, *sub;
	int (*fn)(struct cli *c);
	const char *usage, *summary;
} commands[] = {
	{"init", NULL, cmd_init, "init [--demo]", "创建或升级数据库；--demo 载入演示数据"},
	{"serve", NULL, cmd_serve, "serve [--listen HOST:PORT] [--threads N]",
	 "启动网页和 API 服务"},
	{"village", "add", cmd_village_add, "village add CODE NAME", "添加村"},
	{"user", "add", cmd_user_add,
	 "user add LOGIN --role ROLE [--village CODE] [--password-stdin]", "添加账号"},
	{"import", "households", cmd_import_households,
	 "import households --village CODE FILE [--dry-run]", "导入农户 CSV"},
	{"backup", NULL, cmd_backup, "backup FILE | --dir DIR [--keep-days N]",
	 "在线备份整个数据库（PostgreSQL 用 pg_dump）；--dir 按日期命名并删除旧备份"},
	{"restore", NULL, cmd_restore, "restore FILE", "从备份恢复（先核对台账；服务须已停止）"},
	{"config", NULL, cmd_config, "config [set NAME VALUE]", "查看或修改安全策略（密码、锁定、会话）"},
	{"town", "show", cmd_town_show, "town show", "镇的督导设置（三个阶段日期、按时标准）"},
	{"town", "set", cmd_town_set, "town set KEY VALUE", "修改一项镇督导设置"},
	{"town", NULL, cmd_town, "town [NAME]", "查看或修改镇名（每页页脚）"},
	{"town-url", NULL, cmd_town_url, "town-url [URL|none]", "查看或设置公开网址（积分卡和二维码上的网址）"},
	{"routes", NULL, cmd_routes, "routes", "列出全部网页和 API 路由及其权限"},
	{"migrate-db", NULL, cmd_migrate_db, "migrate-db --from FILE.db --to postgresql://…",
	 "把 SQLite 数据库迁移到 PostgreSQL"},
	{"import", "standard", cmd_import_standard,
	 "import standard --village CODE FILE --adopted YYYY-MM-DD --effective YYYY-MM-DD "
	 "[--meeting TEXT] [--meeting-type villagers|representatives] [--dry-run]",
	 "录入本村积分标准新版本"},
	{"import", "entries", cmd_import_entries,
	 "import entries --village CODE --month YYYY-MM FILE [--dry-run]", "导入月度积分记录"},
	{"sheet", "approve", cmd_sheet_approve,
	 "sheet approve --village CODE --month YYYY-MM --meeting-date YYYY-MM-DD "
	 "--attendees TEXT --resolution TEXT",
	 "集体审定，整表记入台账"},
	{"balances", NULL, cmd_balances, "balances --village CODE [--format csv|json]", "各户积分余额"},
	{"verify", NULL, cmd_verify, "verify [--village CODE]", "核对台账哈希链和积分余额"},
	{"passbook-render", NULL, cmd_passbook_render, "passbook-render [--village CODE]",
	 "重新生成存放的积分存折（升级或批量导入之后）"},
	{"ledger", "correct", cmd_ledger_correct,
	 "ledger correct --village CODE --entry ID --points N --reason TEXT", "更正台账记录"},
	{"village", "show", cmd_village_show, "village show CODE", "本村全部设置（key,value）"},
	{"village", "set", cmd_village_set, "village set CODE KEY VALUE", "修改一项本村设置"},
	{"import", "catalog", cmd_import_catalog, "import catalog --village CODE FILE [--dry-run]",
	 "导入积分超市目录"},
	{"redeem", NULL, cmd_redeem,
	 "redeem --village CODE --household HCODE --item ICODE [--quantity N] [--date YYYY-MM-DD] "
	 "[--delivered-by NAME]",
	 "积分兑换（预约并当场兑换）"},
	{"redemption", "reverse", cmd_redemption_reverse,
	 "redemption reverse --village CODE --id N --reason TEXT", "冲回一次兑换"},
	{"fund", "add", cmd_fund_add,
	 "fund add --village CODE --source SOURCE --amount YUAN [--date YYYY-MM-DD] [--from NAME] "
	 "[--note TEXT]",
	 "记资金收入"},
	{"fund", "spend", cmd_fund_spend,
	 "fund spend --village CODE --source SOURCE --amount YUAN --note TEXT [--date YYYY-MM-DD]",
	 "记资金支出"},
	{"fund", "reverse", cmd_fund_reverse, "fund reverse --village CODE --id N --reason TEXT",
	 "冲回一笔资金记录"},
	{"funds", NULL, cmd_funds, "funds --village CODE [--format csv|json]", "资金来源与兑付保障率"},
	{"export", "ledger", cmd_export_ledger, "export ledger --village CODE --year YYYY --out FILE.xlsx",
	 "导出本村一年的积分台账（Excel）"},
	{"export", "funds", cmd_export_funds, "export funds --village CODE --year YYYY --out FILE.xlsx",
	 "导出本村一年的资金台账（Excel）"},
	{"year-end", NULL, cmd_year_end, "year-end --village CODE --year YYYY", "年终处理未兑换积分"},
	{"key", "show", cmd_key_show, "key show", "打印本部署的验证公钥（核对检查点和回执用）"},
	{"announce", NULL, cmd_announce, "announce --village CODE --quarter YYYY-Qn [--date D]",
	 "季度公示：冻结公示并签名检查点"},
	{"announcement", "cosign", cmd_announcement_cosign,
	 "announcement cosign --village CODE --quarter YYYY-Qn --witness-key VKEY FILE",
	 "给公示的检查点附上见证方联署"},
	{"announcement", NULL, cmd_announcement,
	 "announcement --village CODE --quarter YYYY-Qn [--format csv|json]", "查看已冻结的公示"},
	{"announcements", NULL, cmd_announcements, "announcements --village CODE", "本村的历次公示"},
	{"receipt", NULL, cmd_receipt, "receipt --village CODE --quarter YYYY-Qn --household HCODE",
	 "农户的公示回执"},
	{"verify-receipt", NULL, cmd_verify_receipt, "verify-receipt FILE --key KEY",
	 "离线核对公示回执（不需要数据库）"},
	{"proof", NULL, cmd_proof,
	 "proof inclusion --village CODE --seq S [--size N] | consistency --village CODE --from M [--to N]",
	 "台账默克尔树的包含证明和一致性证明"},
	{"objection", "add", cmd_objection_add,
	 "objection add --village CODE --quarter YYYY-Qn --household HCODE --reason TEXT "
	 "[--entry SEQ] [--date D]",
	 "登记对季度公示的异议（书面）"},
	{"objection", "decide", cmd_objection_decide,
	 "objection decide --village CODE --id N (--reject --reason TEXT | --uphold --reason TEXT "
	 "(--entry SEQ --points P | --item ICODE --date D2))",
	 "两委答复异议：不予支持，或采纳并记入台账"},
	{"group", "add", cmd_group_add,
	 "group add --village CODE --name NAME --role ROLE [--account LOGIN] --joined YYYY-MM-DD "
	 "--meeting-date YYYY-MM-DD --attendees TEXT [--appointed-by TEXT]",
	 "积分管理自治小组：添加成员"},
	{"group", "leave", cmd_group_leave,
	 "group leave --village CODE --id N --date YYYY-MM-DD [--reason TEXT]",
	 "积分管理自治小组：成员离开（保留记录）"},
	{"group", NULL, cmd_group, "group --village CODE", "积分管理自治小组名册（含历史）"},
	{"objections", NULL, cmd_objections, "objections --village CODE [--quarter YYYY-Qn]",
	 "本村的异议及答复"},
	{"honours", "confirm", cmd_honours_confirm,
	 "honours confirm --village CODE --year YYYY --meeting-date YYYY-MM-DD --attendees TEXT "
	 "--resolution TEXT [--models H1,H2]",
	 "两委确认年度荣誉（星级户、评先选优名单）"},
	{"honours", NULL, cmd_honours, "honours --village CODE --year YYYY [--format csv|json]",
	 "年度积分排名、星级户和一票否决"},
	{"witness", "request", cmd_witness_request,
	 "witness request --village CODE --old N [--quarter YYYY-Qn]", "生成给见证方的请求"},
	{"witness", NULL, cmd_witness,
	 "witness init|show|cosign --key WKEY [--name NAME] [--state FILE --log-key VKEY REQUEST]",
	 "见证方：联署检查点（不需要数据库）"},
	{"report", NULL, cmd_report, "report [--year YYYY] [--format csv|json|xlsx] [--out FILE]",
	 "全镇各村实施情况报表"},
	{"evaluation", "criteria", cmd_evaluation_criteria,
	 "evaluation criteria [--set CODE --weight N]", "镇评估指标及权重"},
	{NULL, NULL, NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "用法: jifen [--db URL] [--config FILE] COMMAND ...\n命令:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  jifen %-23s  %s\n", c->usage, c->summary);
	fprintf(f, "数据库: --db 文件路径 或 postgresql://…，或环境变量 JIFEN_DB，或配置文件的 db；"
		   "默认 ./jifen.db\n");
	fprintf(f, "配置文件: --config FILE 或 JIFEN_CONFIG；由 systemd 启动时默认 %s\n",
		CONF_DEFAULT_PATH);
	fprintf(f, "jifen --version 打印版本和提交；jifen help --man 打印手册页 jifen(1)\n");
}

/* Write s to f escaped for roff: a backslash doubled, a line's leading
** '.' or '\'' guarded, '-' as \- so that options copy-paste as hyphens. */
static void roff(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((p == s || p[-1] == '\n') && (*p == '.' || *p == '\''))
			fputs("\\&", f);
		if (*p == '\\')
			fputs("\\e", f);
		else if (*p == '-')
			fputs("\\-", f);
		else
			fputc(*p, f);
	}
}

/* jifen help --man: the manual page jifen(1) in roff, from the same table
** `jifen help` prints, so that the packaged man page cannot drift from the
** binary it documents (CMake generates it at build time). */
static void man_page(FILE *f)
{
	fprintf(f, ".TH JIFEN 1 \"\" \"jifen %s\" \"jifen\"\n", jifen_version);
	fputs(".SH NAME\njifen \\- 乡村治理积分制：积分台账、积分超市、季度公示（网页、API 和命令行）\n"
	      ".SH SYNOPSIS\n.B jifen\n[\\fB\\-\\-db\\fR \\fIURL\\fR] "
	      "[\\fB\\-\\-config\\fR \\fIFILE\\fR] [\\fB\\-\\-key\\fR \\fIFILE\\fR] "
	      "\\fICOMMAND\\fR ...\n.br\n.B jifen \\-\\-version\n"
	      ".SH DESCRIPTION\n一个程序提供网页、JSON API 和命令行；数据库为 SQLite 文件或 PostgreSQL。\n"
	      ".SH COMMANDS\n",
	      f);
	for (const struct command *c = commands; c->name; c++) {
		fputs(".TP\n.B jifen ", f);
		roff(f, c->usage);
		fputc('\n', f);
		roff(f, c->summary);
		fputc('\n', f);
	}
	fputs(".SH OPTIONS\n.TP\n.BI \\-\\-db \" URL\"\n"
	      "数据库：文件路径（SQLite）或 postgresql:// URL；也可用环境变量 JIFEN_DB。"
	      "优先于配置文件。\n"
	      ".TP\n.BI \\-\\-config \" FILE\"\n配置文件；也可用环境变量 JIFEN_CONFIG。"
	      "由 systemd 启动时默认读 ",
	      f);
	roff(f, CONF_DEFAULT_PATH);
	fputs("。\n.TP\n.BI \\-\\-key \" FILE\"\n签名密钥文件；也可用环境变量 JIFEN_KEY。\n"
	      ".SH EXIT STATUS\n0 完成；1 输入被拒绝（未写入任何内容）；2 用法错误；3 其他失败。\n"
	      ".SH FILES\n.TP\n.I /etc/jifen/jifen.conf\n"
	      "配置：db、listen、key、town、backup_dir、backup_keep_days（名称 = 值）。\n"
	      ".TP\n.I /var/lib/jifen\nSQLite 数据库、签名密钥和备份。\n"
	      ".SH SEE ALSO\n/usr/share/doc/jifen/\n",
	      f);
}

/* verify-receipt's --key is the verifier key to check with, witness's the
** witness key: after those command words --key is theirs, not the
** deployment's signing key file. */
static int own_key_option(char **words, int nwords)
{
	return nwords && (!strcmp(words[0], "verify-receipt") || !strcmp(words[0], "witness"));
}

/* A global option "NAME VALUE" or "NAME=VALUE" at argv[*i]: 1 with *out
** set (and *i past the value), 0 when argv[*i] is something else, -1 when
** the value is missing (said on stderr). */
static int global_option(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s 需要一个值\n", name);
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

int main(int argc, char **argv)
{
	const char *db_url = getenv("JIFEN_DB"), *key_path = getenv("JIFEN_KEY");
	const char *config_path = NULL;
	struct jifen_conf conf = {0};
	char **words = calloc((size_t)argc + 1, sizeof *words);
	struct cli c = {.actor = {0, "cli", ""}};
	int nwords = 0, rc = EXIT_USAGE;
	if (!words)
		return EXIT_FAILURE_3;
	for (int i = 1; i < argc; i++) {
		int got = global_option(argc, argv, &i, "--config", &config_path);
		if (!got)
			got = global_option(argc, argv, &i, "--db", &db_url);
		if (!got && !own_key_option(words, nwords))
			got = global_option(argc, argv, &i, "--key", &key_path);
		if (got < 0)
			goto out;
		if (!got)
			words[nwords++] = argv[i];
	}
	if (nwords == 1 && !strcmp(words[0], "--version")) {
		printf("jifen %s (%s)\n", jifen_version, jifen_commit);
		rc = EXIT_OK;
		goto out;
	}
	if (nwords == 2 && !strcmp(words[0], "help") && !strcmp(words[1], "--man")) {
		man_page(stdout);
		rc = EXIT_OK;
		goto out;
	}
	c.a = arena_new();
	int conf_required;
	const char *cpath = conf_path(config_path, &conf_required);
	if (cpath) {
		char cerr[512];
		if (conf_load(c.a, cpath, conf_required, &conf, cerr, sizeof cerr)) {
			fprintf(stderr, "%s\n", cerr);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	c.conf = &conf;
	if ((!db_url || !*db_url) && conf.db)
		db_url = conf.db;
	if ((!key_path || !*key_path) && conf.key)
		key_path = conf.key;
	if (!db_url || !*db_url)
		db_url = "jifen.db";
	if (nwords == 0 || !strcmp(words[0], "help") || !strcmp(words[0], "--help") ||
	    !strcmp(words[0], "-h")) {
		usage(nwords ? stdout : stderr);
		rc = nwords ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const struct command *cmd = NULL;
	int skip = 1;
	for (const struct command *k = commands; k->name; k++) {
		if (strcmp(k->name, words[0]))
			continue;
		if (!k->sub) {
			cmd = k;
			break;
		}
		if (nwords > 1 && !strcmp(k->sub, words[1])) {
			cmd = k;
			skip = 2;
			break;
		}
	}
	if (!cmd) {
		fprintf(stderr, "未知命令: %s%s%s\n", words[0], nwords > 1 ? " " : "",
			nwords > 1 ? words[1] : "");
		usage(stderr);
		goto out;
	}
	rc = EXIT_FAILURE_3;
	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium 初始化失败\n");
		goto out;
	}
	/* the stored passbooks are rendered by the page code, inside the
	** transactions of every command that changes them (passbook_store.h) */
	passbook_store_init(passbook_render);
	c.db_url = db_url;
	signing_set_key_path(key_path && *key_path ? key_path
						   : signing_default_key_path(c.a, db_url));
	c.argc = nwords - skip;
	c.argv = words + skip;
	c.usage = cmd->usage;
	/* migrate-db opens its own two databases, restore its target without
	** upgrading it (an empty PostgreSQL database must stay empty), routes
	** needs none: --db is not opened for them */
	if (cmd->fn == cmd_migrate_db || cmd->fn == cmd_restore || cmd->fn == cmd_routes || cmd->fn == cmd_verify_receipt ||
	    cmd->fn == cmd_witness) {
		rc = cmd->fn(&c);
		goto out;
	}
	char err[512];
	if (db_open(db_url, &c.db, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	int version;
	if (db_migrate(c.db, &version, err, sizeof err)) {
		fprintf(stderr, "数据库升级失败: %s\n", err);
		goto out;
	}
	if (ledger_seal_legacy(c.db)) {
		fprintf(stderr, "数据库升级失败: %s\n", db_errmsg(c.db));
		goto out;
	}
	rc = cmd->fn(&c);
	/* the passbooks the command's bulk writes left as tombstones, rendered
	** in short transactions before it exits (passbook_store.h) */
	int64_t settled;
	const char *after = getenv("JIFEN_PASSBOOK_AFTER");
	/* JIFEN_PASSBOOK_AFTER=0: a bulk load of many months (bench/run.sh)
	** renders each household once at its end (passbook-render), not after
	** every month's approval */
	if ((!after || strcmp(after, "0")) &&
	    passbook_store_settle(c.db, PASSBOOK_STORE_SETTLE_MAX, &settled))
		fprintf(stderr, "注意: 积分存折没有全部重新生成（页面临时现算，可运行 jifen "
				"passbook-render）: %s\n", db_errmsg(c.db));
	db_release(c.db);
out:
	db_close(c.db);
	arena_free(c.a);
	free(words);
	return rc;
}
