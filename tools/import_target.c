/* import_target.c — CSV rows as target requests (see import_target.h). */
#include "import_target.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_alias.h"
#include "import_value.h"
#include "msg.h"
#include "nq/kpi.h"
#include "nq/kpi_json.h"
#include "nq/period.h"

/* The columns that say what a row is about, in this order in plan->ident. */
enum { C_SUBJECT, C_ID, C_PERIOD, C_KEY, N_IDENT };
static const import_name_t ident_names[N_IDENT] = {
    [C_SUBJECT] = {"subject", "对象|考核对象"},
    [C_ID] = {"id", "编号|对象编号"},
    [C_PERIOD] = {"period", "周期|周期类型"},
    [C_KEY] = {"key", "期间|时段"},
};

/* Metrics by their API name, their Chinese name (nq_metric_defs[].zh, first)
 * and what else people call them. */
static const import_name_t metric_names[NQ_METRIC_COUNT] = {
    [NQ_METRIC_SALES_AMOUNT] = {"sales_amount", "销售额|销售目标|业绩"},
    [NQ_METRIC_ORDERS] = {"orders", "订单数|订单"},
    [NQ_METRIC_VISITS] = {"visits", "拜访数|拜访"},
    [NQ_METRIC_CALLS] = {"calls", "电话数|电话"},
    [NQ_METRIC_MEETINGS] = {"meetings", "会议数|会议"},
    [NQ_METRIC_NEW_CUSTOMERS] = {"new_customers", "新客户数|新客户"},
    [NQ_METRIC_COLLECTIONS] = {"collections", "回款额|回款"},
    [NQ_METRIC_COVERAGE] = {"coverage", "重点客户覆盖率|覆盖率"},
    [NQ_METRIC_ORDER_COMPLETION_RATE] = {"order_completion_rate", "订单按时完成率|按时完成率"},
    [NQ_METRIC_AVG_ORDER_VALUE] = {"avg_order_value", "客单价"},
    [NQ_METRIC_ACTIVITY_TO_ORDER] = {"activity_to_order", "活动转化比"},
    [NQ_METRIC_FEEDBACK_SCORE] = {"feedback_score", "客户满意度|满意度"},
    [NQ_METRIC_TICKETS_OPENED] = {"tickets_opened", "售后工单数|工单数"},
    [NQ_METRIC_TICKETS_CLOSED] = {"tickets_closed", "已关闭工单数|关闭工单数"},
    [NQ_METRIC_NPS] = {"nps", "净推荐值|NPS"},
    [NQ_METRIC_TRAINING_HOURS] = {"training_hours", "培训时长|培训小时"},
    [NQ_METRIC_TRAININGS] = {"trainings", "培训课程数|培训次数"},
    [NQ_METRIC_TICKETS_OVERDUE] = {"tickets_overdue", "超时工单数|超时工单"},
    [NQ_METRIC_RECEIVABLES_OVERDUE] = {"receivables_overdue", "逾期应收款|逾期应收|逾期账款"},
    [NQ_METRIC_DSO] = {"dso", "应收账款周转天数|DSO|回款天数"},
    [NQ_METRIC_NPS_PROMOTERS] = {"nps_promoters", "推荐者数|推荐者"},
    [NQ_METRIC_NPS_DETRACTORS] = {"nps_detractors", "贬损者数|贬损者"},
};

/* Subjects (their names in import_subjects) and where their targets live. */
static const struct {
    const char *name; /* API name of the subject */
    const char *path; /* path prefix, followed by [id/]period/key */
    bool has_id;      /* the row names one (salesperson, team) */
} subjects[] = {
    {"salesperson", "/api/v1/targets/salespeople/", true},
    {"team", "/api/v1/targets/teams/", true},
    {"company", "/api/v1/targets/company/", false},
};
#define N_SUBJECTS (sizeof(subjects) / sizeof(subjects[0]))

/* An example key of each period kind, for error messages. */
static const char *const key_examples[NQ_PERIOD_KIND_COUNT] = {
    [NQ_PERIOD_DAY] = "2026-11-26",  [NQ_PERIOD_WEEK] = "2026-W48", [NQ_PERIOD_MONTH] = "2026-11",
    [NQ_PERIOD_QUARTER] = "2026-Q4", [NQ_PERIOD_YEAR] = "2026",
};

struct import_target_plan {
    size_t n;              /* header fields */
    size_t ident[N_IDENT]; /* column of subject, id, period, key */
    int *metric;           /* per column: the metric (nq_metric_id_t), or -1 */
    char **labels;         /* per column: its name in the header */
};

const char *import_target_metric_aliases(int m)
{
    return m >= 0 && m < NQ_METRIC_COUNT ? metric_names[m].aliases : NULL;
}

const char *import_target_label(const import_target_plan_t *plan, const char *field)
{
    int m = nq_metric_find(field);
    for (size_t i = 0; i < plan->n; i++) {
        if (m >= 0 && plan->metric[i] == m)
            return plan->labels[i];
    }
    return NULL;
}

