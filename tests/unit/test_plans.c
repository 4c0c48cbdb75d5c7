/* test_plans.c — services/reporting/plans.h: scorecards (parse, score, explain) and commission
 * plans (parse, explain).
 *
 * Every expected value is computed by hand in the comment next to it. Money is in fen inside
 * (targets and counters), decimal yuan in the explanations. Instants: 2026-11-01 00:00 +08:00 is
 * `date -d 2026-11-01T00:00:00+08:00 +%s` = 1793462400 s. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/money.h"
#include "nq_test.h"
#include "reporting/plans.h"

#define SH_2026_11_01 1793462400000LL

/* The worked example: four metrics, default caps, four bands. */
static const char *const example_sc =
    "{\"effective_from\":\"2026-11-01\","
    " \"metrics\":[{\"metric\":\"sales_amount\",\"weight\":0.4},"
    "             {\"metric\":\"new_customers\",\"weight\":0.2},"
    "             {\"metric\":\"order_completion_rate\",\"weight\":0.2},"
    "             {\"metric\":\"visits\",\"weight\":0.2}],"
    " \"bands\":[{\"name\":\"C\",\"min\":0},{\"name\":\"B\",\"min\":60},"
    "           {\"name\":\"A\",\"min\":80},{\"name\":\"S\",\"min\":100}]}";

/* The commission example: 1 % / 2 % from 80 % / 3 % from 100 %, x1.5 above 100 %. */
static const char *const example_cp =
    "{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
    " \"tiers\":[{\"from\":0,\"rate\":0.01},{\"from\":0.8,\"rate\":0.02},"
    "           {\"from\":1.0,\"rate\":0.03}],"
    " \"accelerator\":{\"above\":1.0,\"multiplier\":1.5}}";

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static bool near(double got, double want)
{
    return fabs(got - want) < 1e-9 * (fabs(want) > 1 ? fabs(want) : 1);
}

/* Whether errs holds an error on `field` whose reason contains `part`. */
static bool has_error(const nq_field_errors_t *errs, const char *field, const char *part)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].field, field) == 0 && strstr(errs->items[i].reason, part))
            return true;
    }
    return false;
}

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* Parse a scorecard; the return code is compared with `want_rc`. */
static int sc_parse_text(const char *text, scorecard_t *sc, nq_field_errors_t *errs)
{
    json_t *j = load(text);
    memset(errs, 0, sizeof(*errs));
    int rc = scorecard_parse(j, sc, errs);
    json_decref(j);
    return rc;
}

/* Whether the scorecard `text` is refused with an error on `field` containing `part`. */
static bool sc_refused(const char *text, const char *field, const char *part)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    return sc_parse_text(text, &sc, &errs) == -1 && has_error(&errs, field, part);
}

static int cp_parse_text(const char *text, commission_plan_t *p, nq_field_errors_t *errs)
{
    json_t *j = load(text);
    memset(errs, 0, sizeof(*errs));
    int rc = commission_parse(j, p, errs);
    json_decref(j);
    return rc;
}

static bool cp_refused(const char *text, const char *field, const char *part)
{
    commission_plan_t p;
    nq_field_errors_t errs;
    return cp_parse_text(text, &p, &errs) == -1 && has_error(&errs, field, part);
}

static const char *str_of(const json_t *obj, const char *name)
{
    const json_t *j = json_object_get(obj, name);
    CU_ASSERT_TRUE(json_is_string(j));
    return json_is_string(j) ? json_string_value(j) : "";
}

static double real_of(const json_t *obj, const char *name)
{
    const json_t *j = json_object_get(obj, name);
    CU_ASSERT_TRUE(json_is_number(j));
    return json_is_number(j) ? json_number_value(j) : -12345;
}

static bool is_null(const json_t *obj, const char *name)
{
    return json_is_null(json_object_get(obj, name));
}

/* A note is absent when the key is missing or null. */
static bool no_note(const json_t *line)
{
    const json_t *n = json_object_get(line, "note");
    return n == NULL || json_is_null(n);
}

static scorecard_t example_scorecard(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text(example_sc, &sc, &errs), 0);
    return sc;
}

/* Sales 40000/50000, new customers 1/2, on time 3 of 4 vs 0.9, visits 18/20. */
static plan_input_t example_input(void)
{
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_SALES_FEN] = 4000000;
    in.values.v[NQ_KPI_NEW_CUSTOMERS] = 1;
    in.values.v[NQ_KPI_ORDERS_ON_TIME] = 3;
    in.values.v[NQ_KPI_ORDERS_DUE] = 4;
    in.values.v[NQ_KPI_VISITS] = 18;
    in.target[NQ_METRIC_SALES_AMOUNT] = 5000000;
    in.target[NQ_METRIC_NEW_CUSTOMERS] = 2;
    in.target[NQ_METRIC_ORDER_COMPLETION_RATE] = 0.9;
    in.target[NQ_METRIC_VISITS] = 20;
    in.has_target[NQ_METRIC_SALES_AMOUNT] = true;
    in.has_target[NQ_METRIC_NEW_CUSTOMERS] = true;
    in.has_target[NQ_METRIC_ORDER_COMPLETION_RATE] = true;
    in.has_target[NQ_METRIC_VISITS] = true;
    return in;
}

/* ---- scorecard_parse -------------------------------------------------------- */

static void test_sc_parse_example(void)
{
    scorecard_t sc = example_scorecard();
    CU_ASSERT_EQUAL(sc.effective_from, SH_2026_11_01);
    CU_ASSERT_EQUAL_FATAL(sc.n_metrics, 4);
    CU_ASSERT_EQUAL(sc.metrics[0].metric, NQ_METRIC_SALES_AMOUNT);
    CU_ASSERT_EQUAL(sc.metrics[1].metric, NQ_METRIC_NEW_CUSTOMERS);
    CU_ASSERT_EQUAL(sc.metrics[2].metric, NQ_METRIC_ORDER_COMPLETION_RATE);
    CU_ASSERT_EQUAL(sc.metrics[3].metric, NQ_METRIC_VISITS);
    CU_ASSERT_EQUAL(sc.metrics[0].weight, 0.4);
    CU_ASSERT_EQUAL(sc.metrics[3].weight, 0.2);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(sc.metrics[i].cap, 1.5); /* the default */
    CU_ASSERT_EQUAL_FATAL(sc.n_bands, 4);
    CU_ASSERT_STRING_EQUAL(sc.bands[0].name, "C");
    CU_ASSERT_EQUAL(sc.bands[0].min, 0);
    CU_ASSERT_STRING_EQUAL(sc.bands[1].name, "B");
    CU_ASSERT_EQUAL(sc.bands[1].min, 60);
    CU_ASSERT_STRING_EQUAL(sc.bands[3].name, "S");
    CU_ASSERT_EQUAL(sc.bands[3].min, 100);
}

