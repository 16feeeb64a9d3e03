/*
** page_group.c — the village's scoring group (村民积分管理自治小组) on the web:
**
**   GET  /v/CODE/group               the roster; public (公开透明): names and
**                                    roles of the current members only; the
**                                    village's staff also see the history,
**                                    the accounts and the appointing meetings
**   POST /v/CODE/group               add a member (admins)
**   POST /v/CODE/group/ID/leave      a member leaves, dated (admins)
**
** and the status line the village list and overview show
** (group_status_cell / group_status_line).  The rules: scoring_group.h.
*/
#include <string.h>

#include "auth.h"
#include "html.h"
#include "page.h"
#include "page_group.h"
#include "req.h"
#include "scoring_group.h"

void group_status_td(struct req *r, const char *village_code, const struct group_status *st)
{
	const char *vc = url_encode(r->a, village_code);
	/* words, not colour alone: 符合要求 / 缺少… */
	if (st->ok)
		html(r, "<td data-l=\"积分管理小组\"><a href=\"/v/%s/group\">%d 人，符合要求</a></td>",
		     vc, st->members);
	else
		html(r, "<td class=\"warn\" data-l=\"积分管理小组\"><a href=\"/v/%s/group\">"
			"%d 人，缺少%s</a></td>",
		     vc, st->members, st->missing);
}

void group_status_cell(struct req *r, const struct village *v)
{
	struct group_status st;
	if (group_status_get(r->db, v->id, &st)) {
		html_raw(r, "<td>—</td>");
		return;
	}
	group_status_td(r, v->code, &st);
}

void group_status_line(struct req *r, const struct village *v)
{
	struct group_status st;
	if (group_status_get(r->db, v->id, &st))
		return;
	const char *vc = url_encode(r->a, v->code);
	if (st.ok)
		html(r, "<p class=\"hint\">积分管理自治小组 %d 人（村两委成员 %d、村民代表 %d），"
			"符合“必须包括村两委成员和村民代表”的要求。<a href=\"/v/%s/group\">小组名册</a></p>",
		     st.members, st.committee, st.representatives, vc);
	else
		html(r, "<p class=\"error\">积分管理自治小组还缺少%s：补齐之前月度积分不能提交审定。"
			"<a href=\"/v/%s/group\">小组名册</a></p>",
		     st.missing, vc);
}

struct group_roster {
	struct group_member *rows;
	int n;
};

struct group_roster *group_roster_load(struct req *r, const struct village *v)
{
	struct group_roster *g = arena_alloc(r->a, sizeof *g);
	if (group_members(r->db, r->a, v->id, 0, &g->rows, &g->n))
		g->n = 0;
	return g;
}

void group_recorder_cell(struct req *r, const struct group_roster *g, const char *login,
			 int64_t recorded_at)
{
	const char *day = arena_strndup(r->a, time_format(r->a, recorded_at, ""), 10);
	const struct group_member *m = group_member_for(g->rows, g->n, login, day);
	if (m)
		html(r, "<td>%s（%s）<br><small>%s</small></td>", m->name, group_role_label(m->role),
		     login);
	else
		html(r, "<td>%s <span class=\"tag no\">非小组成员</span></td>", login);
}

/* The add form (admins). */
static void add_form(struct req *r, const struct village *v)
{
	html(r, "<h2>添加成员</h2><form method=\"post\" action=\"/v/%s/group\" class=\"stack\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html_raw(r, "<label>姓名<input name=\"name\" required maxlength=\"50\"></label>"
		    "<label>小组职务<select name=\"role\">");
	for (int i = 0; i < GROUP_ROLE_COUNT; i++)
		html(r, "<option value=\"%s\">%s</option>", group_role_names[i],
		     group_role_label(group_role_names[i]));
	html_raw(r, "</select></label>"
		    "<label>本村账号（评分时用的登录名，可不填）<input name=\"account\" maxlength=\"64\"></label>"
		    "<label>加入日期<input type=\"date\" name=\"joined_on\" required></label>"
		    "<label>组建会议日期<input type=\"date\" name=\"meeting_date\" required></label>"
		    "<label>参会人员<input name=\"attendees\" required maxlength=\"200\"></label>"
		    "<label>组建单位<input name=\"appointed_by\" value=\"村党组织\" maxlength=\"50\"></label>"
		    "<button type=\"submit\" class=\"primary\">添加</button></form>");
}