void import_target_plan_destroy(import_target_plan_t **pp)
{
    if (!pp || !*pp)
        return;
    import_labels_free((*pp)->labels, (*pp)->n);
    free((*pp)->metric);
    free(*pp);
    *pp = NULL;
}

/* Map header column i (its name in label); returns 0 or -1 with why. seen[]
 * marks the ident columns. */
static int map_column(import_target_plan_t *p, size_t i, const char *label, bool *seen,
                      size_t *n_metrics, char *why, size_t why_len)
{
    int m = import_name_find(metric_names, NQ_METRIC_COUNT, sizeof(metric_names[0]), label);
    int k = m >= 0 ? -1 : import_name_find(ident_names, N_IDENT, sizeof(ident_names[0]), label);
    size_t twice = i;
    for (size_t j = 0; j < i; j++) {
        if ((m >= 0 && p->metric[j] == m) || (k >= 0 && seen[k] && p->ident[k] == j))
            twice = j;
    }
    p->metric[i] = m;
    if (twice < i) {
        snprintf(why, why_len, msg_tr(M_HDR_TWICE), i + 1, label, twice + 1);
        return -1;
    }
    if (k >= 0) {
        seen[k] = true;
        p->ident[k] = i;
    } else if (m >= 0) {
        (*n_metrics)++;
    } else {
        char names[400];
        import_name_list(metric_names, NQ_METRIC_COUNT, names, sizeof(names));
        snprintf(why, why_len, msg_tr(M_TGT_HDR_UNKNOWN), i + 1, label, names);
        return -1;
    }
    return 0;
}

int import_target_plan_new(const import_csv_row_t *header, import_target_plan_t **out, char *why,
                           size_t why_len)
{
    import_target_plan_t *p = calloc(1, sizeof(*p));
    bool seen[N_IDENT] = {false};
    size_t n_metrics = 0;
    *out = NULL;
    if (!p || !(p->metric = calloc(header->n, sizeof(*p->metric)))) {
        free(p);
        snprintf(why, why_len, "%s", msg_tr(M_OUT_OF_MEMORY));
        return -1;
    }
    size_t width = import_csv_width(header);
    int rc = import_labels_of(header, width, &p->labels, why, why_len);
    p->n = rc == 0 ? width : 0;
    for (size_t i = 0; rc == 0 && i < p->n; i++)
        rc = map_column(p, i, p->labels[i], seen, &n_metrics, why, why_len);
    for (int k = 0; rc == 0 && k < N_IDENT; k++) {
        if (!seen[k]) {
            char aliases[100];
            import_name_aliases(&ident_names[k], aliases, sizeof(aliases));
            snprintf(why, why_len, msg_tr(M_HDR_MISSING), ident_names[k].name, aliases);
            rc = -1;
        }
    }
    if (rc == 0 && n_metrics == 0) {
        snprintf(why, why_len, "%s", msg_tr(M_TGT_HDR_NO_METRIC));
        rc = -1;
    }
    if (rc != 0)
        import_target_plan_destroy(&p);
    *out = p;
    return rc;
}

/* Cell k of the identity columns, and its column's name. */
static const char *ident(const import_target_plan_t *p, const import_csv_row_t *row, int k)
{
    return row->fields[p->ident[k]];
}

static const char *ident_label(const import_target_plan_t *p, int k)
{
    return p->labels[p->ident[k]];
}

/* Check subject, id, period and key; write the path. Returns false after
 * adding reasons. */
static bool row_path(const import_target_plan_t *p, const import_csv_row_t *row, char *path,
                     size_t path_len, nq_field_errors_t *errs)
{
    const char *id = ident(p, row, C_ID), *key_cell = ident(p, row, C_KEY);
    const import_name_t *subject =
        import_name_value(import_subjects, import_subjects_n, ident(p, row, C_SUBJECT));
    const import_name_t *period =
        import_name_value(import_periods, import_periods_n, ident(p, row, C_PERIOD));
    size_t s = 0;
    while (subject && s + 1 < N_SUBJECTS && strcmp(subjects[s].name, subject->name) != 0)
        s++;
    char key[IMPORT_VALUE_MAX], list[200];
    nq_period_kind_t kind;
    bool ok = true;
    if (!subject) {
        import_name_list(import_subjects, import_subjects_n, list, sizeof(list));
        nq_field_errors_add(errs, ident_label(p, C_SUBJECT), msg_tr(M_EXPECT_ONE_OF), list);
        ok = false;
    } else if (subjects[s].has_id && !nq_valid_id(id)) {
        if (*id)
            import_value_refuse(errs, ident_label(p, C_ID), msg_tr(M_EXPECT_ID), id);
        else
            nq_field_errors_add(errs, ident_label(p, C_ID), "%s", msg_tr(M_TGT_ID_REQUIRED));
        ok = false;
    } else if (!subjects[s].has_id && *id) {
        nq_field_errors_add(errs, ident_label(p, C_ID), "%s", msg_tr(M_TGT_ID_COMPANY));
        ok = false;
    }
    if (!period || nq_period_kind_parse(period->name, &kind) != 0) {
        import_name_list(import_periods, import_periods_n, list, sizeof(list));
        nq_field_errors_add(errs, ident_label(p, C_PERIOD), msg_tr(M_EXPECT_ONE_OF), list);
        ok = false;
    } else if (import_value_period_key(kind, key_cell, key, sizeof(key)) != 0) {
        char expected[160];
        snprintf(expected, sizeof(expected), msg_tr(M_TGT_EXPECT_KEY), period->name,
                 key_examples[kind]);
        import_value_refuse(errs, ident_label(p, C_KEY), expected, key_cell);
        ok = false;
    }
    if (ok)
        snprintf(path, path_len, "%s%s%s%s/%s", subjects[s].path, id, *id ? "/" : "", period->name,
                 key);
    return ok;
}

