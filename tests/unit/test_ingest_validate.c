/* test_ingest_validate.c — services/ingest/validate.h (rules per type, common rules, content
 * digest) and the pure reply parser of services/ingest/store.h.
 *
 * NOW is 2026-11-26T09:30:00+08:00 (`date -d 2026-11-26T09:30:00+08:00 +%s` = 1795656600);
 * 2000-01-01T00:00:00Z is 946684800. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/store.h"
#include "ingest/validate.h"
#include "nq/actindex.h"
#include "nq_test.h"
#include "reply_fake.h"

#define NOW  1795656600000LL
#define SKEW 300000LL /* 5 minutes */
#define HOUR 3600000LL

/* An event plus storage for its attributes and location. */
typedef struct event {
    Nq__Activity ev;                             /* the event */
    Nq__Activity__AttributesEntry attr[40];      /* entries */
    Nq__Activity__AttributesEntry *attr_ptr[40]; /* what ev.attributes points at */
    Nq__GeoPoint loc;                            /* location */
} event_t;

/* Every type-specific field, by its JSON name. */
static const char *const all_fields[] = {
    "customer_id", "amount",  "order_id", "due_at",   "duration_s", "direction",
    "outcome",     "purpose", "location", "on_time",  "line_count", "rating",
    "nps",         "channel", "text",     "category", "priority",   "competitor",
    "product",     "price",   "course",   "score",    "ticket_id",  NULL,
};

/* Set (on) or clear (!on) one type-specific field with a valid value. */
static void set_field(event_t *e, const char *f, bool on)
{
    Nq__Activity *ev = &e->ev;
#define IS(name)           (strcmp(f, name) == 0)
#define STR(member, value) ev->member = on ? (char *)(value) : NULL
#define NUM(member, value) (ev->has_##member = on, ev->member = on ? (value) : 0)
    if (IS("customer_id"))
        STR(customer_id, "cust-9");
    else if (IS("amount"))
        NUM(amount_fen, 8000000);
    else if (IS("order_id"))
        STR(order_id, "SO-20261126-01");
    else if (IS("due_at"))
        NUM(due_at, NOW + 14 * 24 * HOUR);
    else if (IS("duration_s"))
        NUM(duration_s, 1800);
    else if (IS("direction"))
        STR(direction, "outbound");
    else if (IS("outcome"))
        STR(outcome, "约好下周拜访");
    else if (IS("purpose"))
        STR(purpose, "季度回访");
    else if (IS("location")) {
        e->loc.has_lat = e->loc.has_lng = 1;
        e->loc.lat = 31.2304;
        e->loc.lng = 121.4737;
        ev->location = on ? &e->loc : NULL;
    } else if (IS("on_time"))
        NUM(on_time, 1);
    else if (IS("line_count"))
        NUM(line_count, 3);
    else if (IS("rating"))
        NUM(rating, 5);
    else if (IS("nps"))
        NUM(nps, 9);
    else if (IS("channel"))
        STR(channel, "survey");
    else if (IS("text"))
        STR(text, "服务及时");
    else if (IS("category"))
        STR(category, "质量投诉");
    else if (IS("priority"))
        STR(priority, "high");
    else if (IS("competitor"))
        STR(competitor, "某竞品");
    else if (IS("product"))
        STR(product, "A100");
    else if (IS("price"))
        NUM(price_fen, 98000);
    else if (IS("course"))
        STR(course, "大客户谈判");
    else if (IS("score"))
        NUM(score, 92);
    else if (IS("ticket_id"))
        STR(ticket_id, "TK-1001");
    else
        CU_FAIL_FATAL("set_field: unknown field name");
#undef IS
#undef STR
#undef NUM
}

/* docs/api.md's table of event types, written out independently of validate.c. */
typedef struct type_rule {
    const char *name;              /* type */
    const char *const required[4]; /* NULL-terminated */
    const char *const optional[6]; /* NULL-terminated */
} type_rule_t;

static const type_rule_t type_rules[] = {
    {"visit", {"customer_id"}, {"location", "duration_s", "purpose", "outcome"}},
    {"call", {NULL}, {"customer_id", "duration_s", "direction", "outcome", "purpose"}},
    {"meeting", {NULL}, {"customer_id", "duration_s", "purpose", "outcome", "location"}},
    {"order", {"customer_id", "amount"}, {"order_id", "due_at", "line_count"}},
    {"order_fulfilled", {"customer_id", "order_id", "on_time"}, {"amount"}},
    {"order_cancelled", {"customer_id", "order_id", "amount"}, {NULL}},
    {"return", {"customer_id", "order_id", "amount"}, {NULL}},
    {"invoice", {"customer_id", "amount", "due_at"}, {"order_id"}},
    {"payment", {"customer_id", "amount"}, {"order_id"}},
    {"new_customer", {"customer_id"}, {NULL}},
    /* and rating and/or nps: see test_feedback_any_of */
    {"feedback", {"customer_id"}, {"rating", "nps", "channel", "text"}},
    {"ticket_opened", {"customer_id", "ticket_id"}, {"category", "priority", "text"}},
    {"ticket_closed", {"customer_id", "ticket_id"}, {"category", "priority", "text", "outcome"}},
    {"competitor_intel", {"competitor"}, {"customer_id", "product", "price", "text"}},
    {"training", {"course"}, {"score", "duration_s"}},
};
#define N_TYPES (sizeof(type_rules) / sizeof(type_rules[0]))

