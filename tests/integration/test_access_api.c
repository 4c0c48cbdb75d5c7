/* test_access_api.c — the admin API of users and API keys over real HTTP
 * against a private suite (harness.h): an admin signs in and creates,
 * lists, changes and disables a user (whose session stops working within a
 * second), creates and revokes a key (401 within a second), gets 400 naming
 * the field for bad input; other roles and keys get 403; answers and audit
 * entries never hold a password or a hash. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "nq/access.h"
#include "nq_test.h"
#include "testkit.h"

#define PASSWORD  "correct horse battery"
#define PASSWORD2 "another horse, stapled"
#define WITHIN_MS 1500 /* access withdrawn is gone within this (a second, and the request) */

static char s_admin[512]; /* the admin's session: cookie and CSRF header lines */

/* A request with header lines `headers` (a JSON body gets its type). */
static json_t *as(const char *headers, const char *method, const char *path, const char *body,
                  int *status)
{
    char head[4096], lines[1024];
    snprintf(lines, sizeof(lines), "%s%s", headers,
             body ? "Content-Type: application/json\r\n" : "");
    return tk_raw(method, path, lines, body, status, head, sizeof(head));
}

static int status_as(const char *headers, const char *method, const char *path, const char *body)
{
    int status = 0;
    json_decref(as(headers, method, path, body, &status));
    return status;
}

/* Sign in as user; the session's header lines into out. Returns the status. */
static int sign_in(const char *user, const char *password, char *out, size_t len)
{
    char body[256], head[4096];
    int status = 0;
    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
    json_t *j = tk_raw("POST", "/api/v1/auth/login", "Content-Type: application/json\r\n", body,
                       &status, head, sizeof(head));
    const char *c = strstr(head, "Set-Cookie: nq_session=");
    if (status == 200 && c) {
        c += strlen("Set-Cookie: ");
        snprintf(out, len, "Cookie: %.*s\r\nX-CSRF-Token: %s\r\n", (int)strcspn(c, ";"), c,
                 tk_str(j, "csrf"));
    }
    json_decref(j);
    return status;
}

static void add_user(const char *id, const char *role, const char *teams)
{
    char err[256] = "";
    nq_user_t u = {0};
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    tk_check(nq_access_user_add(tk_redis, &u, PASSWORD, err, sizeof(err)) == 0, "add %s: %s", id,
             err);
}

/* Wait until `path` answers `want` to headers; the ms it took, or -1. */
static long long until_status(const char *headers, const char *path, int want)
{
    long long start = tk_mono_ms();
    while (tk_mono_ms() - start < 5000) {
        if (status_as(headers, "GET", path, NULL) == want)
            return tk_mono_ms() - start;
        usleep(50 * 1000);
    }
    return -1;
}

/* The item of `list` whose "id" is id, or NULL. */
static json_t *item(const json_t *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(list, "items"), i, e)
        if (strcmp(tk_str(e, "id"), id) == 0)
            return e;
    return NULL;
}

/* A text holds no password, argon2 hash or key hash (a member "pwhash" may be
 * there in an audit entry's "before", its value redacted). */
static void no_secrets(const json_t *j, const char *ctx)
{
    char *text = json_dumps(j, JSON_COMPACT);
    tk_check(text && !strstr(text, "argon2") && !strstr(text, PASSWORD) &&
                 !strstr(text, PASSWORD2) && !strstr(text, "\"hash\""),
             "%s holds a secret: %s", ctx, text ? text : "(none)");
    free(text);
}

static int suite_init(void)
{
    return tk_start(NULL);
}

/* An admin, a coordinator and a manager; the admin signed in. */
static void test_setup(void)
{
    add_user("u-acc-admin", "admin", "");
    add_user("u-acc-coord", "coordinator", "t-acc");
    add_user("u-acc-manager", "manager", "");
    CU_ASSERT_EQUAL_FATAL(sign_in("u-acc-admin", PASSWORD, s_admin, sizeof(s_admin)), 200);
}

static int suite_cleanup(void)
{
    tk_stop();
    return 0;
}

