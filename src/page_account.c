/*
** page_account.c — managing accounts on the web: the town admin sees and
** adds accounts of every village and the town; a village admin those of
** the own village (scorers, shopkeepers, other village admins).  Accounts
** are never deleted: they are disabled, which also ends their sessions.
*/
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "html.h"
#include "req.h"
#include "village.h"

/* The village scope of the current user: 0 for the town admin (all). */
static int64_t scope(struct req *r)
{
	return r->user->role == ROLE_TOWN_ADMIN ? 0 : r->user->village_id;
}

static void accounts_page(struct req *r, const errlist *errs, const char *notice)
{
	html_page_begin(r, "账号管理");
	if (notice)
		html_notice(r, notice);
	html_error_boxes(r, errs);
	struct account_row *rows;
	int n;
	if (account_list(r->db, r->a, scope(r), &rows, &n)) {
		http_error(r, 500, "读取账号时出错。");
		return;
	}
	/* the admins are told of failed logins: the accounts with failures
	** since their last success */
	for (int i = 0; i < n; i++)
		if (rows[i].failures > 0)
			html_notice(r, arena_printf(r->a,
						    "账号 %s 自上次登录以来有 %d 次失败的登录尝试，"
						    "最近一次来自 %s（%s）。",
						    rows[i].login, rows[i].failures,
						    rows[i].last_failure_ip ? rows[i].last_failure_ip : "",
						    time_format(r->a, rows[i].last_failure_at, NULL)));
	html_raw(r, "<table class=\"list\"><thead><tr><th>账号</th><th>角色</th><th>所属</th>"
		    "<th>状态</th><th>操作</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct account_row *x = &rows[i];
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", x->login,
		     role_label(x->role), x->village_code ? x->village_code : "全镇",
		     x->disabled ? "已停用" : "正常");
		if (!x->disabled && strcmp(x->login, r->user->login)) {
			html(r, "<form method=\"post\" action=\"/accounts/%s/disable\" "
				"data-confirm=\"确定停用这个账号？\">",
			     url_encode(r->a, x->login));
			html_csrf(r);
			html_raw(r, "<button type=\"submit\">停用</button></form>");
		}
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table><h2>添加账号</h2>"
		    "<form method=\"post\" action=\"/accounts\" class=\"narrow\">");
	html_csrf(r);
	html_raw(r, "<label>账号名<input name=\"login\" required maxlength=\"32\" "
		    "pattern=\"[A-Za-z0-9_.\\-]{2,32}\"></label><label>角色<select name=\"role\">");
	if (r->user->role == ROLE_TOWN_ADMIN)
		html_raw(r, "<option value=\"town_admin\">镇管理员</option>");
	html_raw(r, "<option value=\"village_admin\">村管理员</option>"
		    "<option value=\"scorer\" selected>评分员</option>"
		    "<option value=\"shopkeeper\">积分超市</option></select></label>");
	if (r->user->role == ROLE_TOWN_ADMIN) {
		int n = 0;
		struct village *vs = village_list(r->db, r->a, &n);
		html_raw(r, "<label>所属村（镇管理员不选）<select name=\"village\">"
			    "<option value=\"\">—</option>");
		for (int i = 0; i < n; i++)
			html(r, "<option value=\"%s\">%s %s</option>", vs[i].code, vs[i].code,
			     vs[i].name);
		html_raw(r, "</select></label>");
	}
	struct security_policy pol = SECURITY_POLICY_DEFAULTS;
	policy_load(r->db, &pol);
	html(r, "<label>初始密码<input name=\"password\" type=\"password\" required "
		"minlength=\"%d\" autocomplete=\"new-password\"></label>"
		"<p class=\"hint\">至少 %d 个字符，包含字母、数字、符号中的至少两类；"
		"首次登录后须修改。</p>",
	     pol.password_min_length, pol.password_min_length);
	html_raw(r, "<button type=\"submit\" class=\"primary\">添加账号</button></form>");
	html_page_end(r);
}

/* GET /accounts */
static void page_accounts(struct req *r)
{
	accounts_page(r, NULL, req_query(r, "done") ? "已保存。" : NULL);
}

/* POST /accounts: login, role, village (town admin only), password. */
static void page_accounts_post(struct req *r)
{
	errlist errs = {0};
	int role = role_from_name(req_form_trim(r, "role"));
	const char *village = NULL;
	if (r->user->role == ROLE_TOWN_ADMIN) {
		village = req_form_trim(r, "village");
		if (!*village)
			village = NULL;
	} else {
		village = r->user->village_code;
		if (role == ROLE_TOWN_ADMIN)
			role = 0; /* a village admin cannot make town admins */
	}
	const char *login = req_form_trim(r, "login");
	struct actor who = req_actor(r);
	int rc = account_add(r->db, &who, login, role, village, req_form(r, "password"), 1, &errs);
	if (rc < 0)
		http_error(r, 500, "添加账号时出错。");
	else if (rc > 0) {
		r->status = 400;
		accounts_page(r, &errs, NULL);
	} else
		http_redirect(r, "/accounts?done=1");
	errlist_free(&errs);
}

/* POST /accounts/LOGIN/disable: only within the user's scope, never
** oneself. */
static void page_account_disable(struct req *r)
{
	const char *login = r->arg[0];
	struct actor who = req_actor(r);
	if (!strcmp(login, r->user->login)) {
		http_error(r, 400, "不能停用自己的账号。");
		return;
	}
	int rc = account_disable(r->db, &who, login, scope(r));
	if (rc < 0)
		http_error(r, 500, "停用账号时出错。");
	else if (rc > 0)
		http_error(r, 404, "找不到这个账号。");
	else
		http_redirect(r, "/accounts?done=1");
}

const struct route account_routes[] = {
	{"GET", "/accounts", page_accounts, ROLES_ADMIN, 0},
	{"POST", "/accounts", page_accounts_post, ROLES_ADMIN, 0},
	{"POST", "/accounts/*/disable", page_account_disable, ROLES_ADMIN, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link account_nav[] = {
	{20, ROLE_TOWN_ADMIN, "账号", "/accounts", 0},
	{200, ROLE_VILLAGE_ADMIN, "账号", "/accounts", 0},
	{0},
};
