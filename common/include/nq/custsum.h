/* nq/custsum.h — a customer's summary figures (pure).
 *
 * The activity indexer keeps, per customer, a hash of figures that its
 * events move (common/lua/customer_events.lua), in the transaction that puts
 * each event in the customer's timeline and only when it joins it: a
 * redelivered or replayed event counts once, and a rebuild's replay of the
 * log fills in what is missing equal to live. Fields:
 *   "<month>|orders", "<month>|sales_fen"   per month (Asia/Shanghai, "2026-11"):
 *                                           orders; their amounts less
 *                                           cancellations and returns
 *   rating_sum, rating_count                 feedback ratings (1..5)
 *   nps_count, promoters, detractors         feedback NPS answers (0..10; 9-10, 0-6)
 *   competitor_mentions                      competitor_intel events
 *   open_tickets                             tickets opened and not closed (by ticket id)
 *   last_contact                             the latest visit, call or meeting's timeline
 *                                            member "<at>|<type>|<ref>|<salesperson>"
 * A summary reads them for the month, quarter and year of now and the
 * year before (months summed).
 *
 *   nq_custsum_t s;
 *   nq_custsum_read(fields, n, "2026-11", &s);   // s.sales[NQ_CUSTSUM_YEAR].sales_fen
 */
#ifndef NQ_CUSTSUM_H
#define NQ_CUSTSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/fielderr.h"

/* The spans a summary gives sales for. */
typedef enum {
    NQ_CUSTSUM_MONTH,
    NQ_CUSTSUM_QUARTER,
    NQ_CUSTSUM_YEAR,
    NQ_CUSTSUM_LAST_YEAR,
    NQ_CUSTSUM_SPANS
} nq_custsum_span_t;

typedef struct nq_custsum_sales {
    int64_t orders;    /* orders placed in the span */
    int64_t sales_fen; /* their amounts less cancellations and returns, fen */
} nq_custsum_sales_t;

typedef struct nq_custsum {
    nq_custsum_sales_t sales[NQ_CUSTSUM_SPANS]; /* by nq_custsum_span_t */
    int64_t rating_sum, rating_count;           /* feedback ratings */
    int64_t nps_count, promoters, detractors;   /* feedback NPS answers */
    int64_t competitor_mentions;                /* competitor_intel events */
    int64_t open_tickets;                       /* opened, not closed (never below 0) */
    int64_t last_contact_at;                    /* Unix ms; 0 none */
    char last_contact_type[16];                 /* visit, call or meeting; "" none */
    char last_contact_by[NQ_ID_MAX + 1];        /* salesperson id; "" none */
} nq_custsum_t;

/* What an event of `type` does to the figures: "order", "minus"
 * (order_cancelled, return), "feedback", "intel", "topen", "tclose",
 * "contact" (visit, call, meeting), "invoice", "payment" (receivables,
 * nq/receivable.h), or "" (nothing). */
const char *nq_custsum_kind(const char *type);

/* The span a month key ("2026-11") falls in when now is in month `now`, or
 * -1 when none (a month of this year after the quarter is in the year
 * only; a month of last year in last year only). */
int nq_custsum_span_of(const char *month, const char *now);

/* Read the figures hash (n alternating field/value strings) for the month
 * `now` ("2026-11"). Unknown or malformed fields are left out. */
void nq_custsum_read(const char *const *fields, size_t n, const char *now, nq_custsum_t *out);

/* NPS: promoters minus detractors in percent of the answers, in tenths
 * (-1000..1000) into *tenths. false when there are no answers. */
bool nq_custsum_nps(const nq_custsum_t *s, int64_t *tenths);

/* Average rating in hundredths (100..500) into *hundredths, rounded half
 * up. false when there are no ratings. */
bool nq_custsum_avg_rating(const nq_custsum_t *s, int64_t *hundredths);

/* A customer's tickets (its tickets hash, common/lua/customer_events.lua):
 * per ticket id its state ("<tid>" 1 opened, 2 closed, 3 both), its
 * earliest opening ("<tid>\x1fo" = "<13-digit at>\x1f<priority>") and its
 * latest close ("<tid>\x1fc" = "<13-digit at>"). */
typedef struct nq_custsum_tickets {
    int64_t open;      /* opened and not closed */
    int64_t overdue;   /* of those, past their SLA target at `now` (nq/aftersales.h) */
    int64_t closed;    /* closed with a known opening: the median's sample */
    int64_t breached;  /* of those, closed after their SLA target */
    bool has_median;   /* closed > 0 */
    int64_t median_ms; /* median time from opening to close */
} nq_custsum_tickets_t;

/* Read the tickets hash (n alternating field/value strings) at `now`.
 * Malformed fields are left out. Returns 0, or -1 when out of memory. */
int nq_custsum_tickets_read(const char *const *fields, size_t n, int64_t now,
                            nq_custsum_tickets_t *out);

/* How many tickets of a tickets hash (n alternating field/value strings;
 * only its time fields "<tid>\x1fo" and "<tid>\x1fc" are read, so it reads a
 * customer's hash and a salesperson's nq:{sp:<id>}:tickets alike) were
 * overdue at `at`: opened at or before it, not closed by it (no close, or
 * one after it), and more than their SLA target old then
 * (nq_sla_breached). -1 when out of memory. */
int64_t nq_custsum_tickets_overdue_at(const char *const *fields, size_t n, int64_t at);

#endif
