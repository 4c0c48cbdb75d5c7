/* tests/unit/test_audit.c — audit entries (nq/audit.h): the XADD built, its
 * trimming, subjects of route patterns, and no secret in what is kept. */
#include "nq/audit.h"
#include "nq/keys.h"
#include "nq_test.h"

#include <stdlib.h>
#include <string.h>

/* The value after field `name` in cmd, or NULL. */
static const char *value(const nq_audit_cmd_t *cmd, const char *name)
{
    for (int i = 6; i + 1 < cmd->argc; i += 2)
        if (strcmp(cmd->argv[i], name) == 0)
            return cmd->argv[i + 1];
    return NULL;
}

/* Does any word of cmd hold `text`? */
static bool holds(const nq_audit_cmd_t *cmd, const char *text)
{
    for (int i = 0; i < cmd->argc; i++)
        if (strstr(cmd->argv[i], text))
            return true;
    return false;
}

static void test_build(void)
{
    const char *body = "{\"name\":\"East\",\"coordinators\":[\"li\"]}";
    nq_audit_entry_t e = {.actor = "user:ana",
                          .actor_name = "Ana",
                          .method = "PUT",
                          .path = "/api/v1/teams/t1",
                          .subject = "teams",
                          .subject_id = "t1",
                          .status = 200,
                          .client = "10.0.0.7",
                          .body = body,
                          .body_len = strlen(body)};
    nq_audit_cmd_t cmd;
    int64_t now = 1764300000000;
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &e, now, 400), 0);
    CU_ASSERT_STRING_EQUAL(cmd.argv[0], "XADD");
    CU_ASSERT_STRING_EQUAL(cmd.argv[1], NQ_KEY_AUDIT);
    CU_ASSERT_STRING_EQUAL(cmd.argv[2], "MINID");
    CU_ASSERT_STRING_EQUAL(cmd.argv[3], "~");
    CU_ASSERT_EQUAL(strtoll(cmd.argv[4], NULL, 10), now - 400LL * 86400000);
    CU_ASSERT_STRING_EQUAL(cmd.argv[5], "*");
    CU_ASSERT_EQUAL(cmd.argc % 2, 0);
    for (int i = 0; i < cmd.argc; i++)
        CU_ASSERT_EQUAL(cmd.lens[i], strlen(cmd.argv[i]));
    CU_ASSERT_STRING_EQUAL(value(&cmd, "actor"), "user:ana");
    CU_ASSERT_STRING_EQUAL(value(&cmd, "status"), "200");
    CU_ASSERT_STRING_EQUAL(value(&cmd, "client"), "10.0.0.7");
    CU_ASSERT_STRING_EQUAL(value(&cmd, "subject_id"), "t1");
    CU_ASSERT_STRING_EQUAL(value(&cmd, "at"), "1764300000000");
    CU_ASSERT_EQUAL(strlen(value(&cmd, "body_sha256")), 64);
    CU_ASSERT_EQUAL(strtoull(value(&cmd, "body_len"), NULL, 10), strlen(body));
    CU_ASSERT_STRING_EQUAL(value(&cmd, "after"), body);
    nq_audit_cmd_free(&cmd);
    nq_audit_cmd_free(&cmd); /* twice is safe */

    /* no body: no digest, no document; NULL strings are "" */
    nq_audit_entry_t bare = {.actor = "key:ab12", .method = "POST", .status = 0};
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &bare, now, 1), 0);
    CU_ASSERT_PTR_NULL(value(&cmd, "body_sha256"));
    CU_ASSERT_PTR_NULL(value(&cmd, "after"));
    CU_ASSERT_STRING_EQUAL(value(&cmd, "path"), "");
    CU_ASSERT_STRING_EQUAL(value(&cmd, "status"), "0");
    nq_audit_cmd_free(&cmd);
}

/* Secrets at any depth are redacted; the digest is of the body as sent. */
static void test_no_secret(void)
{
    const char *body = "{\"name\":\"erp\",\"password\":\"hunter2-long\",\"channels\":[{\"url\":"
                       "\"https://x\",\"Secret\":\"wh-s3cret\",\"api_key\":\"nq_abc\"}],"
                       "\"auth\":{\"token\":\"tk-9\",\"Cookie\":\"nq_session=zz\"},"
                       "\"csrf\":\"cs-1\",\"signature\":\"sha256=ff\"}";
    nq_audit_entry_t e = {
        .actor = "user:ana", .method = "PUT", .body = body, .body_len = strlen(body)};
    nq_audit_cmd_t cmd;
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &e, 1, 400), 0);
    const char *secrets[] = {"hunter2-long",  "wh-s3cret", "nq_abc",   "tk-9",
                             "nq_session=zz", "cs-1",      "sha256=ff"};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        CU_ASSERT_FALSE(holds(&cmd, secrets[i]));
    CU_ASSERT(holds(&cmd, "\"name\":\"erp\""));
    CU_ASSERT(holds(&cmd, "\"url\":\"https://x\""));
    CU_ASSERT(holds(&cmd, "\"password\":\"" NQ_AUDIT_REDACTED "\""));
    nq_audit_cmd_free(&cmd);

    /* not JSON, or too large: digest only, nothing of the text */
    char *big = malloc(NQ_AUDIT_DOC_MAX + 64);
    memset(big, ' ', NQ_AUDIT_DOC_MAX + 63);
    memcpy(big, "{\"password\":\"hunter2-long\"}", 27);
    big[NQ_AUDIT_DOC_MAX + 63] = '\0';
    nq_audit_entry_t large = {.body = big, .body_len = strlen(big)};
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &large, 1, 400), 0);
    CU_ASSERT_PTR_NULL(value(&cmd, "after"));
    CU_ASSERT_PTR_NOT_NULL(value(&cmd, "body_sha256"));
    CU_ASSERT_FALSE(holds(&cmd, "hunter2"));
    nq_audit_cmd_free(&cmd);
    free(big);
    nq_audit_entry_t text = {.body = "password=hunter2-long", .body_len = 21};
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &text, 1, 400), 0);
    CU_ASSERT_FALSE(holds(&cmd, "hunter2"));
    nq_audit_cmd_free(&cmd);
}

