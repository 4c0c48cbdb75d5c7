/* services/customers/orgcall.h — one org request from its arrival to its
 * reply, shared by the customers service's I/O modules: customers.c (the
 * request table and the call's lifecycle), orgcall.c (the steps below),
 * and one module of flows per kind of entity: team.c, salesperson.c,
 * customer.c. Not for other services.
 *
 * A request that needs several Redis steps reads with org_gather (every
 * reply of a step kept until the next step runs), computes with the pure
 * modules (org.h, membership.h), then writes with one Lua script that first
 * checks that what was read is unchanged; when it is not, the script
 * answers "retry" and the flow starts over (org_restart). */
#ifndef NQ_CUSTOMERS_ORGCALL_H
#define NQ_CUSTOMERS_ORGCALL_H

#include <stdbool.h>

#include "customers_app.h"
#include "nq/call.h"
#include "nq/fielderr.h"
#include "nq/orghist.h"
#include "nq/scripts.h"
#include "org.h"
#include "orgix.h"

/* Requests waiting for Redis beyond which new ones are refused (UNAVAILABLE). */
#define ORG_MAX_INFLIGHT 1024
/* Rows of one customer.batch.v1 at most, and the calls waiting for Redis
 * within which a batch is still taken in (its rows all start at once). */
#define ORG_BATCH_MAX_ROWS     500
#define ORG_BATCH_MAX_INFLIGHT 8192
/* Longest Redis key of an entity (ids are at most NQ_ID_MAX bytes). */
#define ORG_KEY_MAX 128
/* How often a write starts over when the org changed under it. */
#define ORG_TRIES 5

typedef struct org_call org_call_t;
typedef void (*org_start_fn)(org_call_t *c);

/* Change a customer's owner (pool.h): a PATCH of owner_id, status,
 * pool_team and owner_reason as `req` gives them (id and customer set),
 * written with `guard` (customer_put.lua: NULL, "claim", "rule", "pool") and its
 * value. From a bus request env answers it; with env NULL the change is the
 * service's own (the pool sweep, an assignment rule): `done` runs with the
 * call (status, stored customer) before it is freed. Returns 0, or -1 when
 * out of memory (nothing started, `done` never runs). customers.c. */
int customers_owner_change(customers_t *app, const nq_bus_envelope_t *env,
                           const Nq__OrgRequest *req, const char *guard, const char *guard_arg,
                           void (*done)(org_call_t *c), void *data);

struct org_call {
    nq_call_t base;           /* must be first */
    customers_t *app;         /* the service */
    const org_kind_t *kind;   /* the kind of entity asked for */
    org_op_t op;              /* what is done with it */
    char id[NQ_ID_MAX + 1];   /* the entity id (valid once org_check passed) */
    Nq__OrgRequest *req;      /* a copy of the request, the call's */
    ProtobufCMessage *stored; /* the entity to answer with */
    org_start_fn start;       /* the flow's first step (org_restart runs it again) */
    int tries;                /* starts so far */
    int64_t now;              /* when the request came (updated_at, the day of changes) */
    char **ids;               /* a flow's salespeople between two steps (sorted, malloc'd) */
    size_t n_ids;             /* how many */
    const char *guard;        /* a write's guard (customer_put.lua), NULL none */
    char guard_arg[24];       /* its value: "pool": the follow-up due time read */
    void (*owner_done)(org_call_t *c); /* an inner owner change: told instead of a reply */
    void *owner_data;                  /* its argument (in c) */
    bool no_readback;                  /* a batch's row: its status is the answer, no read */
};

/* The app's Redis client. */
nq_redis_t *org_redis(const org_call_t *c);

/* A reply kept past its callback: the strings of an array reply, or one
 * string ("" and nil = true for a nil reply; an integer as its digits). */
typedef struct org_kept {
    char **strs; /* n strings, malloc'd */
    size_t n;
    bool nil; /* the reply was nil */
} org_kept_t;

typedef void (*org_gathered_fn)(org_call_t *c, org_kept_t *kept, size_t n);

/* Issue the n commands (argument vectors, freed here), then run `next` with
 * their replies in order once all are back, unless the call failed. */
void org_gather(org_call_t *c, nq_redis_args_t *cmds, size_t n, org_gathered_fn next);

/* The same for one call of script `s` whose keys (the first nkeys) and
 * arguments are `a` (freed here): a flow's write. */
