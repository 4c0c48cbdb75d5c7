/* tests/unit/test_access.c — roles and scopes, tokens and how they travel
 * (Bearer, cookies), user / key / session records, the gateway's credential
 * cache. */
#include "authcache.h"
#include "nq/access.h"
#include "nq/roles.h"
#include "nq/token.h"
#include "nq_test.h"
#include "reply_fake.h"

#include <stdio.h>
#include <string.h>

/* ---- roles ---------------------------------------------------------------- */

static bool role_may(const char *role, nq_perm_t perm)
{
    return nq_role_allows(nq_role_find(role), perm);
}

static bool scope_may(const char *scope, nq_perm_t perm)
{
    return nq_role_allows(nq_scope_find(scope), perm);
}

static void test_roles_table(void)
{
    int n = 0;
    const nq_role_t *roles = nq_roles(&n);
    CU_ASSERT_EQUAL(n, 4);
    const char *want[] = {"admin", "manager", "coordinator", "salesperson"};
    for (int i = 0; i < n && i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(roles[i].name, want[i]);
        CU_ASSERT(nq_role_find(want[i]) == &roles[i]);
        /* every role may see and end its own session */
        CU_ASSERT(nq_role_allows(&roles[i], NQ_PERM_READ(NQ_KIND_SELF)));
        CU_ASSERT(nq_role_allows(&roles[i], NQ_PERM_WRITE(NQ_KIND_SELF)));
    }
    CU_ASSERT_PTR_NULL(nq_role_find("root"));
    CU_ASSERT_PTR_NULL(nq_role_find(NULL));
    CU_ASSERT_PTR_NULL(nq_role_find("ingest")); /* a scope, not a role */
}

static void test_what_roles_may(void)
{
    for (int k = NQ_KIND_ACTIVITY; k < NQ_KIND_COUNT; k++) {
        CU_ASSERT(role_may("admin", NQ_PERM_READ(k)));
        CU_ASSERT(role_may("admin", NQ_PERM_WRITE(k)));
    }
    /* users and keys, rebuilds, metrics: admins only */
    const char *others[] = {"manager", "coordinator", "salesperson"};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_FALSE(role_may(others[i], NQ_PERM_READ(NQ_KIND_ACCESS)));
        CU_ASSERT_FALSE(role_may(others[i], NQ_PERM_WRITE(NQ_KIND_ACCESS)));
        CU_ASSERT_FALSE(role_may(others[i], NQ_PERM_WRITE(NQ_KIND_SYSTEM)));
        CU_ASSERT_FALSE(role_may(others[i], NQ_PERM_READ(NQ_KIND_METRICS)));
        CU_ASSERT(role_may(others[i], NQ_PERM_READ(NQ_KIND_KPI)));
    }
    CU_ASSERT(role_may("manager", NQ_PERM_WRITE(NQ_KIND_PLAN)));
    CU_ASSERT_FALSE(role_may("coordinator", NQ_PERM_WRITE(NQ_KIND_PLAN)));
    CU_ASSERT(role_may("coordinator", NQ_PERM_WRITE(NQ_KIND_TARGET)));
    CU_ASSERT(role_may("coordinator", NQ_PERM_WRITE(NQ_KIND_ORG)));
    CU_ASSERT_FALSE(role_may("salesperson", NQ_PERM_WRITE(NQ_KIND_TARGET)));
    CU_ASSERT_FALSE(role_may("salesperson", NQ_PERM_WRITE(NQ_KIND_ORG)));
    CU_ASSERT(role_may("salesperson", NQ_PERM_WRITE(NQ_KIND_ACTIVITY)));
}

