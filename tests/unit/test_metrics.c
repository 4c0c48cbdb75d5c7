/* test_metrics.c — the metric table of nq/kpi.h: each metric's formula over counters
 * (nq_metric_value), its JSON in its unit (nq_metric_json, nq_kpi_to_json), lookup by API name
 * (nq_metric_find) and parsing targets given from outside (nq_metric_parse).
 *
 * Every expected value is computed by hand in the comment next to it. A quotient (ratio, score,
 * average) is the figure shown: rounded half up to 4 decimals (to the fen for money) from the
 * exact counters, and compared as a double against the decimal literal: the value is an exact
 * integer divided by 10^4, so it is the double nearest that literal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nq/kpi.h"
#include "nq/kpi_json.h"
#include "nq_test.h"

#define TWO_53 9007199254740992LL

/* Exactly what `m` evaluates to over `v`; fails the test when undefined. */
static double value_of(nq_metric_id_t m, const nq_kpi_values_t *v)
{
    double out = -12345;
    CU_ASSERT_TRUE(nq_metric_value(m, v, &out));
    return out;
}

/* True when `m` is undefined over `v`; *out stays as it was. */
static bool undefined(nq_metric_id_t m, const nq_kpi_values_t *v)
{
    double out = -12345;
    bool defined = nq_metric_value(m, v, &out);
    CU_ASSERT_EQUAL(out, -12345);
    return !defined;
}

/* The string a to_json object holds for `name`, or "" when it is not a string. */
static const char *str_of(const json_t *obj, const char *name)
{
    const json_t *j = json_object_get(obj, name);
    CU_ASSERT_TRUE(json_is_string(j));
    return json_is_string(j) ? json_string_value(j) : "";
}

/* The integer a to_json object holds for `name`, or -12345. */
static json_int_t int_of(const json_t *obj, const char *name)
{
    const json_t *j = json_object_get(obj, name);
    CU_ASSERT_TRUE(json_is_integer(j));
    return json_is_integer(j) ? json_integer_value(j) : -12345;
}

/* The real a to_json object holds for `name`, or -12345. */
static double real_of(const json_t *obj, const char *name)
{
    const json_t *j = json_object_get(obj, name);
    CU_ASSERT_TRUE(json_is_real(j));
    return json_is_real(j) ? json_real_value(j) : -12345;
}

/* ---- the table ------------------------------------------------------------- */