void org_gather_script(org_call_t *c, const nq_script_t *s, size_t nkeys, nq_redis_args_t *a,
                       org_gathered_fn next);

/* Start the flow again (the org changed under it), or fail the call after
 * ORG_TRIES starts. */
void org_restart(org_call_t *c);

/* Fail the call as INVALID with its field errors (the detail names the
 * first). */
void org_fail_invalid(org_call_t *c, const char *what);

/* Replace c->ids with the union of the lists given (each id once, sorted).
 * Returns 0, or -1 (the call failed) when out of memory. */
int org_set_ids(org_call_t *c, char *const *const *lists, const size_t *counts, size_t n_lists);

/* Likewise, but as given: in the lists' order, repeats kept (a page's ids,
 * which a list script answers in its order, each once). */
int org_set_page_ids(org_call_t *c, char *const *const *lists, const size_t *counts,
                     size_t n_lists);

/* "a, b, c" of n ids into buf (cut with "..." when it does not fit). */
void org_join_ids(char *buf, size_t len, const char *const *ids, size_t n);

/* strcmp of two char * behind a and b: for qsort and bsearch of ids. */
int org_by_text(const void *a, const void *b);

/* ---- argument vectors and replies of the histories' reads and writes -------- */

/* Initialise `a` as "<cmd> <key>". */
void org_args_cmd(nq_redis_args_t *a, const char *cmd, const char *key);

/* Initialise `a` as "ZRANGE <key> 0 -1" (a whole history). */
void org_args_zrange(nq_redis_args_t *a, const char *key);

/* A kept history reply parsed into h; on failure the call fails. 0 or -1. */
int org_parse_history(org_call_t *c, const org_kept_t *k, nq_orghist_t *h);

/* Add the stored entries as read, one per line: what a write script
 * compares with what it finds. */
void org_args_add_joined(nq_redis_args_t *a, const org_kept_t *k);

/* Add the entries of h: their count, then each. */
void org_args_add_entries(nq_redis_args_t *a, const nq_orghist_t *h);

/* The value of h's last change (what is in force now), or `none`. */
const char *org_last_value(const nq_orghist_t *h, const char *none);

/* The first string of a script's reply ("ok", "retry", ...). */
const char *org_outcome(const org_kept_t *k);

/* Add the keys of a write's list index moves (orgix.h): rem's, then add's. */
void org_args_add_moves(nq_redis_args_t *a, const orgix_moves_t *m);

/* Add how many keys each of the two lists has. */
void org_args_add_move_counts(nq_redis_args_t *a, const orgix_moves_t *m);

/* Add the customers list's sort indexes, in its table's order, then its
 * index by owner (ORGIX_SORT_KEYS keys: the KEYS of common/lua/lib/sort.lua). */
void org_args_add_sorts(nq_redis_args_t *a);

/* ---- the flows of each kind, one per operation (customers.c's table) ------- */
void team_get(org_call_t *c); /* team.c */
void team_put(org_call_t *c);
void team_delete(org_call_t *c);
void salesperson_get(org_call_t *c); /* salesperson.c */
void salesperson_put(org_call_t *c);
void salesperson_delete(org_call_t *c);
void customer_get(org_call_t *c); /* customer.c */
void customer_put(org_call_t *c);
void customer_delete(org_call_t *c);

/* A salesperson as a get answers them: the profile's n alternating
 * field/value strings and the two histories. A new message the caller frees
 * (protobuf_c_message_free_unpacked), or NULL when out of memory or the
 * profile does not parse. salesperson.c */
ProtobufCMessage *salesperson_entity(const char *id, const char *const *fields, size_t n,
                                     const nq_orghist_t *teams, const nq_orghist_t *status);

/* A customer as a get reads it: its hash, then its owner history (2
 * commands into cmds); and the entity from those replies, a new message the
 * caller frees, or NULL when out of memory or unreadable. customer.c */
void customer_reads(const char *id, nq_redis_args_t cmds[2]);
ProtobufCMessage *customer_entity(const char *id, const org_kept_t *kept);

/* A list request (team.list.v1, salesperson.list.v1, customer.list.v1):
 * answers a page, or INVALID naming the parameters that are wrong. lists.c */
void list_serve(customers_t *app, const nq_bus_envelope_t *env, const Nq__OrgListRequest *req);

#endif