static void test_scopes(void)
{
    int n = 0;
    nq_scopes(&n);
    CU_ASSERT_EQUAL(n, 3);
    /* ingest: POST activities and feeds only */
    CU_ASSERT(scope_may("ingest", NQ_PERM_WRITE(NQ_KIND_ACTIVITY)));
    for (int k = NQ_KIND_ACTIVITY; k < NQ_KIND_COUNT; k++) {
        if (k != NQ_KIND_SELF)
            CU_ASSERT_FALSE(scope_may("ingest", NQ_PERM_READ(k)));
        if (k != NQ_KIND_ACTIVITY)
            CU_ASSERT_FALSE(scope_may("ingest", NQ_PERM_WRITE(k)));
        /* read: every read but users and keys and the audit log, no write */
        CU_ASSERT_FALSE(scope_may("read", NQ_PERM_WRITE(k)));
        CU_ASSERT_EQUAL(scope_may("read", NQ_PERM_READ(k)),
                        k != NQ_KIND_ACCESS && k != NQ_KIND_AUDIT);
        CU_ASSERT(scope_may("admin", NQ_PERM_WRITE(k)));
    }
}

static void test_perms(void)
{
    char buf[48];
    CU_ASSERT(nq_perm_valid(NQ_PERM_OPEN));
    CU_ASSERT(nq_perm_valid(NQ_PERM_READ(NQ_KIND_KPI)));
    CU_ASSERT_FALSE(nq_perm_valid((nq_perm_t){0, 0}));
    CU_ASSERT_FALSE(nq_perm_valid((nq_perm_t){NQ_ACT_READ, NQ_KIND_NONE}));
    CU_ASSERT_FALSE(nq_perm_valid((nq_perm_t){NQ_ACT_OPEN, NQ_KIND_KPI}));
    CU_ASSERT_FALSE(nq_perm_valid((nq_perm_t){NQ_ACT_WRITE, NQ_KIND_COUNT}));
    CU_ASSERT_FALSE(nq_perm_valid((nq_perm_t){9, NQ_KIND_KPI}));
    /* open is everyone's, even without a role; undeclared is no one's */
    CU_ASSERT(nq_role_allows(NULL, NQ_PERM_OPEN));
    CU_ASSERT_FALSE(nq_role_allows(NULL, NQ_PERM_READ(NQ_KIND_KPI)));
    CU_ASSERT_FALSE(nq_role_allows(nq_role_find("admin"), (nq_perm_t){0, 0}));
    CU_ASSERT_STRING_EQUAL(nq_perm_name(NQ_PERM_READ(NQ_KIND_KPI), buf, sizeof(buf)), "read kpi");
    CU_ASSERT_STRING_EQUAL(nq_perm_name(NQ_PERM_WRITE(NQ_KIND_ORG), buf, sizeof(buf)), "write org");
    CU_ASSERT_STRING_EQUAL(nq_perm_name(NQ_PERM_OPEN, buf, sizeof(buf)), "open");
    CU_ASSERT_STRING_EQUAL(nq_perm_name((nq_perm_t){0, 0}, buf, sizeof(buf)), "undeclared");
}

/* ---- tokens ---------------------------------------------------------------- */

