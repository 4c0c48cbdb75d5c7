/* services/alerting/timermerge.h — one cycle's timer changes folded per timer (pure).
 *
 * A cycle's events often touch the same timer (rule, subject) many times: a
 * busy customer's every visit moves its no-contact deadline. Applied one by
 * one (alert_timers_set) a set only moves the deadline later, keeps the last
 * data, and a clear stops the clock for good, so consecutive sets of one
 * timer with no clear between them come to one set: the latest deadline,
 * the last event (its data), resolving when any of them resolves, at the
 * newest of the resolving events' times (an open alert resolves when a
 * contact is newer than the one it counts from). Clears stay as they are.
 * The kept changes stay in their order.
 *
 *   n = timer_changes_merge(changes, n);
 */
#ifndef NQ_ALERTING_TIMERMERGE_H
#define NQ_ALERTING_TIMERMERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "timers.h"

/* Fold c[0..n) in place; returns how many are left. -1 (nothing folded) only
 * when out of memory. */
long timer_changes_merge(timer_change_t *c, size_t n);

#endif
