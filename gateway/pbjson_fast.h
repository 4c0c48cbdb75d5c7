/* gateway/pbjson_fast.h — the common case of pbjson_decode, straight from
 * the text.
 *
 * Parsing a body into a jansson tree and mapping that tree (pbjson.h) costs
 * several times more than the rest of an activity's trip through the
 * gateway. Feeds nearly always send plain events: known fields, strings
 * without escapes, plain numbers. For such a body this parser builds the
 * messages in one pass over the text; for anything else (an escape, a null,
 * an unknown or repeated key, a wrong type, an exponent, a very long number,
 * a map or array, nesting below one object, bad UTF-8, invalid JSON, more
 * than `max` messages) it declines, and the caller takes the general path,
 * which gives the answer (and every error message) the general path always
 * gave. Accepting means: the same messages as json_loadb(JSON_REJECT_DUPLICATES)
 * followed by pbjson_decode would build (tests/unit/test_pbjson_fast.c).
 *
 *   ProtobufCMessage **msgs; size_t n;
 *   if (pbjson_fast_decode(&schema, body, len, PBJSON_FAST_JSON, 5000, &msgs, &n) == 0) {
 *       ... take msgs[0..n) (each freed with protobuf_c_message_free_unpacked) ...
 *       free(msgs);
 *   } else {
 *       ... general path ...
 *   }
 */
#ifndef NQ_GATEWAY_PBJSON_FAST_H
#define NQ_GATEWAY_PBJSON_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "pbjson.h"

typedef enum {
    PBJSON_FAST_JSON,   /* one object, or a non-empty array of objects */
    PBJSON_FAST_NDJSON, /* one object per line; blank lines skipped */
} pbjson_fast_format_t;

/* The next NDJSON line from *p (before end), without its trailing CR,
 * spaces and tabs: blank lines are returned too (len 0). Returns false at
 * the end. Both NDJSON readers cut lines with it, so they agree. */
bool pbjson_ndjson_line(const char **p, const char *end, const char **line, size_t *len);

/* Decode every message of the body. Returns 0 with the messages in *out (a
 * malloc'ed array of n >= 1), or -1 when the body is not in the fast subset
 * or memory ran out (nothing to free). */
int pbjson_fast_decode(const pbjson_schema_t *schema, const char *text, size_t len,
                       pbjson_fast_format_t format, size_t max, ProtobufCMessage ***out, size_t *n);

#endif
