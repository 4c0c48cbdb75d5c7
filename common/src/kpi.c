/* kpi.c — KPI counters and the metrics computed from them (pure). See nq/kpi.h. */
#include "nq/kpi.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const nq_kpi_def_t nq_kpi_defs[NQ_KPI_COUNT] = {
    [NQ_KPI_SALES_FEN] = {"sales_fen", true},
    [NQ_KPI_ORDERS] = {"orders", false},
    [NQ_KPI_VISITS] = {"visits", false},
    [NQ_KPI_CALLS] = {"calls", false},
    [NQ_KPI_MEETINGS] = {"meetings", false},
    [NQ_KPI_NEW_CUSTOMERS] = {"new_customers", false},
    [NQ_KPI_COLLECTIONS_FEN] = {"collections_fen", true},
    [NQ_KPI_ORDER_VALUE_FEN] = {"order_value_fen", true},
    [NQ_KPI_ORDERS_DUE] = {"orders_due", false},
    [NQ_KPI_ORDERS_ON_TIME] = {"orders_on_time", false},
    [NQ_KPI_FEEDBACK_SUM] = {"feedback_sum", false},
    [NQ_KPI_FEEDBACK_COUNT] = {"feedback_count", false},
    [NQ_KPI_TICKETS_OPENED] = {"tickets_opened", false},
    [NQ_KPI_TICKETS_CLOSED] = {"tickets_closed", false},
    [NQ_KPI_NPS_RESPONSES] = {"nps_responses", false},
    [NQ_KPI_NPS_NET] = {"nps_net", false},
    [NQ_KPI_TRAINING_S] = {"training_s", false},
    [NQ_KPI_TRAININGS] = {"trainings", false},
    [NQ_KPI_NPS_PROMOTERS] = {"nps_promoters", false},
    [NQ_KPI_NPS_DETRACTORS] = {"nps_detractors", false},
    [NQ_KPI_KEY_VISITED] = {"key_visited", false},
    [NQ_KPI_KEY_CUSTOMERS] = {"key_customers", false},
    [NQ_KPI_TICKETS_OVERDUE] = {"tickets_overdue", false},
    [NQ_KPI_AR_OVERDUE_FEN] = {"ar_overdue_fen", true},
    [NQ_KPI_AR_DSO_NUM] = {"ar_dso_num", false},
    [NQ_KPI_AR_INVOICED_FEN] = {"ar_invoiced_fen", true},
};

#define ONE(c)                                                                                     \
    {                                                                                              \
        c, NQ_KPI_NONE                                                                             \
    }
#define NONE NQ_KPI_NONE