/* Every metric, written out independently of kpi.c: name, unit, numerator, denominator. */
static const struct {
    const char *name;
    nq_unit_t unit;
    int num[2];
    int den;
} want_defs[NQ_METRIC_COUNT] = {
    {"sales_amount", NQ_UNIT_MONEY, {NQ_KPI_SALES_FEN, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"orders", NQ_UNIT_COUNT, {NQ_KPI_ORDERS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"visits", NQ_UNIT_COUNT, {NQ_KPI_VISITS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"calls", NQ_UNIT_COUNT, {NQ_KPI_CALLS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"meetings", NQ_UNIT_COUNT, {NQ_KPI_MEETINGS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"new_customers", NQ_UNIT_COUNT, {NQ_KPI_NEW_CUSTOMERS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"collections", NQ_UNIT_MONEY, {NQ_KPI_COLLECTIONS_FEN, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"coverage", NQ_UNIT_RATIO, {NQ_KPI_KEY_VISITED, NQ_KPI_NONE}, NQ_KPI_KEY_CUSTOMERS},
    {"order_completion_rate",
     NQ_UNIT_RATIO,
     {NQ_KPI_ORDERS_ON_TIME, NQ_KPI_NONE},
     NQ_KPI_ORDERS_DUE},
    {"avg_order_value", NQ_UNIT_MONEY, {NQ_KPI_ORDER_VALUE_FEN, NQ_KPI_NONE}, NQ_KPI_ORDERS},
    {"activity_to_order", NQ_UNIT_RATIO, {NQ_KPI_VISITS, NQ_KPI_CALLS}, NQ_KPI_ORDERS},
    {"feedback_score", NQ_UNIT_SCORE, {NQ_KPI_FEEDBACK_SUM, NQ_KPI_NONE}, NQ_KPI_FEEDBACK_COUNT},
    {"tickets_opened", NQ_UNIT_COUNT, {NQ_KPI_TICKETS_OPENED, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"tickets_closed", NQ_UNIT_COUNT, {NQ_KPI_TICKETS_CLOSED, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"nps", NQ_UNIT_RATIO, {NQ_KPI_NPS_NET, NQ_KPI_NONE}, NQ_KPI_NPS_RESPONSES},
    {"training_hours", NQ_UNIT_HOURS, {NQ_KPI_TRAINING_S, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"trainings", NQ_UNIT_COUNT, {NQ_KPI_TRAININGS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"tickets_overdue", NQ_UNIT_COUNT, {NQ_KPI_TICKETS_OVERDUE, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"receivables_overdue", NQ_UNIT_MONEY, {NQ_KPI_AR_OVERDUE_FEN, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"dso", NQ_UNIT_DAYS, {NQ_KPI_AR_DSO_NUM, NQ_KPI_NONE}, NQ_KPI_AR_INVOICED_FEN},
    {"nps_promoters", NQ_UNIT_COUNT, {NQ_KPI_NPS_PROMOTERS, NQ_KPI_NONE}, NQ_KPI_NONE},
    {"nps_detractors", NQ_UNIT_COUNT, {NQ_KPI_NPS_DETRACTORS, NQ_KPI_NONE}, NQ_KPI_NONE},
};

static void test_defs(void)
{
    CU_ASSERT_EQUAL(NQ_METRIC_COUNT, 22);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        const nq_metric_def_t *d = &nq_metric_defs[m];
        CU_ASSERT_PTR_NOT_NULL_FATAL(d->name);
        CU_ASSERT_STRING_EQUAL(d->name, want_defs[m].name);
        CU_ASSERT_PTR_NOT_NULL(d->zh);
        CU_ASSERT(d->zh && strlen(d->zh) >= 3); /* at least one CJK character */
        CU_ASSERT_EQUAL(d->unit, want_defs[m].unit);
        CU_ASSERT_EQUAL(d->num[0], want_defs[m].num[0]);
        CU_ASSERT_EQUAL(d->num[1], want_defs[m].num[1]);
        CU_ASSERT_EQUAL(d->den, want_defs[m].den);
    }
    CU_ASSERT_STRING_EQUAL(nq_metric_defs[NQ_METRIC_SALES_AMOUNT].zh, "销售额");
    CU_ASSERT_STRING_EQUAL(nq_metric_defs[NQ_METRIC_COVERAGE].zh, "重点客户覆盖率");
    /* English names for sentences: present for every row. */
    for (int m = 0; m < NQ_METRIC_COUNT; m++)
        CU_ASSERT(nq_metric_defs[m].en && *nq_metric_defs[m].en);
    CU_ASSERT_STRING_EQUAL(nq_metric_defs[NQ_METRIC_NEW_CUSTOMERS].en, "new customers");
}

static void test_find(void)
{
    for (int m = 0; m < NQ_METRIC_COUNT; m++)
        CU_ASSERT_EQUAL(nq_metric_find(want_defs[m].name), m);
    CU_ASSERT_EQUAL(nq_metric_find("order_completion_rate"), NQ_METRIC_ORDER_COMPLETION_RATE);
    CU_ASSERT_EQUAL(nq_metric_find("feedback_score"), NQ_METRIC_FEEDBACK_SCORE);
    /* Counter names, other spellings and nothing are not metrics. */
    static const char *const not_metrics[] = {
        "sales_fen", "collections_fen", "key_visited", "orders_due", "feedback_sum",
        "Coverage",  "coverage ",       "sales",       "",           "avg-order-value",
    };
    for (size_t i = 0; i < sizeof(not_metrics) / sizeof(not_metrics[0]); i++)
        CU_ASSERT_EQUAL(nq_metric_find(not_metrics[i]), -1);
    CU_ASSERT_EQUAL(nq_metric_find(NULL), -1);
}

/* ---- formulas, one case per row -------------------------------------------- */

static void test_sales_amount(void)
{
    /* Orders 80,000.00 + 1,500.50, a cancellation of 1,500.50 and a return of 500.01, as the
     * scorers leave them in sales_fen: 8000000 + 150050 - 150050 - 50001 = 7949999 fen. */
    nq_kpi_values_t v = {{[NQ_KPI_SALES_FEN] = 8000000 + 150050 - 150050 - 50001,
                          [NQ_KPI_ORDER_VALUE_FEN] = 8150050,
                          [NQ_KPI_ORDERS] = 2}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_SALES_AMOUNT, &v), 7949999.0);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "79499.99");
    json_decref(j);

    /* More returned than ordered in the period: negative, still exact. */
    nq_kpi_values_t neg = {{[NQ_KPI_SALES_FEN] = -50001}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_SALES_AMOUNT, &neg), -50001.0);
    j = nq_kpi_to_json(&neg);
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "-500.01");
    json_decref(j);

    /* Nothing: zero, not null. */
    nq_kpi_values_t zero = {{0}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_SALES_AMOUNT, &zero), 0.0);
    j = nq_kpi_to_json(&zero);
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "0.00");
    json_decref(j);
}

static void test_counts(void)
{
    nq_kpi_values_t v = {{[NQ_KPI_ORDERS] = 3,
                          [NQ_KPI_VISITS] = 4,
                          [NQ_KPI_CALLS] = 5,
                          [NQ_KPI_MEETINGS] = 6,
                          [NQ_KPI_NEW_CUSTOMERS] = 7,
                          [NQ_KPI_TICKETS_OPENED] = 8}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ORDERS, &v), 3.0);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_VISITS, &v), 4.0);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_CALLS, &v), 5.0);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_MEETINGS, &v), 6.0);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_NEW_CUSTOMERS, &v), 7.0);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_TICKETS_OPENED, &v), 8.0);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(int_of(j, "orders"), 3);
    CU_ASSERT_EQUAL(int_of(j, "visits"), 4);
    CU_ASSERT_EQUAL(int_of(j, "calls"), 5);
    CU_ASSERT_EQUAL(int_of(j, "meetings"), 6);
    CU_ASSERT_EQUAL(int_of(j, "new_customers"), 7);
    CU_ASSERT_EQUAL(int_of(j, "tickets_opened"), 8);
    json_decref(j);
}

static void test_collections(void)
{
    /* Payments 2,000.00 + 500.50 = 250050 fen. */
    nq_kpi_values_t v = {{[NQ_KPI_COLLECTIONS_FEN] = 200000 + 50050, [NQ_KPI_SALES_FEN] = 7}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COLLECTIONS, &v), 250050.0);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(str_of(j, "collections"), "2500.50");
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "0.07");
    json_decref(j);
}

static void test_coverage(void)
{
    /* 3 of 8 key customers visited: 0.375 exactly. */
    nq_kpi_values_t v = {{[NQ_KPI_KEY_VISITED] = 3, [NQ_KPI_KEY_CUSTOMERS] = 8}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COVERAGE, &v), 0.375);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(real_of(j, "coverage"), 0.375);
    json_decref(j);

    /* 2 of 3: 0.666666... -> 0.6667, the value itself (what attainment is computed from). */
    nq_kpi_values_t t = {{[NQ_KPI_KEY_VISITED] = 2, [NQ_KPI_KEY_CUSTOMERS] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COVERAGE, &t), 0.6667);
    j = nq_kpi_to_json(&t);
    CU_ASSERT_EQUAL(real_of(j, "coverage"), 0.6667);
    json_decref(j);

    /* All visited: 1.0. */
    nq_kpi_values_t all = {{[NQ_KPI_KEY_VISITED] = 5, [NQ_KPI_KEY_CUSTOMERS] = 5}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COVERAGE, &all), 1.0);

    /* No key customers: null, whatever the visited count says; visits do not count. */
    nq_kpi_values_t none = {{[NQ_KPI_KEY_VISITED] = 2, [NQ_KPI_VISITS] = 9}};
    CU_ASSERT_TRUE(undefined(NQ_METRIC_COVERAGE, &none));
    j = nq_kpi_to_json(&none);
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "coverage")));
    json_decref(j);
}

