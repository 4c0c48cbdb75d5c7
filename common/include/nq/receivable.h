/* nq/receivable.h — receivables of a customer: payments applied to
 * invoices, aging at a date, DSO (pure; money in fen, exact).
 *
 * The activity indexer keeps each customer's invoice and payment events as
 * facts in a hash (common/lua/customer_events.lua, key nq_key_customer_ar),
 * one field per event, set only when the event joins the customer's
 * timeline. Everything else is computed from the facts at read time for a
 * date `at`, so the figures do not depend on the order events arrive in,
 * and a rebuild's replay gives what live gave:
 *   "i|<invoice event id>"  -> "<occurred_at>|<due_at>|<amount_fen>|<salesperson>|<order_id>"
 *   "p|<timeline ref>"      -> "<occurred_at>|<amount_fen>|<salesperson>|<target>"
 * where target is "" (none), "o:<order id>" or "i:<invoice event id>".
 *
 * Application (nq_ar_apply), events up to `at` in time order (ties: invoices
 * first, then by id): a payment goes first to the invoices it names (by
 * invoice id, or every invoice of the order it names, oldest first), then
 * to the open invoices oldest first; what is left is a credit that later
 * invoices take, oldest payment first.
 *
 *   nq_ar_t ar;
 *   nq_ar_parse(&ar, fields, n);              // HGETALL reply, alternating
 *   nq_ar_apply(&ar, at_ms);
 *   nq_ar_aging_t a = {0};
 *   nq_ar_age(&ar, at_ms, NULL, &a);          // every salesperson
 *   nq_ar_free(&ar);
 */
#ifndef NQ_RECEIVABLE_H
#define NQ_RECEIVABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/fielderr.h"

#define NQ_AR_TARGET_MAX (NQ_ID_MAX + 3) /* "o:" or "i:" and an id */
#define NQ_AR_DSO_DAYS   90              /* DSO's window of invoiced sales, days */

/* The aging buckets, by days past due at the date. */
typedef enum {
    NQ_AR_NOT_DUE, /* due today or later */
    NQ_AR_D1_30,   /* 1-30 days past due */
    NQ_AR_D31_60,  /* 31-60 */
    NQ_AR_D61_90,  /* 61-90 */
    NQ_AR_OVER_90, /* more than 90 */
    NQ_AR_BUCKETS
} nq_ar_bucket_t;

typedef struct nq_ar_invoice {
    char id[NQ_ID_MAX + 1];          /* the invoice event's id */
    char order_id[NQ_ID_MAX + 1];    /* the order it bills; "" none */
    char salesperson[NQ_ID_MAX + 1]; /* who it counts for */
    int64_t at;                      /* issued, Unix ms */
    int64_t due_at;                  /* due, Unix ms */
    int64_t amount_fen;              /* billed */
    int64_t open_fen;                /* nq_ar_apply: still unpaid at the date */
} nq_ar_invoice_t;

typedef struct nq_ar_payment {
    char ref[64];                    /* its timeline ref (order among equal times) */
    char target[NQ_AR_TARGET_MAX];   /* "o:<order>", "i:<invoice>" or "" */
    char salesperson[NQ_ID_MAX + 1]; /* who collected it */
    int64_t at;                      /* received, Unix ms */
    int64_t amount_fen;              /* received */
    int64_t left_fen;                /* nq_ar_apply: not applied (a credit) at the date */
} nq_ar_payment_t;

/* A customer's facts. The arrays are owned (nq_ar_free). */
typedef struct nq_ar {
    nq_ar_invoice_t *inv; /* invoices, sorted by nq_ar_apply */
    size_t n_inv;
    nq_ar_payment_t *pay; /* payments, sorted by nq_ar_apply */
    size_t n_pay;
    size_t skipped; /* malformed fields left out */
} nq_ar_t;

