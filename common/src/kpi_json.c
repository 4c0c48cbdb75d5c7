/* kpi_json.c — KPI values, metric values and periods as JSON. See nq/kpi_json.h. */
#include "nq/kpi_json.h"

#include "nq/fielderr.h"
#include "nq/money.h"

json_t *nq_metric_json(nq_metric_id_t m, double value, bool defined)
{
    if (!defined)
        return json_null();
    nq_unit_t unit = nq_metric_defs[m].unit;
    if (unit == NQ_UNIT_MONEY) {
        char buf[NQ_MONEY_BUF];
        nq_money_format((int64_t)nq_metric_round(m, value), buf, sizeof(buf));
        return json_string(buf);
    }
    if (unit == NQ_UNIT_COUNT)
        return json_integer((json_int_t)nq_metric_round(m, value));
    return json_real(nq_metric_round(m, value));
}

/* Upper bounds of a target per unit (money and counts: any non-negative). */
static const double unit_max[] = {
    [NQ_UNIT_COUNT] = 1e12, [NQ_UNIT_MONEY] = 1e15, [NQ_UNIT_RATIO] = 10,
    [NQ_UNIT_SCORE] = 5,    [NQ_UNIT_HOURS] = 1e6,  [NQ_UNIT_DAYS] = 1e5};

int nq_metric_parse(nq_metric_id_t m, const json_t *value, double *out, const char **why)
{
    nq_unit_t unit = nq_metric_defs[m].unit;
    if (unit == NQ_UNIT_MONEY) {
        int64_t fen = 0;
        int rc = -1;
        *why = "must be decimal yuan";
        if (json_is_string(value))
            rc = nq_money_parse(json_string_value(value), &fen, why);
        else if (json_is_number(value))
            rc = nq_money_from_double(json_number_value(value), &fen, why);
        if (rc == 0 && fen < 0) {
            *why = "must not be negative";
            rc = -1;
        }
        if (rc == 0)
            *out = (double)fen;
        return rc;
    }
    if (unit == NQ_UNIT_COUNT && !json_is_integer(value)) {
        *why = "must be a whole number";
        return -1;
    }
    if (!json_is_number(value)) {
        *why = "must be a number";
        return -1;
    }
    double v = json_number_value(value);
    /* The reason for each unit's range (money is handled above). */
    static const char *const range_reason[] = {
        [NQ_UNIT_COUNT] = NQ_REASON("must be a whole number from 0 to 10^12"),
        [NQ_UNIT_RATIO] = NQ_REASON("must be a ratio from 0 to 10 (0.9 = 90 %)"),
        [NQ_UNIT_SCORE] = NQ_REASON("must be from 0 to 5"),
        [NQ_UNIT_HOURS] = NQ_REASON("must be hours from 0 to 10^6"),
        [NQ_UNIT_DAYS] = NQ_REASON("must be days from 0 to 10^5"),
    };
    if (!(v >= 0 && v <= unit_max[unit])) {
        *why = v < 0 && unit == NQ_UNIT_COUNT ? "must not be negative" : range_reason[unit];
        return -1;
    }
    *out = v;
    return 0;
}

/* Counts and amounts without a denominator, exactly (doubles lose whole
 * numbers past 2^53). */
static json_t *exact_json(const nq_metric_def_t *d, const nq_kpi_values_t *v)
{
    int64_t sum = 0;
    for (int i = 0; i < 2; i++)
        sum += d->num[i] != NQ_KPI_NONE ? v->v[d->num[i]] : 0;
    if (d->unit == NQ_UNIT_COUNT)
        return json_integer((json_int_t)sum);
    char buf[NQ_MONEY_BUF];
    nq_money_format(sum, buf, sizeof(buf));
    return json_string(buf);
}

json_t *nq_kpi_to_json(const nq_kpi_values_t *v)
{
    json_t *obj = json_object();
    for (int m = 0; obj && m < NQ_METRIC_COUNT; m++) {
        const nq_metric_def_t *d = &nq_metric_defs[m];
        double value = 0;
        bool exact =
            d->den == NQ_KPI_NONE && (d->unit == NQ_UNIT_COUNT || d->unit == NQ_UNIT_MONEY);
        bool defined = exact || nq_metric_value((nq_metric_id_t)m, v, &value);
        json_object_set_new(obj, d->name,
                            exact ? exact_json(d, v)
                                  : nq_metric_json((nq_metric_id_t)m, value, defined));
    }
    return obj;
}

json_t *nq_period_to_json(const nq_period_t *p)
{
    char start[40], end[40];
    nq_time_format(p->start_ms, start, sizeof(start));
    nq_time_format(p->end_ms, end, sizeof(end));
    return json_pack("{s:s, s:s, s:s, s:s}", "kind", nq_period_kind_name(p->kind), "key", p->key,
                     "start", start, "end", end);
}
