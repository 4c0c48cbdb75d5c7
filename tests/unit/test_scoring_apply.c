/* test_scoring_apply.c — services/scoring/apply.h: counter deltas per event type and the batch
 * aggregation into (Redis key, counter) cells.
 *
 * The host TZ is UTC and the module zone Asia/Shanghai, so the week keys below only come out
 * right when the module applies its own zone. Instants: `date -d '<RFC 3339>' +%s`:
 *   2026-11-26T09:30:00+08:00 (Thursday)  1795656600
 *   2026-11-27T10:00:00+08:00 (Friday)    1795744800
 *   2026-11-29T23:59:59+08:00 (Sunday)    1795967999
 *   2026-11-30T00:00:00+08:00 (Monday)    1795968000  (still Sunday 16:00 in UTC)
 *   2027-01-01T00:00:00+08:00 (Friday)    1798732800  (ISO week 2026-W53) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq_test.h"
#include "scoring/apply.h"

#define THU_0930 1795656600000LL
#define FRI_1000 1795744800000LL
#define SUN_2359 1795967999000LL
#define MON_0000 1795968000000LL
#define NEW_YEAR 1798732800000LL

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static Nq__Activity event(const char *type, const char *sp, int64_t at, int64_t amount)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = "evt-1";
    ev.type = (char *)type;
    ev.salesperson_id = (char *)sp;
    ev.has_occurred_at = 1;
    ev.occurred_at = at;
    if (amount) {
        ev.has_amount_fen = 1;
        ev.amount_fen = amount;
    }
    return ev;
}

/* The summed delta of (key, kpi), or -999 when there is no such cell. */
static int64_t cell(const scoring_agg_t *agg, const char *key, nq_kpi_id_t kpi)
{
    int found = 0;
    int64_t delta = -999;
    for (size_t i = 0; i < agg->n; i++) {
        if (agg->cells[i].kpi == kpi && strcmp(agg->cells[i].key, key) == 0) {
            found++;
            delta = agg->cells[i].delta;
        }
    }
    CU_ASSERT(found <= 1); /* a cell is never duplicated */
    return delta;
}

/* Cells of counter `kpi`. */
static size_t cells_of(const scoring_agg_t *agg, nq_kpi_id_t kpi)
{
    size_t n = 0;
    for (size_t i = 0; i < agg->n; i++)
        n += agg->cells[i].kpi == kpi;
    return n;
}

/* ---- deltas ------------------------------------------------------------- */

/* The delta for `kpi` among out[0..n), or -999. */
static int64_t delta_of(const scoring_delta_t *out, size_t n, nq_kpi_id_t kpi)
{
    for (size_t i = 0; i < n; i++) {
        if (out[i].kpi == kpi)
            return out[i].delta;
    }
    return -999;
}

static void test_deltas_order(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("order", "sp-001", THU_0930, 8000000);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 2);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_ORDERS), 1);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_SALES_FEN), 8000000);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_VISITS), -999);
}

static void test_deltas_visit_call(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("visit", "sp-001", THU_0930, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 1);
    CU_ASSERT_EQUAL(out[0].kpi, NQ_KPI_VISITS);
    CU_ASSERT_EQUAL(out[0].delta, 1);
    ev = event("call", "sp-001", THU_0930, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 1);
    CU_ASSERT_EQUAL(out[0].kpi, NQ_KPI_CALLS);
    CU_ASSERT_EQUAL(out[0].delta, 1);
    /* An amount on a visit moves no sales. */
    ev = event("visit", "sp-001", THU_0930, 500);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 1);
    CU_ASSERT_EQUAL(out[0].kpi, NQ_KPI_VISITS);
}

static void test_deltas_none(void)
{
    static const char *const types[] = {"lunch", "", "Order", "orders", "payment", "invoice"};
    scoring_delta_t out[SCORING_DELTAS_MAX];
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Nq__Activity ev = event(types[i], "sp-001", THU_0930, 100);
        CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
    }
    Nq__Activity ev = event(NULL, "sp-001", THU_0930, 100);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);

    /* Such an event adds nothing. */
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    ev = event("lunch", "sp-001", THU_0930, 100);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 0);
    scoring_agg_free(&agg);
}

/* ---- aggregation -------------------------------------------------------- */

