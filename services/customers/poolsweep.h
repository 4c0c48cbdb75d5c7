/* services/customers/poolsweep.h — the public pool's timer and assignment
 * rules (I/O around pool.h).
 *
 * Every owned customer has an entry in the pool schedule nq:pool:due (the
 * customer put script adds it at its follow-up due time; each tick also
 * adds the customers whose follow-up fell due since the last tick, whatever
 * re-dated them). Each tick takes the entries due now under a lease
 * (common/lua/pool_take.lua: one replica at a time; a replica that dies
 * leaves them to another once the lease runs out), reads the customer, its
 * owner's team and the team's pool settings, and by pool_decide:
 *   - waits: the entry is put back at the warning or the pool time;
 *   - warns the owner once per pool time: an entry (kind pool_warning) on nq:customer:signals
 *     (customer, owner, team, due, name) and pool_warned_for on the record;
 *   - moves it to the pool: owner cleared, status "pool", pool_team its
 *     owner's team, owner history "pool: not contacted N days", indexes,
 *     all in the customer put script (guarded: its follow-up due time must
 *     be the one read, so a contact meanwhile keeps it); then the team's
 *     assignment rule, if any, gives it a new owner.
 * A customer without owner, lost or in the pool leaves the schedule.
 *
 * poolsweep_assign applies a team's rule (round robin over its active
 * members in id order, after the last one given a customer; or the member
 * owning fewest customers) to a customer without owner in its pool; the
 * change is guarded like a claim (the team's claim limits hold).
 */
#ifndef NQ_CUSTOMERS_POOLSWEEP_H
#define NQ_CUSTOMERS_POOLSWEEP_H

#include "customers_app.h"

#define POOLSWEEP_TICK_MS    1000
#define POOLSWEEP_LEASE_MS   60000 /* a taken entry is looked at again after this */
#define POOLSWEEP_TAKE       200   /* most customers looked at per tick */
#define POOLSWEEP_OVERLAP_MS 1000  /* the follow-ups scanned again, for clocks that differ */

typedef struct poolsweep poolsweep_t;

/* Start the timer on the app's loop. NULL when out of memory. */
poolsweep_t *poolsweep_new(customers_t *app);

/* Give customer `id`, without owner in team `team`'s pool, an owner by the
 * team's assignment rule (none: nothing). Logged; no answer. */
void poolsweep_assign(customers_t *app, const char *id, const char *team);

/* Stop the timer (looks in flight finish). NULL-safe. */
void poolsweep_stop(poolsweep_t *ps);

/* Free once the loop ran dry. NULL-safe. */
void poolsweep_free(poolsweep_t *ps);

#endif
