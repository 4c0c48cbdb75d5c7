/* test_acl_grants.c — nq/redis_acl.h: what each service's Redis user may
 * read and write (the cases of tests/integration/acl_cases.h, which
 * test_redis_acl.c puts to a real Redis), and the ACL file's lines: one per
 * user, every back-end user limited to its families, none with all of nq:*
 * writable. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_cases.h"
#include "nq/keys.h"
#include "nq/redis_acl.h"
#include "nq_test.h"

static const char *const s_users[] = {"nq-gateway",   "nq-ingest",   "nq-scoring",
                                      "nq-customers", "nq-alerting", "nq-reporting"};
#define N_USERS (sizeof(s_users) / sizeof(s_users[0]))

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof(acl_cases) / sizeof(acl_cases[0]); i++) {
        bool w = nq_redis_acl_may(acl_cases[i].user, acl_cases[i].key, true);
        bool r = nq_redis_acl_may(acl_cases[i].user, acl_cases[i].key, false);
        if (w != acl_cases[i].write || r != acl_cases[i].read)
            fprintf(stderr, "%s %s: write %d read %d\n", acl_cases[i].user, acl_cases[i].key, w, r);
        CU_ASSERT_EQUAL(w, acl_cases[i].write);
        CU_ASSERT_EQUAL(r, acl_cases[i].read);
    }
}

static void test_every_user(void)
{
    for (size_t i = 0; i < N_USERS; i++) {
        CU_ASSERT_STRING_EQUAL(nq_redis_acl_user_of(s_users[i]), s_users[i]);
        CU_ASSERT_TRUE(nq_redis_acl_may(s_users[i], NQ_KEY_HEARTBEATS, true));
        /* Nothing outside the suite's namespace, and no back-end service
         * reads a password hash, an API key or a session. */
        CU_ASSERT_FALSE(nq_redis_acl_may(s_users[i], "other:key", false));
        bool gw = strcmp(s_users[i], "nq-gateway") == 0;
        CU_ASSERT_EQUAL(nq_redis_acl_may(s_users[i], NQ_KEY_USER_PREFIX "u1", false), gw);
        CU_ASSERT_EQUAL(nq_redis_acl_may(s_users[i], NQ_KEY_APIKEY_PREFIX "00ff", false), gw);
        CU_ASSERT_EQUAL(nq_redis_acl_may(s_users[i], NQ_KEY_AUDIT, true), gw);
    }
    CU_ASSERT_PTR_NULL(nq_redis_acl_user_of("nq-other"));
    CU_ASSERT_PTR_NULL(nq_redis_acl_user_of(NULL));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-other", NQ_KEY_HEARTBEATS, false));
    CU_ASSERT_FALSE(nq_redis_acl_may(NULL, NQ_KEY_HEARTBEATS, false));
}

/* The written keys of the real key functions, each by the service that owns it. */
static void test_key_functions(void)
{
    nq_period_t day = {0};
    snprintf(day.key, sizeof(day.key), "d:20260105");
    char k[256];
    nq_key_kpi(k, sizeof(k), "sp-1", &day);
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-scoring", k, true));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-customers", k, true));
    char shadow[300];
    nq_key_shadow(shadow, sizeof(shadow), "7", k);
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-scoring", shadow, true));
    nq_key_due(k, sizeof(k), "sp-1", &day);
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-scoring", k, true));
    nq_key_sp_teams(k, sizeof(k), "sp-1");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-customers", k, true));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-scoring", k, true));
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-reporting", k, false));
    nq_key_customer_owners(k, sizeof(k), "c-1");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-customers", k, true));
    nq_key_index(k, sizeof(k), NQ_IX_SALESPEOPLE, "team", "");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-customers", k, true));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-alerting", k, true));
    nq_key_target(k, sizeof(k), NQ_SUBJECT_COMPANY, NULL, &day);
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-reporting", k, true));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-scoring", k, true));
    nq_key_plans(k, sizeof(k), "t-1", "commission");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-reporting", k, true));
    nq_key_alert(k, sizeof(k), "1767225600000-00112233445566ff");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-alerting", k, true));
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-gateway", k, true));
    nq_key_dlv_dead(k, sizeof(k), "t-1");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-alerting", k, true));
    CU_ASSERT_FALSE(nq_redis_acl_may("nq-reporting", k, true));
    nq_key_dedupe_bucket(k, sizeof(k), 1767225600);
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-ingest", k, true));
    nq_key_scoring_unchecked(k, sizeof(k), "nq-scoring/nq-scoring-1");
    CU_ASSERT_TRUE(nq_redis_acl_may("nq-scoring", k, true));
}

static void test_file_lines(void)
{
    char *text = NULL, err[200];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(nq_redis_acl_write(f, NULL, err, sizeof(err)), 0);
    fclose(f);
    size_t lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        char user[64] = "";
        CU_ASSERT_EQUAL_FATAL(sscanf(line, "user %63s", user), 1);
        if (strcmp(user, NQ_REDIS_ACL_ADMIN) == 0) {
            CU_ASSERT_PTR_NOT_NULL(strstr(line, " ~* "));
            continue;
        }
        CU_ASSERT_PTR_NOT_NULL(nq_redis_acl_user_of(user));
        CU_ASSERT_PTR_NOT_NULL(strstr(line, " resetkeys "));
        CU_ASSERT_PTR_NOT_NULL(strstr(line, " %RW~" NQ_KEY_HEARTBEATS " "));
        CU_ASSERT_PTR_NOT_NULL(strstr(line, " -@admin -@dangerous"));
        CU_ASSERT_PTR_NULL(strstr(line, "%RW~nq:* "));
        CU_ASSERT_PTR_NULL(strstr(line, " ~"));
        /* Only the gateway reads every family. */
        CU_ASSERT_EQUAL(strstr(line, " %R~nq:* ") != NULL, strcmp(user, "nq-gateway") == 0);
    }
    CU_ASSERT_EQUAL(lines, N_USERS + 1);
    free(text);
}

static CU_TestInfo tests[] = {
    {"each service's cases: may write, may read", test_cases},
    {"every user: heartbeat, no secrets but the gateway's", test_every_user},
    {"keys of the key functions, by their owners", test_key_functions},
    {"the ACL file: one line per user, limited", test_file_lines},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"acl_grants", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