static void test_one_event_five_periods(void)
{
    static const char *const keys[5] = {
        "nq:{sp:sp-001}:kpi:2026-11-26", "nq:{sp:sp-001}:kpi:2026-W48",
        "nq:{sp:sp-001}:kpi:2026-11",    "nq:{sp:sp-001}:kpi:2026-Q4",
        "nq:{sp:sp-001}:kpi:2026",
    };
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("order", "sp-001", THU_0930, 8000000);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 10);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_ORDERS), 5);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_SALES_FEN), 5);
    for (int k = 0; k < 5; k++) {
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_ORDERS), 1);
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_SALES_FEN), 8000000);
    }

    ev = event("visit", "sp-001", THU_0930, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 15);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_VISITS), 5);
    for (int k = 0; k < 5; k++)
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_VISITS), 1);
    scoring_agg_free(&agg);
    CU_ASSERT_EQUAL(agg.n, 0);
    CU_ASSERT_PTR_NULL(agg.cells);
}

static void test_same_week_sums(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity a = event("order", "sp-001", THU_0930, 8000000);
    Nq__Activity b = event("order", "sp-001", FRI_1000, 150);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &a), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &b), 0);
    /* Two day keys, then week, month, quarter, year shared: 6 keys x 2 counters. */
    CU_ASSERT_EQUAL(agg.n, 12);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-W48", NQ_KPI_SALES_FEN), 8000150);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-W48", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026", NQ_KPI_SALES_FEN), 8000150);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-26", NQ_KPI_SALES_FEN), 8000000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_SALES_FEN), 150);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_ORDERS), 1);

    /* Another salesperson the same week: separate cells. */
    Nq__Activity c = event("order", "sp-002", THU_0930, 7);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &c), 0);
    CU_ASSERT_EQUAL(agg.n, 22);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-002}:kpi:2026-W48", NQ_KPI_SALES_FEN), 7);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-W48", NQ_KPI_SALES_FEN), 8000150);
    scoring_agg_free(&agg);
}

static void test_week_boundary(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity sun = event("call", "sp-001", SUN_2359, 0);
    Nq__Activity mon = event("call", "sp-001", MON_0000, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &sun), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &mon), 0);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-W48", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-W49", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-29", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-30", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-Q4", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(agg.n, 7); /* 2 days + 2 weeks + month + quarter + year */
    scoring_agg_free(&agg);
}

static void test_new_year_iso_week(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("visit", "sp-9", NEW_YEAR, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 5);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027-01-01", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2026-W53", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027-01", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027-Q1", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027", NQ_KPI_VISITS), 1);
    scoring_agg_free(&agg);
}

static void test_add_direct(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_ORDERS, 5), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_CALLS, 1), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_ORDERS, -7), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k2", NQ_KPI_ORDERS, 3), 0);
    CU_ASSERT_EQUAL_FATAL(agg.n, 3);
    /* First-touch order. */
    CU_ASSERT_STRING_EQUAL(agg.cells[0].key, "k1");
    CU_ASSERT_EQUAL(agg.cells[0].kpi, NQ_KPI_ORDERS);
    CU_ASSERT_EQUAL(agg.cells[0].delta, -2);
    CU_ASSERT_EQUAL(agg.cells[1].kpi, NQ_KPI_CALLS);
    CU_ASSERT_EQUAL(agg.cells[1].delta, 1);
    CU_ASSERT_STRING_EQUAL(agg.cells[2].key, "k2");
    CU_ASSERT_EQUAL(agg.cells[2].delta, 3);

    /* The longest key that fits, and one byte more. */
    char key[SCORING_KEY_MAX + 1];
    memset(key, 'k', SCORING_KEY_MAX);
    key[SCORING_KEY_MAX - 1] = '\0';
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, key, NQ_KPI_VISITS, 1), 0);
    key[SCORING_KEY_MAX - 1] = 'k';
    key[SCORING_KEY_MAX] = '\0';
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, key, NQ_KPI_VISITS, 1), -1);
    CU_ASSERT_EQUAL(agg.n, 4);
    scoring_agg_free(&agg);

    /* Usable again after free. */
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k3", NQ_KPI_VISITS, 2), 0);
    CU_ASSERT_EQUAL(agg.n, 1);
    scoring_agg_free(&agg);
}

