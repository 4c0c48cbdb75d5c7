/* tests/unit/test_route_perms.c — every route of the gateway declares its
 * permission, and docs/api.md's table of permissions is the route table.
 *
 * Reads the real table (gateway_routes(), every handler module's rows): a
 * row added without a permission, or with one that is not well formed, fails
 * here; so does a row missing from the docs or documented with another
 * permission. */
#include "gateway.h"
#include "nq_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The only routes anyone may call without credentials. */
static const char *const open_routes[] = {"GET /livez", "GET /readyz", "POST /api/v1/auth/login"};

static void test_every_route_declares(void)
{
    size_t n = 0;
    const nq_route_t *routes = gateway_routes(&n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(routes);
    CU_ASSERT(n > 30);
    for (size_t i = 0; i < n; i++) {
        char name[160], perm[48];
        snprintf(name, sizeof(name), "%s %s", routes[i].method, routes[i].pattern);
        nq_perm_name(routes[i].perm, perm, sizeof(perm));
        if (!nq_perm_valid(routes[i].perm))
            fprintf(stderr, "\n%s: no permission declared\n", name);
        CU_ASSERT(nq_perm_valid(routes[i].perm));
        /* a GET never writes */
        if (strcmp(routes[i].method, "GET") == 0 && routes[i].perm.action == NQ_ACT_WRITE)
            fprintf(stderr, "\n%s: a GET declared as %s\n", name, perm);
        CU_ASSERT(strcmp(routes[i].method, "GET") != 0 || routes[i].perm.action != NQ_ACT_WRITE);
        bool listed = false;
        for (size_t k = 0; k < sizeof(open_routes) / sizeof(open_routes[0]); k++)
            listed |= strcmp(open_routes[k], name) == 0;
        if (listed != (routes[i].perm.action == NQ_ACT_OPEN))
            fprintf(stderr, "\n%s: %s, but the open routes are /livez, /readyz, auth/login\n", name,
                    perm);
        CU_ASSERT_EQUAL(listed, routes[i].perm.action == NQ_ACT_OPEN);
        /* and says what its :id names, for team scoping */
        bool subject_ok = routes[i].subject > GW_SUBJ_UNSET && routes[i].subject < GW_SUBJ_COUNT;
        if (!subject_ok)
            fprintf(stderr, "\n%s: no subject declared (gw_subject_t)\n", name);
        CU_ASSERT(subject_ok);
        /* a row naming a record by :id says which kind, or is for every-team callers only */
        bool by_id = strstr(routes[i].pattern, "/:id") != NULL;
        bool none = routes[i].subject == GW_SUBJ_NONE || routes[i].subject == GW_SUBJ_COMPANY;
        if (by_id && none)
            fprintf(stderr, "\n%s: names a record by :id but declares no team subject\n", name);
        CU_ASSERT_FALSE(by_id && none);
    }
}

/* A row of a malformed table is caught the same way. */
static void test_undeclared_is_caught(void)
{
    nq_route_t row = {"GET", "/x", {0, 0}, NULL, NULL, GW_SUBJ_UNSET};
    CU_ASSERT_FALSE(nq_perm_valid(row.perm));
    nq_route_t designated = {.method = "GET", .pattern = "/x"};
    CU_ASSERT_FALSE(nq_perm_valid(designated.perm));
}

/* docs/api.md has "| `METHOD /pattern` | permission | scope |" for every route. */
static void test_docs_table(void)
{
    FILE *f = fopen(NQ_DOCS_DIR "/api.md", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    size_t n = 0;
    const nq_route_t *routes = gateway_routes(&n);
    for (size_t i = 0; routes && i < n; i++) {
        char row[256], perm[48];
        snprintf(row, sizeof(row), "| `%s %s` | %s | %s |", routes[i].method, routes[i].pattern,
                 nq_perm_name(routes[i].perm, perm, sizeof(perm)),
                 gw_subject_name(routes[i].subject));
        if (!strstr(text, row))
            fprintf(stderr, "\ndocs/api.md lacks the row: %s\n", row);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, row));
    }
}

static CU_TestInfo tests[] = {
    {"every route declares a permission", test_every_route_declares},
    {"an undeclared permission is caught", test_undeclared_is_caught},
    {"docs/api.md lists every route's permission", test_docs_table},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"route permissions", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
