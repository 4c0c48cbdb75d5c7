/* gateway/scope.h — team scoping: which teams, salespeople and customers a
 * caller may see (pure).
 *
 * A caller's scope comes from their role's reach (nq/roles.h) and their
 * teams: every team (admin, manager, a key without teams), the teams they
 * coordinate (coordinator, a key limited to teams), or only themselves (a
 * salesperson). The questions are answered from org data the caller of
 * these functions fetched: a salesperson's current team, a customer's
 * owner and that owner's current team. Something out of scope is answered
 * 404 like something that does not exist (scope_check.c), never 403.
 *
 *   gw_scope_t s;
 *   gw_scope_of(&s, who);                     // from the principal
 *   if (!gw_scope_sees_salesperson(&s, "sp-1", team_of_sp_1)) -> 404
 *
 * Every route row says what its :id names (gw_subject_t, router.h), so the
 * scope stage knows which question to ask before the handler runs.
 */
#ifndef NQ_GATEWAY_SCOPE_H
#define NQ_GATEWAY_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "authcache.h"
#include "nq/fielderr.h"

#define SCOPE_TEAMS_MAX 32 /* teams of one caller kept (more are ignored: narrower, never wider) */

typedef struct gw_scope {
    nq_reach_t reach;                           /* how far the caller reaches */
    size_t n;                                   /* NQ_REACH_TEAMS: teams */
    char teams[SCOPE_TEAMS_MAX][NQ_ID_MAX + 1]; /* NQ_REACH_TEAMS: their ids */
    char self[NQ_ID_MAX + 1];                   /* NQ_REACH_SELF: the salesperson id */
} gw_scope_t;

/* The scope of principal p (NULL, an open route: every team). A user role
 * reaching teams with no teams, or a salesperson user with no salesperson,
 * sees nothing. */
void gw_scope_of(gw_scope_t *s, const gw_principal_t *p);

/* From the parts (for tests): the role's reach, whether a key, the
 * comma-separated teams, the salesperson id. */
void gw_scope_make(gw_scope_t *s, nq_reach_t reach, bool is_key, const char *teams,
                   const char *salesperson);

/* Does the scope reach every team? */
bool gw_scope_all(const gw_scope_t *s);

/* May the caller see team `team`? */
bool gw_scope_sees_team(const gw_scope_t *s, const char *team);

/* May the caller see salesperson `sp`, whose current team is `team` ("" or
 * NULL: none or unknown)? */
bool gw_scope_sees_salesperson(const gw_scope_t *s, const char *sp, const char *team);

/* May the caller see a customer owned by `owner` ("" or NULL: the pool)
 * whose current team is `owner_team`? The pool is for every-team callers. */
bool gw_scope_sees_customer(const gw_scope_t *s, const char *owner, const char *owner_team);

/* May the caller see a customer without owner in the public pool of team
 * `pool_team` ("" or NULL: none)? Every-team callers, a coordinator of
 * that team, a salesperson whose current team (`self_team`) it is. */
bool gw_scope_sees_pool(const gw_scope_t *s, const char *pool_team, const char *self_team);

/* May the caller see an alert raised for salesperson `sp` of team `team`
 * (its team when raised)? */
bool gw_scope_sees_alert(const gw_scope_t *s, const char *team, const char *sp);

/* May the caller see the people of the whole company (boards, lists
 * without a filter)? Only every-team callers; others see company totals. */
bool gw_scope_sees_company_people(const gw_scope_t *s);

#endif
