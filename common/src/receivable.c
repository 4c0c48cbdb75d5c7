/* receivable.c — payments applied to invoices, aging, DSO. See nq/receivable.h. */
#include "nq/receivable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/period.h"

#define DAY_MS 86400000LL

static const char *const bucket_names[NQ_AR_BUCKETS] = {"not_due", "d1_30", "d31_60", "d61_90",
                                                        "over_90"};

const char *nq_ar_bucket_name(nq_ar_bucket_t b)
{
    return b < NQ_AR_BUCKETS ? bucket_names[b] : "";
}

/* Split s at '|' into at most max parts (in place); how many. */
static size_t split(char *s, char **parts, size_t max)
{
    size_t n = 0;
    parts[n++] = s;
    for (char *p = s; *p && n < max; p++) {
        if (*p == '|') {
            *p = '\0';
            parts[n++] = p + 1;
        }
    }
    return n;
}

static bool num(const char *s, int64_t min, int64_t *out)
{
    char *end;
    if (!*s)
        return false;
    long long v = strtoll(s, &end, 10);
    if (*end || v < min)
        return false;
    *out = v;
    return true;
}

static bool copy(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n >= len)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static bool parse_invoice(nq_ar_invoice_t *v, const char *id, const char *value)
{
    char buf[256], *p[5];
    if (!copy(buf, sizeof(buf), value) || split(buf, p, 5) != 5)
        return false;
    return copy(v->id, sizeof(v->id), id) && *v->id && num(p[0], 0, &v->at) &&
           num(p[1], 0, &v->due_at) && num(p[2], 0, &v->amount_fen) &&
           copy(v->salesperson, sizeof(v->salesperson), p[3]) &&
           copy(v->order_id, sizeof(v->order_id), p[4]);
}

static bool parse_payment(nq_ar_payment_t *v, const char *ref, const char *value)
{
    char buf[256], *p[4];
    if (!copy(buf, sizeof(buf), value) || split(buf, p, 4) != 4)
        return false;
    return copy(v->ref, sizeof(v->ref), ref) && num(p[0], 0, &v->at) &&
           num(p[1], 0, &v->amount_fen) && copy(v->salesperson, sizeof(v->salesperson), p[2]) &&
           copy(v->target, sizeof(v->target), p[3]) &&
           (!*v->target || strncmp(v->target, "o:", 2) == 0 || strncmp(v->target, "i:", 2) == 0);
}

int nq_ar_parse(nq_ar_t *ar, const char *const *fields, size_t n)
{
    memset(ar, 0, sizeof(*ar));
    ar->inv = calloc(n / 2 + 1, sizeof(*ar->inv));
    ar->pay = calloc(n / 2 + 1, sizeof(*ar->pay));
    if (!ar->inv || !ar->pay) {
        nq_ar_free(ar);
        return -1;
    }
    for (size_t i = 0; i + 1 < n; i += 2) {
        const char *f = fields[i], *v = fields[i + 1];
        if (strncmp(f, "i|", 2) == 0 && parse_invoice(&ar->inv[ar->n_inv], f + 2, v))
            ar->n_inv++;
        else if (strncmp(f, "p|", 2) == 0 && parse_payment(&ar->pay[ar->n_pay], f + 2, v))
            ar->n_pay++;
        else
            ar->skipped++;
    }
    return 0;
}

void nq_ar_free(nq_ar_t *ar)
{
    free(ar->inv);
    free(ar->pay);
    memset(ar, 0, sizeof(*ar));
}

static int inv_cmp(const void *a, const void *b)
{
    const nq_ar_invoice_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->due_at != y->due_at)
        return x->due_at < y->due_at ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int pay_cmp(const void *a, const void *b)
{
    const nq_ar_payment_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->ref, y->ref);
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Whether invoice v is one payment target t names. */
static bool names(const char *t, const nq_ar_invoice_t *v)
{
    if (strncmp(t, "i:", 2) == 0)
        return strcmp(t + 2, v->id) == 0;
    return strncmp(t, "o:", 2) == 0 && *v->order_id && strcmp(t + 2, v->order_id) == 0;
}

/* Apply payment p to the first `issued` invoices: named ones, then any,
 * oldest first. */