const nq_metric_def_t nq_metric_defs[NQ_METRIC_COUNT] = {
    [NQ_METRIC_SALES_AMOUNT] = {"sales_amount", "销售额", "sales", NQ_UNIT_MONEY,
                                ONE(NQ_KPI_SALES_FEN), NONE},
    [NQ_METRIC_ORDERS] = {"orders", "订单数", "orders", NQ_UNIT_COUNT, ONE(NQ_KPI_ORDERS), NONE},
    [NQ_METRIC_VISITS] = {"visits", "拜访数", "visits", NQ_UNIT_COUNT, ONE(NQ_KPI_VISITS), NONE},
    [NQ_METRIC_CALLS] = {"calls", "电话数", "calls", NQ_UNIT_COUNT, ONE(NQ_KPI_CALLS), NONE},
    [NQ_METRIC_MEETINGS] = {"meetings", "会议数", "meetings", NQ_UNIT_COUNT, ONE(NQ_KPI_MEETINGS),
                            NONE},
    [NQ_METRIC_NEW_CUSTOMERS] = {"new_customers", "新客户数", "new customers", NQ_UNIT_COUNT,
                                 ONE(NQ_KPI_NEW_CUSTOMERS), NONE},
    [NQ_METRIC_COLLECTIONS] = {"collections", "回款额", "collections", NQ_UNIT_MONEY,
                               ONE(NQ_KPI_COLLECTIONS_FEN), NONE},
    [NQ_METRIC_COVERAGE] = {"coverage", "重点客户覆盖率", "key-customer coverage", NQ_UNIT_RATIO,
                            ONE(NQ_KPI_KEY_VISITED), NQ_KPI_KEY_CUSTOMERS},
    [NQ_METRIC_ORDER_COMPLETION_RATE] = {"order_completion_rate", "订单按时完成率",
                                         "on-time order completion", NQ_UNIT_RATIO,
                                         ONE(NQ_KPI_ORDERS_ON_TIME), NQ_KPI_ORDERS_DUE},
    [NQ_METRIC_AVG_ORDER_VALUE] = {"avg_order_value", "客单价", "average order value",
                                   NQ_UNIT_MONEY, ONE(NQ_KPI_ORDER_VALUE_FEN), NQ_KPI_ORDERS},
    [NQ_METRIC_ACTIVITY_TO_ORDER] = {"activity_to_order",
                                     "活动转化比",
                                     "activities per order",
                                     NQ_UNIT_RATIO,
                                     {NQ_KPI_VISITS, NQ_KPI_CALLS},
                                     NQ_KPI_ORDERS},
    [NQ_METRIC_FEEDBACK_SCORE] = {"feedback_score", "客户满意度", "feedback score", NQ_UNIT_SCORE,
                                  ONE(NQ_KPI_FEEDBACK_SUM), NQ_KPI_FEEDBACK_COUNT},
    [NQ_METRIC_TICKETS_OPENED] = {"tickets_opened", "售后工单数", "tickets opened", NQ_UNIT_COUNT,
                                  ONE(NQ_KPI_TICKETS_OPENED), NONE},
    [NQ_METRIC_TICKETS_CLOSED] = {"tickets_closed", "已关闭工单数", "tickets closed", NQ_UNIT_COUNT,
                                  ONE(NQ_KPI_TICKETS_CLOSED), NONE},
    [NQ_METRIC_NPS] = {"nps", "净推荐值", "NPS", NQ_UNIT_RATIO, ONE(NQ_KPI_NPS_NET),
                       NQ_KPI_NPS_RESPONSES},
    [NQ_METRIC_TRAINING_HOURS] = {"training_hours", "培训时长", "training hours", NQ_UNIT_HOURS,
                                  ONE(NQ_KPI_TRAINING_S), NONE, 3600},
    [NQ_METRIC_TRAININGS] = {"trainings", "培训课程数", "courses taken", NQ_UNIT_COUNT,
                             ONE(NQ_KPI_TRAININGS), NONE},
    [NQ_METRIC_TICKETS_OVERDUE] = {"tickets_overdue", "超时工单数", "overdue tickets",
                                   NQ_UNIT_COUNT, ONE(NQ_KPI_TICKETS_OVERDUE), NONE, 0, true,
                                   NQ_LOWER_IS_BETTER},
    [NQ_METRIC_RECEIVABLES_OVERDUE] = {"receivables_overdue", "逾期应收款", "overdue receivables",
                                       NQ_UNIT_MONEY, ONE(NQ_KPI_AR_OVERDUE_FEN), NONE, 0, true,
                                       NQ_LOWER_IS_BETTER},
    [NQ_METRIC_DSO] = {"dso", "应收账款周转天数", "days sales outstanding", NQ_UNIT_DAYS,
                       ONE(NQ_KPI_AR_DSO_NUM), NQ_KPI_AR_INVOICED_FEN, 0, true, NQ_LOWER_IS_BETTER},
    [NQ_METRIC_NPS_PROMOTERS] = {"nps_promoters", "推荐者数", "NPS promoters", NQ_UNIT_COUNT,
                                 ONE(NQ_KPI_NPS_PROMOTERS), NONE},
    [NQ_METRIC_NPS_DETRACTORS] = {"nps_detractors", "贬损者数", "NPS detractors", NQ_UNIT_COUNT,
                                  ONE(NQ_KPI_NPS_DETRACTORS), NONE, 0, false, NQ_LOWER_IS_BETTER},
};

static double attain_higher(double actual, double target)
{
    return actual > 0 ? actual / target : 0;
}

/* A ceiling: met (1) at or below it, else the share of the actual it allows. */
static double attain_lower(double actual, double target)
{
    return actual <= target ? 1 : target / actual;
}

/* What each direction means: one row each. */
static const struct {
    const char *name;                               /* the API's `direction` */
    double (*attain)(double actual, double target); /* attainment, target > 0 */
    double max;                                     /* the most attainment can be */
    int sign;                                       /* value x sign ranks higher-first */
} directions[NQ_DIRECTION_COUNT] = {
    [NQ_HIGHER_IS_BETTER] = {"higher_is_better", attain_higher, INFINITY, 1},
    [NQ_LOWER_IS_BETTER] = {"lower_is_better", attain_lower, 1, -1},
};

static const char *const unit_names[] = {
    [NQ_UNIT_COUNT] = "count", [NQ_UNIT_MONEY] = "money", [NQ_UNIT_RATIO] = "ratio",
    [NQ_UNIT_SCORE] = "score", [NQ_UNIT_HOURS] = "hours", [NQ_UNIT_DAYS] = "days"};