static void test_user_lifecycle(void)
{
    int status = 0;
    json_t *j = as(s_admin, "POST", "/api/v1/users",
                   "{\"id\":\"u-acc-new\",\"name\":\"新同事\",\"role\":\"coordinator\","
                   "\"teams\":[\"t-acc\"],\"password\":\"" PASSWORD "\"}",
                   &status);
    CU_ASSERT_EQUAL(status, 201);
    tk_check_str(json_object_get(j, "name"), "新同事", "the new user's name");
    tk_check_str(json_object_get(j, "status"), "active", "the new user's status");
    tk_check_str(json_array_get(json_object_get(j, "teams"), 0), "t-acc", "the new user's team");
    CU_ASSERT(json_is_null(json_object_get(j, "last_login_at")));
    CU_ASSERT_PTR_NULL(json_object_get(j, "pwhash"));
    no_secrets(j, "POST /users");
    json_decref(j);
    /* the same id again: 409 naming it */
    j = as(s_admin, "POST", "/api/v1/users",
           "{\"id\":\"u-acc-new\",\"role\":\"admin\",\"password\":\"" PASSWORD "\"}", &status);
    CU_ASSERT_EQUAL(status, 409);
    CU_ASSERT(tk_names_field(json_object_get(j, "errors"), "id"));
    json_decref(j);

    /* they sign in; the list shows it */
    char theirs[512] = "";
    CU_ASSERT_EQUAL_FATAL(sign_in("u-acc-new", PASSWORD, theirs, sizeof(theirs)), 200);
    CU_ASSERT_EQUAL(status_as(theirs, "GET", "/api/v1/auth/me", NULL), 200);
    j = as(s_admin, "GET", "/api/v1/users", NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    const json_t *u = item(j, "u-acc-new");
    CU_ASSERT_PTR_NOT_NULL(u);
    CU_ASSERT(json_is_string(json_object_get(u, "last_login_at")));
    CU_ASSERT_PTR_NOT_NULL(item(j, "u-acc-admin"));
    no_secrets(j, "GET /users");
    json_decref(j);

    /* disabled: their session is refused within a second, as is signing in */
    j = as(s_admin, "PATCH", "/api/v1/users/u-acc-new", "{\"status\":\"disabled\"}", &status);
    CU_ASSERT_EQUAL(status, 200);
    tk_check_str(json_object_get(j, "status"), "disabled", "after disable");
    json_decref(j);
    long long took = until_status(theirs, "/api/v1/auth/me", 401);
    tk_check(took >= 0 && took <= WITHIN_MS, "a disabled user's session ended after %lld ms", took);
    fprintf(stderr, "\na disabled user's session refused after %lld ms\n", took);
    CU_ASSERT_EQUAL(sign_in("u-acc-new", PASSWORD, theirs, sizeof(theirs)), 401);

    /* active again with a new password, a new name and no teams */
    j = as(s_admin, "PATCH", "/api/v1/users/u-acc-new",
           "{\"status\":\"active\",\"password\":\"" PASSWORD2 "\",\"name\":\"新同事二\","
           "\"teams\":[]}",
           &status);
    CU_ASSERT_EQUAL(status, 200);
    tk_check_str(json_object_get(j, "name"), "新同事二", "renamed");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "teams")), 0);
    json_decref(j);
    CU_ASSERT_EQUAL(sign_in("u-acc-new", PASSWORD, theirs, sizeof(theirs)), 401);
    CU_ASSERT_EQUAL(sign_in("u-acc-new", PASSWORD2, theirs, sizeof(theirs)), 200);

    /* each write is audited, the password and the hash redacted */
    j = as(s_admin, "GET", "/api/v1/audit?subject=users:u-acc-new", NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT(json_array_size(json_object_get(j, "items")) >= 2);
    no_secrets(j, "the audit log");
    json_decref(j);
    j = as(s_admin, "GET", "/api/v1/audit?subject=users", NULL, &status);
    CU_ASSERT(json_array_size(json_object_get(j, "items")) >= 3);
    no_secrets(j, "the audit log");
    json_decref(j);
}

