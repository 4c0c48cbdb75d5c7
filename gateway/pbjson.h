/* gateway/pbjson.h — JSON <-> protobuf-c messages, driven by the descriptor.
 *
 * The JSON shape of a message is its protobuf fields by name, except for the
 * rows of its schema's special table: money (decimal yuan <-> int64 fen, e.g.
 * JSON "amount" <-> field amount_fen), time (RFC 3339 or Unix ms <-> int64
 * Unix ms), and server-set fields (written out, refused on input). Nested
 * messages, repeated strings and map<string,string> are supported.
 *
 * Decoding is strict: an unknown field, a wrong JSON type, an out-of-range
 * integer or a bad amount or time is a field error, named as in the JSON. An
 * amount given as a number is judged on its text (jnum.h), as a string is.
 *
 *   static const pbjson_special_t specials[] = {{"amount", "amount_fen", PBJSON_MONEY, false}};
 *   static const pbjson_schema_t schema = {&nq__activity__descriptor, specials, 1};
 *   nq_field_errors_t errs = {0};
 *   jnum_index_t *nums = jnum_index(obj, body, body_len);
 *   Nq__Activity *ev = (Nq__Activity *)pbjson_decode(&schema, obj, nums, &errs);
 *   jnum_free(&nums);
 *   ... protobuf_c_message_free_unpacked(&ev->base, NULL);
 *   json_t *out = pbjson_encode(&schema, &ev->base);
 */
#ifndef NQ_GATEWAY_PBJSON_H
#define NQ_GATEWAY_PBJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <protobuf-c/protobuf-c.h>

#include "jnum.h"
#include "nq/fielderr.h"

typedef enum {
    PBJSON_PLAIN, /* as the protobuf type says */
    PBJSON_MONEY, /* int64 fen <-> decimal yuan string (or number on input) */
    PBJSON_TIME,  /* int64 Unix ms <-> RFC 3339 string (or Unix ms on input) */
} pbjson_kind_t;

typedef struct pbjson_special {
    const char *json;   /* JSON name */
    const char *field;  /* protobuf field name */
    pbjson_kind_t kind; /* conversion */
    bool readonly;      /* set by the server: written out, refused on input */
} pbjson_special_t;

typedef struct pbjson_schema {
    const ProtobufCMessageDescriptor *desc; /* the message */
    const pbjson_special_t *specials;       /* its special fields */
    size_t n_specials;                      /* rows in specials */
} pbjson_schema_t;

/* Longest string accepted in any field, bytes. */
#define PBJSON_STRING_MAX 4096
/* Most items in a repeated field or map. */
#define PBJSON_ITEMS_MAX 1000

/* Build a message from a JSON object. `nums` holds the texts of the reals of
 * the document obj was parsed from (jnum_index), or is NULL for a tree built
 * in memory (a real amount is then judged by its double). Returns the message
 * (free with protobuf_c_message_free_unpacked(msg, NULL)), or NULL with errs
 * filled (or with errs empty when out of memory). */
ProtobufCMessage *pbjson_decode(const pbjson_schema_t *schema, const json_t *obj,
                                const jnum_index_t *nums, nq_field_errors_t *errs);

/* The JSON object of a message (fields that are set). New reference. */
json_t *pbjson_encode(const pbjson_schema_t *schema, const ProtobufCMessage *msg);

/* ---- for decoders of this JSON shape (pbjson.c, pbjson_fast.c) ---------- */

/* The field that JSON key `key` names in the schema, with its special row
 * (NULL if none) in *special; NULL for a key that names no field. */
const ProtobufCFieldDescriptor *pbjson_field(const pbjson_schema_t *s, const char *key,
                                             const pbjson_special_t **special);

/* The message descriptor of a message-typed field. */
static inline const ProtobufCMessageDescriptor *pbjson_msg_desc(const ProtobufCFieldDescriptor *f)
{
    return (const ProtobufCMessageDescriptor *)f->descriptor;
}

/* Where field f lives in msg. */
static inline void *pbjson_member(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    return (char *)msg + f->offset;
}

/* Mark an optional scalar field present (strings and messages are present
 * when their pointer is set). */
static inline void pbjson_mark_present(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
        f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
        *(protobuf_c_boolean *)((char *)msg + f->quantifier_offset) = 1;
}

#endif
