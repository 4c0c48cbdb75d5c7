/* test_pbjson.c — gateway/pbjson.h: descriptor-driven JSON <-> protobuf with money, time and
 * server-set specials, nested messages, maps and repeated strings.
 *
 * Host TZ is UTC, module zone Asia/Shanghai. Instants: `date -d '<RFC 3339>' +%s`:
 *   2026-11-26T09:30:00+08:00  1795656600
 *   2026-11-26T00:00:00+08:00  1795622400 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neiqin.pb-c.h"
#include "nq/period.h"
#include "nq_test.h"
#include "pbjson.h"

#define AT_0930 1795656600000LL
#define AT_0000 1795622400000LL

static const pbjson_special_t activity_specials[] = {
    {"amount", "amount_fen", PBJSON_MONEY, false},
    {"occurred_at", "occurred_at", PBJSON_TIME, false},
    {"received_at", "received_at", PBJSON_TIME, true},
};
static const pbjson_schema_t activity = {&nq__activity__descriptor, activity_specials, 3};

static const pbjson_special_t entity_specials[] = {
    {"id", "id", PBJSON_PLAIN, true},
    {"updated_at", "updated_at", PBJSON_TIME, true},
};
static const pbjson_schema_t team_plain = {&nq__team__descriptor, NULL, 0};
static const pbjson_schema_t team_entity = {&nq__team__descriptor, entity_specials, 2};

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fprintf(stderr, "\n    bad test JSON: %s: %s\n", text, jerr.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* Decode `text` (with the texts of its numbers); expect success. Free with
 * protobuf_c_message_free_unpacked. */
static ProtobufCMessage *decode_ok(const pbjson_schema_t *s, const char *text)
{
    json_t *j = parse(text);
    jnum_index_t *nums = jnum_index(j, text, strlen(text));
    CU_ASSERT_PTR_NOT_NULL(nums);
    nq_field_errors_t errs = {0};
    ProtobufCMessage *m = pbjson_decode(s, j, nums, &errs);
    jnum_free(&nums);
    json_decref(j);
    CU_ASSERT_EQUAL(errs.n, 0);
    if (errs.n)
        fprintf(stderr, "\n    %s: unexpected %s: %s\n", text, errs.items[0].field,
                errs.items[0].reason);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    return m;
}

/* Decode `j` (borrowed; nums: the texts of its numbers, or NULL); expect NULL
 * and at least one error, the first on `field`. Returns the first reason
 * (static). */
static const char *decode_bad_nums(const pbjson_schema_t *s, const json_t *j,
                                   const jnum_index_t *nums, const char *field)
{
    static nq_field_errors_t errs;
    memset(&errs, 0, sizeof(errs));
    ProtobufCMessage *m = pbjson_decode(s, j, nums, &errs);
    CU_ASSERT_PTR_NULL(m);
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n == 0)
        return "";
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, field);
    if (strcmp(errs.items[0].field, field) != 0)
        fprintf(stderr, "\n    wanted an error on %s, got %s: %s\n", field, errs.items[0].field,
                errs.items[0].reason);
    return errs.items[0].reason;
}

static const char *decode_bad_json(const pbjson_schema_t *s, const json_t *j, const char *field)
{
    return decode_bad_nums(s, j, NULL, field);
}

static const char *decode_bad(const pbjson_schema_t *s, const char *text, const char *field)
{
    json_t *j = parse(text);
    jnum_index_t *nums = jnum_index(j, text, strlen(text));
    CU_ASSERT_PTR_NOT_NULL(nums);
    const char *why = decode_bad_nums(s, j, nums, field);
    jnum_free(&nums);
    json_decref(j);
    return why;
}

#define ACT(m) ((Nq__Activity *)(m))

/* ---- decoding ----------------------------------------------------------- */

static const char full_activity[] =
    "{\"event_id\":\"erp-o-4001\",\"type\":\"order\",\"salesperson_id\":\"sp-zhangwei\","
    "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T09:30:00+08:00\","
    "\"amount\":\"80000.00\",\"duration_s\":2147483647,\"score\":-2147483648,"
    "\"on_time\":true,\"due_at\":1795656600000,\"notes\":\"客户关注新品\","
    "\"location\":{\"lat\":31.2304,\"lng\":121.4737},"
    "\"attributes\":{\"crm\":\"A-17\",\"区域\":\"华东\"}}";

