/* test_door.c — what the gateway checks of every request besides who asks
 * (gateway/door.h), over real HTTP against a private suite: the body's
 * Content-Type (415), CORS for a listed and an unlisted origin, rate limits
 * per key and per user (429 with Retry-After, then recovery), an ingest key
 * limited to sources, and the audit log: an entry for each kind of write
 * (nqctl's user and key changes too), no secret in it, its pages and who may
 * read it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/keys.h"
#include "nq_test.h"
#include "testkit.h"

#define ORIGIN   "https://crm.example.com"
#define PASSWORD "correct horse battery"
#define SECRET   "s3cr3t-never-stored"

static const char *const env[] = {
    "NQ_CORS_ORIGINS=https://other.example.com," ORIGIN,
    "NQ_RATE_USER_RPS=2",
    "NQ_RATE_USER_BURST=5",
    "NQ_RATE_KEY_RPS=100",
    "NQ_RATE_KEY_BURST=200",
    NULL,
};

static char s_read[NQ_APIKEY_LEN + 1];
static char s_source_key[NQ_APIKEY_LEN + 2] = "-"; /* made by nqctl in test_sources */

static int suite_init(void)
{
    char port[16], err[256];
    if (tk_start(env) != 0)
        return -1;
    snprintf(port, sizeof(port), "%d", nq_harness_redis_port(tk_h));
    setenv("NQ_REDIS_PORT", port, 1);
    setenv("NQ_REDIS_HOST", "127.0.0.1", 1);
    setenv("NQ_LANG", "en", 1);
    const char *roles[][2] = {
        {"au-coord", "coordinator"}, {"au-mgr", "manager"}, {"au-sp", "salesperson"}};
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        nq_user_t u = {0};
        snprintf(u.id, sizeof(u.id), "%s", roles[i][0]);
        snprintf(u.role, sizeof(u.role), "%s", roles[i][1]);
        if (nq_access_user_add(tk_redis, &u, PASSWORD, err, sizeof(err)) != 0)
            return -1;
    }
    return nq_access_key_create(tk_redis, "read", "", "reader", s_read, NULL, err, sizeof(err));
}

static int suite_cleanup(void)
{
    tk_stop();
    return 0;
}

/* Sign in: the Cookie and X-CSRF-Token header lines for the session, into buf. */
static const char *session(const char *user, char *buf, size_t len)
{
    char head[4096], cookie[256];
    int status;
    char body[160];
    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, PASSWORD);
    json_t *j = tk_raw("POST", "/api/v1/auth/login", "Content-Type: application/json\r\n", body,
                       &status, head, sizeof(head));
    CU_ASSERT_EQUAL(status, 200);
    tk_header(head, "Set-Cookie", cookie, sizeof(cookie));
    snprintf(buf, len, "Cookie: %.*s\r\nX-CSRF-Token: %s\r\n", (int)strcspn(cookie, ";"), cookie,
             tk_str(j, "csrf"));
    json_decref(j);
    return buf;
}

static int status_of(const char *method, const char *path, const char *headers, const char *body,
                     char *head, size_t len)
{
    int status;
    json_decref(tk_raw(method, path, headers, body, &status, head, len));
    return status;
}

/* ---------------------------------------------------------------- Content-Type */

static void test_content_type(void)
{
    char head[4096], auth[160], lines[320];
    int status;
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", nq_harness_api_key(tk_h));
    const char *team = "{\"name\":\"Content\"}";
    json_t *j = tk_raw("PUT", "/api/v1/teams/t-ct", auth, team, &status, head, sizeof(head));
    CU_ASSERT_EQUAL(status, 415);
    CU_ASSERT_STRING_EQUAL(tk_str(j, "error"), "unsupported_media_type");
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(j, "detail"), "application/json"));
    json_decref(j);
    snprintf(lines, sizeof(lines), "%sContent-Type: text/plain\r\n", auth);
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-ct", lines, team, head, sizeof(head)), 415);
    snprintf(lines, sizeof(lines), "%sContent-Type: Application/JSON; charset=utf-8\r\n", auth);
    CU_ASSERT_EQUAL(status_of("PUT", "/api/v1/teams/t-ct", lines, team, head, sizeof(head)), 200);
    /* the activity routes name their own types */
    snprintf(lines, sizeof(lines), "%sContent-Type: text/csv\r\n", auth);
    j = tk_raw("POST", "/api/v1/activities", lines, "a,b", &status, head, sizeof(head));
    CU_ASSERT_EQUAL(status, 415);
    CU_ASSERT_PTR_NOT_NULL(strstr(tk_str(j, "detail"), "application/x-ndjson"));
    json_decref(j);
    /* no body, no type needed */
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/teams/t-ct", auth, NULL, head, sizeof(head)), 200);
}