static const type_rule_t *rule_of(const char *type)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        if (strcmp(type_rules[i].name, type) == 0)
            return &type_rules[i];
    }
    return NULL;
}

static bool listed(const char *const *list, const char *f)
{
    for (; *list; list++) {
        if (strcmp(*list, f) == 0)
            return true;
    }
    return false;
}

/* The common fields only. */
static void make_bare(event_t *e, const char *type)
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
}

/* A valid event of `type` with its required fields (feedback also gets a rating). */
static void make(event_t *e, const char *type)
{
    make_bare(e, type);
    const type_rule_t *r = rule_of(type);
    for (size_t i = 0; r && r->required[i]; i++)
        set_field(e, r->required[i], true);
    if (strcmp(type, "feedback") == 0)
        set_field(e, "rating", true);
}

/* Set n attributes "k<i>" -> "v<i>" using the given buffers. */
static void set_attrs(event_t *e, size_t n, char keys[][8], char vals[][8])
{
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], 8, "k%u", (unsigned)(i % 1000000));
        snprintf(vals[i], 8, "v%u", (unsigned)(i % 1000000));
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

/* Expect no error; `what` is printed when there is one. */
static void valid_as(const event_t *e, const char *what)
{
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(validate(e, &errs), 0);
    CU_ASSERT_EQUAL(errs.n, 0);
    if (errs.n)
        fprintf(stderr, "\n    %s: unexpected %s: %s\n", what, errs.items[0].field,
                errs.items[0].reason);
}
#define valid(e) valid_as(e, __func__)

/* Expect exactly one error, on `field`; returns its reason. */
static const char *one_error_as(const event_t *e, const char *field, const char *what)
{
    static nq_field_errors_t errs;
    int rc = validate(e, &errs);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n != 1 || strcmp(errs.items[0].field, field) != 0) {
        fprintf(stderr, "\n    %s: wanted one error on %s, got %zu%s%s%s%s\n", what, field, errs.n,
                errs.n ? ": " : "", errs.n ? errs.items[0].field : "", errs.n ? " " : "",
                errs.n ? errs.items[0].reason : "");
    }
    if (errs.n == 0)
        return "";
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, field);
    return errs.items[0].reason;
}
#define one_error(e, field) one_error_as(e, field, __func__)

/* ---- types -------------------------------------------------------------- */

static void test_type_table(void)
{
    for (size_t i = 0; i < N_TYPES; i++)
        CU_ASSERT_TRUE(ingest_type_known(type_rules[i].name));
    CU_ASSERT_FALSE(ingest_type_known("Order"));
    CU_ASSERT_FALSE(ingest_type_known("lunch"));
    CU_ASSERT_FALSE(ingest_type_known("order "));
    CU_ASSERT_FALSE(ingest_type_known(""));
    CU_ASSERT_FALSE(ingest_type_known(NULL));
}

/* The activity index's list of types (a filter names them) is ingest's. */
static void test_index_types(void)
{
    size_t n = 0;
    for (; nq_activity_types[n]; n++)
        CU_ASSERT_TRUE(ingest_type_known(nq_activity_types[n]));
    CU_ASSERT_EQUAL(n, N_TYPES);
    for (size_t i = 0; i < N_TYPES; i++)
        CU_ASSERT_TRUE(nq_activity_type_known(type_rules[i].name));
}

static void test_required_only_is_valid(void)
{
    event_t e;
    for (size_t i = 0; i < N_TYPES; i++) {
        make(&e, type_rules[i].name);
        valid_as(&e, type_rules[i].name);
    }
}

static void test_all_optional_is_valid(void)
{
    event_t e;
    for (size_t i = 0; i < N_TYPES; i++) {
        make(&e, type_rules[i].name);
        for (size_t j = 0; type_rules[i].optional[j]; j++)
            set_field(&e, type_rules[i].optional[j], true);
        valid_as(&e, type_rules[i].name);
    }
}

