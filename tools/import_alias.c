/* import_alias.c — names of columns and values (see import_alias.h). */
#include "import_alias.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_csv.h"
#include "import_fold.h"
#include "msg.h"
#include "nq/utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Whether text is n's name (any ASCII case) or one of its aliases. */
static bool names(const import_name_t *n, const char *text)
{
    if (strcasecmp(n->name, text) == 0)
        return true;
    size_t len = strlen(text);
    for (const char *a = n->aliases; a && *a;) {
        size_t alen = strcspn(a, "|");
        if (alen == len && strncasecmp(a, text, len) == 0)
            return true;
        a += alen + (a[alen] == '|');
    }
    return false;
}

static int find(const void *table, size_t count, size_t stride, const char *text)
{
    for (size_t i = 0; *text && i < count; i++) {
        if (names((const import_name_t *)((const char *)table + i * stride), text))
            return (int)i;
    }
    return -1;
}

int import_name_find(const void *table, size_t count, size_t stride, const char *text)
{
    char s[128];
    if (import_fold(text, s, sizeof(s)) != 0)
        return -1;
    int i = find(table, count, stride, s);
    /* "金额（元）" (folded to "金额(元)"): the name before the unit */
    size_t len = strlen(s);
    char *open = len && s[len - 1] == ')' ? strrchr(s, '(') : NULL;
    if (i < 0 && open && open > s) {
        *open = '\0';
        i = find(table, count, stride, import_csv_trim(s));
    }
    return i;
}

const import_name_t *import_name_value(const import_name_t *table, size_t count, const char *text)
{
    int i = import_name_find(table, count, sizeof(*table), text);
    return i < 0 ? NULL : &table[i];
}

void import_name_list(const import_name_t *table, size_t count, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < len; i++) {
        const char *a = table[i].aliases;
        int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", table[i].name);
        used += n > 0 ? (size_t)n : 0;
        if (a && used < len) {
            n = snprintf(buf + used, len - used, " (%.*s)", (int)strcspn(a, "|"), a);
            used += n > 0 ? (size_t)n : 0;
        }
    }
}

void import_name_aliases(const import_name_t *n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *a = n->aliases; a && *a && used < len;) {
        size_t alen = strcspn(a, "|");
        int w = snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)alen, a);
        used += w > 0 ? (size_t)w : 0;
        a += alen + (a[alen] == '|');
    }
}

int import_label_of(const import_csv_row_t *header, size_t i, char *label, size_t cap, char *why,
                    size_t why_len)
{
    char tmp[2 * IMPORT_LABEL_MAX];
    snprintf(tmp, sizeof(tmp), "%s", header->fields[i]); /* a longer name stays too long */
    size_t n = strlen(import_csv_trim(tmp));
    if (n == 0) {
        snprintf(why, why_len, msg_tr(M_HDR_NO_NAME), i + 1);
        return -1;
    }
    if (n >= cap) {
        snprintf(why, why_len, msg_tr(M_HDR_TOO_LONG), i + 1, cap - 1);
        return -1;
    }
    memcpy(label, tmp, n + 1);
    if (!nq_utf8_valid(label, strlen(label))) {
        snprintf(why, why_len, msg_tr(M_HDR_NOT_TEXT), i + 1);
        return -1;
    }
    return 0;
}

int import_labels_of(const import_csv_row_t *header, size_t n, char ***labels, char *why,
                     size_t why_len)
{
    char **out = calloc(n ? n : 1, sizeof(*out));
    int rc = out ? 0 : -1;
    if (!out)
        snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char label[IMPORT_LABEL_MAX];
        rc = import_label_of(header, i, label, sizeof(label), why, why_len);
        if (rc == 0 && !(out[i] = strdup(label))) {
            snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
            rc = -1;
        }
    }
    if (rc != 0) {
        import_labels_free(out, n);
        out = NULL;
    }
    *labels = out;
    return rc;
}

void import_labels_free(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}

/* ---- value tables ------------------------------------------------------------- */

const import_name_t import_types[] = {
    {"visit", "拜访|走访"},
    {"call", "电话|通话"},
    {"meeting", "会议"},
    {"order", "订单|下单"},
    {"order_fulfilled", "订单完成|发货|交付"},
    {"order_cancelled", "取消订单|订单取消"},
    {"return", "退货"},
    {"invoice", "开票|发票"},
    {"payment", "回款|收款"},
    {"new_customer", "新客户|新增客户"},
    {"feedback", "反馈|客户反馈"},
    {"ticket_opened", "工单|投诉|新工单"},
    {"ticket_closed", "工单关闭|关闭工单"},
    {"competitor_intel", "竞品|竞品信息"},
    {"training", "培训"},
};
const size_t import_types_n = COUNT(import_types);

const import_name_t import_statuses[] = {
    {"active", "在职|正常"},
    {"leave", "休假|请假"},
    {"left", "离职"},
};
const size_t import_statuses_n = COUNT(import_statuses);

const import_name_t import_classes[] = {
    {"key", "重点|重点客户"},
    {"normal", "普通|普通客户"},
    {"potential", "潜在|潜在客户"},
};
const size_t import_classes_n = COUNT(import_classes);

const import_name_t import_customer_statuses[] = {
    {"active", "活跃|正常"},
    {"dormant", "休眠"},
    {"lost", "流失"},
    {"pool", "公海"},
};
const size_t import_customer_statuses_n = COUNT(import_customer_statuses);

const import_name_t import_subjects[] = {
    {"salesperson", "业务员|销售员|个人"},
    {"team", "团队|小组"},
    {"company", "公司|全公司"},
};
const size_t import_subjects_n = COUNT(import_subjects);

const import_name_t import_periods[] = {
    {"day", "日|天"}, {"week", "周"}, {"month", "月"}, {"quarter", "季度|季"}, {"year", "年|年度"},
};
const size_t import_periods_n = COUNT(import_periods);

const import_name_t import_directions[] = {
    {"inbound", "呼入|来电"},
    {"outbound", "呼出|去电"},
};
const size_t import_directions_n = COUNT(import_directions);

const import_name_t import_priorities[] = {
    {"low", "低"},
    {"normal", "普通|中"},
    {"high", "高"},
    {"urgent", "紧急"},
};
const size_t import_priorities_n = COUNT(import_priorities);

const import_name_t import_channels[] = {
    {"survey", "问卷|调查"},
    {"callback", "回访"},
    {"visit", "拜访"},
};
const size_t import_channels_n = COUNT(import_channels);
