/* test_activity_json.c — an event read back is the event posted
 * (gateway/activity_json.h): for every event type, with notes, source and
 * attributes, JSON -> protobuf -> JSON gives the same event again (the same
 * protobuf when posted back), money as decimal yuan strings, times as
 * RFC 3339 in the zone, plus received_at; and one event spelled out whole. */
#include <jansson.h>
#include <string.h>

#include "activity_json.h"
#include "nq/actindex.h"
#include "nq/period.h"
#include "nq_test.h"

/* One event of each type, as docs/api.md shows them. */
static const char *const s_events[] = {
    "{\"event_id\":\"app-v-1001\",\"type\":\"visit\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T09:30:00+08:00\",\"location\":"
    "{\"lat\":31.2304,\"lng\":121.4737,\"accuracy_m\":15},\"duration_s\":1800,\"purpose\":"
    "\"季度回访\",\"outcome\":\"下单意向\"}",
    "{\"event_id\":\"pbx-c-2001\",\"type\":\"call\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T10:05:00+08:00\",\"duration_s\":240,"
    "\"direction\":\"outbound\",\"outcome\":\"约好下周拜访\"}",
    "{\"event_id\":\"cal-m-3001\",\"type\":\"meeting\",\"salesperson_id\":\"sp-lina\","
    "\"occurred_at\":\"2026-11-26T14:00:00+08:00\",\"duration_s\":3600,\"purpose\":\"方案评审\","
    "\"location\":{\"lat\":-33.5,\"lng\":-70.25}}",
    "{\"event_id\":\"erp-o-4001\",\"type\":\"order\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T11:00:00+08:00\",\"order_id\":"
    "\"SO-20261126-01\",\"amount\":\"86000.00\",\"due_at\":\"2026-12-10\",\"line_count\":3}",
    "{\"event_id\":\"erp-f-4002\",\"type\":\"order_fulfilled\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-12-09T16:00:00+08:00\",\"order_id\":"
    "\"SO-20261126-01\",\"on_time\":false,\"amount\":\"86000.01\"}",
    "{\"event_id\":\"erp-x-4003\",\"type\":\"order_cancelled\",\"salesperson_id\":\"sp-lina\","
    "\"customer_id\":\"cust-002\",\"occurred_at\":\"2026-11-26T12:00:00+08:00\",\"order_id\":"
    "\"SO-20261120-07\",\"amount\":\"3200.00\"}",
    "{\"event_id\":\"erp-r-4004\",\"type\":\"return\",\"salesperson_id\":\"sp-lina\","
    "\"customer_id\":\"cust-002\",\"occurred_at\":\"2026-11-26T12:30:00+08:00\",\"order_id\":"
    "\"SO-20261101-02\",\"amount\":\"0.05\"}",
    "{\"event_id\":\"erp-i-5001\",\"type\":\"invoice\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T17:00:00+08:00\",\"order_id\":"
    "\"SO-20261126-01\",\"amount\":\"86000.00\",\"due_at\":\"2026-12-26T23:59:59.999+08:00\"}",
    "{\"event_id\":\"erp-p-5002\",\"type\":\"payment\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-27T09:00:00+08:00\",\"amount\":"
    "\"40000.00\"}",
    "{\"event_id\":\"crm-n-6001\",\"type\":\"new_customer\",\"salesperson_id\":\"sp-wangfang\","
    "\"customer_id\":\"cust-010\",\"occurred_at\":\"2026-11-26T15:00:00+08:00\"}",
    "{\"event_id\":\"srv-fb-7001\",\"type\":\"feedback\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T18:00:00+08:00\",\"rating\":5,"
    "\"nps\":9,\"channel\":\"survey\",\"text\":\"服务及时\"}",
    "{\"event_id\":\"svc-t-8001\",\"type\":\"ticket_opened\",\"salesperson_id\":\"sp-liuyang\","
    "\"customer_id\":\"cust-004\",\"occurred_at\":\"2026-11-26T10:00:00+08:00\",\"ticket_id\":"
    "\"TK-1001\",\"category\":\"质量投诉\",\"priority\":\"high\",\"text\":\"外包装破损\"}",
    "{\"event_id\":\"svc-t-8002\",\"type\":\"ticket_closed\",\"salesperson_id\":\"sp-liuyang\","
    "\"customer_id\":\"cust-004\",\"occurred_at\":\"2026-11-27T10:00:00+08:00\",\"ticket_id\":"
    "\"TK-1001\",\"outcome\":\"已换货\"}",
    "{\"event_id\":\"app-ci-9001\",\"type\":\"competitor_intel\",\"salesperson_id\":\"sp-lina\","
    "\"customer_id\":\"cust-002\",\"occurred_at\":\"2026-11-26T13:00:00+08:00\",\"competitor\":"
    "\"某竞品\",\"product\":\"A100\",\"price\":\"0.00\",\"text\":\"对方降价 10%\"}",
    "{\"event_id\":\"lms-tr-9501\",\"type\":\"training\",\"salesperson_id\":\"sp-wangfang\","
    "\"occurred_at\":\"2026-11-25T19:00:00+08:00\",\"course\":\"大客户谈判\",\"score\":92}",
};
#define N_EVENTS (sizeof(s_events) / sizeof(s_events[0]))