/* The JSON of one metric cell in the metric's unit, checked as the gateway
 * would; NULL after adding the reason. */
static json_t *metric_value(int m, const char *label, const char *cell, nq_field_errors_t *errs)
{
    static const char *const expect[] = {
        [NQ_UNIT_COUNT] = M_EXPECT_WHOLE, [NQ_UNIT_MONEY] = M_EXPECT_AMOUNT,
        [NQ_UNIT_RATIO] = M_EXPECT_RATIO, [NQ_UNIT_SCORE] = M_EXPECT_SCORE,
        [NQ_UNIT_HOURS] = M_EXPECT_SCORE, [NQ_UNIT_DAYS] = M_EXPECT_SCORE,
    };
    const nq_metric_def_t *def = &nq_metric_defs[m];
    char text[IMPORT_VALUE_MAX];
    long long i;
    double d;
    const char *why;
    json_t *v = NULL;
    if (def->unit == NQ_UNIT_MONEY && import_value_decimal(cell, IMPORT_NUM_YUAN, text, 64) == 0)
        v = json_string(text); /* as text: the gateway parses yuan exactly */
    else if (def->unit == NQ_UNIT_COUNT && import_value_int(cell, &i) == 0)
        v = json_integer(i);
    else if (def->unit == NQ_UNIT_RATIO && import_value_number(cell, IMPORT_NUM_PERCENT, &d) == 0)
        v = json_real(d);
    else if ((def->unit == NQ_UNIT_SCORE || def->unit == NQ_UNIT_HOURS ||
              def->unit == NQ_UNIT_DAYS) &&
             import_value_number(cell, 0, &d) == 0)
        v = json_real(d);
    if (!v) {
        import_value_refuse(errs, label, msg_tr(expect[def->unit]), cell);
        return NULL;
    }
    if (nq_metric_parse((nq_metric_id_t)m, v, &d, &why) == 0)
        return v;
    json_decref(v);
    nq_field_errors_add(errs, label, "%s", msg_tr(why));
    return NULL;
}

json_t *import_target_request(const import_target_plan_t *plan, const import_csv_row_t *row,
                              char *path, size_t path_len, nq_field_errors_t *errs)
{
    if (!import_csv_fits(row, plan->n)) {
        nq_field_errors_add(errs, "(row)", msg_tr(M_ROW_FIELDS), row->n, plan->n);
        return NULL;
    }
    size_t before = errs->n + errs->dropped;
    bool ok = row_path(plan, row, path, path_len, errs);
    json_t *targets = json_object();
    for (size_t i = 0; targets && i < plan->n; i++) {
        if (plan->metric[i] < 0 || row->lens[i] == 0)
            continue;
        json_t *v = metric_value(plan->metric[i], plan->labels[i], row->fields[i], errs);
        if (v && json_object_set_new(targets, nq_metric_defs[plan->metric[i]].name, v) != 0) {
            json_decref(targets);
            targets = NULL;
        }
    }
    if (targets && json_object_size(targets) == 0 && errs->n + errs->dropped == before)
        nq_field_errors_add(errs, "(row)", "%s", msg_tr(M_TGT_ROW_EMPTY));
    json_t *body = targets ? json_pack("{s:o}", "targets", targets) : NULL;
    if (!ok || errs->n + errs->dropped != before) {
        json_decref(body);
        return NULL;
    }
    return body;
}

json_t *import_target_ident(const import_target_plan_t *plan, const import_csv_row_t *row)
{
    json_t *obj = json_object();
    for (int k = 0; obj && k < N_IDENT; k++) {
        if (plan->ident[k] >= row->n || row->lens[plan->ident[k]] == 0)
            continue;
        json_t *v = json_string(ident(plan, row, k));
        if (v)
            json_object_set_new(obj, ident_names[k].name, v);
    }
    return obj;
}