/* version and created_at are the server's fields on a stored version: accepted. Bands are
 * optional; a Chinese band name fits in 23 bytes. */
static void test_sc_parse_server_fields(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"version\":3,"
                                  "\"created_at\":\"2026-10-20T10:00:00+08:00\","
                                  "\"metrics\":[{\"metric\":\"visits\",\"weight\":1}]}",
                                  &sc, &errs),
                    0);
    CU_ASSERT_EQUAL(errs.n, 0);
    CU_ASSERT_EQUAL(sc.n_metrics, 1);
    CU_ASSERT_EQUAL(sc.n_bands, 0);
    CU_ASSERT_EQUAL(sc_parse_text("{\"effective_from\":\"2026-11-01\","
                                  "\"metrics\":[{\"metric\":\"visits\",\"weight\":1}],"
                                  "\"bands\":[{\"name\":\"合格\",\"min\":0},"
                                  "{\"name\":\"优秀\",\"min\":90}]}",
                                  &sc, &errs),
                    0);
    CU_ASSERT_STRING_EQUAL(sc.bands[1].name, "优秀");
}

static void test_sc_parse_weights(void)
{
    /* 0.5 + 0.4 = 0.9 and 0.6 + 0.6 = 1.2 do not add up to 1. */
    CU_ASSERT_TRUE(
        sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                   "{\"metric\":\"visits\",\"weight\":0.5},{\"metric\":\"calls\",\"weight\":0.4}]}",
                   "metrics", "add up to 1"));
    CU_ASSERT_TRUE(
        sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                   "{\"metric\":\"visits\",\"weight\":0.6},{\"metric\":\"calls\",\"weight\":0.6}]}",
                   "metrics", "add up to 1"));
    /* Each weight: present, above 0, at most 1. */
    CU_ASSERT_TRUE(
        sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                   "{\"metric\":\"visits\",\"weight\":0},{\"metric\":\"calls\",\"weight\":1}]}",
                   "metrics[0]", "weight"));
    CU_ASSERT_TRUE(sc_refused(
        "{\"effective_from\":\"2026-11-01\",\"metrics\":["
        "{\"metric\":\"visits\",\"weight\":1.5},{\"metric\":\"calls\",\"weight\":-0.5}]}",
        "metrics[0]", "weight"));
    CU_ASSERT_TRUE(
        sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":[{\"metric\":\"visits\"}]}",
                   "metrics[0]", "weight"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":\"1\"}]}",
                              "metrics[0]", "weight"));
    /* 0.1 + 0.1 + 0.1 + 0.7 is 1 only within binary rounding: accepted. */
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                  "{\"metric\":\"visits\",\"weight\":0.1},"
                                  "{\"metric\":\"calls\",\"weight\":0.1},"
                                  "{\"metric\":\"meetings\",\"weight\":0.1},"
                                  "{\"metric\":\"orders\",\"weight\":0.7}]}",
                                  &sc, &errs),
                    0);
}

static void test_sc_parse_caps(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    /* 1 and 10 are the bounds, both allowed. */
    CU_ASSERT_EQUAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                  "{\"metric\":\"visits\",\"weight\":0.5,\"cap\":1},"
                                  "{\"metric\":\"calls\",\"weight\":0.5,\"cap\":10}]}",
                                  &sc, &errs),
                    0);
    CU_ASSERT_EQUAL(sc.metrics[0].cap, 1);
    CU_ASSERT_EQUAL(sc.metrics[1].cap, 10);
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1,\"cap\":0.99}]}",
                              "metrics[0]", "cap"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1,\"cap\":10.5}]}",
                              "metrics[0]", "cap"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1,\"cap\":null}]}",
                              "metrics[0]", "cap"));
}

static void test_sc_parse_metrics(void)
{
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"sales\",\"weight\":1}]}",
                              "metrics[0]", "unknown metric"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":[{\"weight\":1}]}",
                              "metrics[0]", "unknown metric"));
    CU_ASSERT_TRUE(sc_refused(
        "{\"effective_from\":\"2026-11-01\",\"metrics\":["
        "{\"metric\":\"visits\",\"weight\":0.5},{\"metric\":\"visits\",\"weight\":0.5}]}",
        "metrics[1]", "twice"));
    CU_ASSERT_TRUE(
        sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":[]}", "metrics", "array"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\"}", "metrics", "array"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":{\"visits\":1}}",
                              "metrics", "array"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":[\"visits\"]}",
                              "metrics[0]", "metric"));
}

static void test_sc_parse_unknown_keys(void)
{
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"colour\":\"red\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1}]}",
                              "(body)", "unknown field 'colour'"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1,\"wieght\":1}]}",
                              "metrics[0]", "unknown field 'wieght'"));
}

static void test_sc_parse_bands(void)
{
    const char *head = "{\"effective_from\":\"2026-11-01\",\"metrics\":"
                       "[{\"metric\":\"visits\",\"weight\":1}],\"bands\":";
    char text[512];
    /* Equal mins and a descending one. */
    snprintf(text, sizeof(text), "%s[{\"name\":\"C\",\"min\":0},{\"name\":\"B\",\"min\":0}]}",
             head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[1]", "above"));
    snprintf(text, sizeof(text),
             "%s[{\"name\":\"C\",\"min\":0},{\"name\":\"B\",\"min\":80},"
             "{\"name\":\"A\",\"min\":60}]}",
             head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[2]", "above"));
    /* A name and a min each. */
    snprintf(text, sizeof(text), "%s[{\"min\":0}]}", head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[0]", "name"));
    snprintf(text, sizeof(text), "%s[{\"name\":\"\",\"min\":0}]}", head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[0]", "name"));
    snprintf(text, sizeof(text), "%s[{\"name\":\"C\"}]}", head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[0]", "min"));
    /* 24 bytes of name is one too many. */
    snprintf(text, sizeof(text), "%s[{\"name\":\"abcdefghijklmnopqrstuvwx\",\"min\":0}]}", head);
    CU_ASSERT_TRUE(sc_refused(text, "bands[0]", "name"));
    /* At most 8 bands, and an array. */
    snprintf(text, sizeof(text),
             "%s[{\"name\":\"a\",\"min\":1},{\"name\":\"b\",\"min\":2},{\"name\":\"c\",\"min\":3},"
             "{\"name\":\"d\",\"min\":4},{\"name\":\"e\",\"min\":5},{\"name\":\"f\",\"min\":6},"
             "{\"name\":\"g\",\"min\":7},{\"name\":\"h\",\"min\":8},{\"name\":\"i\",\"min\":9}]}",
             head);
    CU_ASSERT_TRUE(sc_refused(text, "bands", "at most 8"));
    snprintf(text, sizeof(text), "%s{\"C\":0}}", head);
    CU_ASSERT_TRUE(sc_refused(text, "bands", "array"));
}

static void test_sc_parse_document(void)
{
    CU_ASSERT_TRUE(sc_refused("{\"metrics\":[{\"metric\":\"visits\",\"weight\":1}]}",
                              "effective_from", "date"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-13-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1}]}",
                              "effective_from", "date"));
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":20261101,\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1}]}",
                              "effective_from", "date"));
    CU_ASSERT_TRUE(sc_refused("[]", "(body)", "object"));
    /* RFC 3339 is a date too. */
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(sc_parse_text("{\"effective_from\":\"2026-10-31T16:00:00Z\",\"metrics\":"
                                  "[{\"metric\":\"visits\",\"weight\":1}]}",
                                  &sc, &errs),
                    0);
    CU_ASSERT_EQUAL(sc.effective_from, SH_2026_11_01);
}

