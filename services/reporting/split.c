/* split.c — see split.h. */
#include "split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[SPLIT_METHODS] = {
    [SPLIT_EVEN] = "even", [SPLIT_WEIGHTS] = "weights", [SPLIT_LAST_PERIOD] = "last_period"};

int split_method_parse(const char *name)
{
    for (int m = 0; name && m < SPLIT_METHODS; m++) {
        if (strcmp(method_names[m], name) == 0)
            return m;
    }
    return -1;
}

const char *split_method_name(split_method_t m)
{
    return (unsigned)m < SPLIT_METHODS ? method_names[m] : "unknown";
}

/* Members ordered by their fractional part, largest first (ties: first member). */
typedef struct remainder {
    double frac;
    size_t index;
} remainder_t;

static int cmp_remainder(const void *a, const void *b)
{
    const remainder_t *x = a, *y = b;
    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void split_target(nq_metric_id_t metric, double total, const double *weights, size_t n,
                  double *shares)
{
    if (n == 0)
        return;
    nq_unit_t unit = nq_metric_defs[metric].unit;
    bool additive = nq_metric_defs[metric].den == NQ_KPI_NONE;
    if (!additive || (unit != NQ_UNIT_MONEY && unit != NQ_UNIT_COUNT)) {
        for (size_t i = 0; i < n; i++)
            shares[i] = total;
        return;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i] > 0 ? weights[i] : 0;
    long long whole = llround(total); /* fen or units */
    remainder_t *rem = calloc(n, sizeof(*rem));
    long long given = 0;
    for (size_t i = 0; i < n; i++) {
        double w = sum > 0 ? (weights[i] > 0 ? weights[i] : 0) / sum : 1.0 / (double)n;
        double exact = (double)whole * w;
        shares[i] = floor(exact);
        given += (long long)shares[i];
        if (rem)
            rem[i] = (remainder_t){exact - floor(exact), i};
    }
    if (rem) {
        qsort(rem, n, sizeof(*rem), cmp_remainder);
        for (size_t k = 0; given < whole && k < n; k++, given++)
            shares[rem[k].index] += 1;
    }
    free(rem);
}