static void test_decode_full(void)
{
    ProtobufCMessage *m = decode_ok(&activity, full_activity);
    Nq__Activity *a = ACT(m);
    CU_ASSERT_PTR_EQUAL(m->descriptor, &nq__activity__descriptor);
    CU_ASSERT_STRING_EQUAL(a->event_id, "erp-o-4001");
    CU_ASSERT_STRING_EQUAL(a->type, "order");
    CU_ASSERT_STRING_EQUAL(a->salesperson_id, "sp-zhangwei");
    CU_ASSERT_STRING_EQUAL(a->customer_id, "cust-001");
    CU_ASSERT_STRING_EQUAL(a->notes, "客户关注新品");
    CU_ASSERT_TRUE(a->has_occurred_at);
    CU_ASSERT_EQUAL(a->occurred_at, AT_0930);
    CU_ASSERT_TRUE(a->has_amount_fen);
    CU_ASSERT_EQUAL(a->amount_fen, 8000000);
    CU_ASSERT_TRUE(a->has_duration_s);
    CU_ASSERT_EQUAL(a->duration_s, INT32_MAX);
    CU_ASSERT_TRUE(a->has_score);
    CU_ASSERT_EQUAL(a->score, INT32_MIN);
    CU_ASSERT_TRUE(a->has_on_time);
    CU_ASSERT_TRUE(a->on_time);
    CU_ASSERT_TRUE(a->has_due_at); /* a plain int64: no time conversion */
    CU_ASSERT_EQUAL(a->due_at, AT_0930);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a->location);
    CU_ASSERT_TRUE(a->location->has_lat && a->location->has_lng);
    CU_ASSERT_FALSE(a->location->has_accuracy_m);
    CU_ASSERT_DOUBLE_EQUAL(a->location->lat, 31.2304, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(a->location->lng, 121.4737, 1e-12);
    CU_ASSERT_EQUAL_FATAL(a->n_attributes, 2);
    CU_ASSERT_STRING_EQUAL(a->attributes[0]->key, "crm");
    CU_ASSERT_STRING_EQUAL(a->attributes[0]->value, "A-17");
    CU_ASSERT_STRING_EQUAL(a->attributes[1]->key, "区域");
    CU_ASSERT_STRING_EQUAL(a->attributes[1]->value, "华东");
    /* Not given: absent. */
    CU_ASSERT_FALSE(a->has_received_at);
    CU_ASSERT_FALSE(a->has_rating);
    CU_ASSERT_PTR_NULL(a->order_id);
    /* Valid protobuf: it packs and unpacks to the same event id. */
    size_t len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    protobuf_c_message_pack(m, buf);
    Nq__Activity *back = nq__activity__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL(back);
    if (back) {
        CU_ASSERT_STRING_EQUAL(back->event_id, "erp-o-4001");
        CU_ASSERT_EQUAL(back->n_attributes, 2);
        nq__activity__free_unpacked(back, NULL);
    }
    free(buf);
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_decode_money(void)
{
    static const struct {
        const char *json;
        int64_t fen;
    } ok[] = {
        {"{\"amount\":\"80000.00\"}", 8000000},
        {"{\"amount\":80000}", 8000000},
        {"{\"amount\":1234.5}", 123450},
        {"{\"amount\":\"0.01\"}", 1},
        {"{\"amount\":0.07}", 7},
        {"{\"amount\":\"-5.00\"}", -500},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        ProtobufCMessage *m = decode_ok(&activity, ok[i].json);
        CU_ASSERT_TRUE(ACT(m)->has_amount_fen);
        CU_ASSERT_EQUAL(ACT(m)->amount_fen, ok[i].fen);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":\"12.345\"}", "amount"),
                           "more than two decimals");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":12.345}", "amount"),
                           "more than two decimals");
    decode_bad(&activity, "{\"amount\":\"abc\"}", "amount");
    decode_bad(&activity, "{\"amount\":\"1,000\"}", "amount");
    decode_bad(&activity, "{\"amount\":true}", "amount");
    decode_bad(&activity, "{\"amount\":[1]}", "amount");
    decode_bad(&activity, "{\"amount\":{}}", "amount");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":1e20}", "amount"),
                           "must be decimal yuan without an exponent");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":100000000000000000}", "amount"),
                           "amount out of range");
}