static void test_order_completion_rate(void)
{
    /* 7 of 9 due orders fulfilled on time: 0.777... -> 0.7778. */
    nq_kpi_values_t v = {
        {[NQ_KPI_ORDERS_ON_TIME] = 7, [NQ_KPI_ORDERS_DUE] = 9, [NQ_KPI_ORDERS] = 2}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ORDER_COMPLETION_RATE, &v), 0.7778);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(real_of(j, "order_completion_rate"), 0.7778);
    json_decref(j);

    /* 3 of 4: 0.75. */
    nq_kpi_values_t q = {{[NQ_KPI_ORDERS_ON_TIME] = 3, [NQ_KPI_ORDERS_DUE] = 4}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ORDER_COMPLETION_RATE, &q), 0.75);

    /* Nothing due: null, even with on-time fulfilments (of orders due elsewhere) and orders. */
    nq_kpi_values_t none = {{[NQ_KPI_ORDERS_ON_TIME] = 2, [NQ_KPI_ORDERS] = 5}};
    CU_ASSERT_TRUE(undefined(NQ_METRIC_ORDER_COMPLETION_RATE, &none));
    j = nq_kpi_to_json(&none);
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "order_completion_rate")));
    json_decref(j);
}

static void test_avg_order_value(void)
{
    /* 3 orders totalling 100.00: 10000 / 3 = 3333.33... fen -> 3333 fen, "33.33". */
    nq_kpi_values_t v = {{[NQ_KPI_ORDER_VALUE_FEN] = 10000, [NQ_KPI_ORDERS] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_AVG_ORDER_VALUE, &v), 3333.0);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(str_of(j, "avg_order_value"), "33.33");
    json_decref(j);

    /* 3 orders totalling 200.00: 6666.66... fen rounds up -> 6667 fen, "66.67". */
    nq_kpi_values_t up = {{[NQ_KPI_ORDER_VALUE_FEN] = 20000, [NQ_KPI_ORDERS] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_AVG_ORDER_VALUE, &up), 6667.0);
    j = nq_kpi_to_json(&up);
    CU_ASSERT_STRING_EQUAL(str_of(j, "avg_order_value"), "66.67");
    json_decref(j);

    /* Half a fen goes up: 0.01 + 0.02 in 2 orders = 1.5 fen -> 2 fen; 100.01 in 2 = 5000.5 fen
     * -> 5001 fen, "50.01". */
    nq_kpi_values_t half = {{[NQ_KPI_ORDER_VALUE_FEN] = 3, [NQ_KPI_ORDERS] = 2}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_AVG_ORDER_VALUE, &half), 2.0);
    nq_kpi_values_t half2 = {{[NQ_KPI_ORDER_VALUE_FEN] = 10001, [NQ_KPI_ORDERS] = 2}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_AVG_ORDER_VALUE, &half2), 5001.0);

    /* The gross amount, not net sales: everything cancelled still leaves the average. */
    nq_kpi_values_t gross = {
        {[NQ_KPI_ORDER_VALUE_FEN] = 10000, [NQ_KPI_ORDERS] = 3, [NQ_KPI_SALES_FEN] = 0}};
    j = nq_kpi_to_json(&gross);
    CU_ASSERT_STRING_EQUAL(str_of(j, "avg_order_value"), "33.33");
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "0.00");
    json_decref(j);

    /* One order of 86,000.00: exactly that. */
    nq_kpi_values_t one = {{[NQ_KPI_ORDER_VALUE_FEN] = 8600000, [NQ_KPI_ORDERS] = 1}};
    j = nq_kpi_to_json(&one);
    CU_ASSERT_STRING_EQUAL(str_of(j, "avg_order_value"), "86000.00");
    json_decref(j);

    /* No orders: null. */
    nq_kpi_values_t none = {{[NQ_KPI_ORDER_VALUE_FEN] = 10000}};
    CU_ASSERT_TRUE(undefined(NQ_METRIC_AVG_ORDER_VALUE, &none));
    j = nq_kpi_to_json(&none);
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "avg_order_value")));
    json_decref(j);
}

static void test_activity_to_order(void)
{
    /* (4 visits + 5 calls) / 7 orders = 9 / 7 = 1.285714... -> 1.2857. Meetings do not count. */
    nq_kpi_values_t v = {
        {[NQ_KPI_VISITS] = 4, [NQ_KPI_CALLS] = 5, [NQ_KPI_ORDERS] = 7, [NQ_KPI_MEETINGS] = 100}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ACTIVITY_TO_ORDER, &v), 1.2857);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(real_of(j, "activity_to_order"), 1.2857);
    json_decref(j);

    /* Visits alone, calls alone: each half of the numerator counts. 2 / 3 -> 0.6667. */
    nq_kpi_values_t visits = {{[NQ_KPI_VISITS] = 2, [NQ_KPI_ORDERS] = 3}};
    nq_kpi_values_t calls = {{[NQ_KPI_CALLS] = 2, [NQ_KPI_ORDERS] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ACTIVITY_TO_ORDER, &visits), 0.6667);
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ACTIVITY_TO_ORDER, &calls), 0.6667);
    j = nq_kpi_to_json(&calls);
    CU_ASSERT_EQUAL(real_of(j, "activity_to_order"), 0.6667);
    json_decref(j);

    /* No orders: null. */
    nq_kpi_values_t none = {{[NQ_KPI_VISITS] = 4, [NQ_KPI_CALLS] = 5}};
    CU_ASSERT_TRUE(undefined(NQ_METRIC_ACTIVITY_TO_ORDER, &none));
    j = nq_kpi_to_json(&none);
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "activity_to_order")));
    json_decref(j);
}

