/* test_ingest_validate.c — services/ingest/validate.h (rules per type, common rules, content
 * digest) and the pure reply parser of services/ingest/store.h.
 *
 * NOW is 2026-11-26T09:30:00+08:00 (`date -d 2026-11-26T09:30:00+08:00 +%s` = 1795656600);
 * 2000-01-01T00:00:00Z is 946684800. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/store.h"
#include "ingest/validate.h"
#include "nq_test.h"

#define NOW 1795656600000LL
#define SKEW 300000LL /* 5 minutes */
#define HOUR 3600000LL

/* An event plus storage for its attributes. */
typedef struct event {
    Nq__Activity ev;                                    /* the event */
    Nq__Activity__AttributesEntry attr[40];             /* entries */
    Nq__Activity__AttributesEntry *attr_ptr[40];        /* what ev.attributes points at */
    Nq__GeoPoint loc;                                   /* location */
} event_t;

/* A valid event of `type`: order gets a customer and an amount, visit a customer. */
static void make(event_t *e, const char *type)
{
    memset(e, 0, sizeof(*e));
    nq__activity__init(&e->ev);
    nq__geo_point__init(&e->loc);
    for (size_t i = 0; i < 40; i++) {
        nq__activity__attributes_entry__init(&e->attr[i]);
        e->attr_ptr[i] = &e->attr[i];
    }
    e->ev.attributes = e->attr_ptr;
    e->ev.event_id = "evt-0001";
    e->ev.type = (char *)type;
    e->ev.salesperson_id = "sp-001";
    e->ev.has_occurred_at = 1;
    e->ev.occurred_at = NOW - HOUR;
    if (strcmp(type, "call") != 0)
        e->ev.customer_id = "cust-9";
    if (strcmp(type, "order") == 0) {
        e->ev.has_amount_fen = 1;
        e->ev.amount_fen = 8000000;
    }
}

/* Set n attributes "k<i>" -> "v<i>" using the given buffers. */
static void set_attrs(event_t *e, size_t n, char keys[][8], char vals[][8])
{
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], 8, "k%zu", i);
        snprintf(vals[i], 8, "v%zu", i);
        e->attr[i].key = keys[i];
        e->attr[i].value = vals[i];
    }
    e->ev.n_attributes = n;
}

static int validate(const event_t *e, nq_field_errors_t *errs)
{
    memset(errs, 0, sizeof(*errs));
    return ingest_validate(&e->ev, NOW, SKEW, errs);
}

static void valid(const event_t *e)
{
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(validate(e, &errs), 0);
    CU_ASSERT_EQUAL(errs.n, 0);
    if (errs.n)
        fprintf(stderr, "\n    unexpected: %s %s\n", errs.items[0].field, errs.items[0].reason);
}

/* Expect exactly one error, on `field`; returns its reason. */
static const char *one_error(const event_t *e, const char *field)
{
    static nq_field_errors_t errs;
    CU_ASSERT_EQUAL(validate(e, &errs), -1);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n == 0)
        return "";
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, field);
    return errs.items[0].reason;
}

/* ---- types -------------------------------------------------------------- */

static void test_valid_types(void)
{
    event_t e;
    make(&e, "visit");
    valid(&e);
    make(&e, "call");
    valid(&e);
    make(&e, "order");
    valid(&e);
    CU_ASSERT_TRUE(ingest_type_known("visit"));
    CU_ASSERT_TRUE(ingest_type_known("call"));
    CU_ASSERT_TRUE(ingest_type_known("order"));
    CU_ASSERT_FALSE(ingest_type_known("Order"));
    CU_ASSERT_FALSE(ingest_type_known("meeting"));
    CU_ASSERT_FALSE(ingest_type_known(""));
    CU_ASSERT_FALSE(ingest_type_known(NULL));
}

static void test_required_per_type(void)
{
    event_t e;
    make(&e, "visit");
    e.ev.customer_id = NULL;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "customer_id"), "is required for type visit");

    make(&e, "order");
    e.ev.customer_id = NULL;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "customer_id"), "is required for type order");

    make(&e, "order");
    e.ev.has_amount_fen = 0;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "amount"), "is required for type order");

    /* A call needs neither; a customer or amount on a visit/call is allowed. */
    make(&e, "call");
    CU_ASSERT_PTR_NULL(e.ev.customer_id);
    valid(&e);
    e.ev.customer_id = "c-1";
    valid(&e);
    make(&e, "visit");
    e.ev.has_amount_fen = 1;
    e.ev.amount_fen = 100;
    valid(&e);

    /* Both missing on an order: both reported. */
    nq_field_errors_t errs;
    make(&e, "order");
    e.ev.customer_id = NULL;
    e.ev.has_amount_fen = 0;
    CU_ASSERT_EQUAL(validate(&e, &errs), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 2);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "customer_id");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "amount");
}