/* A number is judged on the text that was sent, as a string is: these are
 * 1.5, 0.3, 1.5 and 1000 as doubles, but not amounts with two decimals. */
static void test_decode_money_number_text(void)
{
    static const char *const bad[] = {
        "{\"amount\":1.50000000000000000001}",
        "{\"amount\":0.29999999999999999}",
        "{\"amount\":1.500}",
        "{\"amount\":-0.000}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_STRING_EQUAL(decode_bad(&activity, bad[i], "amount"), "more than two decimals");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":1E3}", "amount"),
                           "must be decimal yuan without an exponent");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount\":1.5e0}", "amount"),
                           "must be decimal yuan without an exponent");
    /* The same text as a string is refused alike. */
    CU_ASSERT_STRING_EQUAL(
        decode_bad(&activity, "{\"amount\":\"1.50000000000000000001\"}", "amount"),
        "more than two decimals");
    /* Nested among other reals, the amount's own text is the one judged. */
    ProtobufCMessage *m = decode_ok(&activity, "{\"location\":{\"lat\":31.230416,\"lng\":121.4737},"
                                               "\"amount\":0.30,\"score\":7}");
    CU_ASSERT_EQUAL(ACT(m)->amount_fen, 30);
    protobuf_c_message_free_unpacked(m, NULL);
    decode_bad(&activity,
               "{\"location\":{\"lat\":31.23,\"lng\":121.4737},\"amount\":0.29999999999999999}",
               "amount");
    /* A tree built in memory has no text: its double is judged. */
    json_t *j = json_pack("{s:f}", "amount", 1234.5);
    nq_field_errors_t errs = {0};
    m = pbjson_decode(&activity, j, NULL, &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(ACT(m)->amount_fen, 123450);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(j);
}

static void test_decode_time(void)
{
    ProtobufCMessage *m = decode_ok(&activity, "{\"occurred_at\":1795656600000}");
    CU_ASSERT_TRUE(ACT(m)->has_occurred_at);
    CU_ASSERT_EQUAL(ACT(m)->occurred_at, AT_0930);
    protobuf_c_message_free_unpacked(m, NULL);
    m = decode_ok(&activity, "{\"occurred_at\":\"2026-11-26T01:30:00Z\"}");
    CU_ASSERT_EQUAL(ACT(m)->occurred_at, AT_0930);
    protobuf_c_message_free_unpacked(m, NULL);
    m = decode_ok(&activity, "{\"occurred_at\":\"2026-11-26\"}"); /* midnight in Shanghai */
    CU_ASSERT_EQUAL(ACT(m)->occurred_at, AT_0000);
    protobuf_c_message_free_unpacked(m, NULL);

    decode_bad(&activity, "{\"occurred_at\":\"yesterday\"}", "occurred_at");
    decode_bad(&activity, "{\"occurred_at\":\"2026-11-26T09:30:00\"}", "occurred_at");
    decode_bad(&activity, "{\"occurred_at\":\"2026-13-01\"}", "occurred_at");
    decode_bad(&activity, "{\"occurred_at\":true}", "occurred_at");
    decode_bad(&activity, "{\"occurred_at\":1795656600000.5}", "occurred_at");
}