static void test_feedback_score(void)
{
    /* Ratings 5, 5, 4: 14 / 3 = 4.666... -> 4.6667, like every ratio. */
    nq_kpi_values_t v = {{[NQ_KPI_FEEDBACK_SUM] = 14, [NQ_KPI_FEEDBACK_COUNT] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_FEEDBACK_SCORE, &v), 4.6667);
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(real_of(j, "feedback_score"), 4.6667);
    json_decref(j);

    /* Ratings 3, 3, 2: 8 / 3 = 2.666... -> 2.6667 shown and used (against a target of 4,
     * attainment is 2.6667 / 4 = 0.666675); ratings 1, 2, 2: 1.6667; one rating of 3: 3.0. */
    nq_kpi_values_t issue = {{[NQ_KPI_FEEDBACK_SUM] = 8, [NQ_KPI_FEEDBACK_COUNT] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_FEEDBACK_SCORE, &issue), 2.6667);
    j = nq_kpi_to_json(&issue);
    CU_ASSERT_EQUAL(real_of(j, "feedback_score"), 2.6667);
    json_decref(j);
    nq_kpi_values_t low = {{[NQ_KPI_FEEDBACK_SUM] = 5, [NQ_KPI_FEEDBACK_COUNT] = 3}};
    j = nq_kpi_to_json(&low);
    CU_ASSERT_EQUAL(real_of(j, "feedback_score"), 1.6667);
    json_decref(j);
    nq_kpi_values_t one = {{[NQ_KPI_FEEDBACK_SUM] = 3, [NQ_KPI_FEEDBACK_COUNT] = 1}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_FEEDBACK_SCORE, &one), 3.0);

    /* No ratings: null. */
    nq_kpi_values_t none = {{[NQ_KPI_FEEDBACK_SUM] = 4}};
    CU_ASSERT_TRUE(undefined(NQ_METRIC_FEEDBACK_SCORE, &none));
}

/* A realistic week: every metric in one object, of the right JSON type. */
static void test_to_json_whole(void)
{
    nq_kpi_values_t v = {{
        [NQ_KPI_SALES_FEN] = 8600000 - 50000, /* one order, one return of 500.00 */
        [NQ_KPI_ORDERS] = 1,
        [NQ_KPI_VISITS] = 2,
        [NQ_KPI_CALLS] = 1,
        [NQ_KPI_MEETINGS] = 1,
        [NQ_KPI_NEW_CUSTOMERS] = 1,
        [NQ_KPI_COLLECTIONS_FEN] = 4300000,
        [NQ_KPI_ORDER_VALUE_FEN] = 8600000,
        [NQ_KPI_ORDERS_DUE] = 1,
        [NQ_KPI_ORDERS_ON_TIME] = 0,
        [NQ_KPI_FEEDBACK_SUM] = 9,
        [NQ_KPI_FEEDBACK_COUNT] = 2,
        [NQ_KPI_TICKETS_OPENED] = 1,
        [NQ_KPI_KEY_VISITED] = 1,
        [NQ_KPI_KEY_CUSTOMERS] = 4,
    }};
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_object_size(j), NQ_METRIC_COUNT);
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "85500.00");
    CU_ASSERT_EQUAL(int_of(j, "orders"), 1);
    CU_ASSERT_EQUAL(int_of(j, "visits"), 2);
    CU_ASSERT_EQUAL(int_of(j, "calls"), 1);
    CU_ASSERT_EQUAL(int_of(j, "meetings"), 1);
    CU_ASSERT_EQUAL(int_of(j, "new_customers"), 1);
    CU_ASSERT_STRING_EQUAL(str_of(j, "collections"), "43000.00");
    CU_ASSERT_EQUAL(real_of(j, "coverage"), 0.25);             /* 1 / 4 */
    CU_ASSERT_EQUAL(real_of(j, "order_completion_rate"), 0.0); /* 0 / 1: defined, 0 */
    CU_ASSERT_STRING_EQUAL(str_of(j, "avg_order_value"), "86000.00");
    CU_ASSERT_EQUAL(real_of(j, "activity_to_order"), 3.0); /* (2 + 1) / 1 */
    CU_ASSERT_EQUAL(real_of(j, "feedback_score"), 4.5);    /* 9 / 2 */
    CU_ASSERT_EQUAL(int_of(j, "tickets_opened"), 1);
    /* Counters are not metrics. */
    CU_ASSERT_PTR_NULL(json_object_get(j, "sales_fen"));
    CU_ASSERT_PTR_NULL(json_object_get(j, "key_visited"));
    CU_ASSERT_PTR_NULL(json_object_get(j, "orders_due"));
    json_decref(j);

    /* All zero: amounts "0.00", counts 0, every ratio and the score null. */
    nq_kpi_values_t zero = {{0}};
    j = nq_kpi_to_json(&zero);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        const json_t *x = json_object_get(j, want_defs[m].name);
        if (want_defs[m].den != NQ_KPI_NONE) {
            CU_ASSERT_TRUE(json_is_null(x));
        } else if (want_defs[m].unit == NQ_UNIT_MONEY) {
            CU_ASSERT_STRING_EQUAL(json_string_value(x), "0.00");
        } else if (want_defs[m].unit == NQ_UNIT_HOURS) {
            CU_ASSERT_TRUE(json_is_real(x) && json_real_value(x) == 0);
        } else {
            CU_ASSERT_TRUE(json_is_integer(x) && json_integer_value(x) == 0);
        }
    }
    json_decref(j);
}