static void test_missing_common(void)
{
    event_t e;
    make(&e, "visit");
    e.ev.event_id = NULL;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "event_id"), "is required");
    make(&e, "visit");
    e.ev.event_id = "";
    CU_ASSERT_STRING_EQUAL(one_error(&e, "event_id"), "is required");

    make(&e, "visit");
    e.ev.type = NULL;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "type"), "is required");

    make(&e, "visit");
    e.ev.salesperson_id = NULL;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "salesperson_id"), "is required");

    make(&e, "visit");
    e.ev.has_occurred_at = 0;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "occurred_at"), "is required");
}

static void test_unknown_type(void)
{
    event_t e;
    make(&e, "meeting");
    const char *why = one_error(&e, "type");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "unknown event type"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "meeting"));
    make(&e, "");
    one_error(&e, "type");
    make(&e, "Visit");
    one_error(&e, "type");
}

static void test_everything_wrong(void)
{
    event_t e;
    make(&e, "order");
    e.ev.event_id = NULL;
    e.ev.type = NULL;
    e.ev.salesperson_id = "bad id";
    e.ev.has_occurred_at = 0;
    e.ev.amount_fen = 0;
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(validate(&e, &errs), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 5);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "event_id");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "type");
    CU_ASSERT_STRING_EQUAL(errs.items[2].field, "salesperson_id");
    CU_ASSERT_STRING_EQUAL(errs.items[3].field, "occurred_at");
    CU_ASSERT_STRING_EQUAL(errs.items[4].field, "amount");
}

/* ---- common rules ------------------------------------------------------- */

static void test_time_window(void)
{
    event_t e;
    make(&e, "call");
    e.ev.occurred_at = INGEST_EARLIEST_MS;
    valid(&e);
    e.ev.occurred_at = INGEST_EARLIEST_MS - 1;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "occurred_at"), "is before 2000-01-01");
    e.ev.occurred_at = 0;
    one_error(&e, "occurred_at");
    e.ev.occurred_at = -1;
    one_error(&e, "occurred_at");

    e.ev.occurred_at = NOW;
    valid(&e);
    e.ev.occurred_at = NOW + SKEW; /* exactly at the edge is accepted */
    valid(&e);
    e.ev.occurred_at = NOW + SKEW + 1;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "occurred_at"), "is more than 300 s in the future");
    e.ev.occurred_at = INT64_MAX;
    one_error(&e, "occurred_at");

    /* Zero skew: now is the limit. */
    nq_field_errors_t errs = {0};
    e.ev.occurred_at = NOW;
    CU_ASSERT_EQUAL(ingest_validate(&e.ev, NOW, 0, &errs), 0);
    e.ev.occurred_at = NOW + 1;
    CU_ASSERT_EQUAL(ingest_validate(&e.ev, NOW, 0, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].reason, "is more than 0 s in the future");
}

static void test_amount(void)
{
    event_t e;
    make(&e, "order");
    e.ev.amount_fen = 1;
    valid(&e);
    e.ev.amount_fen = 0;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "amount"), "must be greater than 0");
    e.ev.amount_fen = -1;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "amount"), "must be greater than 0");
    e.ev.amount_fen = INT64_MIN;
    one_error(&e, "amount");
    /* Also on a type that does not need one. */
    make(&e, "visit");
    e.ev.has_amount_fen = 1;
    e.ev.amount_fen = -500;
    one_error(&e, "amount");
}

static void test_ids(void)
{
    static const char *const bad[] = {"", "sp 1", "sp{1}", "用户", "a/b",
                                      "x123456789x123456789x123456789x123456789x123456789x123456789x"
                                      "1234"}; /* 65 */
    event_t e;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        make(&e, "visit");
        e.ev.salesperson_id = (char *)bad[i];
        CU_ASSERT_STRING_EQUAL(one_error(&e, "salesperson_id"), NQ_ID_RULE);
        make(&e, "visit");
        e.ev.customer_id = (char *)bad[i];
        CU_ASSERT_STRING_EQUAL(one_error(&e, "customer_id"), NQ_ID_RULE);
    }
    make(&e, "visit");
    e.ev.salesperson_id = "x123456789x123456789x123456789x123456789x123456789x123456789x123";
    CU_ASSERT_EQUAL(strlen(e.ev.salesperson_id), 64);
    valid(&e);
}

