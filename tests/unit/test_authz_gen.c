/* tests/unit/test_authz_gen.c — the authorization matrix generator
 * (tests/integration/authz.h) catches what it is for: a route without a
 * permission, and a handler that lost its team scoping. Fed fake route
 * tables and a fake gateway that answers by the same rules as the real one
 * (door: 401/403; scope stage: 404 for a record out of scope), with one
 * switch to serve one route unscoped. */
#include <string.h>

#include "authz.h"
#include "nq_test.h"
#include "scope.h"

static void h(const struct gw_request *req)
{
    (void)req;
}

/* The fake org: each salesperson's team, each customer's owner. */
static const char *team_of(const char *sp)
{
    if (strcmp(sp, AZ_SP_OWN) == 0 || strcmp(sp, AZ_SP_MATE) == 0)
        return AZ_TEAM_OWN;
    return strcmp(sp, AZ_SP_OTHER) == 0 ? AZ_TEAM_OTHER : NULL;
}

static const char *owner_of(const char *cust)
{
    if (strcmp(cust, AZ_CUST_OWN) == 0)
        return AZ_SP_OWN;
    return strcmp(cust, AZ_CUST_MATE) == 0 ? AZ_SP_MATE : AZ_SP_OTHER;
}

static void scope_of(az_who_t who, gw_scope_t *s)
{
    switch (who) {
    case AZ_COORD:
        gw_scope_make(s, NQ_REACH_TEAMS, false, AZ_TEAM_OWN, "");
        break;
    case AZ_SALES:
        gw_scope_make(s, NQ_REACH_SELF, false, "", AZ_SP_OWN);
        break;
    case AZ_TEAM_KEY:
        gw_scope_make(s, NQ_REACH_ALL, true, AZ_TEAM_OWN, "");
        break;
    default:
        gw_scope_make(s, NQ_REACH_ALL, false, "", "");
    }
}

/* The id after the segment `seg` of path ("" when absent). */
static const char *id_after(const char *path, const char *seg, char *buf, size_t len)
{
    const char *p = strstr(path, seg);
    buf[0] = '\0';
    if (p)
        snprintf(buf, len, "%.*s", (int)strcspn(p + strlen(seg), "/"), p + strlen(seg));
    return buf;
}

/* What the fake gateway answers; `unscoped` is served without its check. */
static int fake_gateway(const az_case_t *c, const nq_route_t *unscoped)
{
    const nq_route_t *r = c->route;
    static const char *const roles[AZ_WHO_COUNT] = {[AZ_ADMIN] = "admin",
                                                    [AZ_MANAGER] = "manager",
                                                    [AZ_COORD] = "coordinator",
                                                    [AZ_SALES] = "salesperson"};
    if (r->perm.action == NQ_ACT_OPEN)
        return 200;
    const nq_role_t *role = c->who == AZ_TEAM_KEY ? nq_scope_find("read")
                            : roles[c->who]       ? nq_role_find(roles[c->who])
                                                  : NULL;
    if (!role)
        return 401;
    if (!nq_role_allows(role, r->perm))
        return 403;
    gw_scope_t s;
    scope_of(c->who, &s);
    char id[64];
    if (r == unscoped || gw_scope_all(&s))
        return 200;
    int subject = r->subject;
    if (subject == GW_SUBJ_QUERY) /* as the scope stage: the query's record as the :id */
        subject = strstr(c->path, "?customer=")      ? GW_SUBJ_CUSTOMER
                  : strstr(c->path, "?salesperson=") ? GW_SUBJ_SALESPERSON
                  : strstr(c->path, "?team=")        ? GW_SUBJ_TEAM
                                                     : GW_SUBJ_NONE;
    switch (subject) {
    case GW_SUBJ_EVERY_TEAM:
        return 403;
    case GW_SUBJ_COMPANY:
        return r->perm.action == NQ_ACT_WRITE ? 403 : 200;
    case GW_SUBJ_TEAM:
        return gw_scope_sees_team(&s, id_after(c->path, "/teams/", id, sizeof(id))) ||
                       gw_scope_sees_team(&s, id_after(c->path, "?team=", id, sizeof(id)))
                   ? 200
                   : 404;
    case GW_SUBJ_SALESPERSON:
        if (!*id_after(c->path, "/salespeople/", id, sizeof(id)))
            id_after(c->path, "?salesperson=", id, sizeof(id));
        return gw_scope_sees_salesperson(&s, id, team_of(id)) ? 200 : 404;
    case GW_SUBJ_CUSTOMER: {
        if (!*id_after(c->path, "/customers/", id, sizeof(id)))
            id_after(c->path, "?customer=", id, sizeof(id));
        const char *owner = owner_of(id);
        return gw_scope_sees_customer(&s, owner, team_of(owner)) ? 200 : 404;
    }
    default:
        return 200;
    }
}