/* Counts and amounts stay exact where a double would not (2^53 + 1 is not a double). */
static void test_to_json_exact_past_2_53(void)
{
    nq_kpi_values_t v = {{
        [NQ_KPI_SALES_FEN] = TWO_53 + 1,
        [NQ_KPI_ORDERS] = TWO_53 + 1,
        [NQ_KPI_VISITS] = TWO_53 + 3,
        [NQ_KPI_CALLS] = INT64_MAX,
        [NQ_KPI_MEETINGS] = TWO_53 + 5,
        [NQ_KPI_NEW_CUSTOMERS] = TWO_53 + 7,
        [NQ_KPI_COLLECTIONS_FEN] = INT64_MAX,
        [NQ_KPI_TICKETS_OPENED] = -(TWO_53 + 1),
    }};
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(str_of(j, "sales_amount"), "90071992547409.93");
    CU_ASSERT_EQUAL(int_of(j, "orders"), 9007199254740993LL);
    CU_ASSERT_EQUAL(int_of(j, "visits"), 9007199254740995LL);
    CU_ASSERT_EQUAL(int_of(j, "calls"), INT64_MAX);
    CU_ASSERT_EQUAL(int_of(j, "meetings"), 9007199254740997LL);
    CU_ASSERT_EQUAL(int_of(j, "new_customers"), 9007199254740999LL);
    CU_ASSERT_STRING_EQUAL(str_of(j, "collections"), "92233720368547758.07");
    CU_ASSERT_EQUAL(int_of(j, "tickets_opened"), -9007199254740993LL);
    char *s = json_dumps(json_object_get(j, "orders"), JSON_ENCODE_ANY);
    CU_ASSERT_STRING_EQUAL(s, "9007199254740993");
    free(s);
    /* visits + calls is past INT64_MAX: the quotient is still the right one (2^63 / 2^53 +
     * 1 = 1025), not that of a wrapped sum. */
    CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(j, "activity_to_order")), 1025.0, 1e-9);
    json_decref(j);
}

/* nq_kpi_to_json says for each metric with a denominator what nq_metric_json says of
 * nq_metric_value. */
static void test_to_json_agrees(void)
{
    nq_kpi_values_t cases[3] = {
        {{[NQ_KPI_KEY_VISITED] = 1,
          [NQ_KPI_KEY_CUSTOMERS] = 7,
          [NQ_KPI_ORDERS] = 6,
          [NQ_KPI_ORDER_VALUE_FEN] = 100001,
          [NQ_KPI_VISITS] = 11,
          [NQ_KPI_FEEDBACK_SUM] = 13,
          [NQ_KPI_FEEDBACK_COUNT] = 4,
          [NQ_KPI_ORDERS_DUE] = 3,
          [NQ_KPI_ORDERS_ON_TIME] = 1}},
        {{0}},
        {{[NQ_KPI_ORDERS] = 1, [NQ_KPI_CALLS] = 1}},
    };
    for (size_t c = 0; c < 3; c++) {
        json_t *j = nq_kpi_to_json(&cases[c]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        for (int m = 0; m < NQ_METRIC_COUNT; m++) {
            if (want_defs[m].den == NQ_KPI_NONE)
                continue;
            double value = 0;
            bool defined = nq_metric_value((nq_metric_id_t)m, &cases[c], &value);
            json_t *want = nq_metric_json((nq_metric_id_t)m, value, defined);
            CU_ASSERT_TRUE(json_equal(json_object_get(j, want_defs[m].name), want));
            json_decref(want);
        }
        json_decref(j);
    }
}

/* ---- nq_metric_json, by unit ------------------------------------------------- */

/* The JSON text of nq_metric_json(m, value, defined). Caller frees. */
static char *metric_text(nq_metric_id_t m, double value, bool defined)
{
    json_t *j = nq_metric_json(m, value, defined);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

#define TEXT_IS(m, value, want)                                                                    \
    do {                                                                                           \
        char *s_ = metric_text(m, value, true);                                                    \
        CU_ASSERT_STRING_EQUAL(s_, want);                                                          \
        free(s_);                                                                                  \
    } while (0)

/* The real nq_metric_json gives, or -12345 when it is not a real. */
static double json_real_of(nq_metric_id_t m, double value)
{
    json_t *j = nq_metric_json(m, value, true);
    double r = json_is_real(j) ? json_real_value(j) : -12345;
    CU_ASSERT_TRUE(json_is_real(j));
    json_decref(j);
    return r;
}

static void test_json_money(void)
{
    TEXT_IS(NQ_METRIC_SALES_AMOUNT, 123450, "\"1234.50\"");
    TEXT_IS(NQ_METRIC_SALES_AMOUNT, -5, "\"-0.05\"");
    TEXT_IS(NQ_METRIC_SALES_AMOUNT, 0, "\"0.00\"");
    TEXT_IS(NQ_METRIC_COLLECTIONS, 100, "\"1.00\"");
    /* Fractions of a fen round to the nearest fen, halves away from zero. */
    TEXT_IS(NQ_METRIC_AVG_ORDER_VALUE, 10000.0 / 3.0, "\"33.33\"");
    TEXT_IS(NQ_METRIC_AVG_ORDER_VALUE, 20000.0 / 3.0, "\"66.67\"");
    TEXT_IS(NQ_METRIC_AVG_ORDER_VALUE, 5000.5, "\"50.01\""); /* 100.01 / 2 */
    TEXT_IS(NQ_METRIC_AVG_ORDER_VALUE, -5000.5, "\"-50.01\"");
    TEXT_IS(NQ_METRIC_AVG_ORDER_VALUE, 0.4, "\"0.00\"");
}

static void test_json_count(void)
{
    for (nq_metric_id_t m = 0; m < NQ_METRIC_COUNT; m++) {
        if (want_defs[m].unit != NQ_UNIT_COUNT)
            continue;
        json_t *j = nq_metric_json(m, 3, true);
        CU_ASSERT_TRUE(json_is_integer(j));
        CU_ASSERT_EQUAL(json_integer_value(j), 3);
        json_decref(j);
    }
    TEXT_IS(NQ_METRIC_ORDERS, 0, "0");
    TEXT_IS(NQ_METRIC_VISITS, 12, "12");
    TEXT_IS(NQ_METRIC_CALLS, -2, "-2");
    TEXT_IS(NQ_METRIC_TICKETS_OPENED, 1e12, "1000000000000");
}

static void test_json_ratio(void)
{
    /* Four decimals. */
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_COVERAGE, 0.8125), 0.8125);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_COVERAGE, 2.0 / 3.0), 0.6667);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_COVERAGE, 1.0 / 3.0), 0.3333);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_ORDER_COMPLETION_RATE, 7.0 / 9.0), 0.7778);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_ACTIVITY_TO_ORDER, 9.0 / 7.0), 1.2857);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_ACTIVITY_TO_ORDER, 0.123449), 0.1234);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_ACTIVITY_TO_ORDER, 0.123451), 0.1235);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_COVERAGE, 0.00004), 0.0);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_COVERAGE, 1.0), 1.0);
    /* Whole ratios stay reals (12.0, not 12): the type does not depend on the value. */
    TEXT_IS(NQ_METRIC_ACTIVITY_TO_ORDER, 12, "12.0");
    TEXT_IS(NQ_METRIC_COVERAGE, 0.25, "0.25");
}

