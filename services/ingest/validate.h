/* services/ingest/validate.h — is an activity event acceptable? (pure)
 *
 * Every event type is a row in a table (validate.c) naming the fields it
 * requires; common rules (ids, time window, amounts, text) apply to all.
 *
 *   nq_field_errors_t errs = {0};
 *   if (ingest_validate(ev, nq_now_ms(), cfg->future_skew_s * 1000, &errs) != 0)
 *       ... errs.items[i].field / .reason, named as in the JSON API ...
 */
#ifndef NQ_INGEST_VALIDATE_H
#define NQ_INGEST_VALIDATE_H

#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"

/* Events dated before this are rejected (2000-01-01T00:00:00Z). */
#define INGEST_EARLIEST_MS 946684800000LL
/* Due dates from 2100-01-01T00:00:00Z on are rejected. */
#define INGEST_LATEST_MS 4102444800000LL
/* Longest event_id; it is a client key, wider than an entity id. */
#define INGEST_EVENT_ID_MAX 128
/* Most attributes per event, and longest key / value. */
#define INGEST_ATTRS_MAX      32
#define INGEST_ATTR_KEY_MAX   64
#define INGEST_ATTR_VALUE_MAX 512
/* Longest free text (notes, text). */
#define INGEST_TEXT_MAX 4000

/* Check `ev` against the rules of its type. `now_ms` and `skew_ms` bound
 * occurred_at from above. Returns 0 when valid, -1 with errs filled. */
int ingest_validate(const Nq__Activity *ev, int64_t now_ms, int64_t skew_ms,
                    nq_field_errors_t *errs);

/* True for a known event type. */
bool ingest_type_known(const char *type);

/* True for a feed delivery id: "<source>:<signature>", the source an id
 * (nq_valid_id), the signature 64 lower-case hex digits. */
bool ingest_delivery_valid(const char *delivery);

/* Content digest of an event for idempotency: the first 128 bits of SHA-256
 * (hex, INGEST_DIGEST_LEN chars + NUL; short enough for Redis to keep inline
 * as a dedupe bucket's value) of the packed event with received_at cleared and
 * attributes in key order, so the same content always gives the same digest.
 * Returns 0 or -1 (OOM). */
#define INGEST_DIGEST_LEN 32
int ingest_digest(const Nq__Activity *ev, char hex[INGEST_DIGEST_LEN + 1]);

#endif
