/* nq/kpi.h — KPI counters and the metrics computed from them.
 *
 * Counters are what scorers keep per salesperson and day and per
 * salesperson and month (a Redis hash, one field per counter, see
 * services/scoring/apply.c for what moves them); a week is read as the sum
 * of its days, a quarter and a year as the sum of their months
 * (nq_kpi_parts), so an event costs two hashes, not five. Four more counters
 * are read from sets at read time: key customers visited / owned (visited
 * sets per day and month, a longer period reads their union; the key
 * customers at the period's end, nq/keyset.h) and orders due / of them
 * fulfilled on time (due sets per day and month of due_at, their union
 * intersected with the salesperson's on-time set: one cohort, so the rate
 * is within [0, 1] whatever order events arrive in).
 * Metrics are what people see: each is a row of the metric table, a formula
 * over counters ((a + b) / d), with a unit. Adding a metric is adding a row.
 *
 * | metric                | formula                                   | unit  |
 * |-----------------------|-------------------------------------------|-------|
 * | sales_amount          | orders - cancellations - returns (amount) | money |
 * | orders                | orders                                    | count |
 * | visits, calls, meetings, new_customers, tickets_opened | count    | count |
 * | collections           | payments (amount)                         | money |
 * | coverage              | key customers visited / key customers     | ratio |
 * | order_completion_rate | of orders due, fulfilled on time / due    | ratio |
 * | avg_order_value       | gross order amount / orders               | money |
 * | activity_to_order     | (visits + calls) / orders                 | ratio |
 * | feedback_score        | sum of ratings / ratings                  | score |
 * | tickets_closed, trainings | count                                 | count |
 * | nps                   | (promoters - detractors) / NPS answers    | ratio |
 * | training_hours        | seconds of training / 3600                | hours |
 * | tickets_overdue       | tickets open past their SLA at the end    | count |
 * | receivables_overdue   | open invoice amounts past due at the end  | money |
 * | dso                   | open balance at the end x days / invoiced | days  |
 * | nps_promoters         | NPS answers 9-10                          | count |
 * | nps_detractors        | NPS answers 0-6                           | count |
 *
 * Every metric has a direction: higher is better, or (what is overdue, and
 * nps_detractors) lower is better, where a target is a ceiling. Attainment,
 * ranking and the alert rules read it from the table (nq_attainment).
 *
 * tickets_overdue, receivables_overdue and dso are states, not sums: read for the instant the period
 * ends (now while it runs) from the receivables facts and the tickets of
 * the salesperson (nq_kpi_state_set, kpi_fetch.c), so they never add up
 * over parts and have no pace.
 *
 * Quotients are rounded once, half away from zero, to 4 decimals (ratios,
 * scores) or to the fen (average order value); see nq_metric_value.
 *
 *   nq_kpi_values_t v;
 *   nq_kpi_from_fields(fields, n, &v);   // HGETALL reply pairs
 *   double amount;
 *   nq_metric_value(NQ_METRIC_SALES_AMOUNT, &v, &amount);   // fen
 *
 * This header is pure (no JSON, protobuf or Redis). Beside it:
 * nq/kpi_json.h (values and periods as JSON, targets parsed from JSON),
 * nq/kpi_pb.h (values and periods as protobuf), nq/kpi_fetch.h (the
 * asynchronous Redis reads of counters and targets).
 */
#ifndef NQ_KPI_H
#define NQ_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/period.h"

typedef enum {
    NQ_KPI_SALES_FEN,
    NQ_KPI_ORDERS,
    NQ_KPI_VISITS,
    NQ_KPI_CALLS,
    NQ_KPI_MEETINGS,
    NQ_KPI_NEW_CUSTOMERS,
    NQ_KPI_COLLECTIONS_FEN,
    NQ_KPI_ORDER_VALUE_FEN,
    NQ_KPI_FEEDBACK_SUM,
    NQ_KPI_FEEDBACK_COUNT,
    NQ_KPI_TICKETS_OPENED,
    NQ_KPI_TICKETS_CLOSED,
    NQ_KPI_NPS_RESPONSES,
    NQ_KPI_NPS_NET,
    NQ_KPI_TRAINING_S,
    NQ_KPI_TRAININGS,
    NQ_KPI_NPS_PROMOTERS,  /* NPS answers 9-10 */
    NQ_KPI_NPS_DETRACTORS, /* NPS answers 0-6 */
    NQ_KPI_ORDERS_DUE,
    NQ_KPI_ORDERS_ON_TIME,
    NQ_KPI_KEY_VISITED,
    NQ_KPI_KEY_CUSTOMERS,
    NQ_KPI_TICKETS_OVERDUE, /* state at the period's end: tickets open past their SLA */
    NQ_KPI_AR_OVERDUE_FEN,  /* state: open invoice amounts past due */
    NQ_KPI_AR_DSO_NUM,      /* state: open balance (>= 0) x days of the period (fen-days) */
    NQ_KPI_AR_INVOICED_FEN, /* invoiced in the period (the DSO's sales) */
    NQ_KPI_COUNT
} nq_kpi_id_t;