/* ---------------------------------------------------------------- CORS */

static void test_cors(void)
{
    char head[4096], v[256];
    const char *pre = "Origin: " ORIGIN "\r\nAccess-Control-Request-Method: PUT\r\n"
                      "Access-Control-Request-Headers: content-type, x-csrf-token\r\n";
    CU_ASSERT_EQUAL(status_of("OPTIONS", "/api/v1/teams/t-1", pre, NULL, head, sizeof(head)), 204);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Access-Control-Allow-Origin", v, sizeof(v)), ORIGIN);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Access-Control-Allow-Credentials", v, sizeof(v)),
                           "true");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(tk_header(head, "Access-Control-Allow-Headers", v, sizeof(v)), "X-CSRF-Token"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(tk_header(head, "Access-Control-Allow-Methods", v, sizeof(v)), "PUT"));

    const char *evil = "Origin: https://evil.example.com\r\nAccess-Control-Request-Method: PUT\r\n";
    CU_ASSERT_EQUAL(status_of("OPTIONS", "/api/v1/teams/t-1", evil, NULL, head, sizeof(head)), 403);
    CU_ASSERT_PTR_NULL(strstr(head, "Access-Control-"));

    /* a plain request: headers for the listed origin, none for another */
    CU_ASSERT_EQUAL(
        status_of("GET", "/api/v1/auth/me", "Origin: " ORIGIN "\r\n", NULL, head, sizeof(head)),
        401);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Access-Control-Allow-Origin", v, sizeof(v)), ORIGIN);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Vary", v, sizeof(v)), "Origin");
    CU_ASSERT_EQUAL(status_of("GET", "/livez", "Origin: https://evil.example.com\r\n", NULL, head,
                              sizeof(head)),
                    200);
    CU_ASSERT_PTR_NULL(strstr(head, "Access-Control-"));
    /* a prefix or a longer name of a listed origin is another origin */
    CU_ASSERT_EQUAL(
        status_of("GET", "/livez", "Origin: " ORIGIN ".evil.com\r\n", NULL, head, sizeof(head)),
        200);
    CU_ASSERT_PTR_NULL(strstr(head, "Access-Control-"));
}

/* ---------------------------------------------------------------- rate limits */

static void test_rate_user(void)
{
    char head[4096], lines[512], v[32];
    session("au-sp", lines, sizeof(lines));
    int ok = 0, limited = 0;
    for (int i = 0; i < 12; i++) {
        int st = status_of("GET", "/api/v1/auth/me", lines, NULL, head, sizeof(head));
        if (st == 429 && !limited++)
            CU_ASSERT_STRING_EQUAL(tk_header(head, "Retry-After", v, sizeof(v)), "1");
        ok += st == 200;
    }
    CU_ASSERT(limited > 0);
    CU_ASSERT(ok >= 5 && ok < 12);
    usleep(1100 * 1000); /* Retry-After: 1 */
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", lines, NULL, head, sizeof(head)), 200);
}