static const nq_route_t fake[] = {
    {"GET", "/livez", NQ_OPEN, h, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/salespeople/:id/kpis", NQ_READ(KPI), h, NULL, GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/teams/:id", NQ_READ(ORG), h, NULL, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id", NQ_WRITE(ORG), h, NULL, GW_SUBJ_TEAM},
    {"DELETE", "/api/v1/customers/:id", NQ_WRITE(ORG), h, NULL, GW_SUBJ_CUSTOMER},
    {"GET", "/api/v1/customers/:id", NQ_READ(ORG), h, NULL, GW_SUBJ_CUSTOMER},
    {"GET", "/api/v1/kpis/company", NQ_READ(KPI), h, NULL, GW_SUBJ_COMPANY},
    {"PUT", "/api/v1/targets/company/:period/:key", NQ_WRITE(TARGET), h, NULL, GW_SUBJ_COMPANY},
    {"GET", "/api/v1/alerts", NQ_READ(ALERT), h, NULL, GW_SUBJ_EVERY_TEAM},
    {"GET", "/api/v1/activities", NQ_READ(ACTIVITY), h, NULL, GW_SUBJ_QUERY},
    {"POST", "/api/v1/auth/logout", NQ_WRITE(SELF), h, NULL, GW_SUBJ_NONE},
};
#define N_FAKE (sizeof(fake) / sizeof(fake[0]))

static az_case_t s_cases[AZ_CASES_MAX];

/* Cases answered wrongly by the fake gateway serving `unscoped` without its check. */
static int wrong_answers(const nq_route_t *routes, size_t n, const nq_route_t *unscoped)
{
    char err[128];
    int k = az_generate(routes, n, s_cases, AZ_CASES_MAX, err, sizeof(err));
    CU_ASSERT_FATAL(k > 0);
    int wrong = 0;
    for (int i = 0; i < k; i++) {
        az_case_t probe = s_cases[i];
        probe.who = AZ_ADMIN;
        wrong +=
            !az_check(&s_cases[i], fake_gateway(&s_cases[i], unscoped), fake_gateway(&probe, NULL));
    }
    return wrong;
}

static void test_scoped_table_passes(void)
{
    CU_ASSERT_EQUAL(wrong_answers(fake, N_FAKE, NULL), 0);
}

/* Each by-id route served unscoped fails its out-of-scope cases; so do a
 * company-wide write and a route closed to team-limited callers opened to
 * them. A route about no team's data is answered alike either way. */
static void test_unscoped_handler_fails(void)
{
    for (size_t i = 0; i < N_FAKE; i++) {
        bool by_id = strstr(fake[i].pattern, "/:id") != NULL ||
                     fake[i].subject == GW_SUBJ_QUERY; /* by the query's id */
        bool closed = fake[i].subject == GW_SUBJ_EVERY_TEAM ||
                      (fake[i].subject == GW_SUBJ_COMPANY && fake[i].perm.action == NQ_ACT_WRITE);
        int wrong = wrong_answers(fake, N_FAKE, &fake[i]);
        if (by_id || closed)
            CU_ASSERT(wrong > 0);
        if (fake[i].subject == GW_SUBJ_NONE)
            CU_ASSERT_EQUAL(wrong, 0);
    }
}

/* A row that declares itself unscoped (GW_SUBJ_NONE on a salesperson's
 * record) still gets the "another team's record: 404" cases: the
 * expectation comes from the path, not from the row's claim. */
static void test_declared_none_fails(void)
{
    nq_route_t rows[] = {
        {"GET", "/api/v1/scores/salespeople/:id", NQ_READ(KPI), h, NULL, GW_SUBJ_NONE},
        {"GET", "/api/v1/activities", NQ_READ(ACTIVITY), h, NULL, GW_SUBJ_NONE},
    };
    CU_ASSERT(wrong_answers(rows, 1, NULL) > 0);
    CU_ASSERT(wrong_answers(rows + 1, 1, NULL) > 0); /* its query names the record */
}

/* A row without a permission stops the generator, naming it. */
static void test_undeclared_permission(void)
{
    nq_route_t rows[] = {
        {"GET", "/api/v1/teams", NQ_READ(ORG), h, NULL, GW_SUBJ_FILTERED},
        {"GET", "/api/v1/new", {0, 0}, h, NULL, GW_SUBJ_NONE},
    };
    char err[128] = "";
    CU_ASSERT_EQUAL(az_generate(rows, 2, s_cases, AZ_CASES_MAX, err, sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "GET /api/v1/new"));
}

/* Every caller meets every route; a by-id route in and out of scope. */
static void test_shape(void)
{
    char err[128];
    int k = az_generate(fake, N_FAKE, s_cases, AZ_CASES_MAX, err, sizeof(err));
    int by_id = 0, by_query = 0;
    for (size_t i = 0; i < N_FAKE; i++) {
        by_id += strstr(fake[i].pattern, "/:id") != NULL;
        by_query += fake[i].subject == GW_SUBJ_QUERY;
    }
    /* a by-id route twice; a by-query one twice for each of its 3 parameters */
    CU_ASSERT_EQUAL(k, AZ_WHO_COUNT * ((int)N_FAKE + by_id + 5 * by_query));
    /* no credentials: 401 but on open routes; the coordinator's other team: 404 */
    for (int i = 0; i < k; i++) {
        const az_case_t *c = &s_cases[i];
        if (c->who == AZ_ANON && c->route->perm.action != NQ_ACT_OPEN)
            CU_ASSERT_EQUAL(c->want, AZ_WANT_401);
        if (c->who == AZ_COORD && !c->in_scope && strstr(c->path, AZ_SP_OTHER))
            CU_ASSERT_EQUAL(c->want, AZ_WANT_404);
        if (c->who == AZ_SALES && strstr(c->path, AZ_SP_MATE) &&
            strcmp(c->route->method, "GET") == 0 &&
            c->route->perm.kind != NQ_KIND_ACTIVITY) /* a salesperson reads no activities: 403 */
            CU_ASSERT_EQUAL(c->want, AZ_WANT_404);
        if (c->who == AZ_COORD && !c->in_scope && strstr(c->path, "?salesperson=" AZ_SP_OTHER))
            CU_ASSERT_EQUAL(c->want, AZ_WANT_404);
    }
}

static CU_TestInfo tests[] = {
    {"a scoped table passes", test_scoped_table_passes},
    {"an unscoped handler fails", test_unscoped_handler_fails},
    {"a row declaring no scope fails", test_declared_none_fails},
    {"a route without a permission is refused", test_undeclared_permission},
    {"every caller meets every route", test_shape},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"authz matrix generator", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
