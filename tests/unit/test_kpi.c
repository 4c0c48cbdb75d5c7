/* test_kpi.c — nq/kpi.h (counter table, Redis fields), nq/kpi_pb.h and nq/kpi_json.h (protobuf
 * and JSON) and nq/keys.h (key spellings). The host TZ is forced to UTC and the module zone set
 * to Asia/Shanghai, so the +08:00 offsets below prove the module applies its own zone. Instants:
 * `date -d '<RFC 3339>' +%s`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_json.h"
#include "nq/kpi_pb.h"
#include "nq_test.h"

#define SH_2026_11_23      1795363200000LL /* Monday 00:00 +08:00 */
#define SH_2026_11_26_0930 1795656600000LL
#define SH_2026_11_30      1795968000000LL

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

/* The compact JSON text of `j` with sorted keys; releases j. Caller frees. */
static char *dump(json_t *j)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* ---- the counter table ---------------------------------------------------- */

/* Every counter's hash field, in table order, written out independently of kpi.c. */
static const char *const field_names[NQ_KPI_COUNT] = {
    "sales_fen",       "orders",          "visits",          "calls",          "meetings",
    "new_customers",   "collections_fen", "order_value_fen", "feedback_sum",   "feedback_count",
    "tickets_opened",  "tickets_closed",  "nps_responses",   "nps_net",        "training_s",
    "trainings",       "nps_promoters",   "nps_detractors",  "orders_due",     "orders_on_time",
    "key_visited",     "key_customers",   "tickets_overdue", "ar_overdue_fen", "ar_dso_num",
    "ar_invoiced_fen",
};

static void test_defs(void)
{
    CU_ASSERT_EQUAL(NQ_KPI_COUNT, 26);
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(nq_kpi_defs[i].field);
        CU_ASSERT_STRING_EQUAL(nq_kpi_defs[i].field, field_names[i]);
    }
    /* Exactly the amounts are money. */
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        bool amount = i == NQ_KPI_SALES_FEN || i == NQ_KPI_COLLECTIONS_FEN ||
                      i == NQ_KPI_ORDER_VALUE_FEN || i == NQ_KPI_AR_OVERDUE_FEN ||
                      i == NQ_KPI_AR_INVOICED_FEN;
        CU_ASSERT_EQUAL(nq_kpi_defs[i].money, amount);
    }
    /* The four set-backed counters come last, after every hash field. */
    CU_ASSERT_EQUAL(NQ_KPI_HASH_COUNT, 18);
    CU_ASSERT_EQUAL(NQ_KPI_ORDERS_DUE, NQ_KPI_HASH_COUNT);
    CU_ASSERT_EQUAL(NQ_KPI_ORDERS_ON_TIME, NQ_KPI_HASH_COUNT + 1);
    CU_ASSERT_EQUAL(NQ_KPI_KEY_VISITED, NQ_KPI_HASH_COUNT + 2);
    CU_ASSERT_EQUAL(NQ_KPI_KEY_CUSTOMERS, NQ_KPI_STATE_FIRST - 1);
    /* then the state counters read at the period's end */
    CU_ASSERT_EQUAL(NQ_KPI_AR_INVOICED_FEN, NQ_KPI_COUNT - 1);
    CU_ASSERT_STRING_EQUAL(nq_metric_defs[NQ_METRIC_SALES_AMOUNT].name, "sales_amount");
    CU_ASSERT_EQUAL(nq_metric_find("coverage"), NQ_METRIC_COVERAGE);
    CU_ASSERT_EQUAL(nq_metric_find("sales_fen"), -1);
}

static void test_find(void)
{
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        CU_ASSERT_EQUAL(nq_kpi_find(field_names[i]), i);
    CU_ASSERT_EQUAL(nq_kpi_find("sales_amount"), -1); /* the JSON name is not a field */
    CU_ASSERT_EQUAL(nq_kpi_find("coverage"), -1);
    CU_ASSERT_EQUAL(nq_kpi_find("collections"), -1);
    CU_ASSERT_EQUAL(nq_kpi_find("Orders"), -1);
    CU_ASSERT_EQUAL(nq_kpi_find("order"), -1);
    CU_ASSERT_EQUAL(nq_kpi_find("orders_due "), -1);
    CU_ASSERT_EQUAL(nq_kpi_find(""), -1);
}