static void test_rate_key(void)
{
    char key[NQ_APIKEY_LEN + 1], err[256];
    CU_ASSERT_EQUAL_FATAL(
        nq_access_key_create(tk_redis, "ingest", "", "burst", key, NULL, err, sizeof(err)), 0);
    nq_httpc_t *c = nq_httpc_new(nq_harness_url(tk_h));
    nq_httpc_set_api_key(c, key);
    int limited = 0, ok = 0;
    char retry[NQ_HTTPC_RA_LEN] = "";
    for (int i = 0; i < 600 && !limited; i++) {
        nq_httpc_response_t r;
        if (nq_httpc_request(c, "GET", "/api/v1/auth/me", NULL, NULL, 0, NULL, &r) == 0) {
            ok += r.status == 200;
            if (r.status == 429) {
                limited++;
                snprintf(retry, sizeof(retry), "%s", r.retry_after);
            }
        }
        nq_httpc_response_free(&r);
    }
    tk_check(limited == 1 && ok >= 200, "key: %d answered 200 before a 429 (burst 200)", ok);
    CU_ASSERT_STRING_EQUAL(retry, "1");
    /* another key is not held back by this one */
    char head[4096], auth[160];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", s_read);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/auth/me", auth, NULL, head, sizeof(head)), 200);
    usleep(1100 * 1000);
    nq_httpc_response_t r;
    CU_ASSERT_EQUAL(nq_httpc_request(c, "GET", "/api/v1/auth/me", NULL, NULL, 0, NULL, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    nq_httpc_response_free(&r);
    nq_httpc_destroy(&c);
}

/* ---------------------------------------------------------------- sources */

static void test_sources(void)
{
    char out[256], *key = s_source_key, head[4096], auth[200];
    CU_ASSERT_EQUAL_FATAL(
        tk_nqctl(NULL, "/tmp/nq_door_nqctl.out", 10000,
                 (const char *[]){"apikey", "create", "--scope", "ingest", "--name", "erp-feed",
                                  "--sources", "erp,crm", NULL}),
        0);
    FILE *f = fopen("/tmp/nq_door_nqctl.out", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    while (fgets(out, sizeof(out), f))
        if (strncmp(out, "nq_", 3) == 0)
            snprintf(key, sizeof(s_source_key), "%.*s", (int)strcspn(out, "\n"), out);
    fclose(f);
    unlink("/tmp/nq_door_nqctl.out");
    CU_ASSERT_EQUAL_FATAL(strlen(key), NQ_APIKEY_LEN);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
             key);
    const char *fmt = "{\"event_id\":\"src-%s\",\"type\":\"call\",\"salesperson_id\":\"sp-src\","
                      "\"occurred_at\":\"2026-11-02T10:00:00+08:00\"%s%s%s}";
    char body[512];
    int status;
    snprintf(body, sizeof(body), fmt, "erp", ",\"source\":\"", "erp", "\"");
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", auth, body, head, sizeof(head)), 202);
    snprintf(body, sizeof(body), fmt, "phone", ",\"source\":\"", "phone", "\"");
    json_t *j = tk_raw("POST", "/api/v1/activities", auth, body, &status, head, sizeof(head));
    CU_ASSERT_EQUAL(status, 400);
    json_t *res = json_array_get(json_object_get(j, "results"), 0);
    CU_ASSERT_STRING_EQUAL(tk_str(res, "status"), "rejected");
    CU_ASSERT(tk_names_field(json_object_get(res, "errors"), "source"));
    json_decref(j);
    snprintf(body, sizeof(body), fmt, "none", "", "", "");
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", auth, body, head, sizeof(head)), 400);
    /* an unlimited key writes any source */
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
             nq_harness_api_key(tk_h));
    CU_ASSERT_EQUAL(status_of("POST", "/api/v1/activities", auth, body, head, sizeof(head)), 202);
}

/* ---------------------------------------------------------------- audit */

/* Each kind of write, as the harness's admin key: method, path, body. */
static const struct {
    const char *method, *path, *body, *subject, *subject_id;
} writes[] = {
    {"PUT", "/api/v1/teams/t-au", "{\"name\":\"Audit\"}", "teams", "t-au"},
    {"PUT", "/api/v1/salespeople/sp-au", "{\"name\":\"Au\",\"team_id\":\"t-au\"}", "salespeople",
     "sp-au"},
    {"PUT", "/api/v1/customers/c-au", "{\"name\":\"Cust\",\"owner_id\":\"sp-au\"}", "customers",
     "c-au"},
    {"PUT", "/api/v1/targets/salespeople/sp-au/month/2026-11", "{\"sales_amount\":\"1000.00\"}",
     "targets.salespeople", "sp-au/month/2026-11"},
    {"POST", "/api/v1/targets/teams/t-au/month/2026-11/split", "{\"confirm\":true}",
     "targets.teams.split", "t-au/month/2026-11"},
    {"PUT", "/api/v1/teams/t-au/scorecard", "{\"items\":[]}", "teams.scorecard", "t-au"},
    {"PUT", "/api/v1/teams/t-au/commission-plan", "{\"tiers\":[]}", "teams.commission-plan",
     "t-au"},
    {"PUT", "/api/v1/teams/t-au/alert-rules", "{\"rules\":{}}", "teams.alert-rules", "t-au"},
    {"POST", "/api/v1/alerts/nope/ack", "{}", "alerts", "nope/ack"},
    {"POST", "/api/v1/admin/rebuild", "{}", "admin.rebuild", ""},
    {"PATCH", "/api/v1/customers/c-au", "{\"region\":\"South\"}", "customers", "c-au"},
    {"DELETE", "/api/v1/customers/c-au", NULL, "customers", "c-au"},
    {"PUT", "/api/v1/teams/t-au2", "{\"name\":\"X\",\"api_token\":\"" SECRET "\"}", "teams",
     "t-au2"},
};
#define N_WRITES (sizeof(writes) / sizeof(writes[0]))

