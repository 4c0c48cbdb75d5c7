/* services/alerting/timergroup.h — where the timers' consumer group starts (pure).
 *
 * The timer deadlines have their own group on the activity log
 * (NQ_GROUP_ALERT_TIMERS, timercycle.h). Where the "alerting" group already
 * exists (a deployment from before, whose cycle stored the deadlines before
 * acknowledging), the new group starts just before the oldest entry
 * "alerting" has pending (its deadlines may not be stored), else at its
 * last-delivered id; entries between those two are applied again, which
 * changes nothing (alert_timers_set only moves a deadline later). Without it
 * both groups start at "0", as every group of the log does.
 *
 *   timer_group_start(last_delivered, oldest_pending, out, sizeof(out));
 */
#ifndef NQ_ALERTING_TIMERGROUP_H
#define NQ_ALERTING_TIMERGROUP_H

#include <stddef.h>

/* The stream id just before `id` ("ms-seq"): "ms-(seq-1)", or
 * "(ms-1)-18446744073709551615" when seq is 0, "0-0" for "0-0"/"0-1".
 * Returns 0, or -1 when id is not a stream id or out is too small. */
int timer_group_before(const char *id, char *out, size_t len);

/* Where the timers' group starts: NULL last_delivered (no "alerting" group)
 * gives "0"; else just before oldest_pending when it is not NULL, else
 * last_delivered. Returns 0, or -1 when an id does not read. */
int timer_group_start(const char *last_delivered, const char *oldest_pending, char *out,
                      size_t len);

#endif