static void test_decode_scalars(void)
{
    ProtobufCMessage *m = decode_ok(&activity, "{\"on_time\":false,\"location\":{\"lat\":31}}");
    CU_ASSERT_TRUE(ACT(m)->has_on_time); /* false, but given */
    CU_ASSERT_FALSE(ACT(m)->on_time);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ACT(m)->location);
    CU_ASSERT_TRUE(ACT(m)->location->has_lat);
    CU_ASSERT_DOUBLE_EQUAL(ACT(m)->location->lat, 31.0, 0);
    CU_ASSERT_FALSE(ACT(m)->location->has_lng);
    protobuf_c_message_free_unpacked(m, NULL);

    /* int32 range and type. */
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"duration_s\":2147483648}", "duration_s"),
                           "must be an integer of 32 bits");
    decode_bad(&activity, "{\"duration_s\":-2147483649}", "duration_s");
    decode_bad(&activity, "{\"duration_s\":1.5}", "duration_s");
    decode_bad(&activity, "{\"duration_s\":\"60\"}", "duration_s");
    /* int64. */
    decode_bad(&activity, "{\"due_at\":\"1795656600000\"}", "due_at");
    /* bool. */
    decode_bad(&activity, "{\"on_time\":\"true\"}", "on_time");
    decode_bad(&activity, "{\"on_time\":1}", "on_time");
    /* string. */
    decode_bad(&activity, "{\"event_id\":5}", "event_id");
    decode_bad(&activity, "{\"event_id\":[\"a\"]}", "event_id");
    decode_bad(&activity, "{\"event_id\":true}", "event_id");
}

static void test_decode_string_limits(void)
{
    char *big = malloc(PBJSON_STRING_MAX + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'x', PBJSON_STRING_MAX + 1);
    big[PBJSON_STRING_MAX] = '\0';
    json_t *j = json_pack("{s:s}", "notes", big);
    nq_field_errors_t errs = {0};
    ProtobufCMessage *m = pbjson_decode(&activity, j, NULL, &errs);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m) {
        CU_ASSERT_EQUAL(strlen(ACT(m)->notes), PBJSON_STRING_MAX);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    json_decref(j);
    big[PBJSON_STRING_MAX] = 'x';
    big[PBJSON_STRING_MAX + 1] = '\0';
    j = json_pack("{s:s}", "notes", big);
    decode_bad_json(&activity, j, "notes");
    json_decref(j);
    free(big);

    /* A NUL inside a JSON string cannot become a C string. */
    j = json_object();
    json_object_set_new(j, "notes", json_stringn("a\0b", 3));
    decode_bad_json(&activity, j, "notes");
    json_decref(j);
}

static void test_decode_null_is_absent(void)
{
    ProtobufCMessage *m = decode_ok(&activity, "{\"customer_id\":null,\"amount\":null,"
                                               "\"occurred_at\":null,\"location\":null,"
                                               "\"attributes\":null,\"on_time\":null,"
                                               "\"duration_s\":null,\"event_id\":\"e\"}");
    Nq__Activity *a = ACT(m);
    CU_ASSERT_PTR_NULL(a->customer_id);
    CU_ASSERT_FALSE(a->has_amount_fen);
    CU_ASSERT_FALSE(a->has_occurred_at);
    CU_ASSERT_PTR_NULL(a->location);
    CU_ASSERT_EQUAL(a->n_attributes, 0);
    CU_ASSERT_FALSE(a->has_on_time);
    CU_ASSERT_FALSE(a->has_duration_s);
    CU_ASSERT_STRING_EQUAL(a->event_id, "e");
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_decode_field_names(void)
{
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"colour\":\"red\"}", "colour"),
                           "unknown field");
    /* The protobuf name of a renamed field is not accepted. */
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"amount_fen\":100}", "amount_fen"),
                           "unknown field");
    CU_ASSERT_STRING_EQUAL(
        decode_bad(&activity, "{\"received_at\":\"2026-11-26T09:30:00+08:00\"}", "received_at"),
        "is set by the server");
    decode_bad(&activity, "{\"received_at\":1795656600000}", "received_at");
    decode_bad(&activity, "{\"Event_id\":\"e\"}", "Event_id");
    decode_bad(&activity, "{\"\":\"e\"}", "");
}

static void test_decode_nested(void)
{
    CU_ASSERT_STRING_EQUAL(
        decode_bad(&activity, "{\"location\":{\"lat\":\"31.2\",\"lng\":121}}", "location.lat"),
        "must be a number");
    CU_ASSERT_STRING_EQUAL(
        decode_bad(&activity, "{\"location\":{\"lat\":31,\"height\":5}}", "location.height"),
        "unknown field");
    CU_ASSERT_STRING_EQUAL(decode_bad(&activity, "{\"location\":5}", "location"),
                           "must be a JSON object");
    decode_bad(&activity, "{\"location\":[31,121]}", "location");
    decode_bad(&activity, "{\"location\":\"31,121\"}", "location");
    /* Specials apply to the top level only: "amount" inside location is unknown. */
    decode_bad(&activity, "{\"location\":{\"amount\":\"1.00\"}}", "location.amount");
}