static void test_json_score(void)
{
    /* Four decimals, like ratios. */
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_FEEDBACK_SCORE, 14.0 / 3.0), 4.6667);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_FEEDBACK_SCORE, 13.0 / 3.0), 4.3333);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_FEEDBACK_SCORE, 4.5), 4.5);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_FEEDBACK_SCORE, 4.99994), 4.9999);
    CU_ASSERT_EQUAL(json_real_of(NQ_METRIC_FEEDBACK_SCORE, 4.99996), 5.0);
    TEXT_IS(NQ_METRIC_FEEDBACK_SCORE, 5, "5.0");
    TEXT_IS(NQ_METRIC_FEEDBACK_SCORE, 4.5, "4.5");
}

/* Quotients are rounded once, half up, from the exact counters: 1 / 32 = 0.03125 -> 0.0313,
 * 5 / 32 = 0.15625 -> 0.1563, 1 / 20000 = 0.00005 -> 0.0001, 1 / 20001 -> 0.0; a quotient whose
 * 4-decimal form is past 2^53 is still the whole number it is. */
static void test_quotient_half_up(void)
{
    nq_kpi_values_t a = {{[NQ_KPI_KEY_VISITED] = 1, [NQ_KPI_KEY_CUSTOMERS] = 32}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COVERAGE, &a), 0.0313);
    nq_kpi_values_t b = {{[NQ_KPI_KEY_VISITED] = 5, [NQ_KPI_KEY_CUSTOMERS] = 32}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_COVERAGE, &b), 0.1563);
    nq_kpi_values_t c = {{[NQ_KPI_ORDERS_ON_TIME] = 1, [NQ_KPI_ORDERS_DUE] = 20000}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ORDER_COMPLETION_RATE, &c), 0.0001);
    nq_kpi_values_t d = {{[NQ_KPI_ORDERS_ON_TIME] = 1, [NQ_KPI_ORDERS_DUE] = 20001}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ORDER_COMPLETION_RATE, &d), 0.0);
    /* 2 x 10^14 + 1 visits in 3 orders: 66666666666667 (exactly 666666666666670000 / 10^4). */
    nq_kpi_values_t e = {{[NQ_KPI_VISITS] = 200000000000001LL, [NQ_KPI_ORDERS] = 3}};
    CU_ASSERT_EQUAL(value_of(NQ_METRIC_ACTIVITY_TO_ORDER, &e), 66666666666667.0);
}

/* nq_round_to: half away from zero on the decimal the double stands for (1.005 is stored as
 * 1.00499999999999989..., and 0.6667 / 0.8 = 0.833375 as 0.83337499999...). */
static void test_round_to(void)
{
    CU_ASSERT_EQUAL(nq_round_to(1.005, 100), 1.01);
    CU_ASSERT_EQUAL(nq_round_to(0.285, 100), 0.29);
    CU_ASSERT_EQUAL(nq_round_to(-1.005, 100), -1.01);
    CU_ASSERT_EQUAL(nq_round_to(0.6667 / 0.8, 10000), 0.8334);
    CU_ASSERT_EQUAL(nq_round_to(0.12344, 10000), 0.1234);
    CU_ASSERT_EQUAL(nq_round_to(0.44999, 10), 0.4);
    CU_ASSERT_EQUAL(nq_round_to(3380275 * 0.02, 1), 67606.0); /* 67605.5 fen */
    CU_ASSERT_EQUAL(nq_round_to(1e15, 1), 1e15);
    CU_ASSERT_EQUAL(nq_round_to(0, 10000), 0.0);
    CU_ASSERT_TRUE(isnan(nq_round_to(NAN, 100)));
}

/* What a client reads: gateway/respond.c dumps with JSON_REAL_PRECISION(10), so the rounded
 * reals print as the decimals they stand for (the default %.17g would print 0.77780000000000005).
 */
static void test_json_as_served(void)
{
    struct {
        nq_metric_id_t m;
        double value;
        const char *text;
    } cases[] = {
        {NQ_METRIC_ORDER_COMPLETION_RATE, 7.0 / 9.0, "0.7778"},
        {NQ_METRIC_ACTIVITY_TO_ORDER, 9.0 / 7.0, "1.2857"},
        {NQ_METRIC_COVERAGE, 2.0 / 3.0, "0.6667"},
        {NQ_METRIC_ACTIVITY_TO_ORDER, 12, "12.0"},
        {NQ_METRIC_FEEDBACK_SCORE, 14.0 / 3.0, "4.6667"},
        {NQ_METRIC_FEEDBACK_SCORE, 13.0 / 3.0, "4.3333"},
        {NQ_METRIC_AVG_ORDER_VALUE, 10000.0 / 3.0, "\"33.33\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *j = nq_metric_json(cases[i].m, cases[i].value, true);
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(s, cases[i].text);
        free(s);
        json_decref(j);
    }
}

static void test_json_undefined(void)
{
    /* null for every unit, whatever value is passed along. */
    for (nq_metric_id_t m = 0; m < NQ_METRIC_COUNT; m++) {
        char *s = metric_text(m, 42, false);
        CU_ASSERT_STRING_EQUAL(s, "null");
        free(s);
    }
}

/* ---- nq_metric_parse: targets ------------------------------------------------ */

/* Parse `j` (released) as a target of `m`; returns rc, *out and *why as set. */
static int parse(nq_metric_id_t m, json_t *j, double *out, const char **why)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    *out = -12345;
    *why = NULL;
    int rc = nq_metric_parse(m, j, out, why);
    json_decref(j);
    return rc;
}

