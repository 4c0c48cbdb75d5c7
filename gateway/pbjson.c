/* pbjson.c — descriptor-driven JSON <-> protobuf. See pbjson.h. */
#include "pbjson.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/money.h"
#include "nq/period.h"

/* ---- scalars: one codec per protobuf type --------------------------------- */

typedef struct scalar_codec {
    ProtobufCType type;                                             /* protobuf type */
    int (*decode)(const json_t *v, void *member, const char **why); /* JSON -> field */
    json_t *(*encode)(const void *member);                          /* field -> JSON */
} scalar_codec_t;

static int dec_string(const json_t *v, void *member, const char **why)
{
    if (!json_is_string(v)) {
        *why = "must be a string";
        return -1;
    }
    if (json_string_length(v) > PBJSON_STRING_MAX ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        *why = "must be a string of at most 4096 bytes without NUL";
        return -1;
    }
    char *s = strdup(json_string_value(v));
    if (!s) {
        *why = "out of memory";
        return -1;
    }
    *(char **)member = s;
    return 0;
}

static json_t *enc_string(const void *member)
{
    return json_string(*(char *const *)member);
}

static int dec_int64(const json_t *v, void *member, const char **why)
{
    if (!json_is_integer(v)) {
        *why = "must be an integer";
        return -1;
    }
    *(int64_t *)member = json_integer_value(v);
    return 0;
}

static json_t *enc_int64(const void *member)
{
    return json_integer(*(const int64_t *)member);
}

static int dec_int32(const json_t *v, void *member, const char **why)
{
    if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
        json_integer_value(v) > INT32_MAX) {
        *why = "must be an integer of 32 bits";
        return -1;
    }
    *(int32_t *)member = (int32_t)json_integer_value(v);
    return 0;
}

static json_t *enc_int32(const void *member)
{
    return json_integer(*(const int32_t *)member);
}

static int dec_bool(const json_t *v, void *member, const char **why)
{
    if (!json_is_boolean(v)) {
        *why = "must be true or false";
        return -1;
    }
    *(protobuf_c_boolean *)member = json_is_true(v);
    return 0;
}

static json_t *enc_bool(const void *member)
{
    return json_boolean(*(const protobuf_c_boolean *)member);
}

static int dec_double(const json_t *v, void *member, const char **why)
{
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        *why = "must be a number";
        return -1;
    }
    *(double *)member = json_number_value(v);
    return 0;
}

static json_t *enc_double(const void *member)
{
    return json_real(*(const double *)member);
}

static const scalar_codec_t scalar_codecs[] = {
    {PROTOBUF_C_TYPE_STRING, dec_string, enc_string}, {PROTOBUF_C_TYPE_INT64, dec_int64, enc_int64},
    {PROTOBUF_C_TYPE_INT32, dec_int32, enc_int32},    {PROTOBUF_C_TYPE_BOOL, dec_bool, enc_bool},
    {PROTOBUF_C_TYPE_DOUBLE, dec_double, enc_double},
};

static const scalar_codec_t *find_codec(ProtobufCType type)
{
    for (size_t i = 0; i < sizeof(scalar_codecs) / sizeof(scalar_codecs[0]); i++) {
        if (scalar_codecs[i].type == type)
            return &scalar_codecs[i];
    }
    return NULL;
}

/* ---- special conversions ------------------------------------------------ */

/* A JSON value -> a protobuf field, with the texts of the document's reals. */
typedef int (*special_decode_fn)(const json_t *v, const jnum_index_t *nums, void *member,
                                 const char **why);

/* Amounts are judged on their text, numbers too: an integer's is its value,
 * a real's comes from the index (a tree built in memory has none: its double
 * is judged). */
static int dec_money(const json_t *v, const jnum_index_t *nums, void *member, const char **why)
{
    if (json_is_string(v))
        return nq_money_parse(json_string_value(v), member, why);
    if (json_is_integer(v)) {
        char text[32];
        int n = snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return nq_money_parse_number(text, (size_t)n, member, why);
    }
    if (json_is_real(v)) {
        size_t len;
        const char *text = jnum_text(nums, v, &len);
        return text ? nq_money_parse_number(text, len, member, why)
                    : nq_money_from_double(json_real_value(v), member, why);
    }
    *why = "must be decimal yuan, as a string (\"1234.50\") or a number";
    return -1;
}