/* Sums over invoices and payments (of a customer, a salesperson, a team). */
typedef struct nq_ar_aging {
    int64_t bucket_fen[NQ_AR_BUCKETS]; /* open invoice amounts per bucket */
    int64_t open_fen;                  /* sum of the buckets */
    int64_t credit_fen;                /* payments not applied (overpaid) */
    int64_t balance_fen;               /* open_fen - credit_fen (may be < 0) */
    int64_t overdue_fen;               /* open past due: buckets 1-30 and after */
    int64_t invoiced_window_fen; /* invoiced on the NQ_AR_DSO_DAYS local days up to the date's */
    int64_t open_invoices;       /* invoices with something open */
} nq_ar_aging_t;

/* Parse n alternating field/value strings (a HGETALL) into ar (zeroed
 * first). Malformed fields are counted in ar->skipped. 0, or -1 out of
 * memory (ar empty). */
int nq_ar_parse(nq_ar_t *ar, const char *const *fields, size_t n);

void nq_ar_free(nq_ar_t *ar);

/* Apply the payments to the invoices as of `at` (Unix ms, inclusive):
 * sets open_fen and left_fen; facts after `at` are open 0 / left 0. */
void nq_ar_apply(nq_ar_t *ar, int64_t at);

/* Whole local days (the process zone, nq/period.h) from the day of due_at
 * to the day of at: 0 when due that day, < 0 before. */
int64_t nq_ar_days_past_due(int64_t due_at, int64_t at);

/* The bucket of an invoice `days` past due. */
nq_ar_bucket_t nq_ar_bucket_of(int64_t days);

/* Add ar's figures at `at` (after nq_ar_apply with the same at) to *sum,
 * counting only invoices and payments of salesperson `sp` (NULL: all). */
void nq_ar_age(const nq_ar_t *ar, int64_t at, const char *sp, nq_ar_aging_t *sum);

/* nq_ar_age for each of n salespeople at once: sums[i] gets what nq_ar_age
 * with sps[i] would add (one pass over the facts; a fact of a salesperson
 * not among sps counts nowhere). */
void nq_ar_age_each(const nq_ar_t *ar, int64_t at, const char *const *sps, size_t n,
                    nq_ar_aging_t *sums);

/* DSO in tenths of a day: balance ÷ invoiced in the window × window days,
 * rounded half up; a negative balance counts 0. false when nothing was
 * invoiced in the window. */
bool nq_ar_dso(const nq_ar_aging_t *a, int64_t *tenths);

/* The fact an event puts in the customer's receivables hash: for an
 * invoice "i|<event id>" (its timeline ref when the id is not a plain id),
 * for a payment "p|<ref>"; the value as above. A payment names an invoice
 * by its attribute invoice_id, else an order by order_id. Ids that are not
 * plain (nq_valid_id) are left out. Returns 1 with field and value written,
 * 0 for other types, -1 when a buffer is too small. */
typedef struct nq_ar_event {
    const char *type, *event_id, *ref, *salesperson, *order_id, *invoice_id; /* NULL: none */
    int64_t at, due_at, amount_fen;
} nq_ar_event_t;
int nq_ar_fact(const nq_ar_event_t *ev, char *field, size_t flen, char *value, size_t vlen);

/* The instant an invoice due at due_at becomes past due: the local
 * midnight that starts the day after its due day (nq_ar_days_past_due
 * reaches 1 there). */
int64_t nq_ar_overdue_from(int64_t due_at);

/* After nq_ar_apply(ar, at): whether an invoice open at `at` is past due
 * then, and the earliest instant after `at` when another invoice open at
 * `at` becomes past due (*next, 0 when none). */
void nq_ar_overdue_state(const nq_ar_t *ar, int64_t at, bool *overdue, int64_t *next);

/* The amounts invoiced by salesperson sp (NULL: all) issued in [from, to). */
int64_t nq_ar_invoiced(const nq_ar_t *ar, const char *sp, int64_t from, int64_t to);

/* The name of a bucket: not_due, d1_30, d31_60, d61_90, over_90. */
const char *nq_ar_bucket_name(nq_ar_bucket_t b);

#endif