static void test_decode_map(void)
{
    ProtobufCMessage *m = decode_ok(&activity, "{\"attributes\":{}}");
    CU_ASSERT_EQUAL(ACT(m)->n_attributes, 0);
    protobuf_c_message_free_unpacked(m, NULL);
    decode_bad(&activity, "{\"attributes\":{\"a\":\"1\",\"b\":2}}", "attributes");
    decode_bad(&activity, "{\"attributes\":{\"a\":null}}", "attributes");
    decode_bad(&activity, "{\"attributes\":{\"a\":{\"b\":\"c\"}}}", "attributes");
    decode_bad(&activity, "{\"attributes\":[\"a\"]}", "attributes");
    decode_bad(&activity, "{\"attributes\":\"a=1\"}", "attributes");

    /* PBJSON_ITEMS_MAX entries, then one more. */
    json_t *attrs = json_object();
    char key[16];
    for (int i = 0; i < PBJSON_ITEMS_MAX; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        json_object_set_new(attrs, key, json_string("v"));
    }
    json_t *j = json_pack("{s:O}", "attributes", attrs);
    nq_field_errors_t errs = {0};
    m = pbjson_decode(&activity, j, NULL, &errs);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m) {
        CU_ASSERT_EQUAL(ACT(m)->n_attributes, PBJSON_ITEMS_MAX);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    json_decref(j);
    json_object_set_new(attrs, "one-more", json_string("v"));
    j = json_pack("{s:O}", "attributes", attrs);
    decode_bad_json(&activity, j, "attributes");
    json_decref(j);
    json_decref(attrs);
}

static void test_decode_many_errors(void)
{
    json_t *j = parse("{\"event_id\":1,\"amount\":\"x\",\"colour\":2,\"on_time\":3,"
                      "\"location\":{\"lat\":\"n\"}}");
    nq_field_errors_t errs = {0};
    CU_ASSERT_PTR_NULL(pbjson_decode(&activity, j, NULL, &errs));
    json_decref(j);
    CU_ASSERT_EQUAL_FATAL(errs.n, 5);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "event_id");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "amount");
    CU_ASSERT_STRING_EQUAL(errs.items[2].field, "colour");
    CU_ASSERT_STRING_EQUAL(errs.items[3].field, "on_time");
    CU_ASSERT_STRING_EQUAL(errs.items[4].field, "location.lat");

    /* More than the error list holds: still NULL, the rest counted as dropped. */
    j = json_object();
    char key[16];
    for (int i = 0; i < NQ_FIELD_ERRORS_MAX + 2; i++) {
        snprintf(key, sizeof(key), "x%d", i);
        json_object_set_new(j, key, json_true());
    }
    memset(&errs, 0, sizeof(errs));
    CU_ASSERT_PTR_NULL(pbjson_decode(&activity, j, NULL, &errs));
    CU_ASSERT_EQUAL(errs.n, NQ_FIELD_ERRORS_MAX);
    CU_ASSERT_EQUAL(errs.dropped, 2);
    /* Even when the list is already full before this message's first error. */
    CU_ASSERT_PTR_NULL(pbjson_decode(&activity, j, NULL, &errs));
    CU_ASSERT_EQUAL(errs.dropped, 2 + NQ_FIELD_ERRORS_MAX + 2);
    json_decref(j);
}

