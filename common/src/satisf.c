/* satisf.c — satisfaction and training figures of a period. See nq/satisf.h. */
#include "nq/satisf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/aftersales.h"

void nq_satisf_from_kpi(const nq_kpi_values_t *v, nq_satisf_t *out)
{
    memset(out, 0, sizeof(*out));
    out->rating_sum = v->v[NQ_KPI_FEEDBACK_SUM];
    out->ratings = v->v[NQ_KPI_FEEDBACK_COUNT];
    out->answers = v->v[NQ_KPI_NPS_RESPONSES];
    out->net = v->v[NQ_KPI_NPS_NET];
    out->promoters = v->v[NQ_KPI_NPS_PROMOTERS];
    out->detractors = v->v[NQ_KPI_NPS_DETRACTORS];
    out->has_split = nq_satisf_split_ok(out->promoters, out->detractors, out->net, out->answers);
    if (!out->has_split)
        out->promoters = out->detractors = 0;
}

bool nq_satisf_split_ok(int64_t promoters, int64_t detractors, int64_t net, int64_t answers)
{
    return promoters >= 0 && detractors >= 0 && promoters - detractors == net &&
           promoters + detractors <= answers;
}

static bool is_zero(const nq_satisf_t *s)
{
    return !s->has_split && !s->rating_sum && !s->ratings && !s->answers && !s->net;
}

void nq_satisf_add(nq_satisf_t *sum, const nq_satisf_t *part)
{
    bool split = is_zero(sum) ? part->has_split : sum->has_split && part->has_split;
    sum->rating_sum += part->rating_sum;
    sum->ratings += part->ratings;
    sum->answers += part->answers;
    sum->net += part->net;
    sum->promoters = split ? sum->promoters + part->promoters : 0;
    sum->detractors = split ? sum->detractors + part->detractors : 0;
    sum->has_split = split;
}

/* The month-keyed fields, where each goes. */
static const struct {
    const char *name;
    size_t offset;
} fields_of[] = {
    {"rating_sum", offsetof(nq_satisf_t, rating_sum)},
    {"rating_count", offsetof(nq_satisf_t, ratings)},
    {"nps_count", offsetof(nq_satisf_t, answers)},
    {"promoters", offsetof(nq_satisf_t, promoters)},
    {"detractors", offsetof(nq_satisf_t, detractors)},
};

/* Whether the month of field f ("2026-11|...") lies in p; *name its tail. */
static bool month_in(const char *f, const nq_period_t *p, const char **name)
{
    const char *bar = strchr(f, '|');
    char month[8];
    nq_period_t m;
    if (!bar || bar - f != 7)
        return false;
    memcpy(month, f, 7);
    month[7] = '\0';
    if (nq_period_from_key(NQ_PERIOD_MONTH, month, &m) != 0)
        return false;
    *name = bar + 1;
    return m.start_ms >= p->start_ms && m.start_ms < p->end_ms;
}

void nq_satisf_customer(const char *const *fields, size_t n, const nq_period_t *p, nq_satisf_t *out)
{
    memset(out, 0, sizeof(*out));
    out->has_split = true;
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *name, *v = fields[i + 1];
        char *end;
        long long x = strtoll(v, &end, 10);
        if (!*v || *end || !month_in(fields[i], p, &name))
            continue;
        for (size_t k = 0; k < sizeof(fields_of) / sizeof(fields_of[0]); k++) {
            if (strcmp(name, fields_of[k].name) == 0)
                *(int64_t *)((char *)out + fields_of[k].offset) += x;
        }
    }
    out->net = out->promoters - out->detractors;
}

void nq_satisf_customer_total(const char *const *fields, size_t n, nq_satisf_t *out)
{
    memset(out, 0, sizeof(*out));
    out->has_split = true;
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *v = fields[i + 1];
        char *end;
        long long x = strtoll(v, &end, 10);
        for (size_t k = 0; *v && !*end && k < sizeof(fields_of) / sizeof(fields_of[0]); k++) {
            if (strcmp(fields[i], fields_of[k].name) == 0)
                *(int64_t *)((char *)out + fields_of[k].offset) += x;
        }
    }
    out->net = out->promoters - out->detractors;
}

void nq_satisf_add_feedback(nq_satisf_t *s, int rating, int nps)
{
    if (rating > 0) {
        s->rating_sum += rating;
        s->ratings++;
    }
    if (nps >= 0) {
        s->answers++;
        s->promoters += nq_nps_class(nps) > 0;
        s->detractors += nq_nps_class(nps) < 0;
    }
    s->net = s->promoters - s->detractors;
    s->has_split = true;
}

bool nq_satisf_same(const nq_satisf_t *a, const nq_satisf_t *b)
{
    return a->rating_sum == b->rating_sum && a->ratings == b->ratings && a->answers == b->answers &&
           a->promoters == b->promoters && a->detractors == b->detractors;
}

bool nq_satisf_avg(const nq_satisf_t *s, int64_t *hundredths)
{
    if (s->ratings <= 0)
        return false;
    *hundredths = (s->rating_sum * 200 + s->ratings) / (2 * s->ratings);
    return true;
}

bool nq_satisf_nps(const nq_satisf_t *s, int64_t *tenths)
{
    return nq_nps_tenths(s->net, 0, s->answers, tenths);
}

int nq_satisf_period_parse(const char *text, nq_period_t *out)
{
    static const nq_period_kind_t kinds[] = {NQ_PERIOD_MONTH, NQ_PERIOD_QUARTER, NQ_PERIOD_YEAR};
    for (size_t i = 0; text && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (nq_period_from_key(kinds[i], text, out) == 0 && strcmp(out->key, text) == 0)
            return 0;
    }
    return -1;
}

bool nq_training_completion(int64_t trained, int64_t members, int64_t *tenths)
{
    if (members <= 0)
        return false;
    *tenths = (trained * 2000 + members) / (2 * members);
    return true;
}
