/* tests/unit/test_router.c — route matching: literals, parameters, 404 vs 405, row arguments. */
#include "nq_test.h"
#include "router.h"

#include <string.h>

/* Stand-ins for handlers: the router only hands the row back. */
#define STAND_IN(name)                                                                             \
    static void name(const struct gw_request *req)                                                 \
    {                                                                                              \
    }
STAND_IN(h_root)
STAND_IN(h_list)
STAND_IN(h_top)
STAND_IN(h_get)
STAND_IN(h_put)
STAND_IN(h_kpis)
STAND_IN(h_member)
STAND_IN(h_five)

/* Row arguments: one handler, told apart by its rows. */
static const char kind_team[] = "team", kind_person[] = "salesperson";

static const nq_route_t routes[] = {
    {"GET", "/", NQ_READ(ORG), h_root, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/teams", NQ_READ(ORG), h_list, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/teams/top", NQ_READ(ORG), h_top, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/teams/:id", NQ_READ(ORG), h_get, kind_team, GW_SUBJ_TEAM},
    {"PUT", "/api/v1/teams/:id", NQ_WRITE(ORG), h_put, kind_team, GW_SUBJ_TEAM},
    {"GET", "/api/v1/salespeople/:id/kpis", NQ_READ(ORG), h_kpis, NULL, GW_SUBJ_NONE},
    {"GET", "/api/v1/salespeople/:id", NQ_READ(ORG), h_get, kind_person, GW_SUBJ_SALESPERSON},
    {"PUT", "/api/v1/salespeople/:id", NQ_WRITE(ORG), h_put, kind_person, GW_SUBJ_SALESPERSON},
    {"GET", "/api/v1/teams/:team/members/:member", NQ_READ(ORG), h_member, NULL, GW_SUBJ_NONE},
    {"GET", "/five/:a/:b/:c/:d/:e", NQ_READ(ORG), h_five, NULL, GW_SUBJ_NONE},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* The handler found for method + path, or NULL with *status set. */
static gw_handler_fn find(const char *method, const char *path, nq_route_params_t *params,
                          int *status)
{
    const nq_route_t *r = nq_route_find(routes, N_ROUTES, method, path, params, status);
    return r ? r->handler : NULL;
}

/* The status of a lookup that must fail. */
static int miss(const char *method, const char *path)
{
    nq_route_params_t params;
    int status = 0;
    gw_handler_fn h = find(method, path, &params, &status);

    CU_ASSERT(h == NULL);
    CU_ASSERT_EQUAL(params.n, 0);
    return status;
}

static void test_literals(void)
{
    nq_route_params_t params;
    int status = 0;

    CU_ASSERT(find("GET", "/", &params, &status) == h_root);
    CU_ASSERT_EQUAL(params.n, 0);
    CU_ASSERT(find("GET", "/api/v1/teams", &params, &status) == h_list);
    CU_ASSERT_EQUAL(params.n, 0);
    CU_ASSERT_EQUAL(status, 0); /* untouched on a match */
    /* The first matching row wins: the literal sits before the parameter. */
    CU_ASSERT(find("GET", "/api/v1/teams/top", &params, &status) == h_top);
}

static void test_params(void)
{
    nq_route_params_t params;

    CU_ASSERT(find("GET", "/api/v1/teams/42", &params, NULL) == h_get);
    CU_ASSERT_EQUAL(params.n, 1);
    CU_ASSERT_STRING_EQUAL(nq_route_param(&params, "id"), "42");
    CU_ASSERT(find("PUT", "/api/v1/teams/42", &params, NULL) == h_put);
    CU_ASSERT(find("GET", "/api/v1/salespeople/s-7/kpis", &params, NULL) == h_kpis);
    CU_ASSERT_STRING_EQUAL(nq_route_param(&params, "id"), "s-7");

    CU_ASSERT(find("GET", "/api/v1/teams/north/members/ana", &params, NULL) == h_member);
    CU_ASSERT_EQUAL(params.n, 2);
    CU_ASSERT_STRING_EQUAL(nq_route_param(&params, "team"), "north");
    CU_ASSERT_STRING_EQUAL(nq_route_param(&params, "member"), "ana");
    CU_ASSERT_PTR_NULL(nq_route_param(&params, "id"));
    CU_ASSERT_PTR_NULL(nq_route_param(&params, "tea"));     /* a prefix is not the name */
    CU_ASSERT_PTR_NULL(nq_route_param(&params, "members")); /* nor is the next segment */

    /* params may be NULL when the caller needs none. */
    CU_ASSERT(find("GET", "/api/v1/teams/42", NULL, NULL) == h_get);
}

static void test_not_found_vs_not_allowed(void)
{
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/nope"), 404);
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/teams/42/extra"), 404);
    CU_ASSERT_EQUAL(miss("GET", "/api"), 404);
    CU_ASSERT_EQUAL(miss("GET", "api/v1/teams"), 404); /* not absolute */
    CU_ASSERT_EQUAL(miss("GET", ""), 404);
    CU_ASSERT_EQUAL(miss("DELETE", "/api/v1/teams/42"), 405);
    CU_ASSERT_EQUAL(miss("POST", "/api/v1/teams"), 405);
    CU_ASSERT_EQUAL(miss("get", "/api/v1/teams"), 405); /* methods are case-sensitive */
    CU_ASSERT_EQUAL(miss("POST", "/"), 405);
    CU_ASSERT_EQUAL(nq_route_find(routes, 0, "GET", "/", NULL, NULL), NULL);
}

/* Documented: "/a/" does not match "/a"; a trailing slash is an empty segment. */
static void test_trailing_slash(void)
{
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/teams/"), 404);
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/teams/42/"), 404);
    CU_ASSERT_EQUAL(miss("PUT", "/api/v1/teams/42/"), 404);
    CU_ASSERT_EQUAL(miss("GET", "//"), 404);
}

static void test_empty_segment(void)
{
    CU_ASSERT_EQUAL(miss("GET", "/api/v1//teams"), 404);
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/salespeople//kpis"), 404);
    CU_ASSERT_EQUAL(miss("GET", "/api/v1/teams/north/members/"), 404);
}

static void test_long_segment(void)
{
    char path[64 + NQ_ROUTE_PARAM_LEN];
    nq_route_params_t params;
    size_t prefix = strlen("/api/v1/teams/");

    /* The longest value that fits: NQ_ROUTE_PARAM_LEN - 1 bytes. */
    memcpy(path, "/api/v1/teams/", prefix);
    memset(path + prefix, 'x', NQ_ROUTE_PARAM_LEN - 1);
    path[prefix + NQ_ROUTE_PARAM_LEN - 1] = '\0';
    CU_ASSERT(find("GET", path, &params, NULL) == h_get);
    CU_ASSERT_EQUAL(strlen(nq_route_param(&params, "id")), NQ_ROUTE_PARAM_LEN - 1);

    /* One more byte never matches a parameter. */
    path[prefix + NQ_ROUTE_PARAM_LEN - 1] = 'x';
    path[prefix + NQ_ROUTE_PARAM_LEN] = '\0';
    CU_ASSERT_EQUAL(miss("GET", path), 404);
}

/* A pattern with more parameters than NQ_ROUTE_MAX_PARAMS never matches. */
static void test_too_many_params(void)
{
    CU_ASSERT_EQUAL(miss("GET", "/five/1/2/3/4/5"), 404);
}

/* The matched row carries its argument: one handler serves several rows and
 * tells them apart by it, without matching the pattern again. */
static void test_row_argument(void)
{
    static const struct {
        const char *method, *path;
        gw_handler_fn handler;
        const void *arg;
    } cases[] = {
        {"GET", "/api/v1/teams/42", h_get, kind_team},
        {"PUT", "/api/v1/teams/42", h_put, kind_team},
        {"GET", "/api/v1/salespeople/s-7", h_get, kind_person},
        {"PUT", "/api/v1/salespeople/s-7", h_put, kind_person},
        {"GET", "/api/v1/salespeople/s-7/kpis", h_kpis, NULL},
        {"GET", "/", h_root, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nq_route_params_t params;
        const nq_route_t *r =
            nq_route_find(routes, N_ROUTES, cases[i].method, cases[i].path, &params, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT(r->handler == cases[i].handler);
        CU_ASSERT_PTR_EQUAL(r->arg, cases[i].arg);
    }
}

static CU_TestInfo router_tests[] = {
    {"literal paths", test_literals},
    {"parameters", test_params},
    {"404 versus 405", test_not_found_vs_not_allowed},
    {"trailing slash is its own segment", test_trailing_slash},
    {"empty segment", test_empty_segment},
    {"too-long segment", test_long_segment},
    {"too many parameters", test_too_many_params},
    {"a row's argument comes with it", test_row_argument},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"router", NULL, NULL, NULL, NULL, router_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