/* Every audit entry, newest first, through the route's pages of `limit`. */
static json_t *audit_all(const char *query, int limit, int *pages)
{
    json_t *all = json_array();
    char path[512], cursor[64] = "";
    *pages = 0;
    do {
        snprintf(path, sizeof(path), "/api/v1/audit?limit=%d%s%s%s%s", limit, *query ? "&" : "",
                 query, *cursor ? "&cursor=" : "", cursor);
        json_t *page = tk_get_ok(path);
        json_array_extend(all, json_object_get(page, "items"));
        const char *next = json_string_value(json_object_get(page, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(page);
        (*pages)++;
    } while (*cursor && *pages < 100);
    return all;
}

/* The newest entry of this subject and method. */
static json_t *find_entry(json_t *all, const char *subject, const char *subject_id,
                          const char *method)
{
    size_t i;
    json_t *e;
    json_array_foreach (all, i, e)
        if (strcmp(tk_str(e, "subject"), subject) == 0 &&
            strcmp(tk_str(e, "subject_id"), subject_id) == 0 &&
            strcmp(tk_str(e, "method"), method) == 0)
            return e;
    return NULL;
}

static void test_audit_writes(void)
{
    char head[4096], auth[200];
    int status[N_WRITES];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
             nq_harness_api_key(tk_h));
    long long before = tk_redis_int("XLEN %s", NQ_KEY_AUDIT);
    for (size_t i = 0; i < N_WRITES; i++)
        status[i] =
            status_of(writes[i].method, writes[i].path, auth, writes[i].body, head, sizeof(head));
    /* activities are the activity log's, not the audit's */
    tk_post_counts(
        json_pack("[o]", tk_event("au-ev-1", "call", "sp-au", NULL, 1764300000000, NULL)), 1, 0);
    CU_ASSERT_EQUAL(tk_nqctl(NULL, NULL, 10000,
                             (const char *[]){"apikey", "create", "--scope", "read", "--name",
                                              "audit-reader", NULL}),
                    0);
    CU_ASSERT_EQUAL(tk_nqctl(NULL, NULL, 10000, (const char *[]){"user", "disable", "au-sp", NULL}),
                    0);
    usleep(200 * 1000); /* appends follow the answers */
    CU_ASSERT_EQUAL(tk_redis_int("XLEN %s", NQ_KEY_AUDIT), before + (long long)N_WRITES + 2);

    int pages;
    json_t *all = audit_all("", 4, &pages);
    CU_ASSERT(pages >= 4);
    for (size_t i = 0; i < N_WRITES; i++) {
        json_t *e = find_entry(all, writes[i].subject, writes[i].subject_id, writes[i].method);
        if (!tk_check(e != NULL, "no audit entry of %s %s", writes[i].method, writes[i].path))
            continue;
        CU_ASSERT_STRING_EQUAL(tk_str(e, "method"), writes[i].method);
        CU_ASSERT_STRING_EQUAL(tk_str(e, "path"), writes[i].path);
        CU_ASSERT_EQUAL(tk_num(e, "status"), status[i]);
        CU_ASSERT_STRING_EQUAL(tk_str(e, "client"), "127.0.0.1");
        CU_ASSERT(strncmp(tk_str(e, "actor"), "key:", 4) == 0);
        CU_ASSERT(tk_num(e, "at") > 0);
        if (writes[i].body)
            CU_ASSERT_EQUAL(strlen(tk_str(e, "body_sha256")), 64);
    }
    json_t *team = find_entry(all, "teams", "t-au", "PUT");
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(team, "after"), "name"), "Audit");
    json_t *secret = find_entry(all, "teams", "t-au2", "PUT");
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(secret, "after"), "api_token"), "[redacted]");
    CU_ASSERT_PTR_NULL(find_entry(all, "activities", "", "POST"));
    json_t *user = find_entry(all, "users", "au-sp", "user disable");
    CU_ASSERT_PTR_NOT_NULL(user);
    CU_ASSERT(strncmp(tk_str(user, "actor"), "nqctl:", 6) == 0);
    CU_ASSERT_STRING_EQUAL(tk_str(json_object_get(user, "after"), "status"), "disabled");
    /* newest first, no entry twice across pages */
    for (size_t i = 1; i < json_array_size(all); i++) {
        const char *a = tk_str(json_array_get(all, i - 1), "id");
        const char *b = tk_str(json_array_get(all, i), "id");
        CU_ASSERT(strcmp(a, b) != 0);
        CU_ASSERT(tk_num(json_array_get(all, i - 1), "at") >= tk_num(json_array_get(all, i), "at"));
    }
    CU_ASSERT_EQUAL((long long)json_array_size(all), tk_redis_int("XLEN %s", NQ_KEY_AUDIT));
    json_decref(all);

    /* filters */
    all = audit_all("subject=teams.scorecard:t-au", 50, &pages);
    CU_ASSERT_EQUAL(json_array_size(all), 1);
    json_decref(all);
    all = audit_all("subject=users", 50, &pages);
    CU_ASSERT(json_array_size(all) >= 1);
    json_decref(all);
    all = audit_all("actor=nqctl:nobody", 50, &pages);
    CU_ASSERT_EQUAL(json_array_size(all), 0);
    json_decref(all);
    all = audit_all("since=2999-01-01", 50, &pages);
    CU_ASSERT_EQUAL(json_array_size(all), 0);
    json_decref(all);
}