/* ---- Redis fields ------------------------------------------------------- */

static void test_from_fields(void)
{
    const char *const f[] = {"orders", "1", "sales_fen", "8000000", "calls", "12", "visits", "3"};
    nq_kpi_values_t v;
    CU_ASSERT_EQUAL(nq_kpi_from_fields(f, 8, &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_SALES_FEN], 8000000);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS], 1);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_VISITS], 3);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_CALLS], 12);
}

/* Every counter by its field name, in an order unlike the table's. */
static void test_from_fields_every_counter(void)
{
    const char *const f[] = {
        "key_customers",   "40",      "tickets_opened",  "2",      "feedback_count", "3",
        "feedback_sum",    "14",      "orders_on_time",  "5",      "orders_due",     "6",
        "order_value_fen", "1000000", "collections_fen", "250050", "new_customers",  "7",
        "meetings",        "8",       "calls",           "9",      "visits",         "10",
        "orders",          "11",      "sales_fen",       "-1200",  "key_visited",    "12",
    };
    nq_kpi_values_t v;
    memset(&v, 0x5a, sizeof(v));
    CU_ASSERT_EQUAL_FATAL(nq_kpi_from_fields(f, sizeof(f) / sizeof(f[0]), &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_SALES_FEN], -1200);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS], 11);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_VISITS], 10);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_CALLS], 9);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_MEETINGS], 8);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_NEW_CUSTOMERS], 7);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_COLLECTIONS_FEN], 250050);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDER_VALUE_FEN], 1000000);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS_DUE], 6);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS_ON_TIME], 5);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_FEEDBACK_SUM], 14);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_FEEDBACK_COUNT], 3);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_TICKETS_OPENED], 2);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_KEY_VISITED], 12);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_KEY_CUSTOMERS], 40);

    /* A later duplicate wins; the new fields are checked as integers too. */
    const char *const dup[] = {"orders_due", "1", "orders_due", "4"};
    CU_ASSERT_EQUAL(nq_kpi_from_fields(dup, 4, &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS_DUE], 4);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_FEEDBACK_SUM], 0);
    const char *const bad[] = {"feedback_sum", "4.5"};
    CU_ASSERT_EQUAL(nq_kpi_from_fields(bad, 2, &v), -1);
    const char *const bad2[] = {"visits", "1", "collections_fen", "12.50"};
    CU_ASSERT_EQUAL(nq_kpi_from_fields(bad2, 4, &v), -1);
}

/* out += v, counter by counter; the addend is untouched. */
static void test_add(void)
{
    nq_kpi_values_t sum, a;
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        sum.v[i] = 100 * (i + 1); /* 100, 200, ..., 2600 */
        a.v[i] = i - 7;           /* -7 .. 18 */
    }
    nq_kpi_add(&sum, &a);
    for (int i = 0; i < NQ_KPI_COUNT; i++) {
        CU_ASSERT_EQUAL(sum.v[i], 100 * (i + 1) + i - 7);
        CU_ASSERT_EQUAL(a.v[i], i - 7);
    }
    CU_ASSERT_EQUAL(sum.v[NQ_KPI_SALES_FEN], 93);
    CU_ASSERT_EQUAL(sum.v[NQ_KPI_KEY_CUSTOMERS], 2214);

    /* Adding zero changes nothing; adding twice doubles the addend's share. */
    nq_kpi_values_t zero;
    memset(&zero, 0, sizeof(zero));
    nq_kpi_values_t before = sum;
    nq_kpi_add(&sum, &zero);
    CU_ASSERT_EQUAL(memcmp(&sum, &before, sizeof(sum)), 0);
    nq_kpi_values_t acc = zero;
    nq_kpi_add(&acc, &a);
    nq_kpi_add(&acc, &a);
    CU_ASSERT_EQUAL(acc.v[NQ_KPI_SALES_FEN], -14);
    CU_ASSERT_EQUAL(acc.v[NQ_KPI_ORDERS_DUE], 2 * (NQ_KPI_ORDERS_DUE - 7));
    CU_ASSERT_EQUAL(acc.v[NQ_KPI_KEY_VISITED], 26);

    /* Amounts past 2^53 add exactly (no detour through double). */
    nq_kpi_values_t big = zero, one = zero;
    big.v[NQ_KPI_ORDER_VALUE_FEN] = 9007199254740992LL; /* 2^53 */
    one.v[NQ_KPI_ORDER_VALUE_FEN] = 1;
    nq_kpi_add(&big, &one);
    CU_ASSERT_EQUAL(big.v[NQ_KPI_ORDER_VALUE_FEN], 9007199254740993LL);
}