/* Every object of a plan refuses keys it does not know, as the top level and the metric items
 * do: a band, a tier and the accelerator with an extra key. */
static void test_unknown_keys_nested(void)
{
    CU_ASSERT_TRUE(sc_refused("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                              "[{\"metric\":\"visits\",\"weight\":1}],"
                              "\"bands\":[{\"name\":\"C\",\"min\":0,\"colour\":\"red\"}]}",
                              "bands[0]", "unknown field 'colour'"));
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0,\"rate\":0.01,\"cap\":5}]}",
                              "tiers[0]", "unknown field 'cap'"));
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0,\"rate\":0.01}],"
                              "\"accelerator\":{\"above\":1,\"multiplier\":2,\"below\":0.5}}",
                              "accelerator", "unknown field 'below'"));
}

/* ---- scorecard_score / scorecard_explain ------------------------------------ */

/* 100 x (0.4 x 0.8 + 0.2 x 0.5 + 0.2 x (0.75 / 0.9) + 0.2 x 0.9)
 *   = 32 + 10 + 16.666... + 18 = 76.666... = 230 / 3. */
static void test_sc_score_example(void)
{
    scorecard_t sc = example_scorecard();
    plan_input_t in = example_input();
    CU_ASSERT_TRUE(near(scorecard_score(&sc, &in), 230.0 / 3));
}

static void test_sc_explain_example(void)
{
    scorecard_t sc = example_scorecard();
    plan_input_t in = example_input();
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(real_of(x, "score"), 76.67);
    CU_ASSERT_STRING_EQUAL(str_of(x, "band"), "B");

    const json_t *lines = json_object_get(x, "metrics");
    CU_ASSERT_EQUAL_FATAL(json_array_size(lines), 4);
    const json_t *sales = json_array_get(lines, 0);
    CU_ASSERT_STRING_EQUAL(str_of(sales, "metric"), "sales_amount");
    CU_ASSERT_STRING_EQUAL(str_of(sales, "zh"), "销售额");
    CU_ASSERT_STRING_EQUAL(str_of(sales, "actual"), "40000.00");
    CU_ASSERT_STRING_EQUAL(str_of(sales, "target"), "50000.00");
    CU_ASSERT_EQUAL(real_of(sales, "attainment"), 0.8);
    CU_ASSERT_EQUAL(real_of(sales, "cap"), 1.5);
    CU_ASSERT_EQUAL(real_of(sales, "weight"), 0.4);
    CU_ASSERT_EQUAL(real_of(sales, "contribution"), 32.0);
    CU_ASSERT_TRUE(no_note(sales));

    const json_t *nc = json_array_get(lines, 1);
    CU_ASSERT_STRING_EQUAL(str_of(nc, "metric"), "new_customers");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(nc, "actual")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(nc, "target")), 2);
    CU_ASSERT_EQUAL(real_of(nc, "attainment"), 0.5);
    CU_ASSERT_EQUAL(real_of(nc, "contribution"), 10.0);

    const json_t *oc = json_array_get(lines, 2);
    CU_ASSERT_STRING_EQUAL(str_of(oc, "metric"), "order_completion_rate");
    CU_ASSERT_EQUAL(real_of(oc, "actual"), 0.75);
    CU_ASSERT_EQUAL(real_of(oc, "target"), 0.9);
    CU_ASSERT_EQUAL(real_of(oc, "attainment"), 0.8333); /* 0.75 / 0.9, 4 decimals */
    CU_ASSERT_EQUAL(real_of(oc, "contribution"), 16.67);

    const json_t *visits = json_array_get(lines, 3);
    CU_ASSERT_EQUAL(real_of(visits, "attainment"), 0.9);
    CU_ASSERT_EQUAL(real_of(visits, "contribution"), 18.0);

    /* A needs 80 - 76.666... = 3.333... points. Alone:
     *   sales: 3.333 / 40 = 0.08333 of 5,000,000 fen = 416,666.67 fen -> whole yuan up: 4167.00
     *   new customers: 3.333 / 20 = 0.1667 of 2 = 0.33 -> 1
     *   on-time completion: 0.1667 of 0.9 = 0.15, from 0.75 up to 0.90 -> 90.0%
     *   visits: 0.1667 of 20 = 3.33 -> 4 */
    const json_t *next = json_object_get(x, "next_band");
    CU_ASSERT_TRUE_FATAL(json_is_object(next));
    CU_ASSERT_STRING_EQUAL(str_of(next, "band"), "A");
    CU_ASSERT_EQUAL(real_of(next, "points"), 3.33);
    const json_t *opts = json_object_get(next, "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(opts), 4);
    static const char *const want[4][3] = {
        {"sales_amount", "4167.00", "CNY 4,167.00 more sales"},
        {"new_customers", "1", "1 more new customers"},
        {"order_completion_rate", "90.0%", "on-time order completion up to 90.0%"},
        {"visits", "4", "4 more visits"},
    };
    for (size_t i = 0; i < 4; i++) {
        const json_t *o = json_array_get(opts, i);
        CU_ASSERT_STRING_EQUAL(str_of(o, "metric"), want[i][0]);
        CU_ASSERT_STRING_EQUAL(str_of(o, "more"), want[i][1]);
        CU_ASSERT_STRING_EQUAL(str_of(o, "en"), want[i][2]);
    }
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 0), "zh"), "销售额再增加 ¥4,167.00");
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 3), "zh"), "拜访数再增加 4");
    CU_ASSERT_STRING_EQUAL(str_of(next, "en"),
                           "CNY 4,167.00 more sales or 1 more new customers or on-time order "
                           "completion up to 90.0% or 4 more visits");
    CU_ASSERT_STRING_EQUAL(str_of(next, "zh"), "销售额再增加 ¥4,167.00，或新客户数再增加 1，"
                                               "或订单按时完成率提高到 90.0%，或拜访数再增加 4");
    json_decref(x);
}

/* The options really reach the band: adding 4167.00 yuan of sales gives at least 80. */
static void test_sc_option_reaches_band(void)
{
    scorecard_t sc = example_scorecard();
    plan_input_t in = example_input();
    in.values.v[NQ_KPI_SALES_FEN] += 416700;
    CU_ASSERT_TRUE(scorecard_score(&sc, &in) >= 80); /* 76.67 + 40 x 0.08334 = 80.0013 */
    in.values.v[NQ_KPI_SALES_FEN] -= 100;            /* a yuan less is not enough: 79.9993 */
    CU_ASSERT_TRUE(scorecard_score(&sc, &in) < 80);
}