static void test_each_required_field(void)
{
    event_t e;
    char want[64];
    for (size_t i = 0; i < N_TYPES; i++) {
        const type_rule_t *r = &type_rules[i];
        for (size_t j = 0; r->required[j]; j++) {
            make(&e, r->name);
            set_field(&e, r->required[j], false);
            snprintf(want, sizeof(want), "is required for type %s", r->name);
            CU_ASSERT_STRING_EQUAL(one_error_as(&e, r->required[j], r->name), want);
        }
    }
}

static void test_fields_that_do_not_apply(void)
{
    event_t e;
    int checked = 0;
    for (size_t i = 0; i < N_TYPES; i++) {
        const type_rule_t *r = &type_rules[i];
        for (size_t k = 0; all_fields[k]; k++) {
            if (listed(r->required, all_fields[k]) || listed(r->optional, all_fields[k]))
                continue;
            make(&e, r->name);
            set_field(&e, all_fields[k], true);
            CU_ASSERT_STRING_EQUAL(one_error_as(&e, all_fields[k], r->name),
                                   "does not apply to this type");
            checked++;
        }
    }
    /* 15 types x 23 fields, minus the 62 (type, field) pairs the table allows. */
    CU_ASSERT_EQUAL(checked, 15 * 23 - 62);
}

static void test_feedback_any_of(void)
{
    event_t e;
    make(&e, "feedback");
    set_field(&e, "rating", false);
    const char *why = one_error(&e, "rating");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "rating"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "nps"));
    set_field(&e, "nps", true);
    valid(&e);
    set_field(&e, "rating", true);
    valid(&e);
    /* channel and text alone do not count. */
    make(&e, "feedback");
    set_field(&e, "rating", false);
    set_field(&e, "channel", true);
    set_field(&e, "text", true);
    one_error(&e, "rating");
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
    make(&e, "order");
    e.ev.type = "lunch";
    const char *why = one_error(&e, "type");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "unknown event type"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "lunch"));
    e.ev.type = "";
    one_error(&e, "type");
    e.ev.type = "Visit";
    one_error(&e, "type");
}

static void test_everything_wrong(void)
{
    event_t e;
    make(&e, "order");
    e.ev.event_id = NULL;
    e.ev.salesperson_id = "bad id";
    e.ev.has_occurred_at = 0;
    e.ev.customer_id = NULL;
    e.ev.amount_fen = 0;
    e.ev.notes = "\xff";
    nq_field_errors_t errs;
    CU_ASSERT_EQUAL(validate(&e, &errs), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 6);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "event_id");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "salesperson_id");
    CU_ASSERT_STRING_EQUAL(errs.items[2].field, "occurred_at");
    CU_ASSERT_STRING_EQUAL(errs.items[3].field, "customer_id");
    CU_ASSERT_STRING_EQUAL(errs.items[4].field, "amount");
    CU_ASSERT_STRING_EQUAL(errs.items[5].field, "notes");
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
    static const char *const with_amount[] = {"order",  "order_fulfilled", "order_cancelled",
                                              "return", "invoice",         "payment"};
    event_t e;
    for (size_t i = 0; i < sizeof(with_amount) / sizeof(with_amount[0]); i++) {
        make(&e, with_amount[i]);
        set_field(&e, "amount", true);
        e.ev.amount_fen = 1;
        valid_as(&e, with_amount[i]);
        e.ev.amount_fen = 0;
        CU_ASSERT_STRING_EQUAL(one_error_as(&e, "amount", with_amount[i]),
                               "must be greater than 0");
        e.ev.amount_fen = -1;
        one_error_as(&e, "amount", with_amount[i]);
        e.ev.amount_fen = INT64_MIN;
        one_error_as(&e, "amount", with_amount[i]);
    }
    make(&e, "competitor_intel");
    set_field(&e, "price", true);
    e.ev.price_fen = 0; /* a free product is a price */
    valid(&e);
    e.ev.price_fen = -1;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "price"), "must not be negative");
}

/* Set the int field `f` of a `type` event to v: valid or one error on f. */
static void int_case(const char *type, const char *f, int32_t v, bool ok)
{
    event_t e;
    make(&e, type);
    set_field(&e, f, true);
    if (strcmp(f, "duration_s") == 0)
        e.ev.duration_s = v;
    else if (strcmp(f, "line_count") == 0)
        e.ev.line_count = v;
    else if (strcmp(f, "rating") == 0)
        e.ev.rating = v;
    else if (strcmp(f, "nps") == 0)
        e.ev.nps = v;
    else if (strcmp(f, "score") == 0)
        e.ev.score = v;
    char what[64];
    snprintf(what, sizeof(what), "%s %s=%d", type, f, (int)v);
    if (ok)
        valid_as(&e, what);
    else
        CU_ASSERT_PTR_NOT_NULL(strstr(one_error_as(&e, f, what), "must be from"));
}

