/* validate.c — activity validation rules. See validate.h. */
#include "validate.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Fields a type may require, one bit each. */
enum {
    NEED_CUSTOMER = 1 << 0,
    NEED_AMOUNT = 1 << 1,
};

typedef struct required_field {
    unsigned bit;                          /* NEED_* */
    const char *json;                      /* name in the API */
    bool (*present)(const Nq__Activity *); /* is it given? */
} required_field_t;

static bool has_customer(const Nq__Activity *ev)
{
    return ev->customer_id != NULL;
}

static bool has_amount(const Nq__Activity *ev)
{
    return ev->has_amount_fen;
}

static const required_field_t required_fields[] = {
    {NEED_CUSTOMER, "customer_id", has_customer},
    {NEED_AMOUNT, "amount", has_amount},
};

typedef struct activity_type {
    const char *name;  /* value of "type" */
    unsigned required; /* NEED_* bits */
} activity_type_t;

/* One row per event type. */
static const activity_type_t types[] = {
    {"visit", NEED_CUSTOMER},
    {"call", 0},
    {"order", NEED_CUSTOMER | NEED_AMOUNT},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const activity_type_t *find_type(const char *name)
{
    for (size_t i = 0; name && i < N_ELEMS(types); i++) {
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    }
    return NULL;
}

bool ingest_type_known(const char *type)
{
    return find_type(type) != NULL;
}

static void check_event_id(const Nq__Activity *ev, nq_field_errors_t *errs)
{
    if (!ev->event_id || !*ev->event_id)
        nq_field_errors_add(errs, "event_id", "is required");
    else if (strlen(ev->event_id) > INGEST_EVENT_ID_MAX || !nq_valid_text(ev->event_id, INGEST_EVENT_ID_MAX) ||
             strpbrk(ev->event_id, " \t\n"))
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
    } texts[] = {{"source", ev->source}, {"notes", ev->notes}, {"text", ev->text},
                 {"purpose", ev->purpose}, {"outcome", ev->outcome}, {"order_id", ev->order_id}};
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        if (texts[i].value && !nq_valid_text(texts[i].value, INGEST_TEXT_MAX))
            nq_field_errors_add(errs, texts[i].json,
                                "must be valid UTF-8 text of at most %d bytes", INGEST_TEXT_MAX);
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
        if (!e->key || !nq_valid_text(e->key, INGEST_ATTR_KEY_MAX) || !*e->key ||
            !e->value || !nq_valid_text(e->value, INGEST_ATTR_VALUE_MAX)) {
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
    check_id(ev->customer_id, "customer_id", false, errs);
    check_time(ev, now_ms, skew_ms, errs);
    if (ev->has_amount_fen && ev->amount_fen <= 0)
        nq_field_errors_add(errs, "amount", "must be greater than 0");
    for (size_t i = 0; type && i < N_ELEMS(required_fields); i++) {
        if ((type->required & required_fields[i].bit) && !required_fields[i].present(ev))
            nq_field_errors_add(errs, required_fields[i].json, "is required for type %s",
                                type->name);
    }
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

int ingest_digest(const Nq__Activity *ev, char hex[65])
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
    sodium_bin2hex(hex, 65, digest, sizeof(digest));
    free(buf);
    free(sorted);
    return 0;
}