/* The record before the write: its digest and length, and itself when small
 * JSON (redacted); a large one by digest and length only. */
static void test_before(void)
{
    const char *before = "{\"name\":\"East\",\"webhook_secret\":\"s3cr3t-x\"}";
    const char *body = "{\"name\":\"West\"}";
    nq_audit_entry_t e = {.actor = "user:ana",
                          .method = "PUT",
                          .body = body,
                          .body_len = strlen(body),
                          .before = before,
                          .before_len = strlen(before)};
    nq_audit_cmd_t cmd;
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &e, 1, 400), 0);
    CU_ASSERT_EQUAL(cmd.argc % 2, 0);
    CU_ASSERT_STRING_EQUAL(value(&cmd, "after"), body);
    CU_ASSERT_STRING_EQUAL(value(&cmd, "before"),
                           "{\"name\":\"East\",\"webhook_secret\":\"" NQ_AUDIT_REDACTED "\"}");
    CU_ASSERT_EQUAL(strlen(value(&cmd, "before_sha256")), 64);
    CU_ASSERT_STRING_NOT_EQUAL(value(&cmd, "before_sha256"), value(&cmd, "body_sha256"));
    CU_ASSERT_EQUAL(strtoull(value(&cmd, "before_len"), NULL, 10), strlen(before));
    CU_ASSERT_FALSE(holds(&cmd, "s3cr3t-x"));
    nq_audit_cmd_free(&cmd);

    /* over NQ_AUDIT_DOC_MAX: digest and length only */
    size_t n = NQ_AUDIT_DOC_MAX + 100;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    memcpy(big, "{\"notes\":\"", 10);
    memcpy(big + n - 2, "\"}", 2);
    big[n] = '\0';
    nq_audit_entry_t large = {.actor = "user:ana", .before = big, .before_len = n};
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &large, 1, 400), 0);
    CU_ASSERT_PTR_NULL(value(&cmd, "before"));
    CU_ASSERT_EQUAL(strtoull(value(&cmd, "before_len"), NULL, 10), n);
    CU_ASSERT_EQUAL(strlen(value(&cmd, "before_sha256")), 64);
    CU_ASSERT_PTR_NULL(value(&cmd, "body_sha256")); /* no body */
    nq_audit_cmd_free(&cmd);
    free(big);

    /* a create: nothing before */
    nq_audit_entry_t create = {.actor = "user:ana", .body = body, .body_len = strlen(body)};
    CU_ASSERT_EQUAL_FATAL(nq_audit_cmd_build(&cmd, &create, 1, 400), 0);
    CU_ASSERT_PTR_NULL(value(&cmd, "before"));
    CU_ASSERT_PTR_NULL(value(&cmd, "before_sha256"));
    nq_audit_cmd_free(&cmd);
}

static void test_secret_names(void)
{
    const char *yes[] = {"password",      "Password",  "new_passwd",   "secret",
                         "client_secret", "token",     "access_token", "key",
                         "api_key",       "apiKey",    "cookie",       "Authorization",
                         "csrf",          "signature", "credentials",  "pwhash"};
    const char *no[] = {"name", "teams", "coordinators", "amount", "url", "rules", "id"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        CU_ASSERT(nq_audit_secret_name(yes[i]));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        CU_ASSERT_FALSE(nq_audit_secret_name(no[i]));
}

static void test_subject(void)
{
    char buf[NQ_AUDIT_SUBJECT];
    nq_audit_subject("/api/v1/teams/:id", buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "teams");
    nq_audit_subject("/api/v1/teams/:id/scorecard", buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "teams.scorecard");
    nq_audit_subject("/api/v1/targets/teams/:id/:period/:key/split", buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "targets.teams.split");
    nq_audit_subject("/api/v1/admin/rebuild", buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "admin.rebuild");
    nq_audit_subject("/metrics", buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "metrics");
    char small[8];
    nq_audit_subject("/api/v1/teams/:id/commission-plan", small, sizeof(small));
    CU_ASSERT_STRING_EQUAL(small, "teams");
}

static CU_TestInfo tests[] = {
    {"the XADD of an entry, trimmed by MINID", test_build},
    {"no secret in an entry", test_no_secret},
    {"the record before the write", test_before},
    {"which names hold secrets", test_secret_names},
    {"subjects of route patterns", test_subject},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"audit", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