static void test_ranges(void)
{
    int_case("call", "duration_s", -1, false);
    int_case("call", "duration_s", 0, true);
    int_case("call", "duration_s", 86400, true);
    int_case("call", "duration_s", 86401, false);
    int_case("order", "line_count", 0, false);
    int_case("order", "line_count", 1, true);
    int_case("order", "line_count", 10000, true);
    int_case("order", "line_count", 10001, false);
    int_case("feedback", "rating", 0, false);
    int_case("feedback", "rating", 1, true);
    int_case("feedback", "rating", 5, true);
    int_case("feedback", "rating", 6, false);
    int_case("feedback", "nps", -1, false);
    int_case("feedback", "nps", 0, true);
    int_case("feedback", "nps", 10, true);
    int_case("feedback", "nps", 11, false);
    int_case("training", "score", -1, false);
    int_case("training", "score", 0, true);
    int_case("training", "score", 100, true);
    int_case("training", "score", 101, false);
    int_case("training", "score", INT32_MIN, false);
    int_case("training", "duration_s", 5400, true);
    int_case("training", "duration_s", 86401, false);
}

static void test_choices(void)
{
    event_t e;
    make(&e, "call");
    e.ev.direction = "inbound";
    valid(&e);
    e.ev.direction = "outbound";
    valid(&e);
    e.ev.direction = "sideways";
    one_error(&e, "direction");
    e.ev.direction = "";
    one_error(&e, "direction");
    e.ev.direction = "Inbound";
    one_error(&e, "direction");

    make(&e, "feedback");
    static const char *const channels[] = {"survey", "callback", "visit"};
    for (size_t i = 0; i < 3; i++) {
        e.ev.channel = (char *)channels[i];
        valid(&e);
    }
    e.ev.channel = "email";
    one_error(&e, "channel");

    make(&e, "ticket_opened");
    static const char *const priorities[] = {"low", "normal", "high", "urgent"};
    for (size_t i = 0; i < 4; i++) {
        e.ev.priority = (char *)priorities[i];
        valid(&e);
    }
    e.ev.priority = "medium";
    one_error(&e, "priority");
}

static void test_location(void)
{
    event_t e;
    make(&e, "visit");
    set_field(&e, "location", true);
    valid(&e);
    e.loc.lat = 90;
    e.loc.lng = -180;
    valid(&e);
    e.loc.lat = -90;
    e.loc.lng = 180;
    valid(&e);
    e.loc.lat = 90.0001;
    one_error(&e, "location");
    e.loc.lat = 0;
    e.loc.lng = -180.5;
    one_error(&e, "location");
    e.loc.lng = 0;
    e.loc.has_accuracy_m = 1;
    e.loc.accuracy_m = 0;
    valid(&e);
    e.loc.accuracy_m = 100000;
    valid(&e);
    e.loc.accuracy_m = -1;
    one_error(&e, "location");
    e.loc.accuracy_m = 100001;
    one_error(&e, "location");
    e.loc.has_accuracy_m = 0;
    e.loc.has_lng = 0;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "location"), "needs lat and lng");
    e.loc.has_lng = 1;
    e.loc.has_lat = 0;
    one_error(&e, "location");
}

/* A packed protobuf body can carry NaN, which compares false with every bound: it must still
 * be refused, since it is not within -90..90 (nor 0..100000 for accuracy_m). */
static void test_location_nan(void)
{
    event_t e;
    make(&e, "visit");
    set_field(&e, "location", true);
    e.loc.lat = NAN;
    one_error(&e, "location");
    e.loc.lat = 31.2;
    e.loc.lng = NAN;
    one_error(&e, "location");
    e.loc.lng = 121.4;
    e.loc.has_accuracy_m = 1;
    e.loc.accuracy_m = NAN;
    one_error(&e, "location");
    e.loc.accuracy_m = INFINITY;
    one_error(&e, "location");
}

/* due_at is bounded both ways: 2000-01-01T00:00:00Z (946684800) up to, not including,
 * 2100-01-01T00:00:00Z (4102444800), where invoice requires it and order takes it optionally. */