/* Counters below this are kept in the KPI hash; the rest are read from sets. */
#define NQ_KPI_HASH_COUNT NQ_KPI_ORDERS_DUE
/* Counters from here on are state read at the period's end (nq_kpi_state_set). */
#define NQ_KPI_STATE_FIRST NQ_KPI_TICKETS_OVERDUE

typedef struct nq_kpi_def {
    const char *field; /* Redis hash field / name, "sales_fen" */
    bool money;        /* value is fen */
} nq_kpi_def_t;

extern const nq_kpi_def_t nq_kpi_defs[NQ_KPI_COUNT];

typedef struct nq_kpi_values {
    int64_t v[NQ_KPI_COUNT]; /* indexed by nq_kpi_id_t */
} nq_kpi_values_t;

/* ---- metrics -------------------------------------------------------------- */

typedef enum {
    NQ_UNIT_COUNT, /* whole number */
    NQ_UNIT_MONEY, /* fen, shown as decimal yuan */
    NQ_UNIT_RATIO, /* 0.8 = 80 %, 4 decimals */
    NQ_UNIT_SCORE, /* a mean rating 0..5, 4 decimals */
    NQ_UNIT_HOURS, /* hours from seconds, 2 decimals */
    NQ_UNIT_DAYS,  /* days, 1 decimal */
} nq_unit_t;

#define NQ_KPI_NONE (-1)

/* Which way a metric is better. */
typedef enum {
    NQ_HIGHER_IS_BETTER, /* sales, visits...: attainment = actual / target */
    NQ_LOWER_IS_BETTER,  /* overdue, DSO: the target is a ceiling, met when actual <= target */
    NQ_DIRECTION_COUNT
} nq_direction_t;

typedef struct nq_metric_def {
    const char *name; /* API name, "sales_amount" */
    const char *zh;   /* 中文名 */
    const char *en;   /* English name in sentences, "new customers" */
    nq_unit_t unit;   /* how the value reads */
    int num[2];       /* counters added for the numerator (NQ_KPI_NONE if unused) */
    int den;          /* counter divided by, or NQ_KPI_NONE */
    int64_t per;      /* without den: numerator units per unit shown (3600 s an hour); 0 = 1 */
    bool at_end;      /* a state at the period's end (or now), not a sum over the period */
    nq_direction_t direction; /* higher (the default, 0) or lower is better */
} nq_metric_def_t;

typedef enum {
    NQ_METRIC_SALES_AMOUNT,
    NQ_METRIC_ORDERS,
    NQ_METRIC_VISITS,
    NQ_METRIC_CALLS,
    NQ_METRIC_MEETINGS,
    NQ_METRIC_NEW_CUSTOMERS,
    NQ_METRIC_COLLECTIONS,
    NQ_METRIC_COVERAGE,
    NQ_METRIC_ORDER_COMPLETION_RATE,
    NQ_METRIC_AVG_ORDER_VALUE,
    NQ_METRIC_ACTIVITY_TO_ORDER,
    NQ_METRIC_FEEDBACK_SCORE,
    NQ_METRIC_TICKETS_OPENED,
    NQ_METRIC_TICKETS_CLOSED,
    NQ_METRIC_NPS,
    NQ_METRIC_TRAINING_HOURS,
    NQ_METRIC_TRAININGS,
    NQ_METRIC_TICKETS_OVERDUE,
    NQ_METRIC_RECEIVABLES_OVERDUE,
    NQ_METRIC_DSO,
    NQ_METRIC_NPS_PROMOTERS,
    NQ_METRIC_NPS_DETRACTORS,
    NQ_METRIC_COUNT
} nq_metric_id_t;

extern const nq_metric_def_t nq_metric_defs[NQ_METRIC_COUNT];

/* Metric for an API name, or -1. */
int nq_metric_find(const char *name);

/* The metric's value from counters (fen for money), exactly as it is shown:
 * a quotient (ratio, score, average) is rounded half away from zero to its
 * unit's precision (4 decimals; the fen for money) from the exact integers,
 * so everything derived from it (attainment, score) uses the figure people
 * see. Returns false when it is undefined (a ratio over zero). */
bool nq_metric_value(nq_metric_id_t m, const nq_kpi_values_t *v, double *out);

/* v rounded half away from zero to 1 / scale (scale 10000: 4 decimals, 1:
 * whole units), ignoring binary noise below a millionth of that unit, so a
 * product or quotient of decimals that is exactly half rounds up:
 * nq_round_to(0.6667 / 0.8, 10000) == 0.8334 (0.833375). */
double nq_round_to(double v, double scale);

/* v rounded (nq_round_to) to the precision metric m's unit is shown with:
 * whole units for counts and money (fen), 4 decimals for ratios and scores. */