static void test_decode_not_an_object(void)
{
    static const char *const texts[] = {"[]",  "[{\"event_id\":\"e\"}]", "\"e\"", "5", "null",
                                        "true"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_t *j = json_loads(texts[i], JSON_DECODE_ANY, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        CU_ASSERT_STRING_EQUAL(decode_bad_json(&activity, j, "(body)"), "must be a JSON object");
        json_decref(j);
    }
}

/* ---- encoding ----------------------------------------------------------- */

static void test_encode_activity(void)
{
    ProtobufCMessage *m = decode_ok(&activity, full_activity);
    ACT(m)->has_received_at = 1; /* set by the server, shown on the way out */
    ACT(m)->received_at = AT_0930 + 120;
    json_t *got = pbjson_encode(&activity, m);
    protobuf_c_message_free_unpacked(m, NULL);
    json_t *want =
        parse("{\"event_id\":\"erp-o-4001\",\"type\":\"order\",\"salesperson_id\":\"sp-zhangwei\","
              "\"customer_id\":\"cust-001\",\"occurred_at\":\"2026-11-26T09:30:00.000+08:00\","
              "\"amount\":\"80000.00\",\"duration_s\":2147483647,\"score\":-2147483648,"
              "\"on_time\":true,\"due_at\":1795656600000,\"notes\":\"客户关注新品\","
              "\"location\":{\"lat\":31.2304,\"lng\":121.4737},"
              "\"attributes\":{\"crm\":\"A-17\",\"区域\":\"华东\"},"
              "\"received_at\":\"2026-11-26T09:30:00.120+08:00\"}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_TRUE(json_equal(got, want));
    if (!json_equal(got, want)) {
        char *s = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
        fprintf(stderr, "\n    got %s\n", s);
        free(s);
    }
    CU_ASSERT_PTR_NULL(json_object_get(got, "amount_fen"));
    json_decref(got);
    json_decref(want);
}

static void test_encode_by_hand(void)
{
    Nq__Activity a = NQ__ACTIVITY__INIT;
    a.has_amount_fen = 1;
    a.amount_fen = -5;
    a.has_rating = 1; /* 0, but present */
    json_t *got = pbjson_encode(&activity, &a.base);
    char *s = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(s, "{\"amount\":\"-0.05\",\"rating\":0}");
    free(s);
    json_decref(got);

    Nq__Activity empty = NQ__ACTIVITY__INIT;
    got = pbjson_encode(&activity, &empty.base);
    CU_ASSERT_TRUE(json_is_object(got));
    CU_ASSERT_EQUAL(json_object_size(got), 0);
    json_decref(got);
}

/* decode(text) then encode must give the same JSON. */
static void round_trip(const pbjson_schema_t *s, const char *text)
{
    ProtobufCMessage *m = decode_ok(s, text);
    json_t *got = pbjson_encode(s, m);
    json_t *want = parse(text);
    CU_ASSERT_TRUE(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_team_round_trip(void)
{
    round_trip(&team_plain,
               "{\"id\":\"t-east\",\"name\":\"华东一组\",\"coordinators\":[\"u-zhao\"],"
               "\"members\":[\"sp-zhangwei\",\"sp-lina\",\"sp-wangfang\"],"
               "\"updated_at\":1795656600000}");
    round_trip(&team_plain, "{\"name\":\"x\",\"members\":[\"a\"]}");
    round_trip(&activity, "{\"event_id\":\"e\",\"amount\":\"0.01\","
                          "\"occurred_at\":\"2026-11-26T00:00:00.000+08:00\"}");

    ProtobufCMessage *m = decode_ok(&team_plain, "{\"members\":[\"a\",\"b\"],\"coordinators\":[]}");
    Nq__Team *t = (Nq__Team *)m;
    CU_ASSERT_EQUAL_FATAL(t->n_members, 2);
    CU_ASSERT_STRING_EQUAL(t->members[0], "a");
    CU_ASSERT_STRING_EQUAL(t->members[1], "b");
    CU_ASSERT_EQUAL(t->n_coordinators, 0);
    json_t *got = pbjson_encode(&team_plain, m);
    CU_ASSERT_PTR_NULL(json_object_get(got, "coordinators")); /* empty: not written */
    json_decref(got);
    protobuf_c_message_free_unpacked(m, NULL);

    /* With the entity specials: id and updated_at are the server's. */
    decode_bad(&team_entity, "{\"id\":\"t-1\",\"name\":\"x\"}", "id");
    decode_bad(&team_entity, "{\"name\":\"x\",\"updated_at\":1}", "updated_at");
    Nq__Team team = NQ__TEAM__INIT;
    team.id = "t-1";
    team.has_updated_at = 1;
    team.updated_at = AT_0930;
    got = pbjson_encode(&team_entity, &team.base);
    char *s = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
    CU_ASSERT_STRING_EQUAL(s, "{\"id\":\"t-1\",\"updated_at\":\"2026-11-26T09:30:00.000+08:00\"}");
    free(s);
    json_decref(got);
}

static void test_repeated_errors(void)
{
    decode_bad(&team_plain, "{\"members\":[\"a\",1]}", "members");
    decode_bad(&team_plain, "{\"members\":[null]}", "members");
    decode_bad(&team_plain, "{\"members\":\"a\"}", "members");
    decode_bad(&team_plain, "{\"members\":{\"a\":\"b\"}}", "members");
    decode_bad(&team_plain, "{\"members\":[[\"a\"]]}", "members");

    json_t *arr = json_array();
    for (int i = 0; i < PBJSON_ITEMS_MAX; i++)
        json_array_append_new(arr, json_string("m"));
    json_t *j = json_pack("{s:O}", "members", arr);
    nq_field_errors_t errs = {0};
    ProtobufCMessage *m = pbjson_decode(&team_plain, j, NULL, &errs);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m) {
        CU_ASSERT_EQUAL(((Nq__Team *)m)->n_members, PBJSON_ITEMS_MAX);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    json_decref(j);
    json_array_append_new(arr, json_string("m"));
    j = json_pack("{s:O}", "members", arr);
    decode_bad_json(&team_plain, j, "members");
    json_decref(j);
    json_decref(arr);
}

/* A repeated message: an array of objects, each decoded with its own
 * errors named by its place; encoded back the same. */
static void test_repeated_messages(void)
{
    static const pbjson_schema_t customer = {&nq__customer__descriptor, NULL, 0};
    ProtobufCMessage *m =
        decode_ok(&customer, "{\"contacts\":[{\"name\":\"王经理\",\"email\":\"w@x.cn\"},"
                             "{\"name\":\"李工\"}]}");
    Nq__Customer *c = (Nq__Customer *)m;
    CU_ASSERT_EQUAL_FATAL(c->n_contacts, 2);
    CU_ASSERT_STRING_EQUAL(c->contacts[0]->email, "w@x.cn");
    CU_ASSERT_STRING_EQUAL(c->contacts[1]->name, "李工");
    json_t *back = pbjson_encode(&customer, m);
    json_t *want = parse("{\"contacts\":[{\"name\":\"王经理\",\"email\":\"w@x.cn\"},"
                         "{\"name\":\"李工\"}]}");
    CU_ASSERT_TRUE(json_equal(back, want));
    json_decref(back);
    json_decref(want);
    protobuf_c_message_free_unpacked(m, NULL);
    decode_bad(&customer, "{\"contacts\":[{\"name\":\"a\"},{\"nmae\":\"b\"}]}", "contacts[1].nmae");
    decode_bad(&customer, "{\"contacts\":[{\"name\":\"a\"},\"b\"]}", "contacts[1]");
    decode_bad(&customer, "{\"contacts\":{\"name\":\"a\"}}", "contacts");
}

static CU_TestInfo decode_tests[] = {
    {"repeated messages: arrays of objects", test_repeated_messages},
    {"a full activity", test_decode_full},
    {"money: string or number, two decimals", test_decode_money},
    {"money: a number's text is judged, not its double", test_decode_money_number_text},
    {"time: RFC 3339, date, Unix ms", test_decode_time},
    {"int32, int64, bool, double, string types", test_decode_scalars},
    {"string length and NUL", test_decode_string_limits},
    {"JSON null is absent", test_decode_null_is_absent},
    {"unknown, renamed and server-set fields", test_decode_field_names},
    {"nested errors are named with their path", test_decode_nested},
    {"map<string,string>", test_decode_map},
    {"every error is collected", test_decode_many_errors},
    {"a non-object input", test_decode_not_an_object},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo encode_tests[] = {
    {"encode a decoded activity", test_encode_activity},
    {"encode a hand-built message", test_encode_by_hand},
    {"Team with repeated strings round trip", test_team_round_trip},
    {"repeated string errors and limits", test_repeated_errors},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"pbjson decode", zone_shanghai, NULL, NULL, NULL, decode_tests},
    {"pbjson encode", zone_shanghai, NULL, NULL, NULL, encode_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