static json_t *enc_money(const void *member)
{
    char buf[NQ_MONEY_BUF];
    nq_money_format(*(const int64_t *)member, buf, sizeof(buf));
    return json_string(buf);
}

static int dec_time(const json_t *v, const jnum_index_t *nums, void *member, const char **why)
{
    if (json_is_integer(v)) {
        *(int64_t *)member = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v))
        return nq_time_parse(json_string_value(v), member, why);
    *why = "must be an RFC 3339 time with offset or Unix milliseconds";
    return -1;
}

static json_t *enc_time(const void *member)
{
    char buf[48];
    nq_time_format(*(const int64_t *)member, buf, sizeof(buf));
    return json_string(buf);
}

static const struct {
    special_decode_fn decode;        /* JSON -> field */
    json_t *(*encode)(const void *); /* field -> JSON */
} special_codecs[] = {
    [PBJSON_PLAIN] = {NULL, NULL}, /* unused: plain fields use their type */
    [PBJSON_MONEY] = {dec_money, enc_money},
    [PBJSON_TIME] = {dec_time, enc_time},
};

/* ---- fields ------------------------------------------------------------- */

static const pbjson_special_t *special_by_json(const pbjson_schema_t *s, const char *json)
{
    for (size_t i = 0; i < s->n_specials; i++) {
        if (strcmp(s->specials[i].json, json) == 0)
            return &s->specials[i];
    }
    return NULL;
}

static const pbjson_special_t *special_by_field(const pbjson_schema_t *s, const char *field)
{
    for (size_t i = 0; i < s->n_specials; i++) {
        if (strcmp(s->specials[i].field, field) == 0)
            return &s->specials[i];
    }
    return NULL;
}

const ProtobufCFieldDescriptor *pbjson_field(const pbjson_schema_t *s, const char *key,
                                             const pbjson_special_t **special)
{
    const pbjson_special_t *sp = special_by_json(s, key);
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(s->desc, sp ? sp->field : key);
    /* A field with a JSON name of its own is not known by its protobuf name. */
    const pbjson_special_t *renamed = sp ? NULL : special_by_field(s, key);
    *special = sp;
    return f && !(renamed && strcmp(renamed->json, key) != 0) ? f : NULL;
}

static bool is_map_entry(const ProtobufCFieldDescriptor *f)
{
    const ProtobufCMessageDescriptor *d = pbjson_msg_desc(f);
    return f->type == PROTOBUF_C_TYPE_MESSAGE && f->label == PROTOBUF_C_LABEL_REPEATED &&
           d->n_fields == 2 && strcmp(d->fields[0].name, "key") == 0 &&
           strcmp(d->fields[1].name, "value") == 0;
}

static bool is_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return *(const size_t *)((const char *)msg + f->quantifier_offset) > 0;
    if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *)pbjson_member(msg, f) != NULL;
    return !f->quantifier_offset ||
           *(const protobuf_c_boolean *)((const char *)msg + f->quantifier_offset);
}

static ProtobufCMessage *decode_in(const pbjson_schema_t *s, const json_t *obj,
                                   const jnum_index_t *nums, const char *path,
                                   nq_field_errors_t *errs);

static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *m = malloc(d->sizeof_message);
    if (m)
        d->message_init(m);
    return m;
}