static void test_from_fields_missing_unknown(void)
{
    /* Unknown fields are skipped even when their value is not a number; missing ones are 0. */
    const char *const f[] = {"future_metric", "n/a", "visits", "-2", "sales_amount", "x"};
    nq_kpi_values_t v;
    memset(&v, 0x5a, sizeof(v));
    CU_ASSERT_EQUAL(nq_kpi_from_fields(f, 6, &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_VISITS], -2);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_SALES_FEN], 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS], 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_CALLS], 0);

    memset(&v, 0x5a, sizeof(v));
    CU_ASSERT_EQUAL(nq_kpi_from_fields(NULL, 0, &v), 0);
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        CU_ASSERT_EQUAL(v.v[i], 0);

    /* A dangling field without a value is not read past. */
    const char *const odd[] = {"calls", "4", "orders"};
    CU_ASSERT_EQUAL(nq_kpi_from_fields(odd, 3, &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_CALLS], 4);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_ORDERS], 0);

    /* Extremes of int64 are integers. */
    const char *const big[] = {"sales_fen", "9223372036854775807", "calls", "-9223372036854775808"};
    CU_ASSERT_EQUAL(nq_kpi_from_fields(big, 4, &v), 0);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_SALES_FEN], INT64_MAX);
    CU_ASSERT_EQUAL(v.v[NQ_KPI_CALLS], INT64_MIN);
}

static void test_from_fields_bad_integer(void)
{
    static const char *const bad[] = {"",     "abc", "12a", "1.5",
                                      "0x10", "1e3", "-",   "9223372036854775808"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *const f[] = {"orders", "1", "sales_fen", bad[i]};
        nq_kpi_values_t v;
        CU_ASSERT_EQUAL(nq_kpi_from_fields(f, 4, &v), -1);
    }
}

/* ---- protobuf ----------------------------------------------------------- */

