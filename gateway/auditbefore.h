/* gateway/auditbefore.h — the record a write changes, as it was before the
 * write, for the audit log's "before" (pure).
 *
 * A table by route pattern says where each audited write's record is
 * stored: a hash (a team, a salesperson's profile, a customer, targets), a
 * member of a per-team hash of JSON documents (alert rules, settings) or
 * the newest version of a plan. The door (door.c) reads it before the
 * handler runs, so what it reads is the state the write started from.
 * Writes without a row (rebuilds, alert actions, splits, cadences) carry no
 * "before".
 *
 *   audit_read_t rd;
 *   if (audit_before_read(&rd, route->pattern, params))
 *       redis(rd.argc, rd.argv, rd.lens) -> char *doc = audit_before_text(&rd, reply);
 */
#ifndef NQ_GATEWAY_AUDITBEFORE_H
#define NQ_GATEWAY_AUDITBEFORE_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "router.h"

/* One read command (argv points into this struct). */
typedef struct audit_read {
    int argc;
    const char *argv[4];
    size_t lens[4];
    bool hash;                      /* HGETALL: the reply is field/value pairs */
    char key[192];                  /* the record's key */
    char field[NQ_ROUTE_PARAM_LEN]; /* HGET: the field */
} audit_read_t;

/* The read of the record a write to `pattern` with `params` changes. True
 * when built; false when the route has no row or its parameters name no
 * record (an unknown period: the handler refuses the write). */
bool audit_before_read(audit_read_t *rd, const char *pattern, const nq_route_params_t *params);

/* The record in `reply` as JSON text (a hash as an object of its fields),
 * malloc'd; NULL when nothing was stored (nil, an empty hash or range) or
 * out of memory. */
char *audit_before_text(const audit_read_t *rd, const redisReply *reply);

#endif
