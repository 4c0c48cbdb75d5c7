/* services/customers/migrate.h — team and status histories from the first
 * org layout, once.
 *
 * The first layout kept a salesperson's team_id and status in their profile
 * and a members list in each team. On every connect nq-customers looks at
 * nq:org:layout; until it says NQ_ORG_LAYOUT it gives every salesperson
 * without histories one entry since the start (their team by
 * membership_legacy_team, their status), adds them to their team's set of
 * everyone ever in it, drops the teams' lists and marks the layout — all in
 * one script, so the histories reproduce the first layout's figures ("the
 * team's figures are its members' of all time"). Runs in the background;
 * failures are logged and tried again on the next connect. Once the
 * histories exist, the list indexes are built from the records
 * (ixbuild.h), which read a salesperson's team as the histories left it.
 *
 * Each connect also starts the customers' feedback figures by month
 * (summigrate.h).
 *
 *   nq_redis_on_connected(redis, migrate_on_connected, NULL);
 */
#ifndef NQ_CUSTOMERS_MIGRATE_H
#define NQ_CUSTOMERS_MIGRATE_H

#include "nq/redis.h"

void migrate_on_connected(nq_redis_t *r, void *data);

#endif