static void test_key_lifecycle(void)
{
    int status = 0;
    json_t *j = as(s_admin, "POST", "/api/v1/apikeys",
                   "{\"name\":\"acc-erp\",\"scope\":\"read\",\"teams\":[\"t-acc\"]}", &status);
    CU_ASSERT_EQUAL_FATAL(status, 201);
    char key[NQ_APIKEY_LEN + 1], id[NQ_KEY_ID_LEN + 1], bearer[128];
    snprintf(key, sizeof(key), "%s", tk_str(j, "key"));
    snprintf(id, sizeof(id), "%s", tk_str(j, "id"));
    CU_ASSERT(nq_apikey_well_formed(key, strlen(key)));
    tk_check_str(json_object_get(j, "status"), "live", "a new key");
    tk_check_str(json_array_get(json_object_get(j, "teams"), 0), "t-acc", "its team");
    json_decref(j);
    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s\r\n", key);
    CU_ASSERT_EQUAL(status_as(bearer, "GET", "/api/v1/auth/me", NULL), 200);
    /* listed without the key or its hash */
    j = as(s_admin, "GET", "/api/v1/apikeys", NULL, &status);
    CU_ASSERT_EQUAL(status, 200);
    const json_t *k = item(j, id);
    CU_ASSERT_PTR_NOT_NULL(k);
    CU_ASSERT_PTR_NULL(json_object_get(k, "key"));
    char *text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, key));
    free(text);
    no_secrets(j, "GET /apikeys");
    json_decref(j);
    /* an ingest key limited to sources */
    j = as(s_admin, "POST", "/api/v1/apikeys",
           "{\"name\":\"acc-feed\",\"scope\":\"ingest\",\"sources\":[\"erp\",\"crm\"]}", &status);
    CU_ASSERT_EQUAL(status, 201);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "sources")), 2);
    json_decref(j);

    /* revoked: 401 within a second */
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/apikeys/%s", id);
    CU_ASSERT_EQUAL(status_as(s_admin, "DELETE", path, NULL), 204);
    long long took = until_status(bearer, "/api/v1/auth/me", 401);
    tk_check(took >= 0 && took <= WITHIN_MS, "a revoked key worked for %lld ms", took);
    fprintf(stderr, "\na revoked key refused after %lld ms\n", took);
    j = as(s_admin, "GET", "/api/v1/apikeys", NULL, &status);
    tk_check_str(json_object_get(item(j, id), "status"), "revoked", "after revoke");
    CU_ASSERT(json_is_string(json_object_get(item(j, id), "revoked_at")));
    json_decref(j);
    CU_ASSERT_EQUAL(status_as(s_admin, "DELETE", "/api/v1/apikeys/000000000000", NULL), 404);
}

static void test_others_refused(void)
{
    char coord[512] = "", manager[512] = "", read_key[128], team_admin[128];
    char key[NQ_APIKEY_LEN + 1], err[256];
    CU_ASSERT_EQUAL_FATAL(sign_in("u-acc-coord", PASSWORD, coord, sizeof(coord)), 200);
    CU_ASSERT_EQUAL_FATAL(sign_in("u-acc-manager", PASSWORD, manager, sizeof(manager)), 200);
    CU_ASSERT_EQUAL(
        nq_access_key_create(tk_redis, "read", "", "acc-read", key, NULL, err, sizeof(err)), 0);
    snprintf(read_key, sizeof(read_key), "Authorization: Bearer %s\r\n", key);
    CU_ASSERT_EQUAL(nq_access_key_create(tk_redis, "admin", "t-acc", "acc-team-admin", key, NULL,
                                         err, sizeof(err)),
                    0);
    snprintf(team_admin, sizeof(team_admin), "Authorization: Bearer %s\r\n", key);
    const char *whos[] = {coord, manager, read_key, team_admin};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(status_as(whos[i], "GET", "/api/v1/users", NULL), 403);
        CU_ASSERT_EQUAL(status_as(whos[i], "GET", "/api/v1/apikeys", NULL), 403);
        CU_ASSERT_EQUAL(status_as(whos[i], "POST", "/api/v1/users",
                                  "{\"id\":\"u-acc-x\",\"role\":\"admin\",\"password\":\"" PASSWORD
                                  "\"}"),
                        403);
        CU_ASSERT_EQUAL(
            status_as(whos[i], "PATCH", "/api/v1/users/u-acc-coord", "{\"role\":\"admin\"}"), 403);
        CU_ASSERT_EQUAL(
            status_as(whos[i], "POST", "/api/v1/apikeys", "{\"name\":\"x\",\"scope\":\"admin\"}"),
            403);
    }
    CU_ASSERT_EQUAL(status_as("", "GET", "/api/v1/users", NULL), 401);
    /* nobody became an admin on the way */
    int status = 0;
    json_t *j = as(s_admin, "GET", "/api/v1/users", NULL, &status);
    CU_ASSERT_PTR_NULL(item(j, "u-acc-x"));
    tk_check_str(json_object_get(item(j, "u-acc-coord"), "role"), "coordinator", "unchanged");
    json_decref(j);
}