/* Visits alone, weight 1, cap 1.5: 40 of 20 is attainment 2.0, counted 1.5 -> 150. The top band
 * S (100) is reached: next_band is null. */
static void test_sc_cap(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                                        "[{\"metric\":\"visits\",\"weight\":1}],"
                                        "\"bands\":[{\"name\":\"C\",\"min\":0},"
                                        "{\"name\":\"S\",\"min\":100}]}",
                                        &sc, &errs),
                          0);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_VISITS] = 40;
    in.target[NQ_METRIC_VISITS] = 20;
    in.has_target[NQ_METRIC_VISITS] = true;
    CU_ASSERT_EQUAL(scorecard_score(&sc, &in), 150.0);
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(real_of(x, "score"), 150.0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "band"), "S");
    const json_t *line = json_array_get(json_object_get(x, "metrics"), 0);
    CU_ASSERT_EQUAL(real_of(line, "attainment"), 2.0);
    CU_ASSERT_EQUAL(real_of(line, "cap"), 1.5);
    CU_ASSERT_EQUAL(real_of(line, "contribution"), 150.0);
    CU_ASSERT_TRUE(is_null(x, "next_band"));
    json_decref(x);

    /* A cap of 2 counts all of it: 200. */
    sc.metrics[0].cap = 2;
    CU_ASSERT_EQUAL(scorecard_score(&sc, &in), 200.0);
    /* Nothing done: 0, and the score never goes below 0. */
    in.values.v[NQ_KPI_VISITS] = 0;
    CU_ASSERT_EQUAL(scorecard_score(&sc, &in), 0.0);
}

/* Sales 0.5 and visits 0.5; only visits has a target (20, done 20): 50 + 0 = 50. The only band
 * B (60) is not reached: band null, next B needs 10 points = 0.2 of visits = 4 more. */
static void test_sc_no_target(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                        "{\"metric\":\"sales_amount\",\"weight\":0.5},"
                                        "{\"metric\":\"visits\",\"weight\":0.5}],"
                                        "\"bands\":[{\"name\":\"B\",\"min\":60}]}",
                                        &sc, &errs),
                          0);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_SALES_FEN] = 9900000;
    in.values.v[NQ_KPI_VISITS] = 20;
    in.target[NQ_METRIC_VISITS] = 20;
    in.has_target[NQ_METRIC_VISITS] = true;
    CU_ASSERT_EQUAL(scorecard_score(&sc, &in), 50.0);
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(real_of(x, "score"), 50.0);
    CU_ASSERT_TRUE(is_null(x, "band"));
    const json_t *sales = json_array_get(json_object_get(x, "metrics"), 0);
    CU_ASSERT_STRING_EQUAL(str_of(sales, "note"), "no target");
    CU_ASSERT_STRING_EQUAL(str_of(sales, "actual"), "99000.00");
    CU_ASSERT_TRUE(is_null(sales, "target"));
    CU_ASSERT_TRUE(is_null(sales, "attainment"));
    CU_ASSERT_EQUAL(real_of(sales, "contribution"), 0.0);
    const json_t *next = json_object_get(x, "next_band");
    CU_ASSERT_TRUE_FATAL(json_is_object(next));
    CU_ASSERT_STRING_EQUAL(str_of(next, "band"), "B");
    CU_ASSERT_EQUAL(real_of(next, "points"), 10.0);
    const json_t *opts = json_object_get(next, "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(opts), 1); /* sales has no target: no option */
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 0), "en"), "4 more visits");
    CU_ASSERT_STRING_EQUAL(str_of(next, "en"), "4 more visits");
    json_decref(x);

    /* A target of 0 is no target either. */
    in.has_target[NQ_METRIC_SALES_AMOUNT] = true;
    in.target[NQ_METRIC_SALES_AMOUNT] = 0;
    CU_ASSERT_EQUAL(scorecard_score(&sc, &in), 50.0);
    x = scorecard_explain(&sc, &in);
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(json_object_get(x, "metrics"), 0), "note"),
                           "no target");
    json_decref(x);
}

/* On-time completion with no order due is undefined: 0 with note "no data". */
static void test_sc_no_data(void)
{
    scorecard_t sc = example_scorecard();
    plan_input_t in = example_input();
    in.values.v[NQ_KPI_ORDERS_ON_TIME] = 0;
    in.values.v[NQ_KPI_ORDERS_DUE] = 0;
    /* 32 + 10 + 0 + 18 = 60: band B exactly. */
    CU_ASSERT_TRUE(near(scorecard_score(&sc, &in), 60.0));
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    const json_t *oc = json_array_get(json_object_get(x, "metrics"), 2);
    CU_ASSERT_STRING_EQUAL(str_of(oc, "note"), "no data");
    CU_ASSERT_TRUE(is_null(oc, "actual"));
    CU_ASSERT_TRUE(is_null(oc, "attainment"));
    CU_ASSERT_EQUAL(real_of(oc, "contribution"), 0.0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "band"), "B");
    /* A needs 20 points: sales 0.8 + 20 / 40 = 1.3 (2,500,000 fen more); new customers
     * 0.5 + 20 / 20 = 1.5, exactly its cap (2 more); visits 0.9 + 1.0 = 1.9 is past its cap; and
     * on-time completion, without data, cannot help: 2 options. */
    const json_t *next = json_object_get(x, "next_band");
    CU_ASSERT_EQUAL(real_of(next, "points"), 20.0);
    const json_t *opts = json_object_get(next, "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(opts), 2);
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 0), "en"), "CNY 25,000.00 more sales");
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 1), "en"), "2 more new customers");
    json_decref(x);
}

/* Sales 0.5 capped at 1.0, visits 0.5 (cap 1.5). Sales 40000/50000 -> 40, visits 10/20 -> 25:
 * 65, band B. A needs 15 points = 0.3 of attainment: sales would need 0.8 + 0.3 = 1.1 > its cap
 * 1.0 and is not offered; visits 0.5 + 0.3 = 0.8 is, as 0.3 x 20 = 6 more visits. */