static void pay_invoices(nq_ar_t *ar, size_t issued, nq_ar_payment_t *p)
{
    for (int pass = *p->target ? 0 : 1; pass < 2 && p->left_fen > 0; pass++) {
        for (size_t i = 0; i < issued && p->left_fen > 0; i++) {
            nq_ar_invoice_t *v = &ar->inv[i];
            if (pass == 0 && !names(p->target, v))
                continue;
            int64_t take = min64(v->open_fen, p->left_fen);
            v->open_fen -= take;
            p->left_fen -= take;
        }
    }
}

/* A new invoice v takes the credits of the first `received` payments,
 * oldest first. */
static void take_credits(nq_ar_t *ar, size_t received, nq_ar_invoice_t *v)
{
    for (size_t i = 0; i < received && v->open_fen > 0; i++) {
        int64_t take = min64(v->open_fen, ar->pay[i].left_fen);
        v->open_fen -= take;
        ar->pay[i].left_fen -= take;
    }
}

void nq_ar_apply(nq_ar_t *ar, int64_t at)
{
    qsort(ar->inv, ar->n_inv, sizeof(*ar->inv), inv_cmp);
    qsort(ar->pay, ar->n_pay, sizeof(*ar->pay), pay_cmp);
    for (size_t i = 0; i < ar->n_inv; i++)
        ar->inv[i].open_fen = 0;
    for (size_t i = 0; i < ar->n_pay; i++)
        ar->pay[i].left_fen = 0;
    size_t vi = 0, pi = 0;
    for (;;) { /* merge by time; at equal times the invoice first */
        bool inv = vi < ar->n_inv && ar->inv[vi].at <= at;
        bool pay = pi < ar->n_pay && ar->pay[pi].at <= at;
        if (inv && (!pay || ar->inv[vi].at <= ar->pay[pi].at)) {
            nq_ar_invoice_t *v = &ar->inv[vi++];
            v->open_fen = v->amount_fen;
            take_credits(ar, pi, v);
        } else if (pay) {
            nq_ar_payment_t *p = &ar->pay[pi++];
            p->left_fen = p->amount_fen;
            pay_invoices(ar, vi, p);
        } else {
            break;
        }
    }
}

int64_t nq_ar_days_past_due(int64_t due_at, int64_t at)
{
    nq_period_t d, a;
    if (nq_period_of(NQ_PERIOD_DAY, due_at, &d) != 0 || nq_period_of(NQ_PERIOD_DAY, at, &a) != 0)
        return 0;
    int64_t diff = a.start_ms - d.start_ms; /* a DST day is 23 or 25 h: round */
    return diff >= 0 ? (diff + DAY_MS / 2) / DAY_MS : -((-diff + DAY_MS / 2) / DAY_MS);
}

nq_ar_bucket_t nq_ar_bucket_of(int64_t days)
{
    if (days <= 0)
        return NQ_AR_NOT_DUE;
    if (days <= 30)
        return NQ_AR_D1_30;
    if (days <= 60)
        return NQ_AR_D31_60;
    if (days <= 90)
        return NQ_AR_D61_90;
    return NQ_AR_OVER_90;
}

/* The sum of sums[0..n) that counts salesperson `who`: sums[0] when sps is NULL (every
 * one), else the one at who's place in sps; NULL when none. */
/* Is it `sp`'s (any salesperson's when sp is NULL)? */
static bool of(const char *who, const char *sp)
{
    return !sp || strcmp(who, sp) == 0;
}

static nq_ar_aging_t *sum_of(const char *who, const char *const *sps, size_t n, nq_ar_aging_t *sums)
{
    if (!sps)
        return sums;
    for (size_t i = 0; i < n; i++)
        if (strcmp(who, sps[i]) == 0)
            return &sums[i];
    return NULL;
}

/* Add ar's invoices and payments to the sums of their salespeople (sum_of). */
static void age_into(const nq_ar_t *ar, int64_t at, const char *const *sps, size_t n,
                     nq_ar_aging_t *sums)
{
    for (size_t i = 0; i < ar->n_inv; i++) {
        const nq_ar_invoice_t *v = &ar->inv[i];
        nq_ar_aging_t *sum = v->at <= at ? sum_of(v->salesperson, sps, n, sums) : NULL;
        if (!sum)
            continue;
        if (nq_ar_days_past_due(v->at, at) < NQ_AR_DSO_DAYS) /* whole local days */
            sum->invoiced_window_fen += v->amount_fen;
        if (v->open_fen <= 0)
            continue;
        nq_ar_bucket_t b = nq_ar_bucket_of(nq_ar_days_past_due(v->due_at, at));
        sum->bucket_fen[b] += v->open_fen;
        sum->open_fen += v->open_fen;
        if (b != NQ_AR_NOT_DUE)
            sum->overdue_fen += v->open_fen;
        sum->open_invoices++;
    }
    for (size_t i = 0; i < ar->n_pay; i++) {
        nq_ar_aging_t *sum = sum_of(ar->pay[i].salesperson, sps, n, sums);
        if (sum)
            sum->credit_fen += ar->pay[i].left_fen;
    }
    for (size_t i = 0; i < (sps ? n : 1); i++)
        sums[i].balance_fen = sums[i].open_fen - sums[i].credit_fen;
}

