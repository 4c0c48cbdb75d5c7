/* services/reporting/plans.h — scorecards and commission plans (pure).
 *
 * A scorecard weights chosen metrics and caps their attainment:
 *   {"effective_from":"2026-11-01",
 *    "metrics":[{"metric":"sales_amount","weight":0.4,"cap":1.5},
 *               {"metric":"visits","weight":0.2,"cap":1.5}, ...],   weights sum to 1
 *    "bands":[{"name":"C","min":0},{"name":"B","min":60},{"name":"A","min":80}]}
 * score = 100 x sum(weight x min(attainment, cap)); a metric without a target
 * (or with a target of 0) contributes 0 (and says so); a negative actual
 * counts attainment 0 (and says so). The explanation names, for the next band,
 * what one metric alone would take ("2 more visits or 8000.00 yuan more sales").
 *
 * A commission plan pays a base metric (an amount) by attainment tiers, each
 * tier's rate on the part of the actual that falls in it, with an
 * accelerator multiplying the rate above an attainment:
 *   {"effective_from":"2026-11-01","metric":"sales_amount",
 *    "tiers":[{"from":0,"rate":0.01},{"from":0.8,"rate":0.02},{"from":1.0,"rate":0.03}],
 *    "accelerator":{"above":1.0,"multiplier":1.5}}
 *
 * Plans are versioned documents: a version applies to the periods that start
 * on or after its effective_from, until a later version's date.
 */
#ifndef NQ_REPORTING_PLANS_H
#define NQ_REPORTING_PLANS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "nq/fielderr.h"
#include "nq/kpi.h"

#define PLAN_BANDS_MAX 8
#define PLAN_TIERS_MAX 8

typedef struct sc_metric {
    nq_metric_id_t metric; /* which */
    double weight;         /* share of the score, 0..1 */
    double cap;            /* attainment counted at most, e.g. 1.5 */
} sc_metric_t;

typedef struct sc_band {
    char name[24]; /* "A", "优秀" */
    double min;    /* lowest score in the band */
} sc_band_t;

typedef struct scorecard {
    int64_t effective_from;               /* Unix ms of the first day it applies */
    sc_metric_t metrics[NQ_METRIC_COUNT]; /* weighted metrics */
    size_t n_metrics;
    sc_band_t bands[PLAN_BANDS_MAX]; /* ascending by min */
    size_t n_bands;
} scorecard_t;

/* Everything a plan is evaluated on: the counters and the targets. */
typedef struct plan_input {
    nq_kpi_values_t values;               /* the period's counters */
    double target[NQ_METRIC_COUNT];       /* targets, metric unit (fen for money) */
    bool has_target[NQ_METRIC_COUNT];     /* which are set (or derived) */
    bool target_derived[NQ_METRIC_COUNT]; /* which are derived from the months' (nq/targets.h) */
} plan_input_t;

/* Parse and check a scorecard document. Returns 0, or -1 with errs filled
 * (field names like "metrics[1].weight"). */
int scorecard_parse(const json_t *doc, scorecard_t *out, nq_field_errors_t *errs);

/* The score and its explanation:
 * {"score":72.5,"band":"B","metrics":[{"metric","zh","actual","target","target_source",
 *   "attainment","cap","weight","contribution","note"}...],
 *  "next_band":{"band":"A","points":7.5,"options":[{"metric","more","zh","en"}...],
 *               "zh":"…或…","en":"… or …"}}  (next_band null at the top band)
 * New reference. */
json_t *scorecard_explain(const scorecard_t *sc, const plan_input_t *in);

/* The score alone (0 when nothing counts). */
double scorecard_score(const scorecard_t *sc, const plan_input_t *in);

typedef struct commission_tier {
    double from; /* attainment where the tier starts, 0.8 = 80 % */
    double rate; /* share of the amount paid, 0.02 = 2 % */
} commission_tier_t;

typedef struct commission_plan {
    int64_t effective_from;                  /* Unix ms */
    nq_metric_id_t metric;                   /* an amount metric */
    commission_tier_t tiers[PLAN_TIERS_MAX]; /* ascending by from; the first from 0 */
    size_t n_tiers;
    double accel_above;      /* attainment above which rates are multiplied */
    double accel_multiplier; /* 1 = no accelerator */
} commission_plan_t;

int commission_parse(const json_t *doc, commission_plan_t *out, nq_field_errors_t *errs);

/* The commission in fen and its explanation:
 * {"metric","actual","target","target_source","attainment","commission","tiers":[{"from","to","rate",
 *   "amount","commission"}...],"note","note_zh"}. Tier bounds fall on whole fen
 * (half up), so the amounts add up to the actual; each line's commission is
 * rounded half up to the fen, and the commission is the sum of the lines.
 * Without a target (or a target of 0) the commission is 0 with a note; a
 * negative actual pays 0 and shows attainment 0 with a note.
 * New reference; *fen receives the total. */
json_t *commission_explain(const commission_plan_t *p, const plan_input_t *in, int64_t *fen);

/* Parse "YYYY-MM-DD" (zone midnight) or RFC 3339 from a document field. */
int plan_parse_date(const json_t *v, int64_t *ms);

#endif
