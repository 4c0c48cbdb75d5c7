/* targets.c — the targets of a period as they are used. See nq/targets.h. */
#include "nq/targets.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { QUARTER_READS = 4, YEAR_READS = 17, QUARTERS = 4, MONTHS_PER_QUARTER = 3 };

/* Append `count` periods of `kind` to r from the one containing start_ms. */
static int append_run(nq_target_reads_t *r, nq_period_kind_t kind, int64_t start_ms, size_t count)
{
    for (size_t k = 0; k < count; k++, r->n++) {
        if (k == 0 ? nq_period_of(kind, start_ms, &r->period[r->n]) != 0
                   : nq_period_next(&r->period[r->n - 1], &r->period[r->n]) != 0)
            return -1;
    }
    return 0;
}

/* The periods of r for p: p, then (a year) its quarters, then its months. */
static int reads_of(nq_target_reads_t *r, const nq_period_t *p)
{
    if (p->start_ms >= p->end_ms)
        return -1;
    r->period[r->n++] = *p;
    if (p->kind != NQ_PERIOD_QUARTER && p->kind != NQ_PERIOD_YEAR)
        return 0;
    bool year = p->kind == NQ_PERIOD_YEAR;
    if ((year && append_run(r, NQ_PERIOD_QUARTER, p->start_ms, QUARTERS) != 0) ||
        append_run(r, NQ_PERIOD_MONTH, p->start_ms, year ? 12 : MONTHS_PER_QUARTER) != 0)
        return -1;
    return r->period[r->n - 1].end_ms == p->end_ms ? 0 : -1;
}

int nq_target_reads_init(nq_target_reads_t *r, const nq_period_t *p, const nq_calendar_t *cal)
{
    memset(r, 0, sizeof(*r));
    if (reads_of(r, p) != 0) {
        r->n = 0;
        return -1;
    }
    size_t quarters = r->n == YEAR_READS ? QUARTERS : 0, first = 1 + quarters;
    for (size_t i = first; i < r->n; i++) {
        double elapsed;
        nq_workdays(cal, &r->period[i], r->period[i].start_ms, &r->workdays[i], &elapsed);
        r->workdays[0] += r->workdays[i];
        if (quarters)
            r->workdays[1 + (i - first) / MONTHS_PER_QUARTER] += r->workdays[i];
    }
    return 0;
}

void nq_targets_clear(nq_targets_t *t)
{
    memset(t, 0, sizeof(*t));
}

void nq_targets_set_field(nq_targets_t *t, const char *field, const char *value)
{
    int m = field && value ? nq_metric_find(field) : -1;
    if (m < 0)
        return;
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !isfinite(v) || v <= 0) /* 0 is no target */
        return;
    t->value[m] = v;
    t->source[m] = NQ_TARGET_SET;
}

/* Metric m over k parts that all have a target: their sum, or for a
 * quotient their mean weighted by working days (plain when none has any),
 * rounded like the metric. */
static double combine(nq_metric_id_t m, const nq_targets_t *const *parts, const double *w, size_t k)
{
    double sum = 0, weighted = 0, weights = 0;
    for (size_t i = 0; i < k; i++) {
        sum += parts[i]->value[m];
        weighted += w[i] * parts[i]->value[m];
        weights += w[i];
    }
    if (nq_metric_accumulates(m))
        return sum;
    return nq_metric_round(m, weights > 0 ? weighted / weights : sum / (double)k);
}

/* out: `own`'s targets where set, the rest derived from the k parts when
 * every part has one. */
static void derive(const nq_targets_t *own, const nq_targets_t *const *parts, const double *w,
                   size_t k, nq_targets_t *out)
{
    nq_targets_clear(out);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        bool all = k > 0;
        for (size_t i = 0; i < k; i++)
            all = all && parts[i]->source[m] != NQ_TARGET_NONE;
        if (own->source[m] == NQ_TARGET_SET) {
            out->source[m] = NQ_TARGET_SET;
            out->value[m] = own->value[m];
        } else if (all) {
            double v = combine((nq_metric_id_t)m, parts, w, k);
            out->source[m] = v > 0 ? NQ_TARGET_DERIVED : NQ_TARGET_NONE;
            out->value[m] = v > 0 ? v : 0;
        }
    }
}