static void test_sc_option_beyond_cap(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                        "{\"metric\":\"sales_amount\",\"weight\":0.5,\"cap\":1},"
                                        "{\"metric\":\"visits\",\"weight\":0.5}],"
                                        "\"bands\":[{\"name\":\"C\",\"min\":0},"
                                        "{\"name\":\"B\",\"min\":60},{\"name\":\"A\",\"min\":80}]}",
                                        &sc, &errs),
                          0);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_SALES_FEN] = 4000000;
    in.values.v[NQ_KPI_VISITS] = 10;
    in.target[NQ_METRIC_SALES_AMOUNT] = 5000000;
    in.target[NQ_METRIC_VISITS] = 20;
    in.has_target[NQ_METRIC_SALES_AMOUNT] = in.has_target[NQ_METRIC_VISITS] = true;
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(real_of(x, "score"), 65.0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "band"), "B");
    const json_t *next = json_object_get(x, "next_band");
    CU_ASSERT_STRING_EQUAL(str_of(next, "band"), "A");
    CU_ASSERT_EQUAL(real_of(next, "points"), 15.0);
    const json_t *opts = json_object_get(next, "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(opts), 1);
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 0), "metric"), "visits");
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(opts, 0), "more"), "6");
    CU_ASSERT_STRING_EQUAL(str_of(next, "en"), "6 more visits");
    json_decref(x);

    /* Both capped at 1.0. Sales 45000 (0.9 -> 45) and visits 10 (0.5 -> 25): 70, A needs 10
     * points = 0.2: sales 0.9 + 0.2 = 1.1 > 1 is not offered, visits 0.5 + 0.2 = 0.7 is (4). */
    sc.metrics[1].cap = 1;
    in.values.v[NQ_KPI_SALES_FEN] = 4500000;
    x = scorecard_explain(&sc, &in);
    const json_t *o = json_object_get(json_object_get(x, "next_band"), "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(o), 1);
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(o, 0), "en"), "4 more visits");
    json_decref(x);

    /* Exactly up to the cap is still offered: sales 40000 (0.8) and visits 12 (0.6): 70, 0.2
     * more each: sales to 1.0 = its cap (10000.00 yuan), visits to 0.8 (4). */
    in.values.v[NQ_KPI_SALES_FEN] = 4000000;
    in.values.v[NQ_KPI_VISITS] = 12;
    x = scorecard_explain(&sc, &in);
    o = json_object_get(json_object_get(x, "next_band"), "options");
    CU_ASSERT_EQUAL_FATAL(json_array_size(o), 2);
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(o, 0), "en"), "CNY 10,000.00 more sales");
    CU_ASSERT_STRING_EQUAL(str_of(json_array_get(o, 1), "en"), "4 more visits");
    json_decref(x);

    /* A band above what the caps allow (101 > 100): 0.9 and 0.9 score 90, band A; 11 points
     * would take 0.22 more of either, past both caps: no option at all. */
    in.values.v[NQ_KPI_SALES_FEN] = 4500000;
    in.values.v[NQ_KPI_VISITS] = 18;
    x = scorecard_explain(&sc, &in);
    CU_ASSERT_STRING_EQUAL(str_of(x, "band"), "A");
    CU_ASSERT_TRUE(is_null(x, "next_band")); /* A is the top band here */
    json_decref(x);
    snprintf(sc.bands[3].name, sizeof(sc.bands[3].name), "X");
    sc.bands[3].min = 101;
    sc.n_bands = 4;
    x = scorecard_explain(&sc, &in);
    const json_t *next_x = json_object_get(x, "next_band");
    CU_ASSERT_STRING_EQUAL(str_of(next_x, "band"), "X");
    CU_ASSERT_EQUAL(real_of(next_x, "points"), 11.0);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(next_x, "options")), 0);
    CU_ASSERT_STRING_EQUAL(str_of(next_x, "en"), "");
    json_decref(x);
}

/* No bands at all: band and next_band null. */
static void test_sc_no_bands(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":"
                                        "[{\"metric\":\"visits\",\"weight\":1}]}",
                                        &sc, &errs),
                          0);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_VISITS] = 5;
    in.target[NQ_METRIC_VISITS] = 20;
    in.has_target[NQ_METRIC_VISITS] = true;
    json_t *x = scorecard_explain(&sc, &in);
    CU_ASSERT_EQUAL(real_of(x, "score"), 25.0);
    CU_ASSERT_TRUE(is_null(x, "band"));
    CU_ASSERT_TRUE(is_null(x, "next_band"));
    json_decref(x);
}

/* ---- commission_parse ------------------------------------------------------- */

static void test_cp_parse_example(void)
{
    commission_plan_t p;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(cp_parse_text(example_cp, &p, &errs), 0);
    CU_ASSERT_EQUAL(p.effective_from, SH_2026_11_01);
    CU_ASSERT_EQUAL(p.metric, NQ_METRIC_SALES_AMOUNT);
    CU_ASSERT_EQUAL_FATAL(p.n_tiers, 3);
    CU_ASSERT_EQUAL(p.tiers[0].from, 0);
    CU_ASSERT_EQUAL(p.tiers[0].rate, 0.01);
    CU_ASSERT_EQUAL(p.tiers[1].from, 0.8);
    CU_ASSERT_EQUAL(p.tiers[1].rate, 0.02);
    CU_ASSERT_EQUAL(p.tiers[2].from, 1.0);
    CU_ASSERT_EQUAL(p.tiers[2].rate, 0.03);
    CU_ASSERT_EQUAL(p.accel_above, 1.0);
    CU_ASSERT_EQUAL(p.accel_multiplier, 1.5);

    /* No accelerator: multiplier 1. collections is an amount too; server fields accepted. */
    CU_ASSERT_EQUAL(cp_parse_text("{\"effective_from\":\"2026-11-01\",\"metric\":\"collections\","
                                  "\"version\":2,\"created_at\":\"2026-10-20T10:00:00+08:00\","
                                  "\"tiers\":[{\"from\":0,\"rate\":0.005}]}",
                                  &p, &errs),
                    0);
    CU_ASSERT_EQUAL(p.metric, NQ_METRIC_COLLECTIONS);
    CU_ASSERT_EQUAL(p.n_tiers, 1);
    CU_ASSERT_EQUAL(p.accel_multiplier, 1);
}