/* The entry of a write as key `auth` (header lines): status, then the
 * newest audit entry of its subject (a new reference). */
static json_t *write_entry(const char *auth, const char *method, const char *path, const char *body,
                           const char *subject, const char *subject_id)
{
    char head[4096];
    int status = status_of(method, path, auth, body, head, sizeof(head));
    tk_check(status == 200, "%s %s: %d", method, path, status);
    usleep(200 * 1000); /* appends follow the answers */
    char query[256];
    int pages;
    snprintf(query, sizeof(query), "subject=%s:%s", subject, subject_id);
    json_t *all = audit_all(query, 50, &pages);
    json_t *e = json_incref(find_entry(all, subject, subject_id, method));
    json_decref(all);
    return e;
}

/* Writes carry the record before them and the document they sent; a record
 * over 4 KiB by its digest and length. */
static void test_audit_before_after(void)
{
    char auth[200];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
             nq_harness_api_key(tk_h));
    json_t *e =
        write_entry(auth, "PUT", "/api/v1/teams/t-ba", "{\"name\":\"Before\"}", "teams", "t-ba");
    CU_ASSERT_PTR_NULL(json_object_get(e, "before")); /* created: nothing before */
    CU_ASSERT_PTR_NULL(json_object_get(e, "before_sha256"));
    json_decref(e);
    e = write_entry(auth, "PUT", "/api/v1/teams/t-ba", "{\"name\":\"After\"}", "teams", "t-ba");
    tk_check_str(json_object_get(json_object_get(e, "before"), "name"), "Before", "before");
    tk_check_str(json_object_get(json_object_get(e, "after"), "name"), "After", "after");
    CU_ASSERT_EQUAL(strlen(tk_str(e, "before_sha256")), 64);
    CU_ASSERT(tk_num(e, "before_len") > 0);
    json_decref(e);
    e = write_entry(auth, "PUT", "/api/v1/teams/t-ba/settings", "{\"leaderboard_visible\":true}",
                    "teams.settings", "t-ba");
    CU_ASSERT_PTR_NULL(json_object_get(e, "before"));
    json_decref(e);
    e = write_entry(auth, "PUT", "/api/v1/teams/t-ba/settings", "{\"leaderboard_visible\":false}",
                    "teams.settings", "t-ba");
    CU_ASSERT(json_is_true(json_object_get(json_object_get(e, "before"), "leaderboard_visible")));
    CU_ASSERT(json_is_false(json_object_get(json_object_get(e, "after"), "leaderboard_visible")));
    json_decref(e);

    /* a customer of 20 long contacts: over 4 KiB stored */
    json_t *contacts = json_array();
    char email[200];
    for (int i = 0; i < 20; i++) {
        snprintf(email, sizeof(email), "buyer%02d.%s@example.com", i,
                 "a-rather-long-mailbox-name-for-the-purchasing-department-of-this-customer");
        json_array_append_new(contacts, json_pack("{s:s, s:s, s:s, s:s}", "name", "采购经理",
                                                  "title", "采购部门负责人", "phone",
                                                  "+86 571 5555 0101", "email", email));
    }
    json_t *cu = json_pack("{s:s, s:o}", "name", "大客户", "contacts", contacts);
    char *text = json_dumps(cu, JSON_COMPACT);
    json_decref(cu);
    json_decref(
        write_entry(auth, "PUT", "/api/v1/customers/c-ba-big", text, "customers", "c-ba-big"));
    free(text);
    e = write_entry(auth, "PATCH", "/api/v1/customers/c-ba-big", "{\"region\":\"North\"}",
                    "customers", "c-ba-big");
    CU_ASSERT_PTR_NULL(json_object_get(e, "before"));
    CU_ASSERT(tk_num(e, "before_len") > 4096);
    CU_ASSERT_EQUAL(strlen(tk_str(e, "before_sha256")), 64);
    tk_check_str(json_object_get(json_object_get(e, "after"), "region"), "North", "after");
    json_decref(e);
}

