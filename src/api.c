/*
** api.c — the API kit of api.h: JSON bodies in, refusals out.  The
** endpoints themselves are in api_<area>.c.
*/
#include "api.h"
#include "req.h"

#include <string.h>

void json_send(struct req *r, int status)
{
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	r->answered = 1;
}

void json_opt(struct req *r, const char *key, int64_t v)
{
	if (v < 0)
		json_null(r, key);
	else
		json_int(r, key, v);
}

void api_reject(struct req *r, int status, const errlist *errs)
{
	buf all = {0};
	for (int i = 0; i < errs->n; i++) {
		if (i)
			buf_puts(&all, "；");
		buf_puts(&all, errs->msg[i]);
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "error", errs->n ? buf_cstr(&all) : "请求被拒绝");
	json_arr(r, "errors");
	for (int i = 0; i < errs->n; i++)
		json_str(r, NULL, errs->msg[i]);
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
	buf_free(&all);
}

/* What is wrong with a body jansson refused, in words, from its error
** text (English, not shown): bytes that are not UTF-8, an integer beyond
** range, nesting too deep, \u0000 in a string, not an object, a bad
** escape, or else the syntax. */
static const char *json_problem(const json_error_t *err)
{
	if (strstr(err->text, "duplicate object key"))
		return "有重复的字段名（同一个名字出现了两次）";
	if (strstr(err->text, "decode byte") || strstr(err->text, "UTF-8"))
		return "含有不是 UTF-8 编码的字节";
	if (strstr(err->text, "too big"))
		return "整数超出范围";
	if (strstr(err->text, "depth"))
		return "嵌套层数太多";
	if (strstr(err->text, "\\u0000"))
		return "字符串中不能有 \\u0000";
	if (strstr(err->text, "'[' or '{' expected"))
		return "应是一个 JSON 对象（以 { 开头）";
	if (strstr(err->text, "Unicode") || strstr(err->text, "escape"))
		return "有无效的转义（\\ 或 \\u 后面的内容不对）";
	return "不符合 JSON 语法（括号、引号、逗号不完整，或字符串中有控制字符）";
}

json_t *body_or_400(struct req *r)
{
	json_error_t err = {0};
	json_t *o = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err) : json_object();
	if (!o) {
		http_error(r, 400, arena_printf(r->a, "请求内容不是有效的 JSON：第 %d 个字节附近%s。",
						err.position, json_problem(&err)));
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		http_error(r, 400, "请求内容应为 JSON 对象。");
		return NULL;
	}
	return o;
}

int api_body_read(struct req *r, struct api_body *b)
{
	b->errs = (errlist){0};
	b->who = r->user ? req_actor(r) : (struct actor){0};
	b->o = body_or_400(r);
	return b->o ? 0 : -1;
}

struct village *api_village_body(struct req *r, struct api_body *b)
{
	b->o = NULL;
	b->errs = (errlist){0};
	struct village *v = req_village_or_404(r, r->arg[0]);
	return v && !api_body_read(r, b) ? v : NULL;
}

int api_village_month_body(struct req *r, struct village **v, const char **month,
			   struct api_body *b)
{
	b->o = NULL;
	b->errs = (errlist){0};
	return req_village_month_or_404(r, v, month) || api_body_read(r, b) ? -1 : 0;
}

int api_village_id_body(struct req *r, struct village **v, int64_t *id, const char *msg,
			struct api_body *b)
{
	b->o = NULL;
	b->errs = (errlist){0};
	return req_village_id_or_404(r, v, id, msg) || api_body_read(r, b) ? -1 : 0;
}

void api_body_free(struct api_body *b)
{
	json_decref(b->o);
	errlist_free(&b->errs);
}

void member_str(json_t *o, const char *name, const char **out, errlist *errs)
{
	json_t *m = json_object_get(o, name);
	*out = "";
	if (!m || json_is_null(m))
		return;
	if (!json_is_string(m)) {
		errlist_add(errs, "字段 %s 应为字符串", name);
		return;
	}
	*out = json_string_value(m);
}

void member_int(json_t *o, const char *name, int64_t def, int64_t *out, errlist *errs)
{
	json_t *m = json_object_get(o, name);
	*out = def;
	if (!m || json_is_null(m))
		return;
	if (!json_is_integer(m)) {
		errlist_add(errs, "字段 %s 应为整数", name);
		return;
	}
	*out = json_integer_value(m);
}

void member_str_array(json_t *o, const char *name, arena *a, const char ***out, int *n,
		      errlist *errs)
{
	json_t *m = json_object_get(o, name);
	*out = NULL;
	*n = 0;
	if (!m || json_is_null(m))
		return;
	if (!json_is_array(m)) {
		errlist_add(errs, "字段 %s 应为字符串数组", name);
		return;
	}
	size_t len = json_array_size(m);
	const char **list = arena_alloc(a, (len ? len : 1) * sizeof *list);
	for (size_t i = 0; i < len; i++) {
		list[i] = json_string_value(json_array_get(m, i));
		if (!list[i]) {
			errlist_add(errs, "字段 %s 的第 %zu 项应为字符串", name, i + 1);
			return;
		}
	}
	*out = list;
	*n = (int)len;
}
