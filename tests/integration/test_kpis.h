/* tests/integration/test_kpis.h — what the parts of test_kpis share.
 *
 * test_kpis is one program in five files, registered in test_kpis.c in the
 * order its tests build on each other:
 *   test_kpis_data.c     the org, the events, the hand counts and the metrics
 *                        worked out from them, and the checks built on them
 *   test_kpis.c          the org, the activities, KPIs and overviews; the suite
 *   test_kpis_targets.c  targets, pace, splits and their rules, coverage
 *   test_kpis_boards.c   leaderboards, scorecards, commission, scores, simulations
 *   test_kpis_rebuild.c  the rebuild from the activity log, nqctl rebuild
 */
#ifndef NQ_TEST_KPIS_H
#define NQ_TEST_KPIS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "testkit.h"

#define HOLIDAYS   "2026-10-01..2026-10-07"
#define MAKEUP     "2026-09-27,2026-10-10"
#define TEAM       "t-east"
#define TEAM_W     "t-west"
#define SP_A       "sp-zhang"
#define SP_B       "sp-li"
#define SP_C       "sp-wang"
#define SP_W       "sp-zhao"
#define SCORE_MS   15000 /* how long scorers may take to apply what was accepted */
#define REBUILD_MS 30000 /* how long one rebuild may take */
#define N_SP       4
#define N_PAD      50000 /* log entries that make a rebuild's scan take a while */

/* One activity. on_time: 0 absent, 1 true, 2 false; rating, nps: 0 absent;
 * xk/xv: one more string field (ticket_id, competitor, course). */
typedef struct ev {
    const char *id, *type, *sp, *cust, *at, *amount, *order_id, *due;
    int on_time, rating, nps;
    const char *xk, *xv;
} ev_t;

#define D25(md, hm) "2025-" md "T" hm ":00+08:00"
#define D26(md, hm) "2026-" md "T" hm ":00+08:00"

/* Table rows: E (plain, amount or NULL), EO (with order id and due date),
 * EF (order_fulfilled: on_time 1 true, 2 false), EFB (feedback: rating,
 * nps, 0 = absent), EX (one more string field). */
#define E(i, t, s, c, a, amt)                                                                      \
    {                                                                                              \
        .id = i, .type = t, .sp = s, .cust = c, .at = a, .amount = amt                             \
    }
#define EO(i, t, s, c, a, amt, o, d)                                                               \
    {                                                                                              \
        .id = i, .type = t, .sp = s, .cust = c, .at = a, .amount = amt, .order_id = o, .due = d    \
    }
#define EF(i, s, c, a, amt, o, ot)                                                                 \
    {                                                                                              \
        .id = i, .type = "order_fulfilled", .sp = s, .cust = c, .at = a, .amount = amt,            \
        .order_id = o, .on_time = ot                                                               \
    }
#define EFB(i, s, c, a, r, n)                                                                      \
    {                                                                                              \
        .id = i, .type = "feedback", .sp = s, .cust = c, .at = a, .rating = r, .nps = n            \
    }
#define EX(i, t, s, c, a, k, v)                                                                    \
    {                                                                                              \
        .id = i, .type = t, .sp = s, .cust = c, .at = a, .xk = k, .xv = v                          \
    }

/* Counters of one salesperson and period, as docs/metrics.md defines them
 * (money in fen). */
typedef struct cnt {
    long long sales, orders, visits, calls, meetings, new_customers, collections, order_value, due,
        on_time, fb_sum, fb_count, tickets;
} cnt_t;

/* Counters of some salespeople summed, with the key customers they visited
 * in the period and those they own. */
typedef struct agg {
    cnt_t c;
    long long key_visited, key_customers;
} agg_t;

typedef enum { U_COUNT, U_MONEY, U_RATIO, U_SCORE } unit_t;

typedef enum {
    M_SALES,
    M_ORDERS,
    M_VISITS,
    M_CALLS,
    M_MEETINGS,
    M_NEW,
    M_COLLECTIONS,
    M_COVERAGE,
    M_COMPLETION,
    M_AVG,
    M_A2O,
    M_FEEDBACK,
    M_TICKETS,
    M_COUNT
} metric_t;

/* A metric as answers show it. */
typedef struct metric_def {
    const char *name;
    unit_t unit;
    bool accumulates; /* counts and amounts: pace and projection apply */
} metric_def_t;

/* Targets kept by the test, as they were PUT. */
typedef struct tset {
    bool has[M_COUNT];
    double v[M_COUNT]; /* metric unit, fen for money */
} tset_t;

/* ---- test_kpis_data.c ---- */

extern const ev_t s_events[];
extern const size_t s_n_events;
extern const char *const s_sps[N_SP];
extern const char *const s_team[3];
extern const char *s_keys[N_SP][4]; /* the key customers each salesperson owns now */
extern const metric_def_t s_metrics[M_COUNT];
extern tset_t s_t_a_oct, s_t_b_oct, s_t_team_oct, s_t_company_oct, s_t_a_sep;

int sp_index(const char *sp);
bool month_in(const char *month, const char *key);
void cnt_add(cnt_t *a, const cnt_t *b);
agg_t expect_of(const char *const *sps, size_t n, const char *key);
bool ratio(long long a, long long b, long long scale, double *v);
double round4(double x);
bool metric_of(const agg_t *a, metric_t m, double *v);
void fmt_fen(long long fen, char *buf, size_t len);
void check_metric(const json_t *got, metric_t m, bool defined, double v, const char *ctx);
void tset_put(tset_t *t, metric_t m, double v);
void check_sp_kpis(const char *sp, const char *kind, const char *at, const char *key);
void check_change(const json_t *got, bool has_a, double a, bool has_b, double b, const char *ctx,
                  const char *what);
json_t *check_overview(const char *path, const char *subject, const char *const *sps, size_t n,
                       const char *key, const char *prev, const char *ly, const tset_t *t,
                       bool past);
json_t *ev_json(const ev_t *e);
const ev_t *find_event(const char *id);

/* ---- test_kpis.c ---- */

extern const char *const s_all[4];
const json_t *ov(const json_t *j, const char *metric, const char *field);
const json_t *ov_change(const json_t *j, const char *metric, const char *which);
void test_org(void);
void test_activities(void);
void test_salesperson_kpis(void);
void test_overviews(void);

/* ---- test_kpis_targets.c ---- */

void put_targets(const char *path, const char *body, const char *want_text);
void test_targets(void);
void test_attainment_and_pace(void);
void test_current_month(void);
void test_splits(void);
void test_zero_target_is_none(void);
void test_negative_net_sales(void);
void test_ratio_shown_is_used(void);
void test_split_rules(void);
void test_coverage_follows_customers(void);

/* ---- test_kpis_boards.c ---- */

void check_line(const json_t *lines, size_t i, const char *metric, const char *actual,
                const char *target, const char *attainment, double cap, double weight,
                double contribution, const char *note, const char *ctx);
json_t *get_score(const char *sp, const char *period, const char *at);
void test_leaderboards(void);
void test_board_names(void);
void test_plans(void);
void test_scores(void);
void test_score_boards(void);
void test_scorecard_without_bands(void);
void test_simulation(void);
void test_kept_boards(void);

/* ---- test_kpis_rebuild.c ---- */

void test_rebuild(void);
void test_nqctl_rebuild(void);
void kpis_rebuild_free(void); /* what the rebuild tests keep */

#endif
