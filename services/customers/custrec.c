/* custrec.c — a customer record's fields: rules, stored form, PATCH merge.
 * See custrec.h. */
#include "custrec.h"

#include "org.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const custrec_statuses[] = {"active", "dormant", "lost", "pool", NULL};

const char *const custrec_kept_fields[] = {
    "name",      "class", "owner_id", "status",           "region",
    "industry",  "tags",  "contacts", "credit_limit_fen", "payment_terms_days",
    "pool_team", NULL,
};

/* ---------------------------------------------------------------- rules */

/* Optional short text: absent or "" is fine. */
static void check_text(const char *v, const char *field, size_t max, nq_field_errors_t *errs)
{
    if (!v || !*v)
        return;
    if (strlen(v) > max)
        nq_field_errors_add(errs, field, "must be at most %d bytes", (int)max);
    else if (!nq_valid_text(v, max))
        nq_field_errors_add(errs, field, "must be UTF-8 text without control characters");
}

static void check_status(const char *v, nq_field_errors_t *errs)
{
    if (v && !nq_one_of(v, custrec_statuses))
        nq_field_errors_add(errs, "status", "must be one of active, dormant, lost, pool");
}

static void check_tags(char *const *tags, size_t n, nq_field_errors_t *errs)
{
    if (n > CUSTREC_TAGS_MAX) {
        nq_field_errors_add(errs, "tags", "must have at most %d entries", CUSTREC_TAGS_MAX);
        return;
    }
    char elem[sizeof(errs->items[0].field)];
    for (size_t i = 0; i < n; i++) {
        snprintf(elem, sizeof(elem), "tags[%zu]", i);
        if (!tags[i] || !*tags[i]) {
            nq_field_errors_add(errs, elem, "is required");
            continue;
        }
        check_text(tags[i], elem, CUSTREC_TEXT_MAX, errs);
        for (size_t j = 0; j < i; j++) {
            if (tags[j] && strcmp(tags[i], tags[j]) == 0) {
                nq_field_errors_add(errs, elem, "duplicate of %s[%zu]", "tags", j);
                break;
            }
        }
    }
}

/* A phone number: digits, spaces and + - ( ), with at least 3 digits. */
static bool valid_phone(const char *s)
{
    size_t len = strlen(s), digits = 0;
    if (len > CUSTREC_PHONE_MAX)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +-()", *p))
            return false;
    }
    return digits >= 3;
}

/* An e-mail address: printable ASCII without spaces, one '@' with text
 * before it and a domain with a dot (not first or last) after it. */
