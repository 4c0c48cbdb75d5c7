/* tests/integration/authz.h — the authorization matrix, generated from a
 * route table (pure).
 *
 * Every route × every caller (no credentials, an expired session, a revoked
 * key, admin, manager, a coordinator, a salesperson, a read key limited to a
 * team) × which record its :id names (one in the caller's scope, one out of
 * it) becomes a case with the answer it must get. The expectation is derived
 * from the route's permission (nq/roles.h) and from what its path names —
 * the segment before ":id" (salespeople, teams, customers) — not from the
 * row's declared subject, so a row that declares no scoping, or a handler
 * that lost it, fails the case "another team's record: 404". A read of
 * activities names its record in the query instead (?salesperson=,
 * ?customer=, ?team=): each is a pair of cases the same way. Lists, boards
 * and batches are checked by their content in test_authz.c.
 *
 *   az_case_t cases[AZ_CASES_MAX];
 *   char err[256];
 *   int n = az_generate(routes, n_routes, cases, AZ_CASES_MAX, err, sizeof(err));
 *   // n < 0: a row without a permission (err names it)
 *   for each case: status = send(case.method, case.path) as case.who;
 *   az_check(&case, status, admin_status_of_the_same_request)  -> false: wrong answer
 */
#ifndef NQ_TESTS_AUTHZ_H
#define NQ_TESTS_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include "router.h"

/* Who asks. */
typedef enum {
    AZ_ANON,     /* no credentials */
    AZ_EXPIRED,  /* a session past its end */
    AZ_REVOKED,  /* a revoked API key */
    AZ_ADMIN,    /* admin user (session) */
    AZ_MANAGER,  /* manager user */
    AZ_COORD,    /* coordinator of team AZ_TEAM_OWN */
    AZ_SALES,    /* salesperson AZ_SP_OWN */
    AZ_TEAM_KEY, /* a read key limited to AZ_TEAM_OWN */
    AZ_WHO_COUNT
} az_who_t;

/* The org the matrix runs against: team AZ_TEAM_OWN holds AZ_SP_OWN (owner of
 * AZ_CUST_OWN) and AZ_SP_MATE (owner of AZ_CUST_MATE); AZ_TEAM_OTHER holds
 * AZ_SP_OTHER (owner of AZ_CUST_OTHER). */
#define AZ_TEAM_OWN   "t-az-own"
#define AZ_TEAM_OTHER "t-az-other"
#define AZ_SP_OWN     "sp-az-own"
#define AZ_SP_MATE    "sp-az-mate"
#define AZ_SP_OTHER   "sp-az-other"
#define AZ_CUST_OWN   "c-az-own"
#define AZ_CUST_MATE  "c-az-mate"
#define AZ_CUST_OTHER "c-az-other"

/* What the answer must be. */
typedef enum {
    AZ_WANT_401,      /* not signed in (with WWW-Authenticate) */
    AZ_WANT_403,      /* the role or key scope does not allow it, or not for team-limited callers */
    AZ_WANT_404,      /* out of the caller's scope: as if it did not exist */
    AZ_WANT_AS_ADMIN, /* what an admin gets for the same request (the handler's answer) */
    AZ_WANT_SKIP, /* not sent: would change state (an in-scope DELETE, signing out) or never end */
} az_want_t;

typedef struct az_case {
    const nq_route_t *route;
    az_who_t who;
    bool in_scope; /* the :id names a record in the caller's scope */
    az_want_t want;
    char path[256]; /* the pattern with its parameters filled in */
} az_case_t;

#define AZ_CASES_MAX 2048

/* The cases of n routes into out (at most max). Returns how many, or -1
 * with err naming the first route that declares no valid permission or that
 * would not fit. */
int az_generate(const nq_route_t *routes, size_t n, az_case_t *out, size_t max, char *err,
                size_t errlen);

/* Is `status` the right answer to c, given what an admin got for the same
 * request (admin_status; any value when c does not need it)? */
bool az_check(const az_case_t *c, int status, int admin_status);

/* "coordinator", ... for messages. */
const char *az_who_name(az_who_t who);

/* The answer wanted, for messages ("404", "as admin (200)"). */
const char *az_want_name(const az_case_t *c, int admin_status, char *buf, size_t len);

#endif