static void test_cp_parse_rules(void)
{
    /* The first tier starts from 0. */
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0.5,\"rate\":0.01}]}",
                              "tiers[0]", "from 0"));
    /* Ascending: an equal and a lower start. */
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\",\"tiers\":["
                   "{\"from\":0,\"rate\":0.01},{\"from\":0.8,\"rate\":0.02},"
                   "{\"from\":0.8,\"rate\":0.03}]}",
                   "tiers[2]", "above"));
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\",\"tiers\":["
                   "{\"from\":0,\"rate\":0.01},{\"from\":1.0,\"rate\":0.02},"
                   "{\"from\":0.8,\"rate\":0.03}]}",
                   "tiers[2]", "above"));
    /* The metric is an amount without a denominator. */
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"visits\","
                              "\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                              "metric", "amount"));
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"avg_order_value\","
                              "\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                              "metric", "amount"));
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                   "metric", "amount"));
    /* Tiers: 1 to 8, rates 0..1. */
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\",\"tiers\":[]}",
                   "tiers", "1 to 8"));
    CU_ASSERT_TRUE(cp_refused(
        "{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\",\"tiers\":["
        "{\"from\":0,\"rate\":0.01},{\"from\":1,\"rate\":0.01},{\"from\":2,\"rate\":0.01},"
        "{\"from\":3,\"rate\":0.01},{\"from\":4,\"rate\":0.01},{\"from\":5,\"rate\":0.01},"
        "{\"from\":6,\"rate\":0.01},{\"from\":7,\"rate\":0.01},"
        "{\"from\":8,\"rate\":0.01}]}",
        "tiers", "1 to 8"));
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0,\"rate\":1.5}]}",
                              "tiers[0]", "rate"));
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0}]}",
                              "tiers[0]", "rate"));
    /* The accelerator multiplies by 1..10. */
    CU_ASSERT_TRUE(cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                              "\"tiers\":[{\"from\":0,\"rate\":0.01}],"
                              "\"accelerator\":{\"above\":1,\"multiplier\":0.5}}",
                              "accelerator", "multiplier"));
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                   "\"tiers\":[{\"from\":0,\"rate\":0.01}],\"accelerator\":{\"multiplier\":2}}",
                   "accelerator", "above"));
    /* Unknown keys, dates, the body. */
    CU_ASSERT_TRUE(
        cp_refused("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\",\"bonus\":1,"
                   "\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                   "(body)", "unknown field 'bonus'"));
    CU_ASSERT_TRUE(
        cp_refused("{\"metric\":\"sales_amount\",\"tiers\":[{\"from\":0,\"rate\":0.01}]}",
                   "effective_from", "date"));
    CU_ASSERT_TRUE(cp_refused("[\"plan\"]", "(body)", "object"));
}

/* ---- commission_explain ----------------------------------------------------- */

static commission_plan_t parse_plan(const char *text)
{
    commission_plan_t p;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(cp_parse_text(text, &p, &errs), 0);
    return p;
}

static plan_input_t sales_input(int64_t sales_fen, double target_fen)
{
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_SALES_FEN] = sales_fen;
    in.target[NQ_METRIC_SALES_AMOUNT] = target_fen;
    in.has_target[NQ_METRIC_SALES_AMOUNT] = target_fen > 0;
    return in;
}

/* One segment of the explanation. `to` < 0 means null. */
static void segment_is(const json_t *seg, double from, double to, double rate, const char *amount,
                       const char *commission)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(seg);
    CU_ASSERT_TRUE(near(real_of(seg, "from"), from));
    if (to < 0) {
        CU_ASSERT_TRUE(is_null(seg, "to"));
    } else {
        CU_ASSERT_TRUE(near(real_of(seg, "to"), to));
    }
    CU_ASSERT_TRUE(near(real_of(seg, "rate"), rate));
    CU_ASSERT_STRING_EQUAL(str_of(seg, "amount"), amount);
    CU_ASSERT_STRING_EQUAL(str_of(seg, "commission"), commission);
}

/* Target 50000, sales 60000 (120 %):
 *   0..80 %    40000.00 x 1 %         = 400.00
 *   80..100 %  10000.00 x 2 %         = 200.00
 *   100 %..    10000.00 x 3 % x 1.5   = 450.00
 *                                       1050.00 yuan = 105000 fen */
static void test_cp_explain_example(void)
{
    commission_plan_t p = parse_plan(example_cp);
    plan_input_t in = sales_input(6000000, 5000000);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(fen, 105000);
    CU_ASSERT_STRING_EQUAL(str_of(x, "metric"), "sales_amount");
    CU_ASSERT_STRING_EQUAL(str_of(x, "actual"), "60000.00");
    CU_ASSERT_STRING_EQUAL(str_of(x, "target"), "50000.00");
    CU_ASSERT_EQUAL(real_of(x, "attainment"), 1.2);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "1050.00");
    CU_ASSERT_TRUE(no_note(x));
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 3);
    segment_is(json_array_get(segs, 0), 0, 0.8, 0.01, "40000.00", "400.00");
    segment_is(json_array_get(segs, 1), 0.8, 1.0, 0.02, "10000.00", "200.00");
    segment_is(json_array_get(segs, 2), 1.0, -1, 0.045, "10000.00", "450.00");
    json_decref(x);
}

/* No target: commission 0, a note, no segments; a target of 0 is none either. */
static void test_cp_explain_no_target(void)
{
    commission_plan_t p = parse_plan(example_cp);
    plan_input_t in = sales_input(6000000, 0);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(fen, 0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "0.00");
    CU_ASSERT_STRING_EQUAL(str_of(x, "actual"), "60000.00");
    CU_ASSERT_TRUE(is_null(x, "target"));
    CU_ASSERT_TRUE(is_null(x, "attainment"));
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(x, "note"), "no target"));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(x, "tiers")), 0);
    json_decref(x);

    in.has_target[NQ_METRIC_SALES_AMOUNT] = true; /* set, but 0 */
    fen = -1;
    x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(x, "note"), "no target"));
    json_decref(x);
}

/* Sales 30000 of 50000 (60 %), below the first break at 80 %: 30000.00 x 1 % = 300.00 in one
 * segment. Nothing sold: 0, no segment. */
static void test_cp_explain_below_first_break(void)
{
    commission_plan_t p = parse_plan(example_cp);
    plan_input_t in = sales_input(3000000, 5000000);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 30000);
    CU_ASSERT_EQUAL(real_of(x, "attainment"), 0.6);
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 1);
    segment_is(json_array_get(segs, 0), 0, 0.8, 0.01, "30000.00", "300.00");
    json_decref(x);

    in = sales_input(0, 5000000);
    x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 0);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(x, "tiers")), 0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "0.00");
    json_decref(x);

    /* Exactly at the break (40000 = 80 %): 400.00, the 2 % tier gets nothing. */
    in = sales_input(4000000, 5000000);
    x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 40000);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(x, "tiers")), 1);
    json_decref(x);
}

/* The same tiers with the accelerator x2 above 90 %, sales 60000 of 50000:
 *   0..80 %     40000.00 x 1 %       = 400.00
 *   80..90 %     5000.00 x 2 %       = 100.00
 *   90..100 %    5000.00 x 2 % x 2   = 200.00
 *   100 %..     10000.00 x 3 % x 2   = 600.00
 *                                      1300.00 yuan */
static void test_cp_explain_accelerator_between_tiers(void)
{
    commission_plan_t p =
        parse_plan("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                   " \"tiers\":[{\"from\":0,\"rate\":0.01},{\"from\":0.8,\"rate\":0.02},"
                   "           {\"from\":1.0,\"rate\":0.03}],"
                   " \"accelerator\":{\"above\":0.9,\"multiplier\":2}}");
    plan_input_t in = sales_input(6000000, 5000000);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 130000);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "1300.00");
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 4);
    segment_is(json_array_get(segs, 0), 0, 0.8, 0.01, "40000.00", "400.00");
    segment_is(json_array_get(segs, 1), 0.8, 0.9, 0.02, "5000.00", "100.00");
    segment_is(json_array_get(segs, 2), 0.9, 1.0, 0.04, "5000.00", "200.00");
    segment_is(json_array_get(segs, 3), 1.0, -1, 0.06, "10000.00", "600.00");
    json_decref(x);
}

