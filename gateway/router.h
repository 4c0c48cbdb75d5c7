/* gateway/router.h — HTTP route table.
 *
 * A route is a row {method, pattern, permission, handler, arg}. The
 * permission (nq/roles.h) is what the gateway checks before the handler runs:
 * NQ_OPEN, NQ_READ(KPI), NQ_WRITE(ORG)...; a row without one does not compile
 * (the handler would land in it) or fails tests/unit/test_route_perms.c. The handler is the
 * gateway's (it gets the request, whose route field is the matched row); arg
 * is what the row tells its handler, so one handler can serve several rows
 * (which entity kind, which subject, ...) without looking at the pattern
 * again. A pattern is a path whose
 * segments are literal or a parameter ":name" that matches one non-empty
 * segment. nq_route_find picks the first row whose pattern matches; it tells
 * apart "no such path" (404) from "path exists, method not allowed" (405).
 *
 * Matching is exact and segment by segment: methods compare case-sensitively,
 * a trailing slash is a segment of its own ("/a/" does not match "/a"), and an
 * empty segment ("/a//b") never matches a parameter. The router does no I/O
 * and no allocation; the table is the caller's and must outlive the params.
 *
 *   static const nq_route_t routes[] = {
 *       {"GET", "/api/v1/salespeople/:id/kpis", NQ_READ(KPI), get_kpis, NULL, GW_SUBJ_SALESPERSON},
 *       {"GET", "/api/v1/teams/:id", NQ_READ(ORG), get_entity, &team_kind, GW_SUBJ_TEAM},
 *   };
 *   nq_route_params_t params;
 *   const nq_route_t *r = nq_route_find(routes, 2, "GET", path, &params, &status);
 *   const char *id = nq_route_param(&params, "id");
 *   r->handler(&req);   // which reads r->arg
 */
#ifndef NQ_GATEWAY_ROUTER_H
#define NQ_GATEWAY_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "nq/roles.h"

#define NQ_ROUTE_MAX_PARAMS 4
#define NQ_ROUTE_PARAM_LEN  128

typedef struct nq_route_params {
    size_t n;                               /* parameters captured */
    const char *names[NQ_ROUTE_MAX_PARAMS]; /* into the pattern after ':', ends at '/' or NUL */
    char values[NQ_ROUTE_MAX_PARAMS][NQ_ROUTE_PARAM_LEN]; /* copied segment text */
} nq_route_params_t;

/* What a route's :id names, for team scoping (scope.h, scope_check.c): the
 * scope stage between the door and the handler asks the matching question
 * and answers 404 when the caller may not see the subject. 0 is "not
 * declared": a row without one fails tests/unit/test_route_perms.c. */
typedef enum {
    GW_SUBJ_UNSET = 0,   /* never valid */
    GW_SUBJ_NONE,        /* no team's data: health, sign-in, /metrics, admin-only routes */
    GW_SUBJ_SALESPERSON, /* :id is a salesperson (their current team) */
    GW_SUBJ_TEAM,        /* :id is a team */
    GW_SUBJ_CUSTOMER,    /* :id is a customer (its owner's current team) */
    GW_SUBJ_COMPANY, /* company-wide totals: read by anyone allowed, written by every-team callers */
    GW_SUBJ_FILTERED, /* a list, stream or batch: the handler keeps only what the caller sees */
    GW_SUBJ_RECORD,   /* :id is a record the handler checks once fetched (an alert: 404) */
    GW_SUBJ_BOARD, /* ?scope=team:<id> as a team (404); every board cut to the caller (boardscope.h) */
    GW_SUBJ_EVERY_TEAM, /* not scoped by team yet: only callers who reach every team (403 others) */
    GW_SUBJ_QUERY,      /* ?customer, ?salesperson or ?team names the subject, checked as its :id */
    GW_SUBJ_QUERY_CUSTOMER, /* ?customer alone names the subject (the route takes no other) */
    GW_SUBJ_COUNT
} gw_subject_t;

/* A route's handler; gw_request (gateway.h) is what the gateway hands it. */
struct gw_request;
typedef void (*gw_handler_fn)(const struct gw_request *req);

typedef struct nq_route {
    const char *method;    /* "GET", "PUT", "POST", ... */
    const char *pattern;   /* "/api/v1/teams/:id" */
    nq_perm_t perm;        /* what a caller must be allowed (checked before the handler) */
    gw_handler_fn handler; /* the gateway's handler; the router does not call it */
    const void *arg;       /* the row's argument for its handler, or NULL */
    uint8_t subject;       /* gw_subject_t: what the row's :id names */
} nq_route_t;

/* Find the route for method + path. On a match returns it and fills params.
 * Otherwise returns NULL, sets params->n to 0 and *status to 404 (no pattern
 * matches the path) or 405 (a pattern matches but not with this method). A
 * segment longer than NQ_ROUTE_PARAM_LEN-1 never matches a parameter, and a
 * pattern with more than NQ_ROUTE_MAX_PARAMS parameters never matches. params
 * and status may be NULL. */
const nq_route_t *nq_route_find(const nq_route_t *routes, size_t n, const char *method,
                                const char *path, nq_route_params_t *params, int *status);

/* How docs/api.md names a gw_subject_t ("salesperson", "every team"). */
const char *gw_subject_name(int subject);

/* The value captured for `name`, or NULL. */
const char *nq_route_param(const nq_route_params_t *params, const char *name);

#endif