static bool valid_email(const char *s)
{
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    if (len > CUSTREC_EMAIL_MAX || !at || at == s || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; *p; p++) {
        if (*p <= ' ' || *p > '~')
            return false;
    }
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

static void check_contact(const Nq__CustomerContact *ct, size_t i, nq_field_errors_t *errs)
{
    char f[sizeof(errs->items[0].field)];
    snprintf(f, sizeof(f), "contacts[%zu].name", i);
    if (!ct->name || !*ct->name)
        nq_field_errors_add(errs, f, "is required");
    check_text(ct->name, f, CUSTREC_CONTACT_MAX, errs);
    snprintf(f, sizeof(f), "contacts[%zu].title", i);
    check_text(ct->title, f, CUSTREC_CONTACT_MAX, errs);
    snprintf(f, sizeof(f), "contacts[%zu].phone", i);
    if (ct->phone && *ct->phone && !valid_phone(ct->phone))
        nq_field_errors_add(errs, f,
                            "must be %d characters at most of digits, spaces and + - ( ), "
                            "with at least 3 digits",
                            CUSTREC_PHONE_MAX);
    snprintf(f, sizeof(f), "contacts[%zu].email", i);
    if (ct->email && *ct->email && !valid_email(ct->email))
        nq_field_errors_add(errs, f,
                            "must be an e-mail address (name@example.com) of at most %d "
                            "bytes",
                            CUSTREC_EMAIL_MAX);
}

void custrec_validate(const Nq__Customer *c, nq_field_errors_t *errs)
{
    check_status(c->status, errs);
    check_text(c->region, "region", CUSTREC_TEXT_MAX, errs);
    if (c->pool_team && *c->pool_team && !nq_valid_id(c->pool_team))
        nq_field_errors_add(errs, "pool_team", NQ_ID_RULE);
    check_text(c->industry, "industry", CUSTREC_TEXT_MAX, errs);
    check_tags(c->tags, c->n_tags, errs);
    if (c->n_contacts > CUSTREC_CONTACTS_MAX)
        nq_field_errors_add(errs, "contacts", "must have at most %d entries", CUSTREC_CONTACTS_MAX);
    for (size_t i = 0; i < c->n_contacts && i < CUSTREC_CONTACTS_MAX; i++)
        check_contact(c->contacts[i], i, errs);
    if (c->has_credit_limit_fen &&
        (c->credit_limit_fen < 0 || c->credit_limit_fen > CUSTREC_CREDIT_MAX))
        nq_field_errors_add(errs, "credit_limit", "must be from 0 to %lld yuan",
                            CUSTREC_CREDIT_MAX / 100);
    if (c->has_payment_terms_days &&
        (c->payment_terms_days < 0 || c->payment_terms_days > CUSTREC_TERMS_MAX))
        nq_field_errors_add(errs, "payment_terms_days", "must be an integer from 0 to %d",
                            CUSTREC_TERMS_MAX);
    check_text(c->owner_reason, "owner_reason", CUSTREC_REASON_MAX, errs);
}

/* ---------------------------------------------------------------- stored form */

/* Append field and a JSON value (taken), compact; "" for NULL. */
static void add_json(nq_redis_args_t *out, const char *field, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!text) {
        out->failed = true;
        return;
    }
    org_add_field(out, field, text);
    free(text);
}

static json_t *tags_json(char *const *tags, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_string(tags[i]));
    return arr;
}

/* A contact's object, absent parts left out. */
static json_t *contacts_json(Nq__CustomerContact *const *cts, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        const Nq__CustomerContact *ct = cts[i];
        json_t *o = json_object();
        const char *parts[][2] = {
            {"name", ct->name}, {"title", ct->title}, {"phone", ct->phone}, {"email", ct->email}};
        for (size_t k = 0; o && k < 4; k++) {
            if (parts[k][1] && *parts[k][1])
                json_object_set_new(o, parts[k][0], json_string(parts[k][1]));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

int custrec_to_fields(const Nq__Customer *c, nq_redis_args_t *out)
{
    org_add_field(out, "status", c->status ? c->status : CUSTREC_STATUS_DEFAULT);
    org_add_field(out, "region", c->region);
    org_add_field(out, "industry", c->industry);
    add_json(out, "tags", c->n_tags ? tags_json(c->tags, c->n_tags) : json_array());
    add_json(out, "contacts",
             c->n_contacts ? contacts_json(c->contacts, c->n_contacts) : json_array());
    nq_redis_args_adds(out, "credit_limit_fen");
    if (c->has_credit_limit_fen)
        nq_redis_args_addf(out, "%lld", (long long)c->credit_limit_fen);
    else
        nq_redis_args_adds(out, "");
    nq_redis_args_adds(out, "payment_terms_days");
    if (c->has_payment_terms_days)
        nq_redis_args_addf(out, "%d", (int)c->payment_terms_days);
    else
        nq_redis_args_adds(out, "");
    /* only a customer without owner is in a team's pool */
    org_add_field(out, "pool_team", c->owner_id && *c->owner_id ? "" : c->pool_team);
    return out->failed ? -1 : 0;
}

static int parse_ll(const char *text, long long min, long long max, protobuf_c_boolean *has,
                    long long *out)
{
    if (!text || !*text)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *has = 1;
    *out = v;
    return 0;
}

/* A stored JSON array parsed; absent or "" is empty (*arr NULL). */
static int parse_array(const char *text, json_t **arr)
{
    *arr = NULL;
    if (!text || !*text)
        return 0;
    *arr = json_loads(text, 0, NULL);
    return json_is_array(*arr) ? 0 : -1;
}

static int tags_from(const char *text, Nq__Customer *c)
{
    json_t *arr;
    int rc = parse_array(text, &arr);
    size_t n = rc == 0 && arr ? json_array_size(arr) : 0;
    if (n && !(c->tags = calloc(n, sizeof(*c->tags))))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || !(c->tags[i] = strdup(s)))
            rc = -1;
        else
            c->n_tags++;
    }
    json_decref(arr);
    return rc;
}