/* The roster page of v, with errs above the form when not NULL. */
static void group_page(struct req *r, const struct village *v, const errlist *errs)
{
	int staff = r->user && (r->user->role == ROLE_TOWN_ADMIN ||
				((r->user->role & ROLE_STAFF) && r->user->village_id == v->id));
	int admin = staff && (r->user->role & ROLES_ADMIN);
	struct group_member *rows;
	int n;
	if (group_members(r->db, r->a, v->id, !staff, &rows, &n)) {
		http_error(r, 500, "读取积分管理自治小组时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 村民积分管理自治小组", v->name));
	if (req_query(r, "added"))
		html_notice(r, "已添加成员。");
	if (req_query(r, "left"))
		html_notice(r, "已登记成员离开，记录保留在名册历史中。");
	if (errs)
		page_error_list(r, errs, "没有保存：");
	group_status_line(r, v);
	html_raw(r, "<p class=\"hint\">由村党组织牵头组建，负责每月积分评定，报村“两委”会议集体审定。</p>");
	html_raw(r, "<table class=\"list\"><thead><tr><th>姓名</th><th>小组职务</th>");
	if (staff)
		html_raw(r, "<th>账号</th><th>加入</th><th>离开</th><th>组建会议</th>");
	if (admin)
		html_raw(r, "<th>操作</th>");
	html_raw(r, "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct group_member *m = &rows[i];
		html(r, "<tr%s><td>%s</td><td>%s</td>", *m->left_on ? " class=\"muted\"" : "", m->name,
		     group_role_label(m->role));
		if (staff) {
			html(r, "<td>%s</td><td>%s</td><td>%s%s%s</td><td>%s %s（%s）</td>",
			     m->account_login, m->joined_on, m->left_on, *m->left_reason ? " " : "",
			     m->left_reason, m->meeting_date, m->appointed_by, m->attendees);
		}
		if (admin) {
			html_raw(r, "<td>");
			if (!*m->left_on) {
				html(r, "<form method=\"post\" action=\"/v/%s/group/%lld/leave\" class=\"inline\">",
				     url_encode(r->a, v->code), (long long)m->id);
				html_csrf(r);
				html_raw(r, "<input type=\"date\" name=\"left_on\" required aria-label=\"离开日期\">"
					    "<input name=\"reason\" placeholder=\"原因\" maxlength=\"200\">"
					    "<button type=\"submit\">离开</button></form>");
			}
			html_raw(r, "</td>");
		}
		html_raw(r, "</tr>");
	}
	if (!n)
		html_raw(r, "<tr><td colspan=\"2\">还没有小组成员。</td></tr>");
	html_raw(r, "</tbody></table>");
	if (admin)
		add_form(r, v);
	html_page_end(r);
}

/* GET /v/CODE/group (public) */
static void page_group(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (v)
		group_page(r, v, NULL);
}

/* POST /v/CODE/group: name, role, account, joined_on, meeting_date,
** attendees, appointed_by. */
static void page_group_add(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct group_member_input in = {
		.name = req_form_trim(r, "name"), .role = req_form_trim(r, "role"),
		.account_login = req_form_trim(r, "account"), .joined_on = req_form_trim(r, "joined_on"),
		.meeting_date = req_form_trim(r, "meeting_date"),
		.attendees = req_form_trim(r, "attendees"), .appointed_by = req_form_trim(r, "appointed_by")};
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id = 0;
	int rc = group_member_add(r->db, &who, v, &in, &errs, &id);
	if (rc < 0) {
		http_error(r, 500, "保存小组成员时出错，没有保存任何内容。");
	} else if (rc > 0) {
		r->status = 400;
		group_page(r, v, &errs);
	} else {
		http_redirect(r, arena_printf(r->a, "/v/%s/group?added=1", url_encode(r->a, v->code)));
	}
	errlist_free(&errs);
}

/* POST /v/CODE/group/ID/leave: left_on, reason. */
static void page_group_leave(struct req *r)
{
	struct village *v;
	int64_t id;
	if (req_village_id_or_404(r, &v, &id, "找不到这名小组成员。"))
		return;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = group_member_leave(r->db, &who, v, id, req_form_trim(r, "left_on"),
				    req_form_trim(r, "reason"), &errs);
	if (rc < 0) {
		http_error(r, 500, "保存时出错，没有保存任何内容。");
	} else if (rc > 0) {
		r->status = 400;
		group_page(r, v, &errs);
	} else {
		http_redirect(r, arena_printf(r->a, "/v/%s/group?left=1", url_encode(r->a, v->code)));
	}
	errlist_free(&errs);
}

const struct route group_routes[] = {
	{"GET", "/v/*/group", page_group, 0, ROUTE_PUBLIC},
	{"POST", "/v/*/group", page_group_add, ROLES_ADMIN, 0},
	{"POST", "/v/*/group/*/leave", page_group_leave, ROLES_ADMIN, 0},
	{0},
};
