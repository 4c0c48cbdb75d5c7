/* nq/orghist.h — a salesperson's team or status over time (pure).
 *
 * A history is a list of changes "from this day on, the value is v",
 * ascending by day. Redis keeps it as a sorted set of members
 * "<from ms>|<value>" scored by `from` (nq/keys.h: nq:{sp:<id>}:teams and
 * nq:{sp:<id>}:status); a day is its local midnight in NQ_ZONE as Unix ms,
 * and from 0 means "since the start". Before its first change a history
 * has the value `none` the caller gives: "" (no team) for teams, "active"
 * for status. nq-customers writes histories (computed with
 * nq_orghist_set), nq-reporting reads them.
 *
 *   nq_orghist_t h;
 *   nq_orghist_parse(&h, entries, n);                  // ZRANGE reply strings
 *   nq_orghist_set(&h, nov15, "t-west", "");           // t-west from Nov 15 on
 *   const char *team = nq_orghist_at(&h, now, "");     // "t-west"
 *   nq_span_t spans[h.n + 1];
 *   size_t k = nq_orghist_spans(&h, "t-east", "", oct.start_ms, dec.start_ms, spans);
 *   nq_orghist_free(&h);
 */
#ifndef NQ_ORGHIST_H
#define NQ_ORGHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nq/period.h"

/* Most changes one history holds (nq_orghist_set refuses more), so a read
 * never parses more. */
#define NQ_ORGHIST_MAX 256
/* Longest stored entry: 20 digits, '|', a 64-byte id, NUL. */
#define NQ_ORGHIST_ENTRY_MAX 96

typedef struct nq_orghist_change {
    int64_t from; /* first day (local midnight, Unix ms); 0 = since the start */
    char *value;  /* team id ("" = none) or status; malloc'd */
} nq_orghist_change_t;

typedef struct nq_orghist {
    nq_orghist_change_t *changes; /* ascending by from, no two on one day */
    size_t n;                     /* changes */
} nq_orghist_t;

/* Fill h from n stored entries "<from>|<value>" in any order (a ZRANGE
 * reply). Returns 0, or -1 (h empty) when an entry does not parse or memory
 * runs out. */
int nq_orghist_parse(nq_orghist_t *h, const char *const *entries, size_t n);

/* dst = a copy of src (dst's old content is not freed). 0, or -1 (dst
 * empty) when out of memory. */
int nq_orghist_copy(nq_orghist_t *dst, const nq_orghist_t *src);

/* Free the changes; h is empty afterwards. Safe on an empty h. */
void nq_orghist_free(nq_orghist_t *h);

/* The value in force at instant t (`none` before the first change). Borrowed. */
const char *nq_orghist_at(const nq_orghist_t *h, int64_t t, const char *none);

/* Make `value` the value from day `from` on: changes on or after `from` are
 * dropped, and a change is added unless the value in force just before
 * `from` is `value` already (no-op changes are never stored). Returns 0,
 * -1 when out of memory, or -2 when one more change would exceed
 * NQ_ORGHIST_MAX; h is unchanged on failure. */
int nq_orghist_set(nq_orghist_t *h, int64_t from, const char *value, const char *none);

/* The stretches of [start, end) during which the value is `value`, in
 * order, each as long as possible; out must hold h->n + 1 spans. Returns how
 * many (0 when never). */
size_t nq_orghist_spans(const nq_orghist_t *h, const char *value, const char *none, int64_t start,
                        int64_t end, nq_span_t *out);

/* Write change c as its stored entry "<from>|<value>". Returns the length,
 * or -1 when it does not fit. */
int nq_orghist_entry(char *buf, size_t len, const nq_orghist_change_t *c);

/* Whether a and b hold the same changes. */
bool nq_orghist_equal(const nq_orghist_t *a, const nq_orghist_t *b);

#endif