static int contacts_from(const char *text, Nq__Customer *c)
{
    json_t *arr;
    int rc = parse_array(text, &arr);
    size_t n = rc == 0 && arr ? json_array_size(arr) : 0;
    if (n && !(c->contacts = calloc(n, sizeof(*c->contacts))))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *o = json_array_get(arr, i);
        Nq__CustomerContact *ct = malloc(sizeof(*ct));
        if (!ct || !json_is_object(o)) {
            free(ct);
            rc = -1;
            break;
        }
        nq__customer_contact__init(ct);
        c->contacts[c->n_contacts++] = ct;
        rc |= org_copy_text(&ct->name, json_string_value(json_object_get(o, "name")));
        rc |= org_copy_text(&ct->title, json_string_value(json_object_get(o, "title")));
        rc |= org_copy_text(&ct->phone, json_string_value(json_object_get(o, "phone")));
        rc |= org_copy_text(&ct->email, json_string_value(json_object_get(o, "email")));
    }
    json_decref(arr);
    return rc;
}

int custrec_from_fields(Nq__Customer *c, const char *const *fields, size_t n)
{
    long long credit = 0, terms = 0;
    int rc = org_copy_text(&c->status, org_lookup(fields, n, "status"));
    rc |= org_copy_text(&c->region, org_lookup(fields, n, "region"));
    rc |= org_copy_text(&c->industry, org_lookup(fields, n, "industry"));
    rc |= org_copy_text(&c->pool_team, org_lookup(fields, n, "pool_team"));
    rc |= tags_from(org_lookup(fields, n, "tags"), c);
    rc |= contacts_from(org_lookup(fields, n, "contacts"), c);
    rc |= parse_ll(org_lookup(fields, n, "credit_limit_fen"), 0, CUSTREC_CREDIT_MAX,
                   &c->has_credit_limit_fen, &credit);
    rc |= parse_ll(org_lookup(fields, n, "payment_terms_days"), 0, CUSTREC_TERMS_MAX,
                   &c->has_payment_terms_days, &terms);
    c->credit_limit_fen = credit;
    c->payment_terms_days = (int32_t)terms;
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- PATCH */

static void swap_bytes(void *a, void *b, size_t n)
{
    unsigned char tmp[sizeof(void *) > 8 ? sizeof(void *) : 8];
    memcpy(tmp, a, n);
    memcpy(a, b, n);
    memcpy(b, tmp, n);
}

/* The bytes a field's value takes in its message. */
static size_t value_size(const ProtobufCFieldDescriptor *f)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return sizeof(void *);
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    default:
        return 4; /* int32, uint32, bool, enum, float */
    }
}

/* Swap field f's value (and its presence or count) between two messages of
 * its descriptor. */
static void swap_field(const ProtobufCFieldDescriptor *f, void *a, void *b)
{
    swap_bytes((char *)a + f->offset, (char *)b + f->offset, value_size(f));
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        swap_bytes((char *)a + f->quantifier_offset, (char *)b + f->quantifier_offset,
                   sizeof(size_t));
    else if (f->quantifier_offset)
        swap_bytes((char *)a + f->quantifier_offset, (char *)b + f->quantifier_offset,
                   sizeof(protobuf_c_boolean));
}

static bool named(const char *name, char *const *given, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (given[i] && strcmp(given[i], name) == 0)
            return true;
    }
    return false;
}

void custrec_patch(Nq__Customer *req, Nq__Customer *stored, char *const *given, size_t n_given)
{
    for (const char *const *k = custrec_kept_fields; *k; k++) {
        if (named(*k, given, n_given))
            continue;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(&nq__customer__descriptor, *k);
        if (f)
            swap_field(f, req, stored);
    }
}
