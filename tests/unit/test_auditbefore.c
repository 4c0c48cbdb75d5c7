/* tests/unit/test_auditbefore.c — where the record a write changes is read
 * for the audit log's "before" (gateway/auditbefore.h), and how a reply
 * becomes its JSON. */
#include <stdlib.h>
#include <string.h>

#include "auditbefore.h"
#include "nq/keys.h"
#include "nq_test.h"

static nq_route_params_t params(const char *const *names, const char *const *values, size_t n)
{
    nq_route_params_t p = {0};
    p.n = n;
    for (size_t i = 0; i < n; i++) {
        p.names[i] = names[i];
        strcpy(p.values[i], values[i]);
    }
    return p;
}

static void test_reads(void)
{
    audit_read_t rd;
    nq_route_params_t p = params((const char *[]){"id"}, (const char *[]){"t-east"}, 1);
    CU_ASSERT(audit_before_read(&rd, "/api/v1/teams/:id", &p));
    CU_ASSERT_EQUAL(rd.argc, 2);
    CU_ASSERT_STRING_EQUAL(rd.argv[0], "HGETALL");
    CU_ASSERT_STRING_EQUAL(rd.argv[1], "nq:team:t-east");
    CU_ASSERT(rd.hash);
    nq_route_params_t user = params((const char *[]){"id"}, (const char *[]){"u-li"}, 1);
    CU_ASSERT(audit_before_read(&rd, "/api/v1/users/:id", &user));
    CU_ASSERT_STRING_EQUAL(rd.argv[0], "HGETALL");
    CU_ASSERT_STRING_EQUAL(rd.argv[1], "nq:user:u-li");
    CU_ASSERT(audit_before_read(&rd, "/api/v1/teams/:id/settings", &p));
    CU_ASSERT_STRING_EQUAL(rd.argv[0], "HGET");
    CU_ASSERT_STRING_EQUAL(rd.argv[1], NQ_KEY_TEAM_SETTINGS);
    CU_ASSERT_STRING_EQUAL(rd.argv[2], "t-east");
    CU_ASSERT(audit_before_read(&rd, "/api/v1/teams/:id/scorecard", &p));
    CU_ASSERT_STRING_EQUAL(rd.argv[0], "ZREVRANGE");
    CU_ASSERT_EQUAL(rd.argc, 4);
    CU_ASSERT_FALSE(rd.hash);
    for (int i = 0; i < rd.argc; i++)
        CU_ASSERT_EQUAL(rd.lens[i], strlen(rd.argv[i]));
    nq_route_params_t t = params((const char *[]){"id", "period", "key"},
                                 (const char *[]){"sp-1", "month", "2026-11"}, 3);
    CU_ASSERT(audit_before_read(&rd, "/api/v1/targets/salespeople/:id/:period/:key", &t));
    CU_ASSERT_STRING_EQUAL(rd.argv[1], "nq:{sp:sp-1}:target:2026-11");
    nq_route_params_t bad = params((const char *[]){"id", "period", "key"},
                                   (const char *[]){"sp-1", "fortnight", "2026-11"}, 3);
    CU_ASSERT_FALSE(audit_before_read(&rd, "/api/v1/targets/salespeople/:id/:period/:key", &bad));
    /* writes without a record of their own */
    CU_ASSERT_FALSE(audit_before_read(&rd, "/api/v1/admin/rebuild", &p));
    CU_ASSERT_FALSE(audit_before_read(&rd, "/api/v1/alerts/:id/:action", &p));
}

static void test_text(void)
{
    audit_read_t hash = {.hash = true}, last = {.hash = false};
    redisReply f = {.type = REDIS_REPLY_STRING, .str = "name", .len = 4};
    redisReply v = {.type = REDIS_REPLY_STRING, .str = "东区", .len = strlen("东区")};
    redisReply *pair[] = {&f, &v};
    redisReply arr = {.type = REDIS_REPLY_ARRAY, .elements = 2, .element = pair};
    char *text = audit_before_text(&hash, &arr);
    CU_ASSERT_STRING_EQUAL(text, "{\"name\":\"东区\"}");
    free(text);
    redisReply doc = {.type = REDIS_REPLY_STRING, .str = "{\"items\":[]}", .len = 12};
    redisReply *one[] = {&doc};
    redisReply newest = {.type = REDIS_REPLY_ARRAY, .elements = 1, .element = one};
    text = audit_before_text(&last, &newest);
    CU_ASSERT_STRING_EQUAL(text, "{\"items\":[]}");
    free(text);
    text = audit_before_text(&last, &doc); /* HGET */
    CU_ASSERT_STRING_EQUAL(text, "{\"items\":[]}");
    free(text);
    /* nothing stored */
    redisReply nil = {.type = REDIS_REPLY_NIL};
    redisReply empty = {.type = REDIS_REPLY_ARRAY, .elements = 0};
    CU_ASSERT_PTR_NULL(audit_before_text(&last, &nil));
    CU_ASSERT_PTR_NULL(audit_before_text(&hash, &empty));
    CU_ASSERT_PTR_NULL(audit_before_text(&hash, NULL));
}

static CU_TestInfo tests[] = {
    {"the read of each write's record", test_reads},
    {"replies as JSON", test_text},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"audit before", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