/* An accelerator above the last tier start: tiers 1 % / 2 % from 80 %, x2 above 120 %, sales
 * 70000 of 50000 (140 %): 400.00 + 20000.00 x 2 % + 10000.00 x 4 % = 400 + 400 + 400. */
static void test_cp_explain_accelerator_past_tiers(void)
{
    commission_plan_t p =
        parse_plan("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                   " \"tiers\":[{\"from\":0,\"rate\":0.01},{\"from\":0.8,\"rate\":0.02}],"
                   " \"accelerator\":{\"above\":1.2,\"multiplier\":2}}");
    plan_input_t in = sales_input(7000000, 5000000);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 120000);
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 3);
    segment_is(json_array_get(segs, 1), 0.8, 1.2, 0.02, "20000.00", "400.00");
    segment_is(json_array_get(segs, 2), 1.2, -1, 0.04, "10000.00", "400.00");
    json_decref(x);
}

/* Rounded to the fen: 333.35 yuan x 1 % = 333.35 fen -> 333 fen = 3.33. */
static void test_cp_explain_rounds_to_fen(void)
{
    commission_plan_t p = parse_plan("{\"effective_from\":\"2026-11-01\",\"metric\":"
                                     "\"sales_amount\",\"tiers\":[{\"from\":0,\"rate\":0.01}]}");
    plan_input_t in = sales_input(33335, 100000);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 333);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "3.33");
    json_decref(x);
}

/* The coordinator's month (issue 14): target 169013.75, sales 283921.25 (1.6799 of it), the
 * example plan:
 *   0..80 %     135211.00 x 1 %        = 1352.11
 *   80..100 %    33802.75 x 2 %        =  676.055  -> 676.06 (half up)
 *   100 %..     114907.50 x 3 % x 1.5  = 5170.8375 -> 5170.84
 * The lines as shown add up to 7199.01, and that is the commission (the sum of the unrounded
 * parts, 7199.0025, rounded once, was 7199.00). */
static void test_cp_lines_add_up_issue(void)
{
    commission_plan_t p = parse_plan(example_cp);
    plan_input_t in = sales_input(28392125, 16901375);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 3);
    segment_is(json_array_get(segs, 0), 0, 0.8, 0.01, "135211.00", "1352.11");
    segment_is(json_array_get(segs, 1), 0.8, 1.0, 0.02, "33802.75", "676.06");
    segment_is(json_array_get(segs, 2), 1.0, -1, 0.045, "114907.50", "5170.84");
    CU_ASSERT_EQUAL(fen, 719901);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "7199.01");
    CU_ASSERT_EQUAL(real_of(x, "attainment"), 1.6799);
    json_decref(x);
}

/* Tier bounds fall on whole fen, so the amounts shown add up to the actual: tiers 1 % and 2 %
 * from 50 %, target and sales 333.33. 50 % is 16666.5 fen -> 16667: amounts 166.67 + 166.66 =
 * 333.33 (two halves of 16666.5 would both show 166.67); commissions 166.67 fen -> 1.67 and
 * 333.32 fen -> 3.33, 5.00 in all. */
static void test_cp_bounds_whole_fen(void)
{
    commission_plan_t p =
        parse_plan("{\"effective_from\":\"2026-11-01\",\"metric\":\"sales_amount\","
                   " \"tiers\":[{\"from\":0,\"rate\":0.01},{\"from\":0.5,\"rate\":0.02}]}");
    plan_input_t in = sales_input(33333, 33333);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    const json_t *segs = json_object_get(x, "tiers");
    CU_ASSERT_EQUAL_FATAL(json_array_size(segs), 2);
    segment_is(json_array_get(segs, 0), 0, 0.5, 0.01, "166.67", "1.67");
    segment_is(json_array_get(segs, 1), 0.5, -1, 0.02, "166.66", "3.33");
    CU_ASSERT_EQUAL(fen, 500);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "5.00");
    json_decref(x);
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* A money string of an explanation in fen. */
static int64_t fen_of(const json_t *obj, const char *name)
{
    int64_t fen = INT64_MIN;
    CU_ASSERT_EQUAL(nq_money_parse(str_of(obj, name), &fen, NULL), 0);
    return fen;
}

/* For random plans, targets and actuals: the commission is exactly the sum of the lines shown,
 * every line is >= 0, and the amounts shown add up to the actual (when it is positive). */
static void test_cp_lines_add_up_random(void)
{
    uint64_t seed = 0x6e656971696e2d31ULL;
    for (int round = 0; round < 20000; round++) {
        commission_plan_t p;
        memset(&p, 0, sizeof(p));
        p.metric = NQ_METRIC_SALES_AMOUNT;
        p.n_tiers = 1 + rnd(&seed) % PLAN_TIERS_MAX;
        double from = 0;
        for (size_t i = 0; i < p.n_tiers; i++) {
            p.tiers[i].from = from;
            p.tiers[i].rate = (double)(rnd(&seed) % 10001) / 100000; /* 0 .. 10 %, 5 decimals */
            from += (double)(1 + rnd(&seed) % 50) / 100;             /* 1 .. 50 % further */
        }
        p.accel_above = (double)(rnd(&seed) % 300) / 100;
        p.accel_multiplier = rnd(&seed) % 3 ? 1 + (double)(rnd(&seed) % 40) / 10 : 1;
        int64_t target = 1 + (int64_t)(rnd(&seed) % (rnd(&seed) % 2 ? 1000 : 10000000000ULL));
        int64_t actual = (int64_t)(rnd(&seed) % (uint64_t)(3 * target + 1)) - target / 4;
        plan_input_t in = sales_input(actual, (double)target);
        int64_t fen = -1, sum = 0, amounts = 0;
        json_t *x = commission_explain(&p, &in, &fen);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        size_t i;
        json_t *seg;
        json_array_foreach (json_object_get(x, "tiers"), i, seg) {
            int64_t c = fen_of(seg, "commission"), a = fen_of(seg, "amount");
            CU_ASSERT_TRUE(c >= 0 && a > 0);
            sum += c;
            amounts += a;
        }
        CU_ASSERT_EQUAL(fen_of(x, "commission"), fen);
        CU_ASSERT_EQUAL(sum, fen);
        CU_ASSERT_EQUAL(amounts, actual > 0 ? actual : 0);
        if (sum != fen || amounts != (actual > 0 ? actual : 0)) {
            fprintf(stderr, "\n    round %d: target %lld actual %lld: %lld != %lld\n", round,
                    (long long)target, (long long)actual, (long long)sum, (long long)fen);
            json_decref(x);
            break;
        }
        json_decref(x);
    }
}