static void test_due_at(void)
{
    static const char *const types[] = {"invoice", "order"};
    event_t e;
    CU_ASSERT_EQUAL(INGEST_EARLIEST_MS, 946684800000LL);
    CU_ASSERT_EQUAL(INGEST_LATEST_MS, 4102444800000LL);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        make(&e, types[i]);
        set_field(&e, "due_at", true);
        e.ev.due_at = INGEST_EARLIEST_MS;
        valid_as(&e, types[i]);
        e.ev.due_at = INGEST_LATEST_MS - 1; /* 2099-12-31T23:59:59.999Z */
        valid_as(&e, types[i]);
        e.ev.due_at = INGEST_EARLIEST_MS - 1;
        CU_ASSERT_STRING_EQUAL(one_error_as(&e, "due_at", types[i]),
                               "must be from 2000-01-01 to 2099-12-31");
        e.ev.due_at = INGEST_LATEST_MS;
        CU_ASSERT_STRING_EQUAL(one_error_as(&e, "due_at", types[i]),
                               "must be from 2000-01-01 to 2099-12-31");
        e.ev.due_at = INT64_MAX;
        CU_ASSERT_STRING_EQUAL(one_error_as(&e, "due_at", types[i]),
                               "must be from 2000-01-01 to 2099-12-31");
        e.ev.due_at = INT64_MIN;
        CU_ASSERT_STRING_EQUAL(one_error_as(&e, "due_at", types[i]),
                               "must be from 2000-01-01 to 2099-12-31");
    }
    /* occurred_at keeps its own message. */
    make(&e, "invoice");
    e.ev.occurred_at = INGEST_EARLIEST_MS - 1;
    CU_ASSERT_STRING_EQUAL(one_error(&e, "occurred_at"), "is before 2000-01-01");
}

static void test_ids(void)
{
    static const char *const bad[] = {
        "",
        "sp 1",
        "sp{1}",
        "用户",
        "a/b",
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
        make(&e, "call"); /* optional there, still checked */
        e.ev.customer_id = (char *)bad[i];
        one_error(&e, "customer_id");
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

/* A text field of `type` set to n bytes of 'x': valid when n <= max, and never when empty. */
static void text_limit(const char *type, const char *f, size_t max)
{
    static char buf[INGEST_TEXT_MAX + 2];
    event_t e;
    make(&e, type);
    set_field(&e, f, true);
    char **member = strcmp(f, "order_id") == 0     ? &e.ev.order_id
                    : strcmp(f, "outcome") == 0    ? &e.ev.outcome
                    : strcmp(f, "purpose") == 0    ? &e.ev.purpose
                    : strcmp(f, "text") == 0       ? &e.ev.text
                    : strcmp(f, "category") == 0   ? &e.ev.category
                    : strcmp(f, "competitor") == 0 ? &e.ev.competitor
                    : strcmp(f, "product") == 0    ? &e.ev.product
                    : strcmp(f, "course") == 0     ? &e.ev.course
                                                   : &e.ev.ticket_id;
    memset(buf, 'x', max + 1);
    buf[max] = '\0';
    *member = buf;
    valid_as(&e, f);
    buf[max] = 'x';
    buf[max + 1] = '\0';
    one_error_as(&e, f, f);
    *member = "";
    one_error_as(&e, f, f);
    *member = "ok \xe4\xbd";
    one_error_as(&e, f, f);
}

static void test_text_fields(void)
{
    text_limit("order", "order_id", 128);
    text_limit("call", "outcome", 200);
    text_limit("visit", "purpose", 200);
    text_limit("feedback", "text", 4000);
    text_limit("ticket_opened", "category", 100);
    text_limit("competitor_intel", "competitor", 100);
    text_limit("competitor_intel", "product", 100);
    text_limit("training", "course", 200);
    text_limit("ticket_closed", "ticket_id", 128);
}

static void test_notes_source(void)
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

    make(&e, "visit");
    e.ev.source = "erp";
    valid(&e);
    e.ev.source = "\xc0\x80";
    one_error(&e, "source");
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
    /* Nothing set but received_at: the packed event is empty, so this is SHA-256("")
     * cut to 128 bits. */
    memset(&e, 0, sizeof(e));
    nq__activity__init(&e.ev);
    e.ev.has_received_at = 1;
    e.ev.received_at = NOW;
    digest_of(&e, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb924");
    CU_ASSERT_TRUE(e.ev.has_received_at); /* the input is not modified */
    CU_ASSERT_EQUAL(e.ev.received_at, NOW);

    make(&e, "order");
    digest_of(&e, hex);
    CU_ASSERT_EQUAL(strlen(hex), INGEST_DIGEST_LEN);
    CU_ASSERT_EQUAL(strspn(hex, "0123456789abcdef"), INGEST_DIGEST_LEN);
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
        case 0:
            e.ev.event_id = "evt-0002";
            break;
        case 1:
            e.ev.type = "visit";
            break;
        case 2:
            e.ev.salesperson_id = "sp-002";
            break;
        case 3:
            e.ev.customer_id = "cust-8";
            break;
        case 4:
            e.ev.occurred_at += 1;
            break;
        case 5:
            e.ev.amount_fen += 1;
            break;
        case 6:
            e.ev.notes = "N";
            break;
        case 7:
            e.ev.notes = NULL;
            break;
        case 8:
            e.ev.source = "crm";
            break;
        case 9:
            e.ev.order_id = "o-1";
            break;
        case 10:
            e.attr[1].value = "other";
            break;
        case 11:
            e.attr[1].key = "k9";
            break;
        case 12:
            e.ev.n_attributes = 1;
            break;
        case 13:
            e.loc.has_lat = 1;
            e.loc.lat = 31.23;
            e.ev.location = &e.loc;
            break;
        case 14:
            e.ev.has_on_time = 1;
            break; /* false, but present */
        case 15:
            e.ev.has_due_at = 1;
            e.ev.due_at = NOW;
            break;
        }
        digest_of(&e, h);
        CU_ASSERT_STRING_NOT_EQUAL(h, hbase);
        if (strcmp(h, hbase) == 0)
            fprintf(stderr, "\n    mutation %d did not change the digest\n", m);
    }
}

