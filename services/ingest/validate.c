/* validate.c — activity validation rules. See validate.h. */
#include "validate.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type-specific fields, one bit each. */
enum {
    F_CUSTOMER = 1u << 0,
    F_AMOUNT = 1u << 1,
    F_ORDER_ID = 1u << 2,
    F_DUE_AT = 1u << 3,
    F_DURATION = 1u << 4,
    F_DIRECTION = 1u << 5,
    F_OUTCOME = 1u << 6,
    F_PURPOSE = 1u << 7,
    F_LOCATION = 1u << 8,
    F_ON_TIME = 1u << 9,
    F_LINES = 1u << 10,
    F_RATING = 1u << 11,
    F_NPS = 1u << 12,
    F_CHANNEL = 1u << 13,
    F_TEXT = 1u << 14,
    F_CATEGORY = 1u << 15,
    F_PRIORITY = 1u << 16,
    F_COMPETITOR = 1u << 17,
    F_PRODUCT = 1u << 18,
    F_PRICE = 1u << 19,
    F_COURSE = 1u << 20,
    F_SCORE = 1u << 21,
    F_TICKET = 1u << 22,
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const directions[] = {"inbound", "outbound", NULL};
static const char *const channels[] = {"survey", "callback", "visit", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};

/* Reason a value is wrong, or NULL. One per kind of check. */
static const char *text_reason(const char *v, size_t max)
{
    static char reason[64];
    if (*v && nq_valid_text(v, max))
        return NULL;
    snprintf(reason, sizeof(reason), "must be 1-%zu bytes of UTF-8 text", max);
    return reason;
}

static const char *range_reason(int64_t v, int64_t lo, int64_t hi)
{
    static char reason[64];
    if (v >= lo && v <= hi)
        return NULL;
    snprintf(reason, sizeof(reason), "must be from %lld to %lld", (long long)lo, (long long)hi);
    return reason;
}

static const char *choice_reason(const char *v, const char *const *choices)
{
    return nq_one_of(v, choices) ? NULL
                                 : NQ_REASON("is not one of the allowed values (see the API docs)");
}

static const char *chk_customer(const Nq__Activity *ev)
{
    return nq_valid_id(ev->customer_id) ? NULL : NQ_ID_RULE;
}
static const char *chk_amount(const Nq__Activity *ev)
{
    return ev->amount_fen > 0 ? NULL : NQ_REASON("must be greater than 0");
}
static const char *chk_order_id(const Nq__Activity *ev)
{
    return text_reason(ev->order_id, INGEST_EVENT_ID_MAX);
}
static const char *chk_due_at(const Nq__Activity *ev)
{
    return ev->due_at >= INGEST_EARLIEST_MS && ev->due_at < INGEST_LATEST_MS
               ? NULL
               : NQ_REASON("must be from 2000-01-01 to 2099-12-31");
}
static const char *chk_duration(const Nq__Activity *ev)
{
    return range_reason(ev->duration_s, 0, 86400);
}
static const char *chk_direction(const Nq__Activity *ev)
{
    return choice_reason(ev->direction, directions);
}
static const char *chk_outcome(const Nq__Activity *ev)
{
    return text_reason(ev->outcome, 200);
}
static const char *chk_purpose(const Nq__Activity *ev)
{
    return text_reason(ev->purpose, 200);
}
static const char *chk_location(const Nq__Activity *ev)
{
    const Nq__GeoPoint *p = ev->location;
    if (!p->has_lat || !p->has_lng)
        return NQ_REASON("needs lat and lng");
    /* Written so that NaN (possible in protobuf input) fails every range. */
    if (!(p->lat >= -90 && p->lat <= 90 && p->lng >= -180 && p->lng <= 180))
        return NQ_REASON("lat must be within -90..90 and lng within -180..180");
    if (p->has_accuracy_m && !(p->accuracy_m >= 0 && p->accuracy_m <= 100000))
        return NQ_REASON("accuracy_m must be within 0..100000");
    return NULL;
}
static const char *chk_ok(const Nq__Activity *ev)
{
    return NULL;
}
static const char *chk_lines(const Nq__Activity *ev)
{
    return range_reason(ev->line_count, 1, 10000);
}
static const char *chk_rating(const Nq__Activity *ev)
{
    return range_reason(ev->rating, 1, 5);
}
static const char *chk_nps(const Nq__Activity *ev)
{
    return range_reason(ev->nps, 0, 10);
}
static const char *chk_channel(const Nq__Activity *ev)
{
    return choice_reason(ev->channel, channels);
}
static const char *chk_text(const Nq__Activity *ev)
{
    return text_reason(ev->text, INGEST_TEXT_MAX);
}
static const char *chk_category(const Nq__Activity *ev)
{
    return text_reason(ev->category, 100);
}
static const char *chk_priority(const Nq__Activity *ev)
{
    return choice_reason(ev->priority, priorities);
}
static const char *chk_competitor(const Nq__Activity *ev)
{
    return text_reason(ev->competitor, 100);
}
static const char *chk_product(const Nq__Activity *ev)
{
    return text_reason(ev->product, 100);
}
static const char *chk_price(const Nq__Activity *ev)
{
    return ev->price_fen >= 0 ? NULL : NQ_REASON("must not be negative");
}
static const char *chk_course(const Nq__Activity *ev)
{
    return text_reason(ev->course, 200);
}
static const char *chk_score(const Nq__Activity *ev)
{
    return range_reason(ev->score, 0, 100);
}
static const char *chk_ticket(const Nq__Activity *ev)
{
    return text_reason(ev->ticket_id, INGEST_EVENT_ID_MAX);
}

/* Presence of a field: a set has_ flag or a non-NULL pointer. */
#define HAS(flag)  (offsetof(Nq__Activity, flag)), true
#define PTR(field) (offsetof(Nq__Activity, field)), false

typedef struct field_spec {
    unsigned bit;                                 /* F_* */
    const char *json;                             /* name in the API */
    size_t offset;                                /* has_ flag or pointer */
    bool is_flag;                                 /* which of the two */
    const char *(*check)(const Nq__Activity *ev); /* reason when wrong, else NULL */
} field_spec_t;

static const field_spec_t fields[] = {
    {F_CUSTOMER, "customer_id", PTR(customer_id), chk_customer},
    {F_AMOUNT, "amount", HAS(has_amount_fen), chk_amount},
    {F_ORDER_ID, "order_id", PTR(order_id), chk_order_id},
    {F_DUE_AT, "due_at", HAS(has_due_at), chk_due_at},
    {F_DURATION, "duration_s", HAS(has_duration_s), chk_duration},
    {F_DIRECTION, "direction", PTR(direction), chk_direction},
    {F_OUTCOME, "outcome", PTR(outcome), chk_outcome},
    {F_PURPOSE, "purpose", PTR(purpose), chk_purpose},
    {F_LOCATION, "location", PTR(location), chk_location},
    {F_ON_TIME, "on_time", HAS(has_on_time), chk_ok},
    {F_LINES, "line_count", HAS(has_line_count), chk_lines},
    {F_RATING, "rating", HAS(has_rating), chk_rating},
    {F_NPS, "nps", HAS(has_nps), chk_nps},
    {F_CHANNEL, "channel", PTR(channel), chk_channel},
    {F_TEXT, "text", PTR(text), chk_text},
    {F_CATEGORY, "category", PTR(category), chk_category},
    {F_PRIORITY, "priority", PTR(priority), chk_priority},
    {F_COMPETITOR, "competitor", PTR(competitor), chk_competitor},
    {F_PRODUCT, "product", PTR(product), chk_product},
    {F_PRICE, "price", HAS(has_price_fen), chk_price},
    {F_COURSE, "course", PTR(course), chk_course},
    {F_SCORE, "score", HAS(has_score), chk_score},
    {F_TICKET, "ticket_id", PTR(ticket_id), chk_ticket},
};

static bool field_present(const Nq__Activity *ev, const field_spec_t *f)
{
    const char *at = (const char *)ev + f->offset;
    return f->is_flag ? *(const protobuf_c_boolean *)at != 0 : *(void *const *)at != NULL;
}

typedef struct activity_type {
    const char *name;  /* value of "type" */
    unsigned required; /* fields it must have */
    unsigned optional; /* fields it may have */
    unsigned any_of;   /* at least one of these (0 = no such rule) */
} activity_type_t;

/* One row per event type; docs/api.md describes the same table. */
static const activity_type_t types[] = {
    {"visit", F_CUSTOMER, F_LOCATION | F_DURATION | F_PURPOSE | F_OUTCOME, 0},
    {"call", 0, F_CUSTOMER | F_DURATION | F_DIRECTION | F_OUTCOME | F_PURPOSE, 0},
    {"meeting", 0, F_CUSTOMER | F_DURATION | F_PURPOSE | F_OUTCOME | F_LOCATION, 0},
    {"order", F_CUSTOMER | F_AMOUNT, F_ORDER_ID | F_DUE_AT | F_LINES, 0},
    {"order_fulfilled", F_CUSTOMER | F_ORDER_ID | F_ON_TIME, F_AMOUNT, 0},
    {"order_cancelled", F_CUSTOMER | F_ORDER_ID | F_AMOUNT, 0, 0},
    {"return", F_CUSTOMER | F_ORDER_ID | F_AMOUNT, 0, 0},
    {"invoice", F_CUSTOMER | F_AMOUNT | F_DUE_AT, F_ORDER_ID, 0},
    {"payment", F_CUSTOMER | F_AMOUNT, F_ORDER_ID, 0},
    {"new_customer", F_CUSTOMER, 0, 0},
    {"feedback", F_CUSTOMER, F_RATING | F_NPS | F_CHANNEL | F_TEXT, F_RATING | F_NPS},
    {"ticket_opened", F_CUSTOMER | F_TICKET, F_CATEGORY | F_PRIORITY | F_TEXT, 0},
    {"ticket_closed", F_CUSTOMER | F_TICKET, F_CATEGORY | F_PRIORITY | F_TEXT | F_OUTCOME, 0},
    {"competitor_intel", F_COMPETITOR, F_CUSTOMER | F_PRODUCT | F_PRICE | F_TEXT, 0},
    {"training", F_COURSE, F_SCORE | F_DURATION, 0},
};

static const activity_type_t *find_type(const char *name)
{
    for (size_t i = 0; name && i < N_ELEMS(types); i++) {
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    }
    return NULL;
}

/* The type-specific fields: required present, allowed only, each valid. */
static void check_type_fields(const Nq__Activity *ev, const activity_type_t *type,
                              nq_field_errors_t *errs)
{
    bool any = false;
    for (size_t i = 0; i < N_ELEMS(fields); i++) {
        const field_spec_t *f = &fields[i];
        bool present = field_present(ev, f);
        any = any || (present && (type->any_of & f->bit));
        if (!present) {
            if (type->required & f->bit)
                nq_field_errors_add(errs, f->json, "is required for type %s", type->name);
            continue;
        }
        const char *why = ((type->required | type->optional) & f->bit)
                              ? f->check(ev)
                              : "does not apply to this type";
        if (why)
            nq_field_errors_add(errs, f->json, "%s", why);
    }
    if (type->any_of && !any)
        nq_field_errors_add(errs, "rating", "a %s needs rating (1-5) or nps (0-10)", type->name);
}

bool ingest_type_known(const char *type)
{
    return find_type(type) != NULL;
}

static void check_event_id(const Nq__Activity *ev, nq_field_errors_t *errs)
{
    if (!ev->event_id || !*ev->event_id)
        nq_field_errors_add(errs, "event_id", "is required");
    else if (strlen(ev->event_id) > INGEST_EVENT_ID_MAX ||
             !nq_valid_text(ev->event_id, INGEST_EVENT_ID_MAX) || strpbrk(ev->event_id, " \t\n"))
        nq_field_errors_add(errs, "event_id", "must be 1-%d printable characters without spaces",
                            INGEST_EVENT_ID_MAX);
}

static void check_id(const char *value, const char *field, bool required, nq_field_errors_t *errs)
{
    if (!value) {
        if (required)
            nq_field_errors_add(errs, field, "is required");
        return;
    }
    if (!nq_valid_id(value))
        nq_field_errors_add(errs, field, NQ_ID_RULE);
}

static void check_time(const Nq__Activity *ev, int64_t now_ms, int64_t skew_ms,
                       nq_field_errors_t *errs)
{
    if (!ev->has_occurred_at)
        nq_field_errors_add(errs, "occurred_at", "is required");
    else if (ev->occurred_at < INGEST_EARLIEST_MS)
        nq_field_errors_add(errs, "occurred_at", "is before 2000-01-01");
    else if (ev->occurred_at > now_ms + skew_ms)
        nq_field_errors_add(errs, "occurred_at", "is more than %lld s in the future",
                            (long long)(skew_ms / 1000));
}

static void check_texts(const Nq__Activity *ev, nq_field_errors_t *errs)
{
    const struct {
        const char *json;
        const char *value;
    } texts[] = {{"source", ev->source}, {"notes", ev->notes}};
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        if (texts[i].value && !nq_valid_text(texts[i].value, INGEST_TEXT_MAX))
            nq_field_errors_add(errs, texts[i].json, "must be valid UTF-8 text of at most %d bytes",
                                INGEST_TEXT_MAX);
    }
}