/* 400 naming `field`. */
static void bad(const char *method, const char *path, const char *body, const char *field)
{
    int status = 0;
    json_t *j = as(s_admin, method, path, body, &status);
    tk_check(status == 400 && tk_names_field(json_object_get(j, "errors"), field),
             "%s %s %s: %d %s, want 400 naming %s", method, path, body, status, tk_text(j), field);
    json_decref(j);
}

static void test_bad_input(void)
{
    const char *ok = "\"role\":\"coordinator\",\"password\":\"" PASSWORD "\"";
    char body[512];
    snprintf(body, sizeof(body), "{\"id\":\"has space\",%s}", ok);
    bad("POST", "/api/v1/users", body, "id");
    bad("POST", "/api/v1/users",
        "{\"id\":\"u-acc-b\",\"role\":\"root\",\"password\":\"" PASSWORD "\"}", "role");
    bad("POST", "/api/v1/users", "{\"id\":\"u-acc-b\",\"role\":\"admin\",\"password\":\"short\"}",
        "password");
    snprintf(body, sizeof(body), "{\"id\":\"u-acc-b\",\"teams\":[\"t-1\",\"bad team\"],%s}", ok);
    bad("POST", "/api/v1/users", body, "teams[1]");
    snprintf(body, sizeof(body), "{\"id\":\"u-acc-b\",\"name\":\"\",%s}", ok);
    bad("POST", "/api/v1/users", body, "name");
    snprintf(body, sizeof(body), "{\"id\":\"u-acc-b\",\"pwhash\":\"x\",%s}", ok);
    bad("POST", "/api/v1/users", body, "pwhash");
    bad("POST", "/api/v1/users", "{\"id\":\"u-acc-b\"}", "password");
    bad("PATCH", "/api/v1/users/u-acc-coord", "{\"status\":\"gone\"}", "status");
    bad("PATCH", "/api/v1/users/u-acc-admin", "{\"status\":\"disabled\"}", "status");
    bad("PATCH", "/api/v1/users/u-acc-admin", "{\"role\":\"manager\"}", "role");
    bad("POST", "/api/v1/apikeys", "{\"name\":\"x\",\"scope\":\"root\"}", "scope");
    bad("POST", "/api/v1/apikeys", "{\"scope\":\"read\"}", "name");
    bad("POST", "/api/v1/apikeys", "{\"name\":\"x\",\"scope\":\"read\",\"teams\":\"t-1\"}",
        "teams");
    CU_ASSERT_EQUAL(status_as(s_admin, "PATCH", "/api/v1/users/u-acc-coord", "{}"), 400);
    CU_ASSERT_EQUAL(
        status_as(s_admin, "PATCH", "/api/v1/users/u-acc-nobody", "{\"status\":\"active\"}"), 404);
    CU_ASSERT_EQUAL(status_as(s_admin, "POST", "/api/v1/users", "[]"), 400);
    /* nothing was made of it */
    int status = 0;
    json_t *j = as(s_admin, "GET", "/api/v1/users", NULL, &status);
    CU_ASSERT_PTR_NULL(item(j, "u-acc-b"));
    tk_check_str(json_object_get(item(j, "u-acc-admin"), "status"), "active", "the admin");
    json_decref(j);
}

static CU_TestInfo tests[] = {
    {"users to work with", test_setup},
    {"create, list, disable, re-enable a user", test_user_lifecycle},
    {"create, list, revoke a key", test_key_lifecycle},
    {"other roles and keys are refused", test_others_refused},
    {"bad input is 400 naming the field", test_bad_input},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"the admin API of users and keys", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