/* A JSON object of strings -> map<string,string> entries. */
static int decode_map(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const json_t *v,
                      const char **why)
{
    if (!json_is_object(v) || json_object_size(v) > PBJSON_ITEMS_MAX) {
        *why = "must be an object of at most 1000 string values";
        return -1;
    }
    ProtobufCMessage **entries = calloc(json_object_size(v) + 1, sizeof(*entries));
    if (!entries) {
        *why = "out of memory";
        return -1;
    }
    *(ProtobufCMessage ***)pbjson_member(msg, f) = entries;
    size_t *n = (size_t *)((char *)msg + f->quantifier_offset);
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *)v, key, val) {
        ProtobufCMessage *e = new_message(pbjson_msg_desc(f));
        if (!e) {
            *why = "out of memory";
            return -1;
        }
        entries[(*n)++] = e;
        json_t *k = json_string(key);
        int rc = k ? dec_string(k, pbjson_member(e, &pbjson_msg_desc(f)->fields[0]), why) : -1;
        json_decref(k);
        if (rc != 0 ||
            dec_string(val, pbjson_member(e, &pbjson_msg_desc(f)->fields[1]), why) != 0) {
            *why = "must be an object whose values are strings";
            return -1;
        }
    }
    return 0;
}

/* A JSON array -> repeated string. */
static int decode_repeated(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                           const json_t *v, const char **why)
{
    if (f->type != PROTOBUF_C_TYPE_STRING || !json_is_array(v) ||
        json_array_size(v) > PBJSON_ITEMS_MAX) {
        *why = "must be an array of at most 1000 strings";
        return -1;
    }
    char **items = calloc(json_array_size(v) + 1, sizeof(*items));
    if (!items) {
        *why = "out of memory";
        return -1;
    }
    *(char ***)pbjson_member(msg, f) = items;
    size_t *n = (size_t *)((char *)msg + f->quantifier_offset);
    size_t i;
    json_t *item;
    json_array_foreach (v, i, item) {
        if (dec_string(item, &items[i], why) != 0) {
            *why = "must be an array of strings";
            return -1;
        }
        (*n)++;
    }
    return 0;
}

/* name = "path.key" ("key" at the top): built only for errors and nested
 * messages, as most fields of most events have neither. */
static void field_name(char *name, size_t len, const char *path, const char *key)
{
    if (*path)
        snprintf(name, len, "%s.%s", path, key);
    else
        snprintf(name, len, "%s", key);
}

/* A repeated message from an array of objects, each decoded in turn; errors
 * name the element ("contacts[2].email"). Returns 0, or -1 with *why set
 * when v is no array (an element's errors are its own, *why NULL). */
static int decode_repeated_messages(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                                    const json_t *v, const jnum_index_t *nums, const char *path,
                                    const char *key, nq_field_errors_t *errs, const char **why)
{
    if (!json_is_array(v) || json_array_size(v) > PBJSON_ITEMS_MAX) {
        *why = "must be an array of at most 1000 objects";
        return -1;
    }
    ProtobufCMessage **items = calloc(json_array_size(v) + 1, sizeof(*items));
    if (!items) {
        *why = "out of memory";
        return -1;
    }
    *(ProtobufCMessage ***)pbjson_member(msg, f) = items;
    size_t *n = (size_t *)((char *)msg + f->quantifier_offset);
    pbjson_schema_t sub = {pbjson_msg_desc(f), NULL, 0};
    char base[64], name[96];
    field_name(base, sizeof(base), path, key);
    size_t i;
    json_t *item;
    int rc = 0;
    json_array_foreach (v, i, item) {
        snprintf(name, sizeof(name), "%s[%zu]", base, i);
        ProtobufCMessage *m = decode_in(&sub, item, nums, name, errs);
        if (m)
            items[(*n)++] = m;
        else
            rc = -1;
    }
    *why = NULL;
    return rc;
}

static void field_error(nq_field_errors_t *errs, const char *path, const char *key, const char *why)
{
    char name[64];
    field_name(name, sizeof(name), path, key);
    nq_field_errors_add(errs, name, "%s", why);
}