static void check_attributes(const Nq__Activity *ev, nq_field_errors_t *errs)
{
    if (ev->n_attributes > INGEST_ATTRS_MAX) {
        nq_field_errors_add(errs, "attributes", "has more than %d entries", INGEST_ATTRS_MAX);
        return;
    }
    for (size_t i = 0; i < ev->n_attributes; i++) {
        const Nq__Activity__AttributesEntry *e = ev->attributes[i];
        if (!e->key || !nq_valid_text(e->key, INGEST_ATTR_KEY_MAX) || !*e->key || !e->value ||
            !nq_valid_text(e->value, INGEST_ATTR_VALUE_MAX)) {
            nq_field_errors_add(errs, "attributes",
                                "keys must be 1-%d bytes and values at most %d bytes of text",
                                INGEST_ATTR_KEY_MAX, INGEST_ATTR_VALUE_MAX);
            return;
        }
    }
}

int ingest_validate(const Nq__Activity *ev, int64_t now_ms, int64_t skew_ms,
                    nq_field_errors_t *errs)
{
    check_event_id(ev, errs);
    const activity_type_t *type = find_type(ev->type);
    if (!ev->type)
        nq_field_errors_add(errs, "type", "is required");
    else if (!type)
        nq_field_errors_add(errs, "type", "unknown event type '%.32s'", ev->type);
    check_id(ev->salesperson_id, "salesperson_id", true, errs);
    check_time(ev, now_ms, skew_ms, errs);
    if (type)
        check_type_fields(ev, type, errs);
    check_texts(ev, errs);
    check_attributes(ev, errs);
    return errs->n ? -1 : 0;
}