static int zone_shanghai(void)
{
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

/* The event `text` plus notes, source and attributes, decoded. */
static Nq__Activity *decode_text(const char *text, json_t **obj_out)
{
    json_error_t err;
    json_t *obj = json_loads(text, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    json_object_set_new(obj, "notes", json_string("客户关注新品; \"引号\" and \\ too"));
    json_object_set_new(obj, "source", json_string("app"));
    json_object_set_new(obj, "attributes", json_pack("{s:s, s:s}", "区域", "华东", "crm", "x-1"));
    jnum_index_t *nums = jnum_index(obj, text, strlen(text));
    nq_field_errors_t errs = {0};
    Nq__Activity *ev = (Nq__Activity *)pbjson_decode(&gw_activity_schema, obj, nums, &errs);
    jnum_free(&nums);
    if (!ev)
        fprintf(stderr, "\n    %s: %s %s\n", text, errs.items[0].field, errs.items[0].reason);
    *obj_out = obj;
    return ev;
}

static bool same_message(const Nq__Activity *a, const Nq__Activity *b)
{
    size_t la = nq__activity__get_packed_size(a), lb = nq__activity__get_packed_size(b);
    uint8_t ba[8192], bb[8192];
    if (la != lb || la > sizeof(ba))
        return false;
    nq__activity__pack(a, ba);
    nq__activity__pack(b, bb);
    return memcmp(ba, bb, la) == 0;
}

/* Every type: read back as posted. */
static void test_every_type(void)
{
    bool seen[32] = {false};
    for (size_t i = 0; i < N_EVENTS; i++) {
        json_t *in;
        Nq__Activity *ev = decode_text(s_events[i], &in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
        for (size_t t = 0; nq_activity_types[t]; t++)
            seen[t] |= strcmp(nq_activity_types[t], ev->type) == 0;
        ev->has_received_at = 1;
        ev->received_at = 1795000000123LL; /* 2026-11-18T19:06:40.123+08:00 */
        json_t *out = pbjson_encode(&gw_activity_schema, &ev->base);
        /* every field posted is there again, under its own name */
        const char *key;
        json_t *v;
        json_object_foreach (in, key, v) {
            json_t *o = json_object_get(out, key);
            CU_ASSERT_PTR_NOT_NULL(o);
            if (!o)
                fprintf(stderr, "\n    %s: %s missing\n", ev->type, key);
            else if (json_is_string(v) && strcmp(key, "occurred_at") != 0 &&
                     strcmp(key, "due_at") != 0)
                CU_ASSERT_STRING_EQUAL(json_string_value(o), json_string_value(v));
        }
        CU_ASSERT_EQUAL(json_object_size(out), json_object_size(in) + 1);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "received_at")),
                               "2026-11-18T19:06:40.123+08:00");
        /* times in the zone, with milliseconds */
        const char *occ = json_string_value(json_object_get(out, "occurred_at"));
        CU_ASSERT(occ && strlen(occ) == 29 && strcmp(occ + 23, "+08:00") == 0);
        /* posted back (without received_at, the server's): the same event */
        json_object_del(out, "received_at");
        char *text = json_dumps(out, JSON_COMPACT);
        json_t *again_in;
        Nq__Activity *again = decode_text(text, &again_in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(again);
        ev->has_received_at = 0;
        ev->received_at = 0;
        CU_ASSERT_TRUE(same_message(ev, again));
        free(text);
        json_decref(again_in);
        json_decref(out);
        json_decref(in);
        nq__activity__free_unpacked(again, NULL);
        nq__activity__free_unpacked(ev, NULL);
    }
    for (size_t t = 0; nq_activity_types[t]; t++) {
        CU_ASSERT_TRUE(seen[t]);
        if (!seen[t])
            fprintf(stderr, "\n    no sample of %s\n", nq_activity_types[t]);
    }
}

/* A visit with geo and an order, spelled out. */
static void test_spelled_out(void)
{
    json_t *in;
    Nq__Activity *ev = decode_text(s_events[0], &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    ev->has_received_at = 1;
    ev->received_at = 1795000000123LL;
    json_t *out = pbjson_encode(&gw_activity_schema, &ev->base);
    json_error_t err;
    json_t *want = json_loads(
        "{\"event_id\":\"app-v-1001\",\"type\":\"visit\",\"salesperson_id\":\"sp-zhangwei\","
        "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T09:30:00.000+08:00\","
        "\"source\":\"app\",\"purpose\":\"季度回访\",\"outcome\":\"下单意向\","
        "\"notes\":\"客户关注新品; \\\"引号\\\" and \\\\ too\",\"duration_s\":1800,"
        "\"location\":{\"lat\":31.2304,\"lng\":121.4737,\"accuracy_m\":15.0},"
        "\"attributes\":{\"区域\":\"华东\",\"crm\":\"x-1\"},"
        "\"received_at\":\"2026-11-18T19:06:40.123+08:00\"}",
        0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_TRUE(json_equal(out, want));
    if (!json_equal(out, want)) {
        char *t = json_dumps(out, JSON_COMPACT);
        fprintf(stderr, "\n    got %s\n", t);
        free(t);
    }
    json_decref(want);
    json_decref(out);
    json_decref(in);
    nq__activity__free_unpacked(ev, NULL);

    ev = decode_text(s_events[3], &in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    out = pbjson_encode(&gw_activity_schema, &ev->base);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "amount")), "86000.00");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "due_at")),
                           "2026-12-10T00:00:00.000+08:00");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(out, "line_count")), 3);
    CU_ASSERT_PTR_NULL(json_object_get(out, "amount_fen"));
    CU_ASSERT_PTR_NULL(json_object_get(out, "received_at")); /* not set: not written */
    json_decref(out);
    json_decref(in);
    nq__activity__free_unpacked(ev, NULL);
}

static CU_TestInfo tests[] = {
    {"every type reads back as posted", test_every_type},
    {"a visit with geo and an order, spelled out", test_spelled_out},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"activity JSON", zone_shanghai, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