static void test_event_failures_add_nothing(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ok = event("order", "sp-001", THU_0930, 100);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ok), 0);
    CU_ASSERT_EQUAL(agg.n, 10);

    /* Before 1970: outside the calendar. */
    Nq__Activity old = event("order", "sp-001", -86400000LL * 400, 100);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &old), -1);
    /* A salesperson id so long that the key does not fit 128 bytes. */
    char sp[120];
    memset(sp, 's', sizeof(sp) - 1);
    sp[sizeof(sp) - 1] = '\0';
    Nq__Activity wide = event("order", sp, THU_0930, 100);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &wide), -1);

    CU_ASSERT_EQUAL(agg.n, 10);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026", NQ_KPI_SALES_FEN), 100);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026", NQ_KPI_ORDERS), 1);
    scoring_agg_free(&agg);
}

#define MANY 10000

static void add_many(scoring_agg_t *agg)
{
    char sp[32];
    int failures = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(sp, sizeof(sp), "sp-%05d", i);
        Nq__Activity order = event("order", sp, THU_0930, i + 1);
        Nq__Activity visit = event("visit", sp, FRI_1000, 0);
        failures += scoring_agg_add_event(agg, &order) != 0;
        failures += scoring_agg_add_event(agg, &visit) != 0;
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_growth(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    add_many(&agg);
    /* Per salesperson: the order gives day 11-26, W48, 11, Q4, 2026 x {orders, sales} = 10
     * cells; the visit gives day 11-27, W48, 11, Q4, 2026 x {visits} = 5 more. */
    CU_ASSERT_EQUAL_FATAL(agg.n, (size_t)MANY * 15);

    int64_t total[NQ_KPI_COUNT] = {0};
    for (size_t i = 0; i < agg.n; i++)
        total[agg.cells[i].kpi] += agg.cells[i].delta;
    /* 5 periods x sum(1..10000) = 5 x 50005000. */
    CU_ASSERT_EQUAL(total[NQ_KPI_SALES_FEN], 250025000LL);
    CU_ASSERT_EQUAL(total[NQ_KPI_ORDERS], 5LL * MANY);
    CU_ASSERT_EQUAL(total[NQ_KPI_VISITS], 5LL * MANY);
    CU_ASSERT_EQUAL(total[NQ_KPI_CALLS], 0);

    CU_ASSERT_STRING_EQUAL(agg.cells[0].key, "nq:{sp:sp-00000}:kpi:2026-11-26");
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-00000}:kpi:2026-W48", NQ_KPI_SALES_FEN), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-04999}:kpi:2026-W48", NQ_KPI_SALES_FEN), 5000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-09999}:kpi:2026-Q4", NQ_KPI_SALES_FEN), 10000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-09999}:kpi:2026-11-27", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-09999}:kpi:2026-11-27", NQ_KPI_ORDERS), -999);

    /* The same batch again: every existing cell is found, none is added. */
    add_many(&agg);
    CU_ASSERT_EQUAL(agg.n, (size_t)MANY * 15);
    int64_t sales = 0;
    for (size_t i = 0; i < agg.n; i++)
        sales += agg.cells[i].kpi == NQ_KPI_SALES_FEN ? agg.cells[i].delta : 0;
    CU_ASSERT_EQUAL(sales, 2 * 250025000LL);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-04999}:kpi:2026", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-04999}:kpi:2026", NQ_KPI_SALES_FEN), 10000);
    /* The index stays under half full. */
    CU_ASSERT(agg.n * 2 <= agg.n_slots);
    scoring_agg_free(&agg);
}

static CU_TestInfo delta_tests[] = {
    {"order: orders +1, sales +amount", test_deltas_order},
    {"visit and call: +1", test_deltas_visit_call},
    {"other types move nothing", test_deltas_none},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo agg_tests[] = {
    {"one event: 5 period keys per counter", test_one_event_five_periods},
    {"two orders in one week sum", test_same_week_sums},
    {"Sunday 23:59:59 vs Monday 00:00 (+08:00)", test_week_boundary},
    {"2027-01-01 is in ISO week 2026-W53", test_new_year_iso_week},
    {"scoring_agg_add direct", test_add_direct},
    {"a failing event adds nothing", test_event_failures_add_nothing},
    {"10,000 salespeople: growth keeps every sum", test_growth},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scoring deltas", NULL, NULL, NULL, NULL, delta_tests},
    {"scoring aggregation", zone_shanghai, NULL, NULL, NULL, agg_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
