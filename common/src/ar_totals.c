/* ar_totals.c — receivables cells of a customer and totals read from them. See nq/ar_totals.h. */
#include "nq/ar_totals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/period.h"

static int cell_cmp(const void *a, const void *b)
{
    return strcmp(((const nq_ar_cell_t *)a)->field, ((const nq_ar_cell_t *)b)->field);
}

/* Sort cells and sum those of one field; drop the 0s. The count kept. */
static size_t merge(nq_ar_cell_t *c, size_t n)
{
    qsort(c, n, sizeof(*c), cell_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(c[k - 1].field, c[i].field) == 0)
            c[k - 1].fen += c[i].fen;
        else
            c[k++] = c[i];
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (c[i].fen != 0)
            c[m++] = c[i];
    return m;
}

/* Append the cell kind|sp|day of fen (the day of `ms`; none when ms < 0). */
static void put_one(nq_ar_cell_t *c, size_t *n, char kind, const char *sp, int64_t ms, int64_t fen)
{
    nq_period_t d = {0};
    if (fen == 0 || !*sp || (ms >= 0 && nq_period_of(NQ_PERIOD_DAY, ms, &d) != 0))
        return;
    snprintf(c[*n].field, sizeof(c[*n].field), "%c|%s|%s", kind, sp, ms >= 0 ? d.key : "");
    c[(*n)++].fen = fen;
}

/* The cell for sp and for the company. */
static void put(nq_ar_cell_t *c, size_t *n, char kind, const char *sp, int64_t ms, int64_t fen)
{
    put_one(c, n, kind, sp, ms, fen);
    put_one(c, n, kind, NQ_AR_COMPANY, ms, fen);
}

int nq_ar_cells(const nq_ar_t *ar, int64_t at, nq_ar_cell_t **cells, size_t *n)
{
    nq_ar_cell_t *c = calloc(2 * (3 * ar->n_inv + ar->n_pay) + 1, sizeof(*c));
    *cells = c;
    *n = 0;
    if (!c)
        return -1;
    for (size_t i = 0; i < ar->n_inv; i++) {
        const nq_ar_invoice_t *v = &ar->inv[i];
        if (v->at > at)
            continue;
        put(c, n, 'i', v->salesperson, v->at, v->amount_fen);
        if (v->open_fen > 0) {
            put(c, n, 'o', v->salesperson, v->due_at, v->open_fen);
            put(c, n, 'n', v->salesperson, v->due_at, 1);
        }
    }
    for (size_t i = 0; i < ar->n_pay; i++)
        put(c, n, 'c', ar->pay[i].salesperson, -1, ar->pay[i].left_fen);
    *n = merge(c, *n);
    return 0;
}

int64_t nq_ar_next_fact(const nq_ar_t *ar, int64_t at)
{
    int64_t next = 0;
    for (size_t i = 0; i < ar->n_inv + ar->n_pay; i++) {
        int64_t t = i < ar->n_inv ? ar->inv[i].at : ar->pay[i - ar->n_inv].at;
        if (t > at && (next == 0 || t < next))
            next = t;
    }
    return next;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t nq_ar_salespeople(const nq_ar_t *ar, const char **sps)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < ar->n_inv + ar->n_pay; i++) {
        const char *sp =
            i < ar->n_inv ? ar->inv[i].salesperson : ar->pay[i - ar->n_inv].salesperson;
        if (*sp)
            sps[n++] = sp;
    }
    qsort(sps, n, sizeof(*sps), str_cmp);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(sps[k - 1], sps[i]) != 0)
            sps[k++] = sps[i];
    return k;
}

int nq_ar_cell_parts(const char *field, char *kind, char *sp, const char **day)
{
    const char *bar;
    if (!field[0] || !strchr("onic", field[0]) || field[1] != '|' ||
        !(bar = strchr(field + 2, '|')))
        return -1;
    size_t len = (size_t)(bar - field - 2);
    if (len == 0 || len > NQ_ID_MAX)
        return -1;
    *kind = field[0];
    memcpy(sp, field + 2, len);
    sp[len] = '\0';
    *day = bar + 1;
    return (*kind == 'c') == (**day == '\0') ? 0 : -1;
}

static bool number(const char *s, int64_t *v)
{
    char *end;
    if (!*s)
        return false;
    long long x = strtoll(s, &end, 10);
    *v = x;
    return *end == '\0';
}

int nq_ar_cells_diff(const char *const *old, size_t n_old, const nq_ar_cell_t *cells, size_t n,
                     nq_ar_cell_t **delta, size_t *n_delta)
{
    nq_ar_cell_t *d = calloc(n + n_old / 2 + 1, sizeof(*d));
    *delta = d;
    *n_delta = 0;
    if (!d)
        return -1;
    if (n > 0)
        memcpy(d, cells, n * sizeof(*d));
    size_t k = n;
    for (size_t i = 0; i + 1 < n_old; i += 2) {
        char kind, sp[NQ_ID_MAX + 1];
        const char *day;
        int64_t v;
        if (strlen(old[i]) >= NQ_AR_CELL_MAX || nq_ar_cell_parts(old[i], &kind, sp, &day) != 0 ||
            !number(old[i + 1], &v))
            continue;
        snprintf(d[k].field, sizeof(d[k].field), "%s", old[i]);
        d[k++].fen = -v;
    }
    *n_delta = merge(d, k);
    return 0;
}

/* The local midnight of a day key "2026-12-15"; false when it is not one. */
static bool day_start(const char *day, int64_t *ms)
{
    const char *why;
    nq_period_t p;
    if (strlen(day) != 10 || nq_time_parse(day, ms, &why) != 0 ||
        nq_period_of(NQ_PERIOD_DAY, *ms, &p) != 0 || strcmp(p.key, day) != 0)
        return false;
    *ms = p.start_ms;
    return true;
}

void nq_ar_totals_age(const char *const *due, size_t n_due, const char *const *invoiced,
                      size_t n_invoiced, int64_t credit_fen, int64_t at, nq_ar_aging_t *sum)
{
    for (size_t i = 0; i + 1 < n_due; i += 2) {
        bool count = strncmp(due[i], "n|", 2) == 0;
        int64_t ms, v;
        if (!day_start(due[i] + (count ? 2 : 0), &ms) || !number(due[i + 1], &v))
            continue;
        nq_ar_bucket_t b = nq_ar_bucket_of(nq_ar_days_past_due(ms, at));
        if (count) {
            sum->open_invoices += v;
            continue;
        }
        sum->bucket_fen[b] += v;
        sum->open_fen += v;
        if (b != NQ_AR_NOT_DUE)
            sum->overdue_fen += v;
    }
    for (size_t i = 0; i + 1 < n_invoiced; i += 2) {
        int64_t ms, v;
        if (!day_start(invoiced[i], &ms) || !number(invoiced[i + 1], &v))
            continue;
        int64_t days = nq_ar_days_past_due(ms, at);
        if (days >= 0 && days < NQ_AR_DSO_DAYS)
            sum->invoiced_window_fen += v;
    }
    sum->credit_fen += credit_fen;
    sum->balance_fen = sum->open_fen - sum->credit_fen;
}