static void test_proto_round_trip(void)
{
    /* A distinct value per counter, so a swapped offset shows. */
    nq_kpi_values_t v = {{
        [NQ_KPI_SALES_FEN] = 8000000,
        [NQ_KPI_ORDERS] = 1,
        [NQ_KPI_VISITS] = 7,
        [NQ_KPI_CALLS] = -3,
        [NQ_KPI_MEETINGS] = 4,
        [NQ_KPI_NEW_CUSTOMERS] = 5,
        [NQ_KPI_COLLECTIONS_FEN] = 250050,
        [NQ_KPI_ORDER_VALUE_FEN] = 9007199254740993LL, /* 2^53 + 1 */
        [NQ_KPI_ORDERS_DUE] = 9,
        [NQ_KPI_ORDERS_ON_TIME] = 10,
        [NQ_KPI_FEEDBACK_SUM] = 14,
        [NQ_KPI_FEEDBACK_COUNT] = 3,
        [NQ_KPI_TICKETS_OPENED] = 13,
        [NQ_KPI_KEY_VISITED] = INT64_MAX,
        [NQ_KPI_KEY_CUSTOMERS] = INT64_MIN,
    }};
    Nq__KpiValues pb = NQ__KPI_VALUES__INIT;
    nq_kpi_to_proto(&v, &pb);
    CU_ASSERT_TRUE(pb.has_sales_fen && pb.has_orders && pb.has_visits && pb.has_calls);
    CU_ASSERT_TRUE(pb.has_meetings && pb.has_new_customers && pb.has_collections_fen &&
                   pb.has_order_value_fen && pb.has_orders_due && pb.has_orders_on_time);
    CU_ASSERT_TRUE(pb.has_feedback_sum && pb.has_feedback_count && pb.has_tickets_opened &&
                   pb.has_key_visited && pb.has_key_customers);
    CU_ASSERT_EQUAL(pb.sales_fen, 8000000);
    CU_ASSERT_EQUAL(pb.orders, 1);
    CU_ASSERT_EQUAL(pb.visits, 7);
    CU_ASSERT_EQUAL(pb.calls, -3);
    CU_ASSERT_EQUAL(pb.meetings, 4);
    CU_ASSERT_EQUAL(pb.new_customers, 5);
    CU_ASSERT_EQUAL(pb.collections_fen, 250050);
    CU_ASSERT_EQUAL(pb.order_value_fen, 9007199254740993LL);
    CU_ASSERT_EQUAL(pb.orders_due, 9);
    CU_ASSERT_EQUAL(pb.orders_on_time, 10);
    CU_ASSERT_EQUAL(pb.feedback_sum, 14);
    CU_ASSERT_EQUAL(pb.feedback_count, 3);
    CU_ASSERT_EQUAL(pb.tickets_opened, 13);
    CU_ASSERT_EQUAL(pb.key_visited, INT64_MAX);
    CU_ASSERT_EQUAL(pb.key_customers, INT64_MIN);

    /* Through the wire and back. */
    uint8_t buf[256];
    size_t len = nq__kpi_values__get_packed_size(&pb);
    CU_ASSERT_FATAL(len <= sizeof(buf));
    CU_ASSERT_EQUAL(nq__kpi_values__pack(&pb, buf), len);
    Nq__KpiValues *back = nq__kpi_values__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    nq_kpi_values_t w;
    memset(&w, 0x5a, sizeof(w));
    nq_kpi_from_proto(back, &w);
    nq__kpi_values__free_unpacked(back, NULL);
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        CU_ASSERT_EQUAL(w.v[i], v.v[i]);
    CU_ASSERT_EQUAL(memcmp(&v, &w, sizeof(v)), 0);

    /* Zeros are still sent (has_ set), so a reader can tell "0" from "not reported". */
    nq_kpi_values_t zero;
    memset(&zero, 0, sizeof(zero));
    Nq__KpiValues pz = NQ__KPI_VALUES__INIT;
    nq_kpi_to_proto(&zero, &pz);
    CU_ASSERT_TRUE(pz.has_sales_fen && pz.has_calls && pz.has_orders_due && pz.has_key_customers);
    CU_ASSERT_EQUAL(nq__kpi_values__get_packed_size(&pz),
                    63); /* 15 x (tag, 0) + 11 x (2-byte tag, 0) */

    /* A message from an older sender that lacks the new fields reads them as zero. */
    Nq__KpiValues old = NQ__KPI_VALUES__INIT;
    old.has_orders = 1;
    old.orders = 2;
    memset(&w, 0x5a, sizeof(w));
    nq_kpi_from_proto(&old, &w);
    CU_ASSERT_EQUAL(w.v[NQ_KPI_ORDERS], 2);
    CU_ASSERT_EQUAL(w.v[NQ_KPI_ORDERS_DUE], 0);
    CU_ASSERT_EQUAL(w.v[NQ_KPI_KEY_CUSTOMERS], 0);

    memset(&w, 0x5a, sizeof(w));
    nq_kpi_from_proto(NULL, &w);
    for (int i = 0; i < NQ_KPI_COUNT; i++)
        CU_ASSERT_EQUAL(w.v[i], 0);
}

/* ---- JSON --------------------------------------------------------------- */

/* The value of metric `name` in a to_json object, dumped. */
static char *metric_text(const json_t *j, const char *name)
{
    return json_dumps(json_object_get(j, name), JSON_ENCODE_ANY | JSON_COMPACT);
}

