/* services/customers/ixbuild.h — the org lists' indexes built from the
 * records that are already stored, once.
 *
 * Writes keep the list indexes (orgix.h) with their records; what was
 * stored before they did has none. After the first-layout upgrade
 * (migrate.h) nq-customers looks at nq:ix:layout; until it says
 * NQ_INDEX_LAYOUT it reads every team, salesperson (archived ones too) and
 * customer of the directory sets and puts each in the indexes of its values
 * now, a chunk of records per script call (common/lua/ix_build.lua). The
 * script compares the fields it was given with those stored and leaves a
 * record that changed since it was read alone: the write that changed it
 * moved it in its indexes itself. Then it sets the mark. Runs in the
 * background; failures are logged and tried again on the next connect, and
 * lists are complete once it logged "list_indexes".
 *
 *   ixbuild_start(redis, false);   // from migrate.c, once the histories exist
 */
#ifndef NQ_CUSTOMERS_IXBUILD_H
#define NQ_CUSTOMERS_IXBUILD_H

#include <stdbool.h>

#include "nq/redis.h"

/* Records put in their indexes per script call. */
#define IXBUILD_CHUNK 200

/* Build the indexes unless the mark says they are built; with `again`,
 * whatever it says (the first-layout upgrade just wrote histories and
 * profiles that no index has). */
void ixbuild_start(nq_redis_t *r, bool again);

#endif
