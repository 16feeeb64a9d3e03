/*
** audit_words.c — the audit log in words people read: each action code as
** Chinese, each field of the before/after JSON by its Chinese name, and
** the kinds the audit pages filter by.  Codes stay in the table (they are
** what scripts and `jifen verify` rely on); only the pages translate.
*/
#include "audit_words.h"

#include <string.h>

static const char *const action_words[][2] = {
	{"account.add", "新增账号"},
	{"account.disable", "停用账号"},
	{"account.password", "修改密码"},
	{"announcement.announce", "发布季度公示"},
	{"announcement.cosign", "公示联署"},
	{"audit.chain_start", "开始日志链"},
	{"catalog.add", "积分超市上新"},
	{"catalog.copy_town", "引用全镇目录"},
	{"catalog.low_stock", "库存不足提醒"},
	{"catalog.off", "商品下架"},
	{"catalog.on", "商品上架"},
	{"catalog.photo", "上传商品照片"},
	{"catalog.restock", "补充库存"},
	{"catalog.update", "修改商品"},
	{"checkin.close", "结束现场签到"},
	{"checkin.open", "开始现场签到"},
	{"consultation.answer", "答复征求意见"},
	{"consultation.comment", "对草案提意见"},
	{"consultation.open", "发布草案征求意见"},
	{"declaration.accept", "采纳申报"},
	{"declaration.create", "农户申报"},
	{"declaration.decline", "不予采纳申报"},
	{"entry.add", "记入积分"},
	{"entry.import", "导入积分记录"},
	{"entry.remove", "删除草稿积分"},
	{"evaluation.add", "评估村实施情况"},
	{"evaluation.criterion", "修改评估指标权重"},
	{"fund.add", "资金收入"},
	{"fund.reverse", "冲销资金记录"},
	{"fund.spend", "资金支出"},
	{"group.add", "加入评分小组"},
	{"group.leave", "退出评分小组"},
	{"honour.confirm", "确认年度荣誉"},
	{"household.add", "新增农户"},
	{"household.import_add", "导入新增农户"},
	{"household.import_update", "导入修改农户"},
	{"household.leave", "农户退出积分制"},
	{"household.name_consent", "公示实名同意"},
	{"household.update", "修改农户信息"},
	{"ledger.correct", "更正台账"},
	{"ledger.score", "记入台账"},
	{"ledger.yearend", "年终结转"},
	{"objection.add", "提出异议"},
	{"objection.decide", "答复异议"},
	{"passbook.pin", "设置 PIN"},
	{"passbook.token", "发放二维码积分卡"},
	{"passbook.token_revoke", "作废二维码积分卡"},
	{"redemption.cancel", "取消兑换预约"},
	{"redemption.handout", "兑换发放"},
	{"redemption.reserve", "兑换预约"},
	{"redemption.reverse", "撤销兑换"},
	{"security.csrf", "表单校验失败"},
	{"security.denied", "越权访问被拒绝"},
	{"security.export", "导出数据"},
	{"security.household_login", "农户登录"},
	{"security.household_login_failed", "农户登录失败"},
	{"security.household_login_locked", "农户登录被暂停"},
	{"security.login", "登录"},
	{"security.login_failed", "登录失败"},
	{"security.login_failures", "多次登录失败"},
	{"security.login_locked", "账号被锁定"},
	{"security.login_throttled", "地址被暂停登录"},
	{"security.logout", "退出登录"},
	{"security.policy", "修改安全策略"},
	{"sheet.approve", "集体审定积分表"},
	{"sheet.return", "退回积分表"},
	{"sheet.submit", "提交审定"},
	{"standard.adopt", "通过积分标准"},
	{"standard.seal", "积分标准存证"},
	{"standard.template", "发布推荐模板"},
	{"town.name", "修改镇名"},
	{"town.public_url", "设置公开网址"},
	{"town.setting", "修改全镇督导设置"},
	{"town_catalog.save", "修改全镇推荐目录"},
	{"village.add", "新增村"},
	{"village.settings", "修改本村设置"},
	{"welfare_post.add", "发布公益岗位"},
	{"welfare_post.apply", "报名公益岗位"},
	{"welfare_post.decide", "确定公益岗位人选"},
};