static void test_event_id(void)
{
    char id[INGEST_EVENT_ID_MAX + 2];
    memset(id, 'e', sizeof(id));
    id[INGEST_EVENT_ID_MAX] = '\0';
    event_t e;
    make(&e, "call");
    e.ev.event_id = id;
    valid(&e); /* 128 */
    id[INGEST_EVENT_ID_MAX] = 'e';
    id[INGEST_EVENT_ID_MAX + 1] = '\0';
    one_error(&e, "event_id"); /* 129 */

    /* A client key is wider than an id: '/', '{' and non-ASCII are fine. */
    e.ev.event_id = "feed/2026-11-26/{订单}#7";
    valid(&e);
    static const char *const bad[] = {"a b", "a\tb", "a\nb", "a\rb", "\x01", "a\xc0\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.ev.event_id = (char *)bad[i];
        one_error(&e, "event_id");
    }
}

static void test_texts(void)
{
    static char big[INGEST_TEXT_MAX + 2];
    memset(big, 'n', sizeof(big));
    big[INGEST_TEXT_MAX] = '\0';
    event_t e;
    make(&e, "visit");
    e.ev.notes = "客户对新产品很满意。\n下周回访。";
    valid(&e);
    e.ev.notes = big; /* 4000 */
    valid(&e);
    big[INGEST_TEXT_MAX] = 'n';
    big[INGEST_TEXT_MAX + 1] = '\0';
    one_error(&e, "notes"); /* 4001 */

    make(&e, "visit");
    e.ev.notes = "bad \xe4\xbd"; /* truncated UTF-8 */
    const char *why = one_error(&e, "notes");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "UTF-8"));
    e.ev.notes = "surrogate \xed\xa0\x80";
    one_error(&e, "notes");
    e.ev.notes = "escape \x1b[2J";
    one_error(&e, "notes");

    /* Every free-text field is checked under its own name. */
    make(&e, "visit");
    e.ev.text = "\xff";
    one_error(&e, "text");
    make(&e, "visit");
    e.ev.source = "\xc0\x80";
    one_error(&e, "source");
    make(&e, "visit");
    e.ev.purpose = "\xf4\x90\x80\x80";
    one_error(&e, "purpose");
    make(&e, "visit");
    e.ev.outcome = "\x80";
    one_error(&e, "outcome");
    make(&e, "order");
    e.ev.order_id = "o\x02";
    one_error(&e, "order_id");
}

static void test_attributes(void)
{
    char keys[40][8], vals[40][8];
    event_t e;
    make(&e, "visit");
    set_attrs(&e, INGEST_ATTRS_MAX, keys, vals);
    valid(&e);
    set_attrs(&e, INGEST_ATTRS_MAX + 1, keys, vals);
    const char *why = one_error(&e, "attributes");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "more than 32"));

    char k64[INGEST_ATTR_KEY_MAX + 2], v512[INGEST_ATTR_VALUE_MAX + 2];
    memset(k64, 'k', sizeof(k64));
    k64[INGEST_ATTR_KEY_MAX] = '\0';
    memset(v512, 'v', sizeof(v512));
    v512[INGEST_ATTR_VALUE_MAX] = '\0';
    set_attrs(&e, 2, keys, vals);
    e.attr[1].key = k64;
    e.attr[1].value = v512;
    valid(&e); /* 64-byte key, 512-byte value */
    k64[INGEST_ATTR_KEY_MAX] = 'k';
    k64[INGEST_ATTR_KEY_MAX + 1] = '\0';
    one_error(&e, "attributes"); /* 65-byte key */
    k64[INGEST_ATTR_KEY_MAX] = '\0';
    v512[INGEST_ATTR_VALUE_MAX] = 'v';
    v512[INGEST_ATTR_VALUE_MAX + 1] = '\0';
    one_error(&e, "attributes"); /* 513-byte value */
    v512[INGEST_ATTR_VALUE_MAX] = '\0';
    valid(&e);

    e.attr[0].key = "";
    one_error(&e, "attributes");
    e.attr[0].key = NULL;
    one_error(&e, "attributes");
    e.attr[0].key = "k0";
    e.attr[0].value = NULL;
    one_error(&e, "attributes");
    e.attr[0].value = "";
    valid(&e); /* an empty value is fine */
    e.attr[0].value = "\xed\xbf\xbf";
    one_error(&e, "attributes");
    e.attr[0].value = "区域：华东";
    e.attr[0].key = "区域";
    valid(&e);
}