/* ---- store reply -------------------------------------------------------- */

static void test_parse_reply_good(void)
{
    /* Four events: the second a duplicate, the fourth a conflict. */
    redisReply e[6] = {fake_string("1795656600000-3"),
                       fake_integer(4200),
                       fake_integer(1),
                       fake_integer(1),
                       fake_integer(3),
                       fake_integer(2)};
    redisReply *items[6] = {&e[0], &e[1], &e[2], &e[3], &e[4], &e[5]};
    redisReply r = fake_array(items, 6);
    int status[4] = {-9, -9, -9, -9};
    const char *last = NULL;
    int64_t backlog = -1;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 4, status, &last, &backlog), 0);
    CU_ASSERT_EQUAL(status[0], INGEST_APPEND_ACCEPTED);
    CU_ASSERT_EQUAL(status[1], INGEST_APPEND_DUPLICATE);
    CU_ASSERT_EQUAL(status[2], INGEST_APPEND_ACCEPTED);
    CU_ASSERT_EQUAL(status[3], INGEST_APPEND_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    /* 3: refused, its salesperson is not in the directory (policy reject). */
    redisReply u[4] = {fake_string("1-1"), fake_integer(0), fake_integer(1), fake_integer(3)};
    redisReply *u_items[4] = {&u[0], &u[1], &u[2], &u[3]};
    redisReply ur = fake_array(u_items, 4);
    int u_status[2];
    const char *u_last;
    int64_t u_backlog;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&ur, 2, u_status, &u_last, &u_backlog), 0);
    CU_ASSERT_EQUAL(u_status[0], INGEST_APPEND_ACCEPTED);
    CU_ASSERT_EQUAL(u_status[1], INGEST_APPEND_UNKNOWN);
    CU_ASSERT_STRING_EQUAL(last, "1795656600000-3");
    CU_ASSERT_EQUAL(backlog, 4200);

    /* All new: just the id and the backlog, whatever the batch's size. */
    int many[3000];
    memset(many, 0x7f, sizeof(many));
    r = fake_array(items, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3000, many, &last, &backlog), 0);
    int accepted = 0;
    for (int i = 0; i < 3000; i++)
        accepted += many[i] == INGEST_APPEND_ACCEPTED;
    CU_ASSERT_EQUAL(accepted, 3000);

    /* Nothing appended: the id is "". An empty batch is just the id and the backlog. */
    redisReply e2[4] = {fake_string(""), fake_integer(0), fake_integer(0), fake_integer(1)};
    redisReply *items2[4] = {&e2[0], &e2[1], &e2[2], &e2[3]};
    redisReply r2 = fake_array(items2, 4);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r2, 1, status, &last, &backlog), 0);
    CU_ASSERT_EQUAL(status[0], INGEST_APPEND_DUPLICATE);
    CU_ASSERT_STRING_EQUAL(last, "");
    CU_ASSERT_EQUAL(backlog, 0);
    redisReply r3 = fake_array(items2, 2);
    last = NULL;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r3, 0, status, &last, &backlog), 0);
    CU_ASSERT_PTR_NOT_NULL(last);
}

/* A bucket spans a quarter of the window, rounded up, never zero: an id is
 * remembered at least a window and at most a window and a span. */
static void test_dedupe_span(void)
{
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(2592000), 648000); /* 30 days: 7.5 days */
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(60), 15);          /* the shortest window allowed */
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(61), 16);
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(31622400), 7905600);
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(4), 1);
    CU_ASSERT_EQUAL(ingest_dedupe_span_s(1), 1);
}

/* The buckets an append declares: those known and live, the bucket of now
 * last (the script writes new ids there). */