const char *audit_action_words(const char *action)
{
	for (size_t i = 0; action && i < sizeof action_words / sizeof action_words[0]; i++)
		if (!strcmp(action, action_words[i][0]))
			return action_words[i][1];
	return action ? action : "";
}

static const char *const field_words[][2] = {
	{"address", "地址"}, {"admits_tenants", "租赁户参与"}, {"adopted_on", "通过日期"},
	{"amount", "金额"}, {"attendance", "到会人数"}, {"attendees", "出席人员"},
	{"balance", "余额"}, {"code", "编号"}, {"correction_of", "更正的记录"},
	{"created_at", "时间"}, {"date", "日期"}, {"decision", "答复"},
	{"effective_on", "生效日期"}, {"eligible", "符合条件"}, {"entries", "记录条数"},
	{"file", "文件"}, {"head", "台账链头"}, {"head_name", "户主姓名"},
	{"homestead", "宅基地房屋"}, {"household", "农户"}, {"hukou", "本地户籍"},
	{"id", "序号"}, {"item", "积分项目"}, {"items", "项目数"}, {"joined", "参与日期"},
	{"kind", "类型"}, {"left_on", "退出日期"}, {"left_reason", "退出原因"},
	{"login", "账号"}, {"meeting", "会议"}, {"meeting_date", "会议日期"},
	{"meeting_type", "会议类型"}, {"members", "人口数"}, {"method", "请求方式"},
	{"month", "月份"}, {"name", "名称"}, {"note", "说明"},
	{"objection_days", "公示异议期（天）"}, {"participating", "参与"}, {"path", "网址"},
	{"phone", "联系电话"}, {"pin_set_at", "PIN 设置时间"}, {"point_value", "每分折合（元）"},
	{"points", "分数"}, {"public_url", "公开网址"}, {"quantity", "数量"},
	{"quarter", "季度"}, {"reason", "原因"}, {"redemption_window", "兑换期"},
	{"resident", "常住"}, {"resolution", "决议"}, {"revoked", "已作废"}, {"role", "角色"},
	{"rows", "行数"}, {"seq", "台账序号"}, {"seq_first", "首条序号"},
	{"seq_last", "末条序号"}, {"sheet", "积分表"}, {"source", "资金来源"},
	{"stars", "星级门槛"}, {"status", "状态"}, {"stock", "库存"}, {"tenant", "租赁户"},
	{"token_hash", "积分卡指纹"}, {"unit_cost", "单价"}, {"version", "版本"},
	{"votes_for", "赞成票"}, {"year_end", "年终规则"},
};

const char *audit_field_words(const char *key)
{
	for (size_t i = 0; key && i < sizeof field_words / sizeof field_words[0]; i++)
		if (!strcmp(key, field_words[i][0]))
			return field_words[i][1];
	return key;
}

int audit_field_is_time(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	return n > 3 && !strcmp(key + n - 3, "_at");
}

int audit_field_is_yesno(const char *key)
{
	static const char *const keys[] = {"hukou",        "homestead",      "resident",
					   "tenant",       "eligible",       "participating",
					   "party_member", "admits_tenants", "revoked",
					   "active",       "veto",           "evidence"};
	for (size_t i = 0; key && i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

const struct audit_kind audit_kinds[] = {
	{"household", "农户名册", "household.%"},
	{"entry", "积分记录（草稿）", "entry.%"},
	{"sheet", "月度积分表", "sheet.%"},
	{"ledger", "积分台账", "ledger.%"},
	{"standard", "积分标准", "standard.%"},
	{"declaration", "积分申报", "declaration.%"},
	{"passbook", "积分卡和 PIN", "passbook.%"},
	{"catalog", "积分超市目录", "catalog.%"},
	{"redemption", "兑换", "redemption.%"},
	{"fund", "资金", "fund.%"},
	{"announcement", "季度公示", "announcement.%"},
	{"objection", "异议", "objection.%"},
	{"account", "账号", "account.%"},
	{"security", "登录和安全", "security.%"},
	{"village", "本村设置", "village.%"},
	{"town", "全镇设置", "town%"},
	{NULL, NULL, NULL},
};

const struct audit_kind *audit_kind_find(const char *key)
{
	for (const struct audit_kind *k = audit_kinds; key && k->key; k++)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}