void nq_ar_age(const nq_ar_t *ar, int64_t at, const char *sp, nq_ar_aging_t *sum)
{
    age_into(ar, at, sp ? &sp : NULL, 1, sum);
}

void nq_ar_age_each(const nq_ar_t *ar, int64_t at, const char *const *sps, size_t n,
                    nq_ar_aging_t *sums)
{
    if (n > 0)
        age_into(ar, at, sps, n, sums);
}

bool nq_ar_dso(const nq_ar_aging_t *a, int64_t *tenths)
{
    if (a->invoiced_window_fen <= 0)
        return false;
    int64_t bal = a->balance_fen > 0 ? a->balance_fen : 0;
    /* in 128 bits: a company's balance times 1800 may pass int64 */
    __int128 num = (__int128)bal * 10 * NQ_AR_DSO_DAYS;
    *tenths =
        (int64_t)((num * 2 + a->invoiced_window_fen) / (2 * (__int128)a->invoiced_window_fen));
    return true;
}

static const char *plain(const char *id)
{
    return id && nq_valid_id(id) ? id : "";
}

static int fits(int n, size_t len)
{
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int nq_ar_fact(const nq_ar_event_t *ev, char *field, size_t flen, char *value, size_t vlen)
{
    const char *sp = plain(ev->salesperson);
    if (ev->type && strcmp(ev->type, "invoice") == 0) {
        const char *id = *plain(ev->event_id) ? ev->event_id : ev->ref;
        return fits(snprintf(field, flen, "i|%s", id), flen) == 0 &&
                       fits(snprintf(value, vlen, "%lld|%lld|%lld|%s|%s", (long long)ev->at,
                                     (long long)ev->due_at, (long long)ev->amount_fen, sp,
                                     plain(ev->order_id)),
                            vlen) == 0
                   ? 1
                   : -1;
    }
    if (!ev->type || strcmp(ev->type, "payment") != 0)
        return 0;
    char target[NQ_AR_TARGET_MAX] = "";
    if (*plain(ev->invoice_id))
        snprintf(target, sizeof(target), "i:%s", ev->invoice_id);
    else if (*plain(ev->order_id))
        snprintf(target, sizeof(target), "o:%s", ev->order_id);
    return fits(snprintf(field, flen, "p|%s", ev->ref), flen) == 0 &&
                   fits(snprintf(value, vlen, "%lld|%lld|%s|%s", (long long)ev->at,
                                 (long long)ev->amount_fen, sp, target),
                        vlen) == 0
               ? 1
               : -1;
}

int64_t nq_ar_overdue_from(int64_t due_at)
{
    nq_period_t d;
    return nq_period_of(NQ_PERIOD_DAY, due_at, &d) == 0 ? d.end_ms : due_at + DAY_MS;
}

void nq_ar_overdue_state(const nq_ar_t *ar, int64_t at, bool *overdue, int64_t *next)
{
    *overdue = false;
    *next = 0;
    for (size_t i = 0; i < ar->n_inv; i++) {
        const nq_ar_invoice_t *v = &ar->inv[i];
        if (v->at > at || v->open_fen <= 0)
            continue;
        int64_t from = nq_ar_overdue_from(v->due_at);
        if (from <= at)
            *overdue = true;
        else if (*next == 0 || from < *next)
            *next = from;
    }
}

int64_t nq_ar_invoiced(const nq_ar_t *ar, const char *sp, int64_t from, int64_t to)
{
    int64_t sum = 0;
    for (size_t i = 0; i < ar->n_inv; i++) {
        const nq_ar_invoice_t *v = &ar->inv[i];
        if (of(v->salesperson, sp) && v->at >= from && v->at < to)
            sum += v->amount_fen;
    }
    return sum;
}