static int cmp_entries(const void *a, const void *b)
{
    const Nq__Activity__AttributesEntry *x = *(Nq__Activity__AttributesEntry *const *)a;
    const Nq__Activity__AttributesEntry *y = *(Nq__Activity__AttributesEntry *const *)b;
    return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

int ingest_digest(const Nq__Activity *ev, char hex[INGEST_DIGEST_LEN + 1])
{
    Nq__Activity copy = *ev; /* shallow: only top-level fields change */
    copy.has_received_at = 0;
    copy.received_at = 0;
    Nq__Activity__AttributesEntry **sorted = NULL;
    if (ev->n_attributes) {
        sorted = malloc(ev->n_attributes * sizeof(*sorted));
        if (!sorted)
            return -1;
        memcpy(sorted, ev->attributes, ev->n_attributes * sizeof(*sorted));
        qsort(sorted, ev->n_attributes, sizeof(*sorted), cmp_entries);
        copy.attributes = sorted;
    }
    size_t len = nq__activity__get_packed_size(&copy);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        free(sorted);
        return -1;
    }
    nq__activity__pack(&copy, buf);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, buf, len);
    sodium_bin2hex(hex, INGEST_DIGEST_LEN + 1, digest, INGEST_DIGEST_LEN / 2);
    free(buf);
    free(sorted);
    return 0;
}

bool ingest_delivery_valid(const char *delivery)
{
    const char *colon = delivery ? strrchr(delivery, ':') : NULL;
    char source[NQ_ID_MAX + 1];
    size_t len = colon ? (size_t)(colon - delivery) : 0;
    if (!colon || len == 0 || len > NQ_ID_MAX || strlen(colon + 1) != 64)
        return false;
    memcpy(source, delivery, len);
    source[len] = '\0';
    for (const char *h = colon + 1; *h; h++) {
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
            return false;
    }
    return nq_valid_id(source);
}