/* ---- digest ------------------------------------------------------------- */

static void digest_of(const event_t *e, char hex[65])
{
    memset(hex, '?', 65);
    CU_ASSERT_EQUAL_FATAL(ingest_digest(&e->ev, hex), 0);
}

static void test_digest_shape(void)
{
    event_t e;
    char hex[65];
    /* Nothing set but received_at: the packed event is empty, so this is SHA-256(""). */
    memset(&e, 0, sizeof(e));
    nq__activity__init(&e.ev);
    e.ev.has_received_at = 1;
    e.ev.received_at = NOW;
    digest_of(&e, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CU_ASSERT_TRUE(e.ev.has_received_at); /* the input is not modified */
    CU_ASSERT_EQUAL(e.ev.received_at, NOW);

    make(&e, "order");
    digest_of(&e, hex);
    CU_ASSERT_EQUAL(strlen(hex), 64);
    CU_ASSERT_EQUAL(strspn(hex, "0123456789abcdef"), 64);
}

static void test_digest_same_content(void)
{
    event_t a, b;
    char ha[65], hb[65];
    char ka[4][8], va[4][8], kb[4][8], vb[4][8];
    make(&a, "order");
    make(&b, "order");
    /* Same text in different buffers. */
    char sp[] = "sp-001";
    b.ev.salesperson_id = sp;
    set_attrs(&a, 3, ka, va);
    set_attrs(&b, 3, kb, vb);
    digest_of(&a, ha);
    digest_of(&b, hb);
    CU_ASSERT_STRING_EQUAL(ha, hb);

    /* Attributes in another order. */
    b.attr_ptr[0] = &b.attr[2];
    b.attr_ptr[2] = &b.attr[0];
    digest_of(&b, hb);
    CU_ASSERT_STRING_EQUAL(ha, hb);
    CU_ASSERT_PTR_EQUAL(b.ev.attributes[0], &b.attr[2]); /* the caller's order is kept */
    CU_ASSERT_PTR_EQUAL(b.ev.attributes[2], &b.attr[0]);

    /* received_at is ignored. */
    b.ev.has_received_at = 1;
    b.ev.received_at = NOW + 12345;
    digest_of(&b, hb);
    CU_ASSERT_STRING_EQUAL(ha, hb);
}

static void test_digest_differs(void)
{
    event_t base, e;
    char kb[2][8], vb[2][8], ke[2][8], ve[2][8];
    char hbase[65], h[65];
    make(&base, "order");
    base.ev.notes = "n";
    set_attrs(&base, 2, kb, vb);
    digest_of(&base, hbase);

    enum { N_MUT = 16 };
    for (int m = 0; m < N_MUT; m++) {
        make(&e, "order");
        e.ev.notes = "n";
        set_attrs(&e, 2, ke, ve);
        switch (m) {
        case 0: e.ev.event_id = "evt-0002"; break;
        case 1: e.ev.type = "visit"; break;
        case 2: e.ev.salesperson_id = "sp-002"; break;
        case 3: e.ev.customer_id = "cust-8"; break;
        case 4: e.ev.occurred_at += 1; break;
        case 5: e.ev.amount_fen += 1; break;
        case 6: e.ev.notes = "N"; break;
        case 7: e.ev.notes = NULL; break;
        case 8: e.ev.source = "crm"; break;
        case 9: e.ev.order_id = "o-1"; break;
        case 10: e.attr[1].value = "other"; break;
        case 11: e.attr[1].key = "k9"; break;
        case 12: e.ev.n_attributes = 1; break;
        case 13:
            e.loc.has_lat = 1;
            e.loc.lat = 31.23;
            e.ev.location = &e.loc;
            break;
        case 14: e.ev.has_on_time = 1; break; /* false, but present */
        case 15: e.ev.has_due_at = 1; e.ev.due_at = NOW; break;
        }
        digest_of(&e, h);
        CU_ASSERT_STRING_NOT_EQUAL(h, hbase);
        if (strcmp(h, hbase) == 0)
            fprintf(stderr, "\n    mutation %d did not change the digest\n", m);
    }
}

/* ---- store reply -------------------------------------------------------- */

static redisReply integer(long long v)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_INTEGER;
    r.integer = v;
    return r;
}