const char *nq_unit_name(nq_unit_t u)
{
    return (unsigned)u < sizeof(unit_names) / sizeof(unit_names[0]) ? unit_names[u] : NULL;
}

const char *nq_direction_name(nq_direction_t d)
{
    return (unsigned)d < NQ_DIRECTION_COUNT ? directions[d].name : NULL;
}

double nq_attainment(nq_direction_t d, double actual, double target)
{
    return directions[d].attain(actual, target);
}

double nq_attainment_max(nq_direction_t d)
{
    return directions[d].max;
}

int nq_direction_sign(nq_direction_t d)
{
    return directions[d].sign;
}

nq_direction_t nq_metric_direction(nq_metric_id_t m)
{
    return nq_metric_defs[m].direction;
}

int nq_metric_find(const char *name)
{
    for (int i = 0; name && i < NQ_METRIC_COUNT; i++) {
        if (strcmp(nq_metric_defs[i].name, name) == 0)
            return i;
    }
    return -1;
}

/* Decimals a value of each unit is given with (and, for a quotient, computed
 * to): counts and money whole (units, fen), ratios and scores 4 decimals. */
static const int64_t unit_scale[] = {
    [NQ_UNIT_COUNT] = 1,     [NQ_UNIT_MONEY] = 1,   [NQ_UNIT_RATIO] = 10000,
    [NQ_UNIT_SCORE] = 10000, [NQ_UNIT_HOURS] = 100, [NQ_UNIT_DAYS] = 10};

double nq_round_to(double v, double scale)
{
    if (!isfinite(v))
        return v;
    double x = v * scale;
    double snapped = round(x * 1e6) / 1e6;
    if (isfinite(snapped))
        x = snapped; /* drop binary noise: 0.666675 x 1e4 is 6666.7499999... */
    return round(x) / scale;
}

/* num / den rounded half away from zero to 1 / scale, exactly (den > 0). */
static double quotient(int64_t num, int64_t den, int64_t scale)
{
    int64_t q = num / den, r = num % den;  /* |r| < den */
    int64_t limit = INT64_MAX / scale - 1; /* q x scale + f stays an int64 */
    if (den > limit || q > limit || q < -limit)
        return nq_round_to((double)num / (double)den, (double)scale);
    int64_t rs = r * scale, f = rs / den, rem = rs % den, half = rem < 0 ? -rem : rem;
    if (half != 0 && half >= den - half)
        f += rem < 0 ? -1 : 1; /* what is left is half a unit or more */
    int64_t scaled = q * scale + f;
    if (scaled < (INT64_C(1) << 53) && scaled > -(INT64_C(1) << 53))
        return (double)scaled / (double)scale; /* the double nearest the decimal */
    return (double)q + (double)f / (double)scale;
}

bool nq_metric_value(nq_metric_id_t m, const nq_kpi_values_t *v, double *out)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    int64_t num = 0;
    double approx = 0; /* the same sum in doubles, for when num would overflow */
    bool fits = true;  /* num holds the exact sum */
    for (int i = 0; i < 2; i++) {
        if (d->num[i] == NQ_KPI_NONE)
            continue;
        approx += (double)v->v[d->num[i]];
        fits = fits && !__builtin_add_overflow(num, v->v[d->num[i]], &num);
    }
    if (d->den == NQ_KPI_NONE && d->per <= 1) {
        *out = fits ? (double)num : approx;
        return true;
    }
    int64_t den = d->den == NQ_KPI_NONE ? d->per : v->v[d->den];
    if (den == 0)
        return false;
    if (!fits || num == INT64_MIN || den == INT64_MIN) { /* beyond int64: as near as doubles go */
        *out = nq_round_to(approx / (double)den, (double)unit_scale[d->unit]);
        return true;
    }
    if (den < 0) { /* counters never go below zero; keep the sign rule anyway */
        num = -num;
        den = -den;
    }
    *out = quotient(num, den, unit_scale[d->unit]);
    return true;
}

double nq_metric_round(nq_metric_id_t m, double v)
{
    return nq_round_to(v, (double)unit_scale[nq_metric_defs[m].unit]);
}

int nq_kpi_find(const char *field)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        if (strcmp(nq_kpi_defs[i].field, field) == 0)
            return i;
    }
    return -1;
}

static int parse_int64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

int nq_kpi_from_fields(const char *const *fields, size_t n, nq_kpi_values_t *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i + 1 < n; i += 2) {
        int id = nq_kpi_find(fields[i]);
        if (id >= 0 && parse_int64(fields[i + 1], &out->v[id]) != 0)
            return -1;
    }
    return 0;
}