static void decode_field(const pbjson_schema_t *s, ProtobufCMessage *msg, const char *key,
                         const json_t *val, const jnum_index_t *nums, const char *path,
                         nq_field_errors_t *errs)
{
    const pbjson_special_t *sp;
    const ProtobufCFieldDescriptor *f = pbjson_field(s, key, &sp);
    if (!f) {
        field_error(errs, path, key, "unknown field");
        return;
    }
    if (sp && sp->readonly) {
        field_error(errs, path, key, "is set by the server");
        return;
    }
    if (json_is_null(val))
        return;
    const char *why = "has an unsupported type";
    int rc = -1;
    if (sp && sp->kind != PBJSON_PLAIN) {
        rc = special_codecs[sp->kind].decode(val, nums, pbjson_member(msg, f), &why);
    } else if (is_map_entry(f)) {
        rc = decode_map(msg, f, val, &why);
    } else if (f->label == PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE) {
        rc = decode_repeated_messages(msg, f, val, nums, path, key, errs, &why);
        if (rc != 0 && !why)
            return; /* the elements reported their own errors */
    } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        rc = decode_repeated(msg, f, val, &why);
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        pbjson_schema_t sub = {pbjson_msg_desc(f), NULL, 0};
        char name[64];
        field_name(name, sizeof(name), path, key);
        ProtobufCMessage *m = decode_in(&sub, val, nums, name, errs);
        *(ProtobufCMessage **)pbjson_member(msg, f) = m;
        return; /* decode_in reported its own errors */
    } else if (find_codec(f->type)) {
        rc = find_codec(f->type)->decode(val, pbjson_member(msg, f), &why);
    }
    if (rc != 0) {
        field_error(errs, path, key, why);
        return;
    }
    pbjson_mark_present(msg, f);
}

static ProtobufCMessage *decode_in(const pbjson_schema_t *s, const json_t *obj,
                                   const jnum_index_t *nums, const char *path,
                                   nq_field_errors_t *errs)
{
    if (!json_is_object(obj)) {
        nq_field_errors_add(errs, *path ? path : "(body)", "must be a JSON object");
        return NULL;
    }
    ProtobufCMessage *msg = new_message(s->desc);
    if (!msg)
        return NULL;
    size_t before = errs->n + errs->dropped;
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *)obj, key, val) {
        decode_field(s, msg, key, val, nums, path, errs);
    }
    if (errs->n + errs->dropped != before) {
        protobuf_c_message_free_unpacked(msg, NULL);
        return NULL;
    }
    return msg;
}

ProtobufCMessage *pbjson_decode(const pbjson_schema_t *schema, const json_t *obj,
                                const jnum_index_t *nums, nq_field_errors_t *errs)
{
    return decode_in(schema, obj, nums, "", errs);
}

/* ---- encoding ----------------------------------------------------------- */

static json_t *encode_value(const ProtobufCFieldDescriptor *f, const void *member)
{
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        pbjson_schema_t sub = {pbjson_msg_desc(f), NULL, 0};
        return pbjson_encode(&sub, *(ProtobufCMessage *const *)member);
    }
    const scalar_codec_t *c = find_codec(f->type);
    return c ? c->encode(member) : json_null();
}

static json_t *encode_repeated(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
    void *const *items = *(void *const *const *)pbjson_member(msg, f);
    if (is_map_entry(f)) {
        json_t *obj = json_object();
        for (size_t i = 0; obj && i < n; i++) {
            const ProtobufCMessage *e = items[i];
            const char *k = *(char *const *)pbjson_member(e, &pbjson_msg_desc(f)->fields[0]);
            const char *v = *(char *const *)pbjson_member(e, &pbjson_msg_desc(f)->fields[1]);
            json_object_set_new(obj, k ? k : "", json_string(v ? v : ""));
        }
        return obj;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, f->type == PROTOBUF_C_TYPE_STRING
                                       ? json_string(((char *const *)items)[i])
                                       : encode_value(f, &items[i]));
    return arr;
}

json_t *pbjson_encode(const pbjson_schema_t *s, const ProtobufCMessage *msg)
{
    json_t *obj = json_object();
    for (unsigned i = 0; obj && i < s->desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &s->desc->fields[i];
        if (!is_present(msg, f))
            continue;
        const pbjson_special_t *sp = special_by_field(s, f->name);
        json_t *v;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            v = encode_repeated(msg, f);
        else if (sp && sp->kind != PBJSON_PLAIN)
            v = special_codecs[sp->kind].encode(pbjson_member(msg, f));
        else
            v = encode_value(f, pbjson_member(msg, f));
        json_object_set_new(obj, sp ? sp->json : f->name, v);
    }
    return obj;
}