static redisReply string(const char *s)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_STRING;
    r.str = (char *)s;
    r.len = strlen(s);
    return r;
}

static redisReply array(redisReply **items, size_t n)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_ARRAY;
    r.element = items;
    r.elements = n;
    return r;
}

static void test_parse_reply_good(void)
{
    redisReply e[4] = {integer(0), integer(1), integer(2), string("1795656600000-3")};
    redisReply *items[4] = {&e[0], &e[1], &e[2], &e[3]};
    redisReply r = array(items, 4);
    int status[3] = {-9, -9, -9};
    const char *last = NULL;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last), 0);
    CU_ASSERT_EQUAL(status[0], INGEST_APPEND_ACCEPTED);
    CU_ASSERT_EQUAL(status[1], INGEST_APPEND_DUPLICATE);
    CU_ASSERT_EQUAL(status[2], INGEST_APPEND_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    CU_ASSERT_STRING_EQUAL(last, "1795656600000-3");

    /* Nothing appended: the id is "". An empty batch is just the id. */
    redisReply e2[2] = {integer(1), string("")};
    redisReply *items2[2] = {&e2[0], &e2[1]};
    redisReply r2 = array(items2, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r2, 1, status, &last), 0);
    CU_ASSERT_EQUAL(status[0], 1);
    CU_ASSERT_STRING_EQUAL(last, "");
    redisReply r3 = array(&items2[1], 1);
    last = NULL;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r3, 0, status, &last), 0);
    CU_ASSERT_PTR_NOT_NULL(last);
}

static void test_parse_reply_bad(void)
{
    int status[4];
    const char *last = "untouched";
    redisReply e[4] = {integer(0), integer(1), string("1-1"), string("1-2")};
    redisReply *items[4] = {&e[0], &e[1], &e[2], &e[3]};

    /* Wrong element counts. */
    redisReply r = array(items, 3);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last), -1);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last), -1);
    r = array(items, 0);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 0, status, &last), -1);
    /* Not an array at all. */
    CU_ASSERT_EQUAL(ingest_store_parse_reply(NULL, 0, status, &last), -1);
    redisReply err = string("ERR something");
    err.type = REDIS_REPLY_ERROR;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&err, 0, status, &last), -1);
    redisReply s = string("1-1");
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&s, 0, status, &last), -1);
    redisReply nil = {0};
    nil.type = REDIS_REPLY_NIL;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&nil, 0, status, &last), -1);

    /* A string where a status belongs: [0, "1-1", "1-2"] for n=2. */
    redisReply *mixed[3] = {&e[0], &e[2], &e[3]};
    r = array(mixed, 3);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 2, status, &last), -1);
    /* An integer where the id belongs: [0, 1] for n=1. */
    r = array(items, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last), -1);
    /* A nil id. */
    redisReply *with_nil[2] = {&e[0], &nil};
    r = array(with_nil, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last), -1);
    /* Statuses out of range. */
    redisReply three = integer(3), minus = integer(-1);
    redisReply *oor[2] = {&three, &e[2]};
    r = array(oor, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last), -1);
    oor[0] = &minus;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last), -1);
    CU_ASSERT_STRING_EQUAL(last, "untouched");
}

static CU_TestInfo validate_tests[] = {
    {"valid visit, call, order", test_valid_types},
    {"required fields per type", test_required_per_type},
    {"missing event_id, type, salesperson_id, occurred_at", test_missing_common},
    {"unknown type", test_unknown_type},
    {"every error is reported, in order", test_everything_wrong},
    {"occurred_at window", test_time_window},
    {"amount must be > 0", test_amount},
    {"salesperson and customer ids", test_ids},
    {"event_id", test_event_id},
    {"free text fields", test_texts},
    {"attributes limits", test_attributes},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo digest_tests[] = {
    {"hex shape; SHA-256 of the packed event", test_digest_shape},
    {"same content, any attribute order, any received_at", test_digest_same_content},
    {"any other change changes it", test_digest_differs},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo store_tests[] = {
    {"parse a good reply", test_parse_reply_good},
    {"reject replies of another shape", test_parse_reply_bad},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ingest validate", NULL, NULL, NULL, NULL, validate_tests},
    {"ingest digest", NULL, NULL, NULL, NULL, digest_tests},
    {"ingest store reply", NULL, NULL, NULL, NULL, store_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