static void test_to_json(void)
{
    nq_kpi_values_t v = {{[NQ_KPI_SALES_FEN] = 8000000, [NQ_KPI_ORDERS] = 1, [NQ_KPI_CALLS] = 12}};
    json_t *j = nq_kpi_to_json(&v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_object_size(j), NQ_METRIC_COUNT);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "sales_amount")), "80000.00");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "orders")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "visits")), 0);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "calls")), 12);
    CU_ASSERT_PTR_NULL(json_object_get(j, "sales_fen"));
    /* Ratios over zero are null, not 0. */
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "coverage")));
    CU_ASSERT_TRUE(json_is_null(json_object_get(j, "feedback_score")));
    char *s = metric_text(j, "activity_to_order");
    CU_ASSERT_STRING_EQUAL(s, "12.0");
    free(s);
    json_decref(j);

    nq_kpi_values_t w = {{[NQ_KPI_SALES_FEN] = -5}};
    j = nq_kpi_to_json(&w);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "sales_amount")), "-0.05");
    json_decref(j);

    nq_kpi_values_t x = {{[NQ_KPI_SALES_FEN] = 123456789, [NQ_KPI_ORDERS] = 9007199254740993LL}};
    j = nq_kpi_to_json(&x);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "sales_amount")), "1234567.89");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "orders")), 9007199254740993LL);
    json_decref(j);
}

static void test_period_to_json(void)
{
    nq_period_t p;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_WEEK, SH_2026_11_26_0930, &p), 0);
    CU_ASSERT_EQUAL(p.start_ms, SH_2026_11_23);
    CU_ASSERT_EQUAL(p.end_ms, SH_2026_11_30);
    char *s = dump(nq_period_to_json(&p));
    CU_ASSERT_STRING_EQUAL(s, "{\"end\":\"2026-11-30T00:00:00.000+08:00\",\"key\":\"2026-W48\","
                              "\"kind\":\"week\",\"start\":\"2026-11-23T00:00:00.000+08:00\"}");
    free(s);

    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, SH_2026_11_26_0930, &p), 0);
    json_t *j = nq_period_to_json(&p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_object_size(j), 4);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "kind")), "day");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "key")), "2026-11-26");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "start")),
                           "2026-11-26T00:00:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "end")),
                           "2026-11-27T00:00:00.000+08:00");
    json_decref(j);
}

/* ---- keys --------------------------------------------------------------- */

/* `fn`-style key writer must produce `want`, and fail for a buffer one byte short. */
#define KEY_IS(call_buf_len, want)                                                                 \
    do {                                                                                           \
        char buf[128];                                                                             \
        size_t buf_len = sizeof(buf);                                                              \
        CU_ASSERT_EQUAL(call_buf_len, (int)strlen(want));                                          \
        CU_ASSERT_STRING_EQUAL(buf, want);                                                         \
        buf_len = strlen(want) + 1;                                                                \
        CU_ASSERT_EQUAL(call_buf_len, (int)strlen(want));                                          \
        buf_len = strlen(want);                                                                    \
        CU_ASSERT_EQUAL(call_buf_len, -1);                                                         \
        buf_len = 0;                                                                               \
        CU_ASSERT_EQUAL(call_buf_len, -1);                                                         \
    } while (0)