/* No password, key, cookie or CSRF token anywhere in the stream. */
static void test_audit_no_secrets(void)
{
    char head[4096], lines[512];
    session("au-mgr", lines, sizeof(lines));
    char *hdr = malloc(1024);
    snprintf(hdr, 1024, "%sContent-Type: application/json\r\n", lines);
    CU_ASSERT_EQUAL(
        status_of("PUT", "/api/v1/teams/t-au3", hdr, "{\"name\":\"M\"}", head, sizeof(head)), 200);
    usleep(200 * 1000);
    redisReply *r = redisCommand(tk_redis, "XRANGE %s - +", NQ_KEY_AUDIT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    char cookie[128], csrf[128];
    snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(strchr(lines, '=') + 1, "\r"),
             strchr(lines, '=') + 1);
    snprintf(csrf, sizeof(csrf), "%s", strstr(lines, "X-CSRF-Token: ") + 14);
    csrf[strcspn(csrf, "\r")] = '\0';
    bool manager_seen = false;
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *f = r->element[i]->element[1];
        for (size_t k = 0; k < f->elements; k++) {
            const char *v = f->element[k]->str;
            CU_ASSERT_PTR_NULL(strstr(v, PASSWORD));
            CU_ASSERT_PTR_NULL(strstr(v, SECRET));
            CU_ASSERT_PTR_NULL(strstr(v, nq_harness_api_key(tk_h)));
            CU_ASSERT_PTR_NULL(strstr(v, s_source_key));
            CU_ASSERT_PTR_NULL(strstr(v, cookie));
            CU_ASSERT_PTR_NULL(strstr(v, csrf));
            manager_seen |= strcmp(v, "user:au-mgr") == 0;
        }
    }
    CU_ASSERT(manager_seen);
    freeReplyObject(r);
    free(hdr);
}

static void test_audit_access(void)
{
    char head[4096], lines[512], auth[160];
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/audit", session("au-coord", lines, sizeof(lines)),
                              NULL, head, sizeof(head)),
                    403);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/audit?limit=2",
                              session("au-mgr", lines, sizeof(lines)), NULL, head, sizeof(head)),
                    200);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", s_read);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/audit", auth, NULL, head, sizeof(head)), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/api/v1/audit", NULL, NULL, head, sizeof(head)), 401);
    tk_expect_400("GET", "/api/v1/audit?limit=0", NULL, "limit");
    tk_expect_400("GET", "/api/v1/audit?cursor=abc", NULL, "cursor");
    tk_expect_400("GET", "/api/v1/audit?since=yesterday", NULL, "since");
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"a body needs a Content-Type the route takes (415)", test_content_type},
    {"CORS for a listed origin only", test_cors},
    {"users: 429 with Retry-After, then recovery", test_rate_user},
    {"keys: 429 with Retry-After, per key, then recovery", test_rate_key},
    {"an ingest key limited to sources", test_sources},
    {"an audit entry for each kind of write; pages and filters", test_audit_writes},
    {"audit entries: the record before, the document after", test_audit_before_after},
    {"no secret in the audit log", test_audit_no_secrets},
    {"admins and managers read the audit log; coordinators do not", test_audit_access},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"door", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