/* Expect `j` accepted as exactly `want`. */
#define ACCEPTS(m, j, want)                                                                        \
    do {                                                                                           \
        double out_;                                                                               \
        const char *why_;                                                                          \
        CU_ASSERT_EQUAL(parse(m, j, &out_, &why_), 0);                                             \
        CU_ASSERT_EQUAL(out_, (double)(want));                                                     \
    } while (0)

/* Expect `j` refused with reason `reason`. */
#define REFUSES(m, j, reason)                                                                      \
    do {                                                                                           \
        double out_;                                                                               \
        const char *why_;                                                                          \
        CU_ASSERT_EQUAL(parse(m, j, &out_, &why_), -1);                                            \
        CU_ASSERT_PTR_NOT_NULL(why_);                                                              \
        CU_ASSERT_STRING_EQUAL(why_ ? why_ : "(null)", reason);                                    \
    } while (0)

static void test_parse_money(void)
{
    static const nq_metric_id_t money[] = {NQ_METRIC_SALES_AMOUNT, NQ_METRIC_COLLECTIONS,
                                           NQ_METRIC_AVG_ORDER_VALUE};
    for (size_t i = 0; i < sizeof(money) / sizeof(money[0]); i++) {
        nq_metric_id_t m = money[i];
        /* Decimal yuan as a string or a number, into fen. */
        ACCEPTS(m, json_string("1234.5"), 123450);
        ACCEPTS(m, json_string("1234.50"), 123450);
        ACCEPTS(m, json_real(1234.5), 123450);
        ACCEPTS(m, json_integer(1234), 123400);
        ACCEPTS(m, json_string("0.01"), 1);
        ACCEPTS(m, json_real(0.1 + 0.2), 30); /* binary noise is not a third decimal */
        ACCEPTS(m, json_string("0"), 0);
        ACCEPTS(m, json_integer(0), 0);
        ACCEPTS(m, json_string("10000000000000"), 1000000000000000LL); /* NQ_MONEY_MAX_FEN */
        /* Negative targets make no sense. */
        REFUSES(m, json_string("-1"), "must not be negative");
        REFUSES(m, json_string("-0.01"), "must not be negative");
        REFUSES(m, json_real(-1234.5), "must not be negative");
        REFUSES(m, json_integer(-1), "must not be negative");
        /* Never rounded: a third decimal is refused. */
        REFUSES(m, json_string("1.234"), "more than two decimals");
        REFUSES(m, json_real(1.234), "more than two decimals");
        REFUSES(m, json_string("10000000000000.01"), "amount out of range");
        REFUSES(m, json_string("1e3"), "not a decimal number");
        REFUSES(m, json_string(""), "empty amount");
        /* Wrong JSON types. */
        REFUSES(m, json_true(), "must be decimal yuan");
        REFUSES(m, json_false(), "must be decimal yuan");
        REFUSES(m, json_null(), "must be decimal yuan");
        REFUSES(m, json_array(), "must be decimal yuan");
        REFUSES(m, json_pack("{s:s}", "yuan", "1"), "must be decimal yuan");
    }
}

static void test_parse_count(void)
{
    static const nq_metric_id_t counts[] = {NQ_METRIC_ORDERS,        NQ_METRIC_VISITS,
                                            NQ_METRIC_CALLS,         NQ_METRIC_MEETINGS,
                                            NQ_METRIC_NEW_CUSTOMERS, NQ_METRIC_TICKETS_OPENED};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        nq_metric_id_t m = counts[i];
        ACCEPTS(m, json_integer(20), 20);
        ACCEPTS(m, json_integer(0), 0);
        ACCEPTS(m, json_integer(1000000000000LL), 1e12);
        REFUSES(m, json_real(1.5), "must be a whole number");
        REFUSES(m, json_integer(-1), "must not be negative");
        REFUSES(m, json_string("20"), "must be a whole number");
        REFUSES(m, json_null(), "must be a whole number");
        REFUSES(m, json_true(), "must be a whole number");
        REFUSES(m, json_array(), "must be a whole number");
    }
}

/* A count above the cap (10^12) is refused, and the reason must not claim it is negative. */
static void test_parse_count_too_big_reason(void)
{
    double out;
    const char *why;
    CU_ASSERT_EQUAL(parse(NQ_METRIC_VISITS, json_integer(1000000000001LL), &out, &why), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NULL(strstr(why, "negative"));
    if (strstr(why, "negative"))
        fprintf(stderr, "\n    1000000000001 visits refused as \"%s\"\n", why);
}

static void test_parse_ratio(void)
{
    static const nq_metric_id_t ratios[] = {NQ_METRIC_COVERAGE, NQ_METRIC_ORDER_COMPLETION_RATE,
                                            NQ_METRIC_ACTIVITY_TO_ORDER};
    const char *range = "must be a ratio from 0 to 10 (0.9 = 90 %)";
    for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
        nq_metric_id_t m = ratios[i];
        ACCEPTS(m, json_real(0.9), 0.9);
        ACCEPTS(m, json_integer(1), 1);
        ACCEPTS(m, json_integer(0), 0);
        ACCEPTS(m, json_real(10.0), 10);
        ACCEPTS(m, json_real(2.5), 2.5);
        REFUSES(m, json_real(10.0001), range);
        REFUSES(m, json_integer(11), range);
        REFUSES(m, json_real(-0.1), range);
        REFUSES(m, json_integer(-1), range);
        REFUSES(m, json_string("0.9"), "must be a number");
        REFUSES(m, json_null(), "must be a number");
        REFUSES(m, json_true(), "must be a number");
        REFUSES(m, json_object(), "must be a number");
    }
}

static void test_parse_score(void)
{
    nq_metric_id_t m = NQ_METRIC_FEEDBACK_SCORE;
    ACCEPTS(m, json_real(4.5), 4.5);
    ACCEPTS(m, json_integer(5), 5);
    ACCEPTS(m, json_integer(0), 0);
    ACCEPTS(m, json_real(4.67), 4.67);
    REFUSES(m, json_real(5.01), "must be from 0 to 5");
    REFUSES(m, json_integer(6), "must be from 0 to 5");
    REFUSES(m, json_real(-0.5), "must be from 0 to 5");
    REFUSES(m, json_string("4.5"), "must be a number");
    REFUSES(m, json_null(), "must be a number");
    REFUSES(m, json_false(), "must be a number");
}

