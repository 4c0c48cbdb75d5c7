/* gateway/mediatype.h — which body types a route takes (pure).
 *
 * A Content-Type header names a media type, maybe followed by parameters
 * ("application/json; charset=utf-8"); the type compares case-insensitively
 * and the parameters are ignored. A route's list (router.h's `media`) is
 * NULL-ended; NULL stands for {"application/json", NULL}.
 *
 *   static const char *const csv[] = {"text/csv", NULL};
 *   media_type_accepted("text/CSV; header=present", csv)   // true
 *   media_type_accepted(NULL, NULL)                         // false: no type said
 */
#ifndef NQ_GATEWAY_MEDIATYPE_H
#define NQ_GATEWAY_MEDIATYPE_H

#include <stdbool.h>
#include <stddef.h>

/* Is the type of header value `ct` (may be NULL) exactly `type`? */
bool media_type_is(const char *ct, const char *type);

/* Is the type of `ct` one of `types` (NULL: application/json)? */
bool media_type_accepted(const char *ct, const char *const *types);

/* "application/json" or "application/json, application/x-ndjson or
 * application/x-protobuf": the types for an error's detail, into buf. */
const char *media_types_text(const char *const *types, char *buf, size_t len);

#endif