static void test_keys(void)
{
    nq_period_t week, month;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_WEEK, SH_2026_11_26_0930, &week), 0);
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_MONTH, SH_2026_11_26_0930, &month), 0);
    KEY_IS(nq_key_kpi(buf, buf_len, "sp-001", &week), "nq:{sp:sp-001}:kpi:2026-W48");
    KEY_IS(nq_key_kpi(buf, buf_len, "A", &month), "nq:{sp:A}:kpi:2026-11");
    KEY_IS(nq_key_visited(buf, buf_len, "sp-001", &week), "nq:{sp:sp-001}:visited:2026-W48");
    KEY_IS(nq_key_visited(buf, buf_len, "A", &month), "nq:{sp:A}:visited:2026-11");
    KEY_IS(nq_key_due(buf, buf_len, "sp-001", &month), "nq:{sp:sp-001}:due:2026-11");
    KEY_IS(nq_key_due(buf, buf_len, "A", &week), "nq:{sp:A}:due:2026-W48");
    KEY_IS(nq_key_on_time(buf, buf_len, "sp-001"), "nq:{sp:sp-001}:ontime");
    KEY_IS(nq_key_key_customers(buf, buf_len, "sp-001"), "nq:{sp:sp-001}:key_customers");
    KEY_IS(nq_key_key_log(buf, buf_len, "sp-001"), "nq:{sp:sp-001}:key_log");
    KEY_IS(nq_key_salesperson(buf, buf_len, "sp-001"), "nq:{sp:sp-001}:profile");
    KEY_IS(nq_key_team(buf, buf_len, "east.1"), "nq:team:east.1");
    KEY_IS(nq_key_customer(buf, buf_len, "C:9"), "nq:cust:C:9");
    CU_ASSERT_STRING_EQUAL(NQ_KEY_ACTIVITIES, "nq:activities");
    CU_ASSERT_STRING_EQUAL(NQ_KEY_ALERTS, "nq:alerts");
}

/* The text between the first '{' and the next '}' (the Redis Cluster hash tag). */
static void hash_tag(const char *key, char *tag, size_t len)
{
    const char *open = strchr(key, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(close);
    snprintf(tag, len, "%.*s", (int)(close - open - 1), open + 1);
}

static void test_hash_tag_shared(void)
{
    nq_period_t p;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_YEAR, SH_2026_11_26_0930, &p), 0);
    char kpi[128], profile[128], t1[64], t2[64];
    CU_ASSERT_EQUAL(nq_key_kpi(kpi, sizeof(kpi), "s.7", &p), 20);
    CU_ASSERT_STRING_EQUAL(kpi, "nq:{sp:s.7}:kpi:2026");
    CU_ASSERT(nq_key_salesperson(profile, sizeof(profile), "s.7") > 0);
    hash_tag(kpi, t1, sizeof(t1));
    hash_tag(profile, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, "sp:s.7");
    CU_ASSERT_STRING_EQUAL(t1, t2);
    /* SINTERCARD over visited and key_customers needs both in one slot. */
    char visited[128], keyset[128];
    CU_ASSERT(nq_key_visited(visited, sizeof(visited), "s.7", &p) > 0);
    CU_ASSERT(nq_key_key_customers(keyset, sizeof(keyset), "s.7") > 0);
    hash_tag(visited, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    hash_tag(keyset, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    /* So do the sets of on-time completion and the key-customer log read with them. */
    char other[128];
    CU_ASSERT(nq_key_due(other, sizeof(other), "s.7", &p) > 0);
    hash_tag(other, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT(nq_key_on_time(other, sizeof(other), "s.7") > 0);
    hash_tag(other, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT(nq_key_key_log(other, sizeof(other), "s.7") > 0);
    hash_tag(other, t2, sizeof(t2));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    /* A 64-character id still fits the 128-byte scoring key buffer. */
    char id[65];
    memset(id, 'x', 64);
    id[64] = '\0';
    CU_ASSERT_EQUAL(nq_key_kpi(kpi, sizeof(kpi), id, &p), 7 + 64 + 6 + 4);
    /* So does the longest visited key, a day's: "nq:{sp:" id "}:visited:" "2026-11-26". */
    nq_period_t day;
    CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, SH_2026_11_26_0930, &day), 0);
    CU_ASSERT_EQUAL(nq_key_visited(visited, sizeof(visited), id, &day), 7 + 64 + 10 + 10);
    CU_ASSERT_EQUAL(nq_key_key_customers(keyset, sizeof(keyset), id), 7 + 64 + 15);
    CU_ASSERT_EQUAL(nq_key_due(other, sizeof(other), id, &day), 7 + 64 + 6 + 10);
    CU_ASSERT_EQUAL(nq_key_on_time(other, sizeof(other), id), 7 + 64 + 8);
    CU_ASSERT_EQUAL(nq_key_key_log(other, sizeof(other), id), 7 + 64 + 9);
}

/* The KPI hashes period (kind, key) is read from: their keys, in order. */
static void check_parts(nq_period_kind_t kind, const char *key, const char *const *want, int n)
{
    nq_period_t p, parts[NQ_KPI_PARTS_MAX];
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(kind, key, &p), 0);
    int got = nq_kpi_parts(&p, parts);
    CU_ASSERT_EQUAL(got, n);
    for (int i = 0; i < n && i < got; i++) {
        CU_ASSERT_STRING_EQUAL(parts[i].key, want[i]);
        if (strcmp(parts[i].key, want[i]) != 0)
            fprintf(stderr, "\n    %s part %d: %s, want %s\n", key, i, parts[i].key, want[i]);
    }
    /* The parts tile the period exactly. */
    CU_ASSERT_EQUAL(parts[0].start_ms, p.start_ms);
    CU_ASSERT_EQUAL(parts[got - 1].end_ms, p.end_ms);
    for (int i = 1; i < got; i++)
        CU_ASSERT_EQUAL(parts[i].start_ms, parts[i - 1].end_ms);
}