static void test_dedupe_buckets(void)
{
    ingest_dedupe_t d;
    ingest_dedupe_init(&d);
    int64_t window = 60, span = 15, now = 1795000007; /* span start: 1795000005 */
    CU_ASSERT_EQUAL_FATAL(ingest_dedupe_live(&d, now, window), 1);
    CU_ASSERT_STRING_EQUAL(d.b[0].name, "nq:dedupe:1795000005");
    CU_ASSERT_EQUAL(d.b[0].expires, 1795000005 + span + window);
    /* Learnt from the script: another window's bucket, one expiring soon. */
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, "nq:dedupe:1794999000", 1795000100), 0);
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, "nq:dedupe:1794999990", 1795000010), 0);
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, "nq:dedupe:1794999000", 1795000100), 0); /* once */
    CU_ASSERT_EQUAL_FATAL(ingest_dedupe_live(&d, now, window), 3);
    CU_ASSERT_STRING_EQUAL(d.b[2].name, "nq:dedupe:1795000005");
    /* Later: the one expiring at ...010 is gone (the index drops it then too). */
    CU_ASSERT_EQUAL_FATAL(ingest_dedupe_live(&d, 1795000010, window), 2);
    CU_ASSERT_STRING_EQUAL(d.b[0].name, "nq:dedupe:1794999000");
    CU_ASSERT_STRING_EQUAL(d.b[1].name, "nq:dedupe:1795000005");
    /* The next span: its bucket comes last, the previous one stays. */
    CU_ASSERT_EQUAL_FATAL(ingest_dedupe_live(&d, 1795000021, window), 3);
    CU_ASSERT_STRING_EQUAL(d.b[2].name, "nq:dedupe:1795000020");
    /* Not a bucket's name, too long a name, and a full list are refused. */
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, "nq:activities", 1795009999), -1);
    char name[80];
    snprintf(name, sizeof(name), "nq:dedupe:%060d", 1);
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, name, 1795009999), -1);
    for (int i = 0; (size_t)i < DEDUPE_BUCKETS_MAX; i++) {
        snprintf(name, sizeof(name), "nq:dedupe:%d", 1700000000 + i);
        ingest_dedupe_learn(&d, name, 1795009999);
    }
    CU_ASSERT_EQUAL(d.n, DEDUPE_BUCKETS_MAX);
    CU_ASSERT_EQUAL(ingest_dedupe_learn(&d, "nq:dedupe:1", 1795009999), -1);
    CU_ASSERT_EQUAL(ingest_dedupe_live(&d, 1795000036, window), 0); /* no room for the next span */
}

/* The script's other answers: buckets it was not given, a replayed delivery. */
static void test_reply_kind(void)
{
    ingest_dedupe_t d;
    ingest_dedupe_init(&d);
    redisReply minus1 = fake_integer(-1), minus2 = fake_integer(-2), zero = fake_integer(0),
               name = fake_string("nq:dedupe:1795000005"), expiry = fake_string("1795000080"),
               bad = fake_string("nq:other"), id = fake_string("1-1");
    redisReply *stale[3] = {&minus1, &name, &expiry};
    redisReply r = fake_array(stale, 3);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_STALE);
    CU_ASSERT_EQUAL_FATAL(d.n, 1);
    CU_ASSERT_STRING_EQUAL(d.b[0].name, "nq:dedupe:1795000005");
    CU_ASSERT_EQUAL(d.b[0].expires, 1795000080);
    r = fake_array(stale, 2); /* a name without its expiry */
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_OTHER);
    stale[1] = &bad;
    r = fake_array(stale, 3);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_OTHER);
    redisReply *replayed[1] = {&minus2};
    r = fake_array(replayed, 1);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_REPLAYED);
    redisReply *stored[2] = {&id, &zero};
    r = fake_array(stored, 2);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_OTHER);
    redisReply *zero_head[2] = {&zero, &zero};
    r = fake_array(zero_head, 2);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(&r, &d), INGEST_REPLY_OTHER);
    CU_ASSERT_EQUAL(ingest_store_reply_kind(NULL, &d), INGEST_REPLY_OTHER);
    CU_ASSERT_EQUAL(d.n, 1);
}

