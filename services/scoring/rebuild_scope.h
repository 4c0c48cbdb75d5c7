/* services/scoring/rebuild_scope.h — which aggregates a rebuild recomputes (pure).
 *
 * `nqctl rebuild --from DATE` recomputes every KPI hash and visited and due
 * set of the periods that end after DATE (so a week, month, quarter or year
 * that straddles DATE is recomputed whole, from all its events); without
 * --from, every period. A key is recognised by its period key suffix
 * ("nq:{sp:42}:kpi:2026-11" -> the month 2026-11; a week, quarter or year
 * key, as the first layout kept them, names its period too and is dropped).
 * The on-time sets belong to no period: every rebuild recomputes them whole
 * (a rebuild reads the whole log). Nothing else is touched: key-customer
 * sets and their log are org history, not log aggregates.
 *
 *   if (rebuild_recomputes("nq:{sp:42}:kpi:2026-11", from_ms)) ...
 */
#ifndef NQ_SCORING_REBUILD_SCOPE_H
#define NQ_SCORING_REBUILD_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "nq/period.h"

/* The period named by the last ':'-separated part of `key`. Returns 0, or -1
 * when it names none. */
int rebuild_key_period(const char *key, nq_period_t *out);

/* True when `key`'s period ends after from_ms (from_ms 0: every period). */
bool rebuild_in_scope(const char *key, int64_t from_ms);

/* True when `key` is an aggregate the rebuild recomputes from the log: a
 * KPI hash, visited set or due set in scope, or an on-time set. */
bool rebuild_recomputes(const char *key, int64_t from_ms);

#endif