/* A quarter from its own hash and its 3 months'. */
static void resolve_quarter(const nq_targets_t *own, const nq_targets_t *months, const double *w,
                            nq_targets_t *out)
{
    const nq_targets_t *parts[MONTHS_PER_QUARTER];
    for (int i = 0; i < MONTHS_PER_QUARTER; i++)
        parts[i] = &months[i];
    derive(own, parts, w, MONTHS_PER_QUARTER, out);
}

/* The months without a target of m among months[0..k), as bits from `shift`. */
static uint16_t lacking(const nq_targets_t *months, size_t k, int m, unsigned shift)
{
    uint16_t bits = 0;
    for (size_t i = 0; i < k; i++) {
        if (months[i].source[m] == NQ_TARGET_NONE)
            bits |= (uint16_t)(1u << (shift + i));
    }
    return bits;
}

int nq_targets_resolve(const nq_targets_t *set, const nq_target_reads_t *r, nq_targets_t *out)
{
    size_t n = r->n;
    const double *workdays = r->workdays;
    if (n == 1) {
        *out = set[0];
        for (int m = 0; m < NQ_METRIC_COUNT; m++)
            out->missing[m] = 0;
        return 0;
    }
    if (n != QUARTER_READS && n != YEAR_READS)
        return -1;
    nq_targets_t quarters[QUARTERS];
    double quarter_days[QUARTERS];
    const nq_targets_t *parts[QUARTERS];
    size_t n_quarters = n == YEAR_READS ? QUARTERS : 0;
    const nq_targets_t *months = &set[1 + n_quarters];
    const double *month_days = &workdays[1 + n_quarters];
    if (n == QUARTER_READS) {
        resolve_quarter(&set[0], months, month_days, out);
    } else {
        for (size_t q = 0; q < QUARTERS; q++) {
            resolve_quarter(&set[1 + q], &months[q * MONTHS_PER_QUARTER],
                            &month_days[q * MONTHS_PER_QUARTER], &quarters[q]);
            quarter_days[q] = workdays[1 + q];
            parts[q] = &quarters[q];
        }
        derive(&set[0], parts, quarter_days, QUARTERS, out);
    }
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        bool any = false;
        for (size_t i = 1; i < n; i++)
            any = any || set[i].source[m] != NQ_TARGET_NONE;
        if (out->source[m] != NQ_TARGET_NONE || !any)
            continue;
        if (n == QUARTER_READS) {
            out->missing[m] = lacking(months, MONTHS_PER_QUARTER, m, 0);
            continue;
        }
        for (size_t q = 0; q < QUARTERS; q++) {
            if (quarters[q].source[m] == NQ_TARGET_NONE)
                out->missing[m] |= lacking(&months[q * MONTHS_PER_QUARTER], MONTHS_PER_QUARTER, m,
                                           (unsigned)(q * MONTHS_PER_QUARTER));
        }
    }
    return 0;
}

const char *nq_target_source_name(nq_target_source_t s)
{
    return s == NQ_TARGET_SET ? "set" : s == NQ_TARGET_DERIVED ? "derived" : NULL;
}

size_t nq_targets_missing(const nq_targets_t *t, nq_metric_id_t m, const nq_target_reads_t *r,
                          const char *keys[12])
{
    size_t n = r->n;
    const nq_period_t *reads = r->period;
    size_t months = n == YEAR_READS ? 12 : n == QUARTER_READS ? MONTHS_PER_QUARTER : 0, k = 0;
    for (size_t i = 0; i < months; i++) {
        if (t->missing[m] & (1u << i))
            keys[k++] = reads[n - months + i].key;
    }
    return k;
}

void nq_targets_export(const nq_targets_t *t, double target[NQ_METRIC_COUNT],
                       bool has[NQ_METRIC_COUNT], bool derived[NQ_METRIC_COUNT])
{
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        has[m] = t->source[m] != NQ_TARGET_NONE;
        target[m] = has[m] ? t->value[m] : 0;
        derived[m] = t->source[m] == NQ_TARGET_DERIVED;
    }
}
