/* aftersales.c — NPS, SLA, median and price arithmetic. See nq/aftersales.h. */
#include "nq/aftersales.h"

#include <stdlib.h>
#include <string.h>

int nq_nps_class(int answer)
{
    if (answer >= 9 && answer <= 10)
        return 1;
    return answer >= 0 && answer <= 6 ? -1 : 0;
}

/* num / den rounded half away from zero (den > 0). */
static int64_t div_round(int64_t num, int64_t den)
{
    return (num >= 0 ? num + den / 2 : num - den / 2) / den;
}

bool nq_nps_tenths(int64_t promoters, int64_t detractors, int64_t answers, int64_t *tenths)
{
    if (answers <= 0)
        return false;
    *tenths = div_round((promoters - detractors) * 1000, answers);
    return true;
}

/* SLA targets by priority (the validated values of a ticket's priority). */
static const struct {
    const char *priority;
    int64_t target_ms;
} sla[] = {
    {"urgent", 4 * NQ_HOUR_MS},
    {"high", 24 * NQ_HOUR_MS},
    {"normal", 72 * NQ_HOUR_MS},
    {"low", 168 * NQ_HOUR_MS},
};

int64_t nq_sla_target_ms(const char *priority)
{
    for (size_t i = 0; priority && i < sizeof(sla) / sizeof(sla[0]); i++) {
        if (strcmp(sla[i].priority, priority) == 0)
            return sla[i].target_ms;
    }
    return 72 * NQ_HOUR_MS;
}

int64_t nq_sla_due_at(const char *priority, int64_t opened_at)
{
    return opened_at + nq_sla_target_ms(priority);
}

bool nq_sla_breached(const char *priority, int64_t opened_at, int64_t until)
{
    return until > nq_sla_due_at(priority, opened_at);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

bool nq_median_ms(int64_t *durations, size_t n, int64_t *out)
{
    if (n == 0)
        return false;
    qsort(durations, n, sizeof(*durations), cmp_i64);
    int64_t lo = durations[(n - 1) / 2], hi = durations[n / 2];
    /* the mean without overflow, rounded down */
    *out = lo + (hi - lo) / 2;
    return true;
}

void nq_price_stats_add(nq_price_stats_t *ps, int64_t at, int64_t price_fen)
{
    if (ps->n == 0) {
        ps->min_fen = ps->max_fen = price_fen;
        ps->first_at = ps->last_at = at;
        ps->first_fen = ps->last_fen = price_fen;
    } else {
        if (price_fen < ps->min_fen)
            ps->min_fen = price_fen;
        if (price_fen > ps->max_fen)
            ps->max_fen = price_fen;
        if (at < ps->first_at || (at == ps->first_at && price_fen < ps->first_fen)) {
            ps->first_at = at;
            ps->first_fen = price_fen;
        }
        if (at > ps->last_at || (at == ps->last_at && price_fen > ps->last_fen)) {
            ps->last_at = at;
            ps->last_fen = price_fen;
        }
    }
    ps->n++;
    ps->sum_fen += price_fen;
}

bool nq_price_stats_avg(const nq_price_stats_t *ps, int64_t *avg_fen)
{
    if (ps->n <= 0)
        return false;
    *avg_fen = div_round(ps->sum_fen, ps->n);
    return true;
}
