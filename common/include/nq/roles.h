/* nq/roles.h — who may do what: permissions, roles and API key scopes.
 *
 * A permission is an action (read or write) on a kind of subject (KPIs, the
 * org, targets, ...), or "open" (no credentials needed: /livez, /readyz, the
 * sign-in). Every route of the gateway declares one (gateway/router.h).
 *
 * A user has one role, an API key one scope; both are rows of one table type
 * {name, what it may do}, so adding a role is adding a row:
 *
 *   const nq_role_t *r = nq_role_find("coordinator");
 *   if (r && nq_role_allows(r, NQ_PERM_WRITE(NQ_KIND_TARGET))) ...
 *
 * Each row also says how far it reaches (nq_reach_t): every team, the
 * caller's teams, or only the caller's own salesperson; the gateway's scope
 * module (gateway/scope.h) answers "may this caller see that" from it.
 * Everything here is pure.
 */
#ifndef NQ_ROLES_H
#define NQ_ROLES_H

#include <stdbool.h>
#include <stdint.h>

/* What a request does to its subject. 0 is "not declared": a route with it
 * fails tests/unit/test_route_perms.c. */
typedef enum {
    NQ_ACT_UNSET = 0, /* never valid */
    NQ_ACT_OPEN,      /* anyone, no credentials */
    NQ_ACT_READ,      /* look */
    NQ_ACT_WRITE,     /* change (or start work, as a rebuild) */
} nq_action_t;

/* The kinds of subject a permission is about. */
typedef enum {
    NQ_KIND_NONE = 0, /* with NQ_ACT_OPEN */
    NQ_KIND_ACTIVITY, /* activity events and feeds */
    NQ_KIND_KPI,      /* KPIs, scores, leaderboards, reports */
    NQ_KIND_ORG,      /* teams, salespeople, customers */
    NQ_KIND_TARGET,   /* targets and their splits */
    NQ_KIND_PLAN,     /* scorecards and commission plans */
    NQ_KIND_ALERT,    /* alerts and their stream */
    NQ_KIND_SYSTEM,   /* rebuilds, settings */
    NQ_KIND_METRICS,  /* /metrics */
    NQ_KIND_ACCESS,   /* users and API keys */
    NQ_KIND_SELF,     /* one's own session: who am I, sign out */
    NQ_KIND_RULES,    /* alert rules and other per-team settings */
    NQ_KIND_AUDIT,    /* the audit log of writes */
    NQ_KIND_POOL,     /* the public pool: claiming a customer (services/customers/pool.h) */
    NQ_KIND_COUNT
} nq_kind_t;

typedef struct nq_perm {
    uint8_t action; /* nq_action_t */
    uint8_t kind;   /* nq_kind_t */
} nq_perm_t;

#define NQ_PERM_OPEN        ((nq_perm_t){NQ_ACT_OPEN, NQ_KIND_NONE})
#define NQ_PERM_READ(kind)  ((nq_perm_t){NQ_ACT_READ, (kind)})
#define NQ_PERM_WRITE(kind) ((nq_perm_t){NQ_ACT_WRITE, (kind)})
/* The same as constant initializers (inside a static table). */
#define NQ_OPEN                                                                                    \
    {                                                                                              \
        NQ_ACT_OPEN, NQ_KIND_NONE                                                                  \
    }
#define NQ_READ(k)                                                                                 \
    {                                                                                              \
        NQ_ACT_READ, NQ_KIND_##k                                                                   \
    }
#define NQ_WRITE(k)                                                                                \
    {                                                                                              \
        NQ_ACT_WRITE, NQ_KIND_##k                                                                  \
    }

/* The bit of a read or write permission in a role's mask. */
#define NQ_BIT_READ(kind)  (UINT32_C(1) << (2 * (kind)))
#define NQ_BIT_WRITE(kind) (UINT32_C(1) << (2 * (kind) + 1))

/* How far a role reaches. A key of any scope reaches every team unless it
 * is limited to some (then NQ_REACH_TEAMS with its teams). */
typedef enum {
    NQ_REACH_ALL = 0, /* every team (admin, manager, keys without teams) */
    NQ_REACH_TEAMS,   /* the teams the user coordinates (their teams list) */
    NQ_REACH_SELF,    /* only the salesperson the user is */
} nq_reach_t;

/* A role of users, or a scope of API keys. */
typedef struct nq_role {
    const char *name;  /* "admin", "ingest", ... */
    uint32_t allows;   /* NQ_BIT_READ / NQ_BIT_WRITE of what it may do */
    const char *about; /* one line for docs and nqctl help */
    uint8_t reach;     /* nq_reach_t */
} nq_role_t;

/* The role (users) or scope (keys) named `name`, or NULL. */
const nq_role_t *nq_role_find(const char *name);
const nq_role_t *nq_scope_find(const char *name);

/* The tables themselves, for listings and tests. */
const nq_role_t *nq_roles(int *n);
const nq_role_t *nq_scopes(int *n);

/* Is `perm` well formed (declared, an open permission has no kind, a kind
 * has a read or write action)? */
bool nq_perm_valid(nq_perm_t perm);

/* May `role` do `perm`? Open permissions are allowed to everyone (even a
 * NULL role); an invalid permission to no one. */
bool nq_role_allows(const nq_role_t *role, nq_perm_t perm);

/* "read kpi", "write org", "open": how docs and errors name a permission,
 * written into buf (len bytes). Returns buf. */
const char *nq_perm_name(nq_perm_t perm, char *buf, int len);

/* The kind's name ("kpi"), or "?". */
const char *nq_kind_name(nq_kind_t kind);

#endif