static void test_key_format(void)
{
    char key[NQ_APIKEY_LEN + 1], other[NQ_APIKEY_LEN + 1];
    nq_apikey_new(key);
    nq_apikey_new(other);
    CU_ASSERT_EQUAL(strlen(key), NQ_APIKEY_LEN);
    CU_ASSERT_EQUAL(strncmp(key, "nq_", 3), 0);
    CU_ASSERT_EQUAL(
        strspn(key + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        NQ_TOKEN_LEN);
    CU_ASSERT(nq_apikey_well_formed(key, strlen(key)));
    CU_ASSERT(strcmp(key, other) != 0);
    /* wrong prefix, length, alphabet, padding */
    CU_ASSERT_FALSE(nq_apikey_well_formed(key + 3, NQ_TOKEN_LEN));
    CU_ASSERT_FALSE(nq_apikey_well_formed(key, NQ_APIKEY_LEN - 1));
    char bad[NQ_APIKEY_LEN + 2];
    memcpy(bad, key, sizeof(key));
    bad[10] = '+';
    CU_ASSERT_FALSE(nq_apikey_well_formed(bad, NQ_APIKEY_LEN));
    memcpy(bad, key, sizeof(key));
    bad[0] = 'N';
    CU_ASSERT_FALSE(nq_apikey_well_formed(bad, NQ_APIKEY_LEN));
    memcpy(bad, key, sizeof(key));
    strcat(bad, "=");
    CU_ASSERT_FALSE(nq_apikey_well_formed(bad, strlen(bad)));
    /* 43 characters encode 258 bits: the last one must leave the extra two zero */
    memcpy(bad, key, sizeof(key));
    bad[NQ_APIKEY_LEN - 1] = '_';
    CU_ASSERT_FALSE(nq_apikey_well_formed(bad, NQ_APIKEY_LEN));
}

static void test_hash(void)
{
    char h[NQ_TOKEN_HASH_HEX + 1];
    nq_token_hash("abc", 3, h);
    CU_ASSERT_STRING_EQUAL(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_bearer(void)
{
    const char *cred = NULL;
    CU_ASSERT_EQUAL(nq_bearer("Bearer nq_abc", &cred), 6);
    CU_ASSERT_EQUAL(strncmp(cred, "nq_abc", 6), 0);
    CU_ASSERT_EQUAL(nq_bearer("bearer   xyz", &cred), 3);
    CU_ASSERT_EQUAL(nq_bearer("Basic dXNlcjpwYXNz", &cred), -1);
    CU_ASSERT_EQUAL(nq_bearer("Bearer", &cred), -1);
    CU_ASSERT_EQUAL(nq_bearer("Bearer ", &cred), -1);
    CU_ASSERT_EQUAL(nq_bearer("Bearer a b", &cred), -1);
    CU_ASSERT_EQUAL(nq_bearer(NULL, &cred), -1);
}

static void test_cookies(void)
{
    char v[64];
    CU_ASSERT_EQUAL(nq_cookie_get("nq_session=abc", "nq_session", v, sizeof(v)), 3);
    CU_ASSERT_STRING_EQUAL(v, "abc");
    CU_ASSERT_EQUAL(nq_cookie_get("a=1; nq_session=xyz ; b=2", "nq_session", v, sizeof(v)), 3);
    CU_ASSERT_STRING_EQUAL(v, "xyz");
    CU_ASSERT_EQUAL(nq_cookie_get("x_nq_session=1; nq_session=2", "nq_session", v, sizeof(v)), 1);
    CU_ASSERT_STRING_EQUAL(v, "2");
    CU_ASSERT_EQUAL(nq_cookie_get("nq_session=first;nq_session=second", "nq_session", v, sizeof(v)),
                    5);
    CU_ASSERT_EQUAL(nq_cookie_get("nq_sessionx=1", "nq_session", v, sizeof(v)), -1);
    CU_ASSERT_EQUAL(nq_cookie_get("nq_session=", "nq_session", v, sizeof(v)), -1);
    CU_ASSERT_EQUAL(nq_cookie_get("nq_session", "nq_session", v, sizeof(v)), -1);
    CU_ASSERT_EQUAL(nq_cookie_get("", "nq_session", v, sizeof(v)), -1);
    CU_ASSERT_EQUAL(nq_cookie_get("nq_session=0123456789", "nq_session", v, 5), -1);
}

static void test_csrf_compare(void)
{
    char a[NQ_TOKEN_LEN + 1], b[NQ_TOKEN_LEN + 1];
    nq_token_new(a);
    memcpy(b, a, sizeof(a));
    CU_ASSERT(nq_token_equal(a, b));
    b[5] ^= 1;
    CU_ASSERT_FALSE(nq_token_equal(a, b));
    CU_ASSERT_FALSE(nq_token_equal(a, ""));
    CU_ASSERT_FALSE(nq_token_equal("", a));
}

/* ---- records ------------------------------------------------------------------ */

static void test_user_record(void)
{
    redisReply f[8] = {fake_string("role"),   fake_string("coordinator"),
                       fake_string("teams"),  fake_string("t-east,t-west"),
                       fake_string("status"), fake_string("disabled"),
                       fake_string("future"), fake_string("ignored")};
    redisReply *items[8];
    for (int i = 0; i < 8; i++)
        items[i] = &f[i];
    redisReply arr = fake_array(items, 8);
    nq_user_t u;
    CU_ASSERT_EQUAL(nq_user_from_reply(&u, "li", &arr), 0);
    CU_ASSERT_STRING_EQUAL(u.id, "li");
    CU_ASSERT_STRING_EQUAL(u.role, "coordinator");
    CU_ASSERT(nq_teams_has(u.teams, "t-west"));
    CU_ASSERT_FALSE(nq_teams_has(u.teams, "t-we"));
    CU_ASSERT(u.disabled);
    redisReply empty = fake_array(NULL, 0);
    CU_ASSERT_EQUAL(nq_user_from_reply(&u, "li", &empty), NQ_ACCESS_ENOENT);
    redisReply odd = fake_array(items, 3);
    CU_ASSERT_EQUAL(nq_user_from_reply(&u, "li", &odd), NQ_ACCESS_EINVAL);
    char big[300];
    memset(big, 'r', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    f[1] = fake_string(big); /* a role longer than the field */
    CU_ASSERT_EQUAL(nq_user_from_reply(&u, "li", &arr), NQ_ACCESS_EINVAL);
}

static void test_session_record(void)
{
    redisReply f[4] = {fake_string("user"), fake_string("li"), fake_string("expires"),
                       fake_string("1800000000000")};
    redisReply *items[4] = {&f[0], &f[1], &f[2], &f[3]};
    redisReply arr = fake_array(items, 4);
    nq_session_t s;
    CU_ASSERT_EQUAL(nq_session_from_reply(&s, &arr), 0);
    CU_ASSERT_STRING_EQUAL(s.user, "li");
    CU_ASSERT_EQUAL(s.expires, 1800000000000LL);
}

static void test_teams_and_passwords(void)
{
    const char *why = NULL;
    CU_ASSERT(nq_teams_valid("", &why));
    CU_ASSERT(nq_teams_valid("t-1,t-2", &why));
    CU_ASSERT_FALSE(nq_teams_valid("t-1,,t-2", &why));
    CU_ASSERT_FALSE(nq_teams_valid("t 1", &why));
    CU_ASSERT_FALSE(nq_teams_valid("t-1,", &why));
    CU_ASSERT_FALSE(nq_teams_valid(",t-1", &why));
    char many[40 * 4];
    many[0] = '\0';
    for (int i = 0; i < 33; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%st%d", i ? "," : "", i);
    CU_ASSERT_FALSE(nq_teams_valid(many, &why));
    CU_ASSERT(nq_password_valid("long enough", &why));
    CU_ASSERT_FALSE(nq_password_valid("short", &why));
    CU_ASSERT_FALSE(nq_password_valid("bad \xff\xfe bytes", &why));
    char longpw[NQ_PASSWORD_MAX + 2];
    memset(longpw, 'p', sizeof(longpw) - 1);
    longpw[sizeof(longpw) - 1] = '\0';
    CU_ASSERT_FALSE(nq_password_valid(longpw, &why));
}

/* ---- the gateway's cache ------------------------------------------------------- */

static gw_principal_t principal(const char *token, bool is_key)
{
    gw_principal_t p = {0};
    nq_token_hash(token, strlen(token), p.hash);
    p.is_key = is_key;
    p.role = is_key ? nq_scope_find("ingest") : nq_role_find("salesperson");
    snprintf(p.id, sizeof(p.id), "%s", token);
    return p;
}

static void count_used(const gw_principal_t *p, void *data)
{
    (*(int *)data)++;
}

static void test_cache(void)
{
    auth_cache_t *ac = auth_cache_new(3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ac);
    gw_principal_t a = principal("a", true), b = principal("b", false);
    CU_ASSERT_PTR_NULL(auth_cache_get(ac, a.hash));
    CU_ASSERT_EQUAL(auth_cache_put(ac, &a), 0);
    CU_ASSERT_EQUAL(auth_cache_put(ac, &b), 0);
    gw_principal_t *got = auth_cache_get(ac, a.hash);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got->id, "a");
    CU_ASSERT_EQUAL(auth_cache_size(ac), 2);
    /* replacing keeps one entry */
    CU_ASSERT_EQUAL(auth_cache_put(ac, &a), 0);
    CU_ASSERT_EQUAL(auth_cache_size(ac), 2);
    /* used keys are taken once */
    int used = 0;
    auth_cache_get(ac, a.hash)->used = true;
    auth_cache_take_used(ac, count_used, &used);
    auth_cache_take_used(ac, count_used, &used);
    CU_ASSERT_EQUAL(used, 1);
    /* full: the next new entry starts over */
    gw_principal_t c = principal("c", true), d = principal("d", true);
    auth_cache_put(ac, &c);
    CU_ASSERT_EQUAL(auth_cache_size(ac), 3);
    auth_cache_put(ac, &d);
    CU_ASSERT_EQUAL(auth_cache_size(ac), 1);
    CU_ASSERT_PTR_NOT_NULL(auth_cache_get(ac, d.hash));
    CU_ASSERT_PTR_NULL(auth_cache_get(ac, a.hash));
    auth_cache_clear(ac);
    CU_ASSERT_EQUAL(auth_cache_size(ac), 0);
    CU_ASSERT_PTR_NULL(auth_cache_get(ac, d.hash));
    /* not a hash: never kept, never found */
    gw_principal_t bad = a;
    snprintf(bad.hash, sizeof(bad.hash), "xyz");
    CU_ASSERT_EQUAL(auth_cache_put(ac, &bad), -1);
    CU_ASSERT_PTR_NULL(auth_cache_get(ac, "xyz"));
    auth_cache_free(ac);
}

/* Many entries, colliding slots included: each found again. */
static void test_cache_many(void)
{
    auth_cache_t *ac = auth_cache_new(500);
    char tok[16];
    for (int i = 0; i < 500; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        gw_principal_t p = principal(tok, true);
        CU_ASSERT_EQUAL(auth_cache_put(ac, &p), 0);
    }
    int found = 0;
    for (int i = 0; i < 500; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        gw_principal_t p = principal(tok, true);
        gw_principal_t *got = auth_cache_get(ac, p.hash);
        found += got && strcmp(got->id, tok) == 0;
    }
    CU_ASSERT_EQUAL(found, 500);
    auth_cache_free(ac);
}

static CU_TestInfo role_tests[] = {
    {"the roles table", test_roles_table},
    {"what each role may do", test_what_roles_may},
    {"API key scopes", test_scopes},
    {"permissions", test_perms},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo token_tests[] = {
    {"API key format", test_key_format},       {"SHA-256 of a token", test_hash},
    {"Authorization: Bearer", test_bearer},    {"Cookie header", test_cookies},
    {"CSRF token compare", test_csrf_compare}, CU_TEST_INFO_NULL,
};

static CU_TestInfo record_tests[] = {
    {"user record", test_user_record},
    {"session record", test_session_record},
    {"teams and passwords", test_teams_and_passwords},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo cache_tests[] = {
    {"put, get, used, full, clear", test_cache},
    {"500 entries", test_cache_many},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"roles", NULL, NULL, NULL, NULL, role_tests},
    {"tokens", NULL, NULL, NULL, NULL, token_tests},
    {"records", NULL, NULL, NULL, NULL, record_tests},
    {"credential cache", NULL, NULL, NULL, NULL, cache_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