/* Net sales below zero (a return-only month): -2300.06 against 83636.36 is -0.0275 of it. The
 * actual stays as it is, attainment is 0 with a note, no commission; the scorecard counts 0
 * and shows the same attainment and note. */
static void test_negative_actual(void)
{
    commission_plan_t p = parse_plan(example_cp);
    plan_input_t in = sales_input(-230006, 8363636);
    int64_t fen = -1;
    json_t *x = commission_explain(&p, &in, &fen);
    CU_ASSERT_EQUAL(fen, 0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "actual"), "-2300.06");
    CU_ASSERT_EQUAL(real_of(x, "attainment"), 0.0);
    CU_ASSERT_STRING_EQUAL(str_of(x, "commission"), "0.00");
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(x, "note"), "negative"));
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(x, "note_zh"), "为负"));
    json_decref(x);

    scorecard_t sc = example_scorecard();
    plan_input_t e = example_input();
    e.values.v[NQ_KPI_SALES_FEN] = -230006;
    /* 0 + 10 + 100 x 0.2 x 0.75 / 0.9 + 18 = 44.6667 */
    CU_ASSERT_TRUE(near(scorecard_score(&sc, &e), 10 + 20 * (0.75 / 0.9) + 18));
    x = scorecard_explain(&sc, &e);
    const json_t *sales = json_array_get(json_object_get(x, "metrics"), 0);
    CU_ASSERT_STRING_EQUAL(str_of(sales, "actual"), "-2300.06");
    CU_ASSERT_EQUAL(real_of(sales, "attainment"), 0.0);
    CU_ASSERT_EQUAL(real_of(sales, "contribution"), 0.0);
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(sales, "note"), "negative"));
    CU_ASSERT_PTR_NOT_NULL(strstr(str_of(sales, "note_zh"), "为负"));
    const json_t *visits = json_array_get(json_object_get(x, "metrics"), 3);
    CU_ASSERT_TRUE(no_note(visits));
    CU_ASSERT_TRUE(is_null(visits, "note_zh"));
    json_decref(x);
}

/* A ratio scores as shown: ratings 3, 3, 2 are 2.6667 against 4 -> 0.666675 (0.6667), weight 1:
 * 66.6675 points -> 66.67; 2 of 3 orders on time, 0.6667 against 0.8 -> 0.833375 (0.8334),
 * weight 1: 83.34 (from 2/3 it was 83.33). */
static void test_sc_ratio_as_shown(void)
{
    scorecard_t sc;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                        "{\"metric\":\"feedback_score\",\"weight\":1}]}",
                                        &sc, &errs),
                          0);
    plan_input_t in;
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_FEEDBACK_SUM] = 8;
    in.values.v[NQ_KPI_FEEDBACK_COUNT] = 3;
    in.target[NQ_METRIC_FEEDBACK_SCORE] = 4;
    in.has_target[NQ_METRIC_FEEDBACK_SCORE] = true;
    CU_ASSERT_TRUE(near(scorecard_score(&sc, &in), 66.6675));
    json_t *x = scorecard_explain(&sc, &in);
    const json_t *line = json_array_get(json_object_get(x, "metrics"), 0);
    CU_ASSERT_EQUAL(real_of(line, "actual"), 2.6667);
    CU_ASSERT_EQUAL(real_of(line, "attainment"), 0.6667);
    CU_ASSERT_EQUAL(real_of(x, "score"), 66.67);
    json_decref(x);

    CU_ASSERT_EQUAL_FATAL(sc_parse_text("{\"effective_from\":\"2026-11-01\",\"metrics\":["
                                        "{\"metric\":\"order_completion_rate\",\"weight\":1}]}",
                                        &sc, &errs),
                          0);
    memset(&in, 0, sizeof(in));
    in.values.v[NQ_KPI_ORDERS_ON_TIME] = 2;
    in.values.v[NQ_KPI_ORDERS_DUE] = 3;
    in.target[NQ_METRIC_ORDER_COMPLETION_RATE] = 0.8;
    in.has_target[NQ_METRIC_ORDER_COMPLETION_RATE] = true;
    x = scorecard_explain(&sc, &in);
    line = json_array_get(json_object_get(x, "metrics"), 0);
    CU_ASSERT_EQUAL(real_of(line, "actual"), 0.6667);
    CU_ASSERT_EQUAL(real_of(line, "attainment"), 0.8334);
    CU_ASSERT_EQUAL(real_of(x, "score"), 83.34);
    json_decref(x);
}

static CU_TestInfo sc_parse_tests[] = {
    {"the worked example", test_sc_parse_example},
    {"server fields version/created_at, bands optional", test_sc_parse_server_fields},
    {"weights: each in (0, 1], adding up to 1", test_sc_parse_weights},
    {"caps: 1..10, default 1.5", test_sc_parse_caps},
    {"metrics: unknown, twice, empty", test_sc_parse_metrics},
    {"unknown keys", test_sc_parse_unknown_keys},
    {"bands: ascending, named, at most 8", test_sc_parse_bands},
    {"effective_from and the body", test_sc_parse_document},
    {"unknown keys in bands, tiers, accelerator", test_unknown_keys_nested},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sc_score_tests[] = {
    {"score of the worked example: 76.67", test_sc_score_example},
    {"explain the worked example: band B, 3.33 to A", test_sc_explain_example},
    {"an option really reaches the band", test_sc_option_reaches_band},
    {"cap: 2.0 counts 1.5; top band has no next", test_sc_cap},
    {"no target: 0 with a note", test_sc_no_target},
    {"no data: 0 with a note", test_sc_no_data},
    {"a ratio scores as shown", test_sc_ratio_as_shown},
    {"a metric past its cap is not offered", test_sc_option_beyond_cap},
    {"no bands", test_sc_no_bands},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo cp_tests[] = {
    {"parse the example", test_cp_parse_example},
    {"parse rules", test_cp_parse_rules},
    {"explain: 1050.00 in three segments", test_cp_explain_example},
    {"explain: no target", test_cp_explain_no_target},
    {"explain: below the first break", test_cp_explain_below_first_break},
    {"explain: accelerator between tiers splits", test_cp_explain_accelerator_between_tiers},
    {"explain: accelerator past the last tier", test_cp_explain_accelerator_past_tiers},
    {"explain: rounded to the fen", test_cp_explain_rounds_to_fen},
    {"lines add up: the coordinator's 7199.01", test_cp_lines_add_up_issue},
    {"tier bounds on whole fen", test_cp_bounds_whole_fen},
    {"lines add up: random plans", test_cp_lines_add_up_random},
    {"negative actual: attainment 0 with a note", test_negative_actual},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scorecard parse", zone_shanghai, NULL, NULL, NULL, sc_parse_tests},
    {"scorecard score", zone_shanghai, NULL, NULL, NULL, sc_score_tests},
    {"commission", zone_shanghai, NULL, NULL, NULL, cp_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