/* Days and months have hashes of their own; a week is its 7 days (across a
 * month or a year end), a quarter and a year their months. */
static void test_parts(void)
{
    CU_ASSERT_TRUE(nq_kpi_kind_stored(NQ_PERIOD_DAY));
    CU_ASSERT_TRUE(nq_kpi_kind_stored(NQ_PERIOD_MONTH));
    CU_ASSERT_FALSE(nq_kpi_kind_stored(NQ_PERIOD_WEEK));
    CU_ASSERT_FALSE(nq_kpi_kind_stored(NQ_PERIOD_QUARTER));
    CU_ASSERT_FALSE(nq_kpi_kind_stored(NQ_PERIOD_YEAR));
    check_parts(NQ_PERIOD_DAY, "2028-02-29", (const char *const[]){"2028-02-29"}, 1);
    check_parts(NQ_PERIOD_MONTH, "2026-11", (const char *const[]){"2026-11"}, 1);
    check_parts(NQ_PERIOD_WEEK, "2026-W48",
                (const char *const[]){"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26",
                                      "2026-11-27", "2026-11-28", "2026-11-29"},
                7);
    check_parts(NQ_PERIOD_WEEK, "2026-W53",
                (const char *const[]){"2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31",
                                      "2027-01-01", "2027-01-02", "2027-01-03"},
                7);
    check_parts(NQ_PERIOD_QUARTER, "2026-Q4",
                (const char *const[]){"2026-10", "2026-11", "2026-12"}, 3);
    check_parts(NQ_PERIOD_YEAR, "2028",
                (const char *const[]){"2028-01", "2028-02", "2028-03", "2028-04", "2028-05",
                                      "2028-06", "2028-07", "2028-08", "2028-09", "2028-10",
                                      "2028-11", "2028-12"},
                12);
    nq_period_t bad = {.kind = NQ_PERIOD_KIND_COUNT}, parts[NQ_KPI_PARTS_MAX];
    CU_ASSERT_EQUAL(nq_kpi_parts(&bad, parts), -1);
}

static CU_TestInfo kpi_tests[] = {
    {"counter table", test_defs},
    {"find by field name", test_find},
    {"from_fields reads counters", test_from_fields},
    {"from_fields reads all 15 counters", test_from_fields_every_counter},
    {"from_fields: missing zero, unknown ignored", test_from_fields_missing_unknown},
    {"from_fields rejects a bad integer", test_from_fields_bad_integer},
    {"nq_kpi_add", test_add},
    {"to/from proto round trip, every counter", test_proto_round_trip},
    {"to_json: yuan string and integer counts", test_to_json},
    {"period_to_json", test_period_to_json},
    {"a period's KPI hashes: days, months", test_parts},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo key_tests[] = {
    {"key spellings and too-small buffers", test_keys},
    {"salesperson keys share a hash tag", test_hash_tag_shared},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"kpi", zone_shanghai, NULL, NULL, NULL, kpi_tests},
    {"keys", zone_shanghai, NULL, NULL, NULL, key_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