void nq_kpi_add(nq_kpi_values_t *out, const nq_kpi_values_t *v)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        out->v[i] += v->v[i];
}

const nq_period_kind_t nq_kpi_stored_kinds[NQ_KPI_STORED_KINDS] = {NQ_PERIOD_DAY, NQ_PERIOD_MONTH};

bool nq_kpi_kind_stored(nq_period_kind_t kind)
{
    for (int i = 0; i < NQ_KPI_STORED_KINDS; i++) {
        if (nq_kpi_stored_kinds[i] == kind)
            return true;
    }
    return false;
}

/* The stored kind a period of `kind` is summed from. */
static const nq_period_kind_t part_kind[NQ_PERIOD_KIND_COUNT] = {
    [NQ_PERIOD_DAY] = NQ_PERIOD_DAY,     [NQ_PERIOD_WEEK] = NQ_PERIOD_DAY,
    [NQ_PERIOD_MONTH] = NQ_PERIOD_MONTH, [NQ_PERIOD_QUARTER] = NQ_PERIOD_MONTH,
    [NQ_PERIOD_YEAR] = NQ_PERIOD_MONTH,
};

int nq_kpi_parts(const nq_period_t *p, nq_period_t out[NQ_KPI_PARTS_MAX])
{
    if ((unsigned)p->kind >= NQ_PERIOD_KIND_COUNT)
        return -1;
    nq_period_t cur;
    if (nq_period_of(part_kind[p->kind], p->start_ms, &cur) != 0)
        return -1;
    int n = 0;
    while (cur.start_ms < p->end_ms) {
        if (n == NQ_KPI_PARTS_MAX)
            return -1;
        out[n++] = cur;
        if (nq_period_next(&out[n - 1], &cur) != 0)
            break; /* the last period of the calendar */
    }
    return n;
}

static bool is_midnight(int64_t t)
{
    nq_period_t day;
    return nq_period_of(NQ_PERIOD_DAY, t, &day) == 0 && day.start_ms == t;
}

int nq_kpi_span_parts(const nq_span_t *spans, size_t n, nq_period_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t at = spans[i].start_ms, end = spans[i].end_ms;
        if (!is_midnight(at) || !is_midnight(end) || (i && at < spans[i - 1].end_ms))
            return -1;
        while (at < end) {
            nq_period_t p;
            if (k == max || nq_period_of(NQ_PERIOD_MONTH, at, &p) != 0)
                return -1;
            if (p.start_ms != at || p.end_ms > end) {
                if (nq_period_of(NQ_PERIOD_DAY, at, &p) != 0)
                    return -1;
            }
            out[k++] = p;
            at = p.end_ms;
        }
    }
    return (int)k;
}

bool nq_metric_needs_sets(nq_metric_id_t m)
{
    const nq_metric_def_t *d = &nq_metric_defs[m];
    for (int i = 0; i < 2; i++) {
        if (d->num[i] >= NQ_KPI_HASH_COUNT)
            return true;
    }
    return d->den >= NQ_KPI_HASH_COUNT;
}

bool nq_metric_accumulates(nq_metric_id_t m)
{
    return nq_metric_defs[m].den == NQ_KPI_NONE && !nq_metric_defs[m].at_end;
}

void nq_kpi_state_set(nq_kpi_values_t *v, const nq_kpi_state_t *s)
{
    int64_t bal = s->balance_fen > 0 ? s->balance_fen : 0, num;
    v->v[NQ_KPI_TICKETS_OVERDUE] = s->tickets_overdue;
    v->v[NQ_KPI_AR_OVERDUE_FEN] = s->overdue_fen;
    v->v[NQ_KPI_AR_INVOICED_FEN] = s->invoiced_fen;
    v->v[NQ_KPI_AR_DSO_NUM] = __builtin_mul_overflow(bal, s->days, &num) ? INT64_MAX : num;
}

int64_t nq_kpi_state_at(int64_t end_ms, int64_t now_ms)
{
    return end_ms - 1 < now_ms ? end_ms - 1 : now_ms;
}

int64_t nq_kpi_days_until(const nq_period_t *p, int64_t at)
{
    nq_period_t day;
    if (nq_period_of(NQ_PERIOD_DAY, at, &day) != 0 || day.end_ms <= p->start_ms)
        return 0;
    int64_t end = day.end_ms < p->end_ms ? day.end_ms : p->end_ms;
    return (end - p->start_ms + 43200000) / 86400000; /* whole local days (a DST day rounds) */
}