double nq_metric_round(nq_metric_id_t m, double v);

/* "count", "money", "ratio", "score", "hours", "days" (the API's `unit`). */
const char *nq_unit_name(nq_unit_t u);

/* "higher_is_better" / "lower_is_better" (the API's `direction`). */
const char *nq_direction_name(nq_direction_t d);

/* Attainment of `actual` against `target` (> 0) in direction d, exact:
 * - higher is better: actual / target, 0 when the actual is below 0;
 * - lower is better (the target is a ceiling): 1 when actual <= target
 *   (met, 100 %), else target / actual (twice the ceiling: 0.5).
 * So attainment >= 1 means met in either direction, and a lower-is-better
 * attainment never exceeds nq_attainment_max (1).
 *   nq_attainment(NQ_LOWER_IS_BETTER, 2000, 1000) == 0.5 */
double nq_attainment(nq_direction_t d, double actual, double target);

/* The most attainment can be in direction d: INFINITY, or 1. */
double nq_attainment_max(nq_direction_t d);

/* +1 when higher is better, -1 when lower is: value x sign ranks higher-first. */
int nq_direction_sign(nq_direction_t d);

/* Metric m's direction (the table's). */
nq_direction_t nq_metric_direction(nq_metric_id_t m);

/* ---- counters ------------------------------------------------------------- */

/* Counter for a hash field name, or -1. */
int nq_kpi_find(const char *field);

/* Fill `out` from alternating field/value strings (n strings). Unknown fields
 * are ignored, missing ones are zero. Returns 0, or -1 when a known field's
 * value is not an integer. */
int nq_kpi_from_fields(const char *const *fields, size_t n, nq_kpi_values_t *out);

/* out += v, counter by counter. */
void nq_kpi_add(nq_kpi_values_t *out, const nq_kpi_values_t *v);

/* The most stored periods one period is read from (a year: 12 months). */
#define NQ_KPI_PARTS_MAX 12

/* The period kinds with KPI hashes and visited and due sets of their own:
 * the day first, then the month. */
#define NQ_KPI_STORED_KINDS 2
extern const nq_period_kind_t nq_kpi_stored_kinds[NQ_KPI_STORED_KINDS];

/* Whether periods of `kind` have KPI hashes of their own (day, month). */
bool nq_kpi_kind_stored(nq_period_kind_t kind);

/* The periods with KPI hashes whose counters add up to p's: p itself for a
 * day or month; the 7 days of a week; the 3 or 12 months of a quarter or
 * year. Returns how many (1..NQ_KPI_PARTS_MAX), or -1 when p is invalid. */
int nq_kpi_parts(const nq_period_t *p, nq_period_t out[NQ_KPI_PARTS_MAX]);

/* Most stored periods nq_kpi_span_parts may give (a year of single days and
 * then some). */
#define NQ_KPI_SPAN_PARTS_MAX 400

/* The stored periods whose counters add up to the days of `spans` (n spans
 * of whole days, ascending, not overlapping): every whole month a span
 * covers, and its other days one by one, in order. Returns how many were
 * written to out (room for max), or -1 when they do not fit or a span does
 * not start and end at local midnights. */
int nq_kpi_span_parts(const nq_span_t *spans, size_t n, nq_period_t *out, size_t max);

/* True when metric m needs the set-based counters (coverage, on-time
 * completion). */
bool nq_metric_needs_sets(nq_metric_id_t m);

/* The state figures of one salesperson at the instant a period is read for
 * (its end, or now while it runs), from which the state counters are set. */
typedef struct nq_kpi_state {
    int64_t tickets_overdue; /* tickets open past their SLA target at that instant */
    int64_t balance_fen;     /* open invoices less unapplied payments (may be < 0) */
    int64_t overdue_fen;     /* open invoice amounts past due */
    int64_t invoiced_fen;    /* invoiced on the days read */
    int64_t days;            /* days read, up to and including that instant's day */
} nq_kpi_state_t;

/* Set v's state counters from s: a negative balance counts 0 in the DSO,
 * whose numerator is balance x days, so a team's sum of members' counters
 * is its own DSO. */
void nq_kpi_state_set(nq_kpi_values_t *v, const nq_kpi_state_t *s);

/* The instant state metrics of a period ending at end_ms are read for:
 * its last millisecond, or now when that is later than now. */
int64_t nq_kpi_state_at(int64_t end_ms, int64_t now_ms);

/* The days of the stored period p up to and including the local day of
 * `at` (0 when p starts after that day). */
int64_t nq_kpi_days_until(const nq_period_t *p, int64_t at);

/* True for metrics that accumulate over a period (counts and amounts, no
 * denominator): they add up over parts of a period, and pace and projection
 * apply to them. The others are quotients (ratios, scores, averages). */
bool nq_metric_accumulates(nq_metric_id_t m);

#endif
