/* services/alerting/readsize.h — how many stream entries alerting reads at once (pure).
 *
 * A cycle costs a few Redis round trips whatever its size, so behind a
 * backlog the read grows (a full read doubles the next one, up to `max`)
 * and the round trips are shared by more entries; once reads come back
 * mostly empty it shrinks again (halved when under a quarter full, down to
 * `min`), keeping cycles small and quick at rest. min == max reads a fixed
 * number.
 *
 *   int next = alert_read_count(asked, entries_read, ALERTING_PULL_ENTRIES, ALERTING_PULL_MAX);
 */
#ifndef NQ_ALERTING_READSIZE_H
#define NQ_ALERTING_READSIZE_H

#include <stddef.h>

#define ALERTING_PULL_ENTRIES 32  /* log entries per read at rest (and at least) */
#define ALERTING_PULL_MAX     256 /* log entries per read behind a backlog (at most) */

/* The next read's count, in [min, max], after one that asked for `asked` and got `got`. */
int alert_read_count(int asked, size_t got, int min, int max);

#endif
