/* split.c — see split.h. */
#include "split.h"

#include <math.h>
#include <stdio.h>
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

/* One member's share on its way to whole units. */
typedef struct share {
    double weight; /* above 0 */
    double exact;  /* the share before rounding */
    bool floored;  /* held at the minimum share */
    size_t index;  /* the member */
} share_t;

/* Members ordered by the fraction of their share, largest first (ties: the
 * first member). */
static int cmp_fraction(const void *a, const void *b)
{
    const share_t *x = a, *y = b;
    double fx = x->exact - floor(x->exact), fy = y->exact - floor(y->exact);
    if (fx != fy)
        return fx > fy ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Weights above 0 as they are; a member without one weighs the average of
 * those who have one (1 when nobody has). */
static void set_weights(const double *weights, size_t n, share_t *s)
{
    double sum = 0;
    size_t with = 0;
    for (size_t i = 0; i < n; i++) {
        if (weights[i] > 0) {
            sum += weights[i];
            with++;
        }
    }
    double average = with ? sum / (double)with : 1;
    for (size_t i = 0; i < n; i++)
        s[i] = (share_t){weights[i] > 0 ? weights[i] : average, 0, false, i};
}

/* Exact shares of `whole` by weight, none below `least`: whoever falls below
 * is held there and the rest is shared again among the others. */
static void exact_shares(double whole, double least, share_t *s, size_t n)
{
    for (size_t round = 0; round <= n; round++) {
        double rest = whole, weight = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i].floored)
                rest -= least;
            else
                weight += s[i].weight;
        }
        bool again = false;
        for (size_t i = 0; i < n; i++) {
            if (s[i].floored)
                continue;
            s[i].exact = weight > 0 ? rest * s[i].weight / weight : 0;
            if (s[i].exact < least) {
                s[i].exact = least;
                s[i].floored = again = true;
            }
        }
        if (!again)
            return;
    }
}

/* The index of the largest share. */
static size_t largest(const double *shares, size_t n)
{
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (shares[i] > shares[k])
            k = i;
    }
    return k;
}

/* Whole units by largest remainder, then one unit at least for everyone
 * when there are enough. */
static void whole_shares(long long whole, share_t *s, size_t n, double *shares)
{
    long long given = 0;
    for (size_t i = 0; i < n; i++) {
        shares[i] = floor(s[i].exact);
        given += (long long)shares[i];
    }
    qsort(s, n, sizeof(*s), cmp_fraction);
    for (size_t k = 0; given < whole && k < n; k++, given++)
        shares[s[k].index] += 1;
    for (; given > whole; given--) /* rounding noise in the exact shares */
        shares[largest(shares, n)] -= 1;
    for (size_t i = 0; whole >= (long long)n && i < n; i++) {
        if (shares[i] < 1) {
            shares[largest(shares, n)] -= 1;
            shares[i] += 1;
        }
    }
}

void split_target(nq_metric_id_t metric, double total, const double *weights, size_t n,
                  double min_share, double *shares)
{
    if (n == 0)
        return;
    nq_unit_t unit = nq_metric_defs[metric].unit;
    bool additive = nq_metric_accumulates(metric);
    if (!additive || (unit != NQ_UNIT_MONEY && unit != NQ_UNIT_COUNT && unit != NQ_UNIT_HOURS)) {
        for (size_t i = 0; i < n; i++)
            shares[i] = total;
        return;
    }
    long long whole = llround(total); /* fen or units */
    share_t *s = calloc(n, sizeof(*s));
    if (!s) { /* out of memory: even, so the shares still add up */
        for (size_t i = 0; i < n; i++)
            shares[i] = (double)(whole / (long long)n + ((long long)i < whole % (long long)n));
        return;
    }
    double least = fmin(fmax(min_share, 0), 1) * (double)whole / (double)n;
    set_weights(weights, n, s);
    exact_shares((double)whole, least, s, n);
    whole_shares(whole, s, n, shares);
    free(s);
}

/* Ids for a message: "sp01, sp02" and how many more did not fit. */
typedef struct id_list {
    char text[72]; /* the ids that fit, ", " between (a failure detail is 255 bytes) */
    size_t more;   /* the ones that did not */
} id_list_t;

static void list_add(id_list_t *l, const char *id)
{
    size_t used = strlen(l->text);
    if (l->more || used + strlen(id) + 3 > sizeof(l->text)) {
        l->more++;
        return;
    }
    snprintf(l->text + used, sizeof(l->text) - used, "%s%s", used ? ", " : "", id);
}

/* The list as text: "a, b" or "a, b (+3 more)". */
static const char *list_text(const id_list_t *l, char *buf, size_t len)
{
    if (l->more)
        snprintf(buf, len, NQ_REASON("%s (+%zu more)"), l->text, l->more);
    else
        snprintf(buf, len, "%s", l->text);
    return buf;
}

int split_match_weights(const char *const *members, size_t n, const char *const *ids,
                        const double *given, size_t n_given, double *weights,
                        nq_field_errors_t *errs, char *detail, size_t len)
{
    id_list_t unknown = {"", 0}, missing = {"", 0};
    char field[NQ_ID_MAX + 16];
    for (size_t i = 0; i < n; i++)
        weights[i] = 0;
    for (size_t k = 0; k < n_given; k++) {
        size_t i = 0;
        while (i < n && strcmp(members[i], ids[k]) != 0)
            i++;
        if (i < n) {
            weights[i] = given[k];
            continue;
        }
        snprintf(field, sizeof(field), "weights.%s", ids[k]);
        nq_field_errors_add(errs, field, "%s is not a member of the team", ids[k]);
        list_add(&unknown, ids[k]);
    }
    for (size_t i = 0; i < n; i++) {
        if (weights[i] > 0)
            continue;
        snprintf(field, sizeof(field), "weights.%s", members[i]);
        nq_field_errors_add(errs, field,
                            "%s is a member without a weight: every member needs one above 0",
                            members[i]);
        list_add(&missing, members[i]);
    }
    if (!unknown.text[0] && !missing.text[0])
        return 0;
    char u[96], m[96];
    list_text(&unknown, u, sizeof(u));
    list_text(&missing, m, sizeof(m));
    /* One whole sentence per case, so that the gateway can translate it. */
    if (!missing.text[0])
        snprintf(detail, len, "the weights do not match the team's members: not members: %s", u);
    else if (!unknown.text[0])
        snprintf(detail, len,
                 "the weights do not match the team's members: members without a weight: %s", m);
    else
        snprintf(detail, len,
                 "the weights do not match the team's members: not members: %s; members without "
                 "a weight: %s",
                 u, m);
    return -1;
}