/* A refused target leaves *out as it was (STYLE: a function that fails has no side effects). */
static void test_parse_refused_leaves_out(void)
{
    struct {
        nq_metric_id_t m;
        json_t *j;
    } bad[] = {
        {NQ_METRIC_SALES_AMOUNT, json_string("1.234")},
        {NQ_METRIC_COLLECTIONS, json_string("-5")},
        {NQ_METRIC_AVG_ORDER_VALUE, json_true()},
        {NQ_METRIC_ORDERS, json_real(1.5)},
        {NQ_METRIC_COVERAGE, json_real(11)},
        {NQ_METRIC_FEEDBACK_SCORE, json_string("4")},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double out = 777;
        const char *why = NULL;
        CU_ASSERT_EQUAL(nq_metric_parse(bad[i].m, bad[i].j, &out, &why), -1);
        CU_ASSERT_PTR_NOT_NULL(why);
        CU_ASSERT_EQUAL(out, 777);
        if (out != 777)
            fprintf(stderr, "\n    %s: *out set to %g on failure\n", nq_metric_defs[bad[i].m].name,
                    out);
        json_decref(bad[i].j);
    }
}

/* NPS: (promoters - detractors) / answers as a ratio, 4 decimals, may be below 0. */
static void test_nps(void)
{
    static const struct {
        int64_t net, answers;
        bool defined;
        double want;
    } cases[] = {
        {1, 3, true, 0.3333},   /* 2 promoters, 1 detractor of 3: NPS 33.33 */
        {-1, 3, true, -0.3333}, /* below zero stays below zero */
        {2, 3, true, 0.6667},   {1, 16, true, 0.0625}, {0, 4, true, 0.0},
        {5, 5, true, 1.0},      {3, 0, false, 0}, /* no answers: null */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nq_kpi_values_t v = {
            {[NQ_KPI_NPS_NET] = cases[i].net, [NQ_KPI_NPS_RESPONSES] = cases[i].answers}};
        double got = 99;
        CU_ASSERT_EQUAL(nq_metric_value(NQ_METRIC_NPS, &v, &got), cases[i].defined);
        if (cases[i].defined)
            CU_ASSERT_EQUAL(got, cases[i].want);
    }
    CU_ASSERT_FALSE(nq_metric_accumulates(NQ_METRIC_NPS));
}

/* Training hours: seconds / 3600 to 2 decimals (half up); it accumulates. */
static void test_training_hours(void)
{
    static const struct {
        int64_t seconds;
        double want;
    } cases[] = {{0, 0},     {3600, 1.0}, {5400, 1.5},         {60, 0.02},
                 {18, 0.01}, {17, 0.0},   {36000 + 1800, 10.5}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nq_kpi_values_t v = {{[NQ_KPI_TRAINING_S] = cases[i].seconds}};
        double got = -1;
        CU_ASSERT_TRUE(nq_metric_value(NQ_METRIC_TRAINING_HOURS, &v, &got));
        CU_ASSERT_EQUAL(got, cases[i].want);
    }
    CU_ASSERT_TRUE(nq_metric_accumulates(NQ_METRIC_TRAINING_HOURS));
    nq_kpi_values_t v = {
        {[NQ_KPI_TRAINING_S] = 5400, [NQ_KPI_TRAININGS] = 2, [NQ_KPI_TICKETS_CLOSED] = 3}};
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(real_of(j, "training_hours"), 1.5);
    CU_ASSERT_EQUAL(int_of(j, "trainings"), 2);
    CU_ASSERT_EQUAL(int_of(j, "tickets_closed"), 3);
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "nps")));
    json_decref(j);
}

static CU_TestInfo table_tests[] = {
    {"metric table: names, units, formulas", test_defs},
    {"nq_metric_find", test_find},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo formula_tests[] = {
    {"sales_amount: orders - cancellations - returns", test_sales_amount},
    {"orders, visits, calls, meetings, new_customers, tickets_opened", test_counts},
    {"collections: payments", test_collections},
    {"coverage: key visited / key customers, null over 0", test_coverage},
    {"order_completion_rate: on time / due, null over 0", test_order_completion_rate},
    {"avg_order_value: gross / orders, to the fen", test_avg_order_value},
    {"activity_to_order: (visits + calls) / orders", test_activity_to_order},
    {"feedback_score: sum / count, 4 decimals", test_feedback_score},
    {"nps: net / answers, a ratio that may be negative", test_nps},
    {"training_hours: seconds / 3600, 2 decimals", test_training_hours},
    {"to_json: a whole week", test_to_json_whole},
    {"to_json: exact past 2^53", test_to_json_exact_past_2_53},
    {"to_json agrees with metric_value + metric_json", test_to_json_agrees},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo json_tests[] = {
    {"money: yuan string", test_json_money},
    {"count: integer", test_json_count},
    {"ratio: 4 decimals", test_json_ratio},
    {"score: 4 decimals", test_json_score},
    {"quotients round half up, exactly", test_quotient_half_up},
    {"nq_round_to: half away from zero on the decimal", test_round_to},
    {"as the gateway serves it", test_json_as_served},
    {"undefined: null", test_json_undefined},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
    {"money targets: decimal yuan into fen", test_parse_money},
    {"count targets: whole, non-negative", test_parse_count},
    {"count target over the cap: reason", test_parse_count_too_big_reason},
    {"ratio targets: 0..10", test_parse_ratio},
    {"score targets: 0..5", test_parse_score},
    {"a refused target leaves *out alone", test_parse_refused_leaves_out},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"metric table", NULL, NULL, NULL, NULL, table_tests},
    {"metric formulas", NULL, NULL, NULL, NULL, formula_tests},
    {"metric json", NULL, NULL, NULL, NULL, json_tests},
    {"metric parse", NULL, NULL, NULL, NULL, parse_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