static void test_delivery_id(void)
{
    const char *sig = "5d0c8f1e0a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";
    char id[160];
    snprintf(id, sizeof(id), "erp:%s", sig);
    CU_ASSERT_TRUE(ingest_delivery_valid(id));
    snprintf(id, sizeof(id), "erp.cn-1:%s", sig);
    CU_ASSERT_TRUE(ingest_delivery_valid(id));
    CU_ASSERT_FALSE(ingest_delivery_valid(NULL));
    CU_ASSERT_FALSE(ingest_delivery_valid(sig)); /* no source */
    snprintf(id, sizeof(id), ":%s", sig);
    CU_ASSERT_FALSE(ingest_delivery_valid(id));
    snprintf(id, sizeof(id), "erp:%.63s", sig); /* short */
    CU_ASSERT_FALSE(ingest_delivery_valid(id));
    snprintf(id, sizeof(id), "erp:%.63sA", sig); /* upper case */
    CU_ASSERT_FALSE(ingest_delivery_valid(id));
    snprintf(id, sizeof(id), "e r p:%s", sig);
    CU_ASSERT_FALSE(ingest_delivery_valid(id));
}

static void test_parse_reply_bad(void)
{
    int status[4];
    const char *last = "untouched";
    int64_t backlog = -7;
    redisReply id = fake_string("1-1"), left = fake_integer(5), zero = fake_integer(0),
               one = fake_integer(1), two = fake_integer(2), three = fake_integer(3),
               four = fake_integer(4), minus = fake_integer(-1), text = fake_string("1-2");
    redisReply nil = {0};
    nil.type = REDIS_REPLY_NIL;

    /* Not an array at all. */
    CU_ASSERT_EQUAL(ingest_store_parse_reply(NULL, 0, status, &last, &backlog), -1);
    redisReply err = fake_string("ERR something");
    err.type = REDIS_REPLY_ERROR;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&err, 0, status, &last, &backlog), -1);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&id, 0, status, &last, &backlog), -1);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&nil, 0, status, &last, &backlog), -1);

    /* Too short, a pair cut in half, more pairs than events. */
    redisReply *items[6] = {&id, &left, &zero, &one, &one, &two};
    redisReply r = fake_array(items, 1);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last, &backlog), -1);
    r = fake_array(items, 0);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 0, status, &last, &backlog), -1);
    r = fake_array(items, 3);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 2, status, &last, &backlog), -1);
    r = fake_array(items, 6);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last, &backlog), -1);

    /* An integer where the id belongs, a nil id, a string where the backlog belongs. */
    redisReply *no_id[2] = {&zero, &left};
    r = fake_array(no_id, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last, &backlog), -1);
    redisReply *nil_id[2] = {&nil, &left};
    r = fake_array(nil_id, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last, &backlog), -1);
    redisReply *no_backlog[2] = {&id, &text};
    r = fake_array(no_backlog, 2);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 1, status, &last, &backlog), -1);

    /* An index outside the batch or not an integer; a status that is not
     * duplicate, conflict or unknown (accepted is never listed). */
    redisReply *pair[4] = {&id, &left, &three, &one};
    r = fake_array(pair, 4);
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    pair[2] = &minus;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    pair[2] = &text;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    pair[2] = &zero;
    pair[3] = &four;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    pair[3] = &zero;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    pair[3] = &text;
    CU_ASSERT_EQUAL(ingest_store_parse_reply(&r, 3, status, &last, &backlog), -1);
    CU_ASSERT_STRING_EQUAL(last, "untouched");
    CU_ASSERT_EQUAL(backlog, -7);
}

static CU_TestInfo validate_tests[] = {
    {"the 15 event types are known", test_type_table},
    {"each type with its required fields is valid", test_required_only_is_valid},
    {"each type with every optional field is valid", test_all_optional_is_valid},
    {"each required field of each type", test_each_required_field},
    {"fields that do not apply to a type", test_fields_that_do_not_apply},
    {"feedback needs rating or nps", test_feedback_any_of},
    {"missing event_id, type, salesperson_id, occurred_at", test_missing_common},
    {"unknown type", test_unknown_type},
    {"the activity index knows the same types", test_index_types},
    {"every error is reported, in order", test_everything_wrong},
    {"occurred_at window", test_time_window},
    {"amount > 0, price >= 0", test_amount},
    {"integer ranges", test_ranges},
    {"direction, channel, priority choices", test_choices},
    {"location bounds", test_location},
    {"location NaN is refused", test_location_nan},
    {"due_at", test_due_at},
    {"salesperson and customer ids", test_ids},
    {"event_id", test_event_id},
    {"type-specific text fields", test_text_fields},
    {"notes and source", test_notes_source},
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
    {"dedupe buckets span a quarter window", test_dedupe_span},
    {"dedupe buckets declared: known, live, now's last", test_dedupe_buckets},
    {"the append's other answers: stale buckets, a replayed delivery", test_reply_kind},
    {"feed delivery ids", test_delivery_id},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ingest validate", NULL, NULL, NULL, NULL, validate_tests},
    {"ingest digest", NULL, NULL, NULL, NULL, digest_tests},
    {"ingest store reply", NULL, NULL, NULL, NULL, store_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
