/* test_lists.c — the org lists (GET /api/v1/teams, /salespeople,
 * /customers) over real HTTP against a private suite (harness.h):
 *   - teams, salespeople and customers by each filter, archived ones only
 *     when asked (include_archived=true; status=left for salespeople), each
 *     item exactly what the get of its kind answers;
 *   - a salesperson moved (dated back) is listed under the new team only, a
 *     customer moved between owners under the new owner only, a deleted
 *     customer nowhere, a restored salesperson again;
 *   - pages: in id order across pages while customers are added between
 *     them (no id twice, none missed that existed before the first page),
 *     filters that match few entries (short pages that still have a cursor);
 *   - bad limits, cursors, filters and parameters: 400 naming them;
 *   - one call of the page script looks at no more than its budget
 *     of the smallest index;
 *   - team= with sort= (by name, by last contact, both ways) in many small
 *     teams: full pages in the order asked, across a customer's owner change,
 *     a salesperson's team change, a delete and a move to the team's pool;
 *   - a sorted page with a filter whose matches lie beyond one call's budget
 *     (and beyond a page's bound): never empty before the end, in the sort's
 *     order across pages, both ways, against a model;
 *   - the indexes of records stored without them, built once when
 *     nq-customers connects.
 *
 * The org (customers by hand: c-000 .. c-119, c-<i>: owner sp-0<1 + i % 4>,
 * none when i % 10 == 9; class key / normal / potential by i % 3):
 *   t-a: sp-01, sp-02, sp-03, and sp-08 until archived
 *   t-b: sp-04, sp-05 (on leave), sp-09 (moved to t-c, dated back)
 *   t-c: sp-06 (left)
 *   sp-07: no team. t-x: archived.
 */
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/page.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "nq_test.h"
#include "testkit.h"

#define N_CUSTOMERS 120
#define IDS_MAX     (64 * 1024) /* "a,b,c" of a whole list */

/* ================================================================ helpers */

static void ok(const char *method, const char *path, const char *body)
{
    json_decref(tk_call(method, path, body, 200));
}

/* GET path: a 400 whose errors name `field`. */
static void refused(const char *path, const char *field)
{
    json_t *j = tk_call("GET", path, NULL, 400);
    tk_check(tk_names_field(json_object_get(j, "errors"), field),
             "GET %s: errors should name %s: %s", path, field, tk_text(j));
    json_decref(j);
}

/* Append id to "a,b" in buf. */
static void join(char *buf, size_t len, const char *id)
{
    size_t at = strlen(buf);
    snprintf(buf + at, len - at, "%s%s", at ? "," : "", id);
}

/* The kind of a list path ("/api/v1/customers?class=key" -> "customers"). */
static void kind_of(const char *path, char *kind, size_t len)
{
    const char *k = path + strlen("/api/v1/");
    snprintf(kind, len, "%.*s", (int)strcspn(k, "?"), k);
}

/* Every item of the list at `path` (with its query, without limit or cursor),
 * page by page of `limit`, as "a,b,c"; each page checked: items in id order,
 * at most `limit`, and with `against_get` each item equal to what the get
 * of its kind answers. `pages` counts them (may be NULL). */
static const char *collect(const char *path, int limit, bool against_get, int *pages)
{
    static char ids[IDS_MAX];
    char kind[32], last[NQ_ID_MAX + 1] = "", cursor[NQ_CURSOR_MAX] = "";
    ids[0] = '\0';
    kind_of(path, kind, sizeof(kind));
    if (pages)
        *pages = 0;
    for (int n = 0; n < 10000; n++) {
        char url[512];
        snprintf(url, sizeof(url), "%s%climit=%d%s%s", path, strchr(path, '?') ? '&' : '?', limit,
                 cursor[0] ? "&cursor=" : "", cursor);
        json_t *j = tk_call("GET", url, NULL, 200);
        json_t *items = json_object_get(j, "items");
        if (!tk_check(json_is_array(items) && json_object_get(j, "next_cursor"), "%s: %s", url,
                      tk_text(j))) {
            json_decref(j);
            break;
        }
        tk_check(json_array_size(items) <= (size_t)limit, "%s: %zu items", url,
                 json_array_size(items));
        if (pages)
            (*pages)++;
        size_t i;
        json_t *e;
        json_array_foreach (items, i, e) {
            const char *id = tk_str(e, "id");
            tk_check(strcmp(id, last) > 0, "%s: %s after %s", url, id, last);
            snprintf(last, sizeof(last), "%s", id);
            join(ids, sizeof(ids), id);
            if (against_get) {
                char one[256];
                snprintf(one, sizeof(one), "/api/v1/%s/%s", kind, id);
                json_t *g = tk_call("GET", one, NULL, 200);
                char *a = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
                char *b = json_dumps(g, JSON_COMPACT | JSON_SORT_KEYS);
                tk_check(json_equal(e, g), "%s: the item %s differs from GET %s: %s", url, a, one,
                         b);
                free(a);
                free(b);
                json_decref(g);
            }
        }
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            return ids;
    }
    tk_check(false, "%s: no end of the list", path);
    return ids;
}

static void check_list(const char *path, const char *want)
{
    const char *got = collect(path, 50, true, NULL);
    tk_check(strcmp(got, want) == 0, "%s: want [%s], got [%s]", path, want, got);
}

/* The customers the org puts in a list: owner and class of c-<i>. */
static const char *owner_of(int i)
{
    static const char *const owners[] = {"sp-01", "sp-02", "sp-03", "sp-04"};
    return i % 10 == 9 ? "" : owners[i % 4];
}

static const char *class_of(int i)
{
    static const char *const classes[] = {"key", "normal", "potential"};
    return classes[i % 3];
}

/* "c-000,c-003,..." of the customers for which keep(i) holds. */
static const char *expected(bool (*keep)(int i, const void *arg), const void *arg)
{
    static char ids[IDS_MAX];
    ids[0] = '\0';
    for (int i = 0; i < N_CUSTOMERS; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c-%03d", i);
        if (keep(i, arg))
            join(ids, sizeof(ids), id);
    }
    return ids;
}

/* ================================================================ suite */

static int suite_init(void)
{
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    tk_stop();
    return 0;
}

static void put_customer(int i, const char *owner, const char *cls)
{
    char path[64], body[160];
    snprintf(path, sizeof(path), "/api/v1/customers/c-%03d", i);
    snprintf(body, sizeof(body), "{\"name\":\"客户%d\",\"class\":\"%s\"%s%s%s}", i, cls,
             *owner ? ",\"owner_id\":\"" : "", owner, *owner ? "\"" : "");
    ok("PUT", path, body);
}

static void test_setup(void)
{
    static const char *const puts[][2] = {
        {"/api/v1/teams/t-a", "{\"name\":\"甲组\"}"},
        {"/api/v1/teams/t-b", "{\"name\":\"乙组\",\"coordinators\":[\"u-zhao\"]}"},
        {"/api/v1/teams/t-c", "{\"name\":\"丙组\"}"},
        {"/api/v1/teams/t-x", "{\"name\":\"撤销组\"}"},
        {"/api/v1/salespeople/sp-01", "{\"name\":\"一\",\"team_id\":\"t-a\"}"},
        {"/api/v1/salespeople/sp-02", "{\"name\":\"二\",\"team_id\":\"t-a\"}"},
        {"/api/v1/salespeople/sp-03", "{\"name\":\"三\",\"team_id\":\"t-a\"}"},
        {"/api/v1/salespeople/sp-04", "{\"name\":\"四\",\"team_id\":\"t-b\"}"},
        {"/api/v1/salespeople/sp-05", "{\"name\":\"五\",\"team_id\":\"t-b\",\"status\":\"leave\"}"},
        {"/api/v1/salespeople/sp-06", "{\"name\":\"六\",\"team_id\":\"t-c\",\"status\":\"left\"}"},
        {"/api/v1/salespeople/sp-07", "{\"name\":\"七\"}"},
        {"/api/v1/salespeople/sp-08", "{\"name\":\"八\",\"team_id\":\"t-a\"}"},
        {"/api/v1/salespeople/sp-09", "{\"name\":\"九\",\"team_id\":\"t-b\"}"},
    };
    for (size_t i = 0; i < sizeof(puts) / sizeof(puts[0]); i++)
        ok("PUT", puts[i][0], puts[i][1]);
    ok("DELETE", "/api/v1/teams/t-x", NULL);
    ok("DELETE", "/api/v1/salespeople/sp-08", NULL);
    for (int i = 0; i < N_CUSTOMERS; i++)
        put_customer(i, owner_of(i), class_of(i));
}

static void test_teams(void)
{
    check_list("/api/v1/teams", "t-a,t-b,t-c");
    check_list("/api/v1/teams?include_archived=true", "t-a,t-b,t-c,t-x");
    check_list("/api/v1/teams?include_archived=false", "t-a,t-b,t-c");
    /* the members now, as GET /teams/{id} answers them (checked item by item) */
    json_t *j = tk_call("GET", "/api/v1/teams?limit=1", NULL, 200);
    json_t *t = json_array_get(json_object_get(j, "items"), 0);
    tk_check(strcmp(tk_text(json_object_get(t, "members")), "[\"sp-01\",\"sp-02\",\"sp-03\"]") == 0,
             "t-a members: %s", tk_text(j));
    tk_check(json_is_string(json_object_get(j, "next_cursor")), "a cursor after t-a: %s",
             tk_text(j));
    json_decref(j);
    /* restored: listed again */
    ok("PUT", "/api/v1/teams/t-x", "{\"name\":\"恢复组\"}");
    check_list("/api/v1/teams", "t-a,t-b,t-c,t-x");
    ok("DELETE", "/api/v1/teams/t-x", NULL);
    check_list("/api/v1/teams", "t-a,t-b,t-c");
}

static void test_salespeople(void)
{
    check_list("/api/v1/salespeople", "sp-01,sp-02,sp-03,sp-04,sp-05,sp-06,sp-07,sp-09");
    check_list("/api/v1/salespeople?include_archived=true",
               "sp-01,sp-02,sp-03,sp-04,sp-05,sp-06,sp-07,sp-08,sp-09");
    check_list("/api/v1/salespeople?team=t-a", "sp-01,sp-02,sp-03");
    check_list("/api/v1/salespeople?team=t-b", "sp-04,sp-05,sp-09");
    check_list("/api/v1/salespeople?status=leave", "sp-05");
    /* status=left: everyone who left, the archived too */
    check_list("/api/v1/salespeople?status=left", "sp-06,sp-08");
    check_list("/api/v1/salespeople?status=active", "sp-01,sp-02,sp-03,sp-04,sp-07,sp-09");
    /* team= : in no team now */
    check_list("/api/v1/salespeople?team=", "sp-07");
    check_list("/api/v1/salespeople?team=&include_archived=true", "sp-07,sp-08");
    check_list("/api/v1/salespeople?team=t-b&status=active", "sp-04,sp-09");
    check_list("/api/v1/salespeople?team=t-nobody", "");
    /* a move dated back: under the new team only */
    ok("PUT", "/api/v1/salespeople/sp-09",
       "{\"name\":\"九\",\"team_id\":\"t-c\",\"effective_from\":\"2026-01-05\"}");
    check_list("/api/v1/salespeople?team=t-b", "sp-04,sp-05");
    check_list("/api/v1/salespeople?team=t-c", "sp-06,sp-09");
    /* a team put with members moves them too: sp-07 in, sp-02 out of t-a */
    ok("PUT", "/api/v1/teams/t-a",
       "{\"name\":\"甲组\",\"members\":[\"sp-01\",\"sp-03\",\"sp-07\"]}");
    check_list("/api/v1/salespeople?team=t-a", "sp-01,sp-03,sp-07");
    check_list("/api/v1/salespeople?team=", "sp-02");
    check_list("/api/v1/teams", "t-a,t-b,t-c");
    /* a status change, then the archived salesperson restored */
    ok("PUT", "/api/v1/salespeople/sp-05", "{\"name\":\"五\",\"team_id\":\"t-b\"}");
    check_list("/api/v1/salespeople?status=leave", "");
    ok("PUT", "/api/v1/salespeople/sp-08", "{\"name\":\"八\",\"team_id\":\"t-b\"}");
    check_list("/api/v1/salespeople?team=t-b", "sp-04,sp-05,sp-08");
    check_list("/api/v1/salespeople?status=left", "sp-06");
    check_list("/api/v1/salespeople", "sp-01,sp-02,sp-03,sp-04,sp-05,sp-06,sp-07,sp-08,sp-09");
}

static bool by_owner(int i, const void *arg)
{
    return strcmp(owner_of(i), arg) == 0;
}

static bool by_class(int i, const void *arg)
{
    return strcmp(class_of(i), arg) == 0;
}

static bool key_of_sp01(int i, const void *arg)
{
    return by_owner(i, "sp-01") && by_class(i, "key");
}

static bool any(int i, const void *arg)
{
    return true;
}

static void test_customers(void)
{
    static const char *const owners[] = {"sp-01", "sp-02", "sp-03", "sp-04", ""};
    static const char *const classes[] = {"key", "normal", "potential"};
    char path[128];
    check_list("/api/v1/customers", expected(any, NULL));
    for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
        snprintf(path, sizeof(path), "/api/v1/customers?owner=%s", owners[i]);
        check_list(path, expected(by_owner, owners[i]));
    }
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        snprintf(path, sizeof(path), "/api/v1/customers?class=%s", classes[i]);
        check_list(path, expected(by_class, classes[i]));
    }
    check_list("/api/v1/customers?owner=sp-01&class=key", expected(key_of_sp01, NULL));
    check_list("/api/v1/customers?class=key&owner=sp-01", expected(key_of_sp01, NULL));
    check_list("/api/v1/customers?owner=sp-nobody", "");
    /* c-001 moves from sp-02 to sp-03: under the new owner only */
    put_customer(1, "sp-03", "normal");
    const char *was = expected(by_owner, "sp-02"); /* the model has c-001 under sp-02 */
    char want[IDS_MAX];
    snprintf(want, sizeof(want), "%s", strstr(was, "c-001,") + strlen("c-001,"));
    check_list("/api/v1/customers?owner=sp-02", want);
    json_t *j = tk_call("GET", "/api/v1/customers?owner=sp-03&limit=1", NULL, 200);
    tk_check(strcmp(tk_str(json_array_get(json_object_get(j, "items"), 0), "id"), "c-001") == 0,
             "c-001 under sp-03 first: %s", tk_text(j));
    json_decref(j);
    put_customer(1, owner_of(1), class_of(1)); /* back, for the tests after */
    check_list("/api/v1/customers?owner=sp-02", expected(by_owner, "sp-02"));
    check_list("/api/v1/customers?owner=sp-03", expected(by_owner, "sp-03"));
    /* a class change moves it between the class lists */
    put_customer(0, owner_of(0), "potential");
    j = tk_call("GET", "/api/v1/customers?class=key&limit=1", NULL, 200);
    tk_check(strcmp(tk_str(json_array_get(json_object_get(j, "items"), 0), "id"), "c-003") == 0,
             "c-000 no longer key: %s", tk_text(j));
    json_decref(j);
    put_customer(0, owner_of(0), class_of(0));
    check_list("/api/v1/customers?class=key", expected(by_class, "key"));
    /* deleted: in no list */
    put_customer(500, "sp-01", "key");
    tk_check(strstr(collect("/api/v1/customers?owner=sp-01&class=key", 50, false, NULL), "c-500") !=
                 NULL,
             "c-500 listed");
    ok("DELETE", "/api/v1/customers/c-500", NULL);
    check_list("/api/v1/customers?owner=sp-01&class=key", expected(key_of_sp01, NULL));
    check_list("/api/v1/customers", expected(any, NULL));
}

/* Pages of 7 while customers are added between them, before and after the
 * page's position: every customer that existed before the first page comes
 * exactly once, in id order. */
static void test_pages_while_adding(void)
{
    char cursor[NQ_CURSOR_MAX] = "", last[NQ_ID_MAX + 1] = "";
    static char seen[IDS_MAX];
    seen[0] = '\0';
    int pages = 0, added = 0;
    for (; pages < 1000; pages++) {
        char url[256];
        snprintf(url, sizeof(url), "/api/v1/customers?limit=7%s%s", cursor[0] ? "&cursor=" : "",
                 cursor);
        json_t *j = tk_call("GET", url, NULL, 200);
        size_t i;
        json_t *e;
        json_array_foreach (json_object_get(j, "items"), i, e) {
            const char *id = tk_str(e, "id");
            tk_check(strcmp(id, last) > 0, "page %d: %s after %s (twice or out of order)", pages,
                     id, last);
            snprintf(last, sizeof(last), "%s", id);
            join(seen, sizeof(seen), id);
        }
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            break;
        /* one before the position (missed: it did not exist), one after it */
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/customers/c-000-new-%02d", pages);
        ok("PUT", path, "{\"name\":\"新客户\"}");
        snprintf(path, sizeof(path), "/api/v1/customers/c-zzz-new-%02d", pages);
        ok("PUT", path, "{\"name\":\"新客户\"}");
        added += 2;
    }
    tk_check(pages > N_CUSTOMERS / 7, "%d pages", pages);
    char want[IDS_MAX];
    snprintf(want, sizeof(want), "%s", expected(any, NULL));
    tk_check(strncmp(seen, want, strlen(want)) == 0, "pages: want [%s...], got [%s]", want, seen);
    /* those added after the position came too, once each */
    const char *tail = seen + strlen(want);
    int after = 0;
    for (const char *p = tail; (p = strstr(p, "c-zzz-new-")); p++)
        after++;
    tk_check(after == added / 2, "%d of the %d added after the position were listed", after,
             added / 2);
    for (int i = 0; i < added / 2; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/customers/c-000-new-%02d", i);
        ok("DELETE", path, NULL);
        snprintf(path, sizeof(path), "/api/v1/customers/c-zzz-new-%02d", i);
        ok("DELETE", path, NULL);
    }
}

/* Filters that leave few matches: pages are filled call by call, keep a
 * cursor, and paging still finds every match. */
static void test_sparse_filters(void)
{
    /* sp-01's key customers: 1 in 12 of the customers; a page of 2 calls the
     * page script (8 entries of the smaller index first) until it is full */
    int pages = 0;
    const char *got = collect("/api/v1/customers?owner=sp-01&class=key", 2, false, &pages);
    tk_check(strcmp(got, expected(key_of_sp01, NULL)) == 0, "sp-01's key customers: %s", got);
    json_t *j = tk_call("GET", "/api/v1/customers?owner=sp-01&class=key&limit=1", NULL, 200);
    tk_check(json_array_size(json_object_get(j, "items")) <= 1 &&
                 json_is_string(json_object_get(j, "next_cursor")),
             "a first page of 1 with a cursor: %s", tk_text(j));
    json_decref(j);
    /* every page of 1 holds at most one item, none twice */
    got = collect("/api/v1/customers?owner=sp-01&class=key", 1, false, &pages);
    tk_check(strcmp(got, expected(key_of_sp01, NULL)) == 0, "pages of 1: %s", got);
    tk_check(pages >= 10, "%d pages of 1", pages);
    /* the last page ends the list */
    got = collect("/api/v1/customers?owner=sp-01", 500, false, &pages);
    tk_check(pages == 1, "one page of 500: %d", pages);
}

static void test_bad_queries(void)
{
    refused("/api/v1/customers?limit=0", "limit");
    refused("/api/v1/customers?limit=501", "limit");
    refused("/api/v1/customers?limit=abc", "limit");
    refused("/api/v1/customers?limit=", "limit");
    refused("/api/v1/customers?limit=-1", "limit");
    refused("/api/v1/customers?cursor=not-a-cursor", "cursor");
    refused("/api/v1/customers?cursor=", "cursor");
    refused("/api/v1/customers?cursor=%FF%FE", "cursor");
    refused("/api/v1/customers?class=vip", "class");
    refused("/api/v1/customers?owner=bad%20id", "owner");
    refused("/api/v1/customers?include_archived=true", "include_archived");
    refused("/api/v1/customers?onwer=sp-01", "onwer");
    refused("/api/v1/customers?class=key&class=normal", "class");
    refused("/api/v1/customers?owner=%zz", "query");
    refused("/api/v1/salespeople?status=gone", "status");
    refused("/api/v1/salespeople?include_archived=maybe", "include_archived");
    refused("/api/v1/salespeople?archived=1", "archived");
    refused("/api/v1/teams?team=t-a", "team");
    refused("/api/v1/teams?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p="
            "16&q=17",
            "query");
    /* a cursor of other filters or another list */
    json_t *j = tk_call("GET", "/api/v1/customers?class=key&limit=2", NULL, 200);
    char cursor[NQ_CURSOR_MAX], path[512];
    snprintf(cursor, sizeof(cursor), "%s", tk_str(j, "next_cursor"));
    json_decref(j);
    tk_check(*cursor != '\0', "a cursor");
    snprintf(path, sizeof(path), "/api/v1/customers?class=key&limit=2&cursor=%s", cursor);
    json_decref(tk_call("GET", path, NULL, 200));
    snprintf(path, sizeof(path), "/api/v1/customers?class=normal&cursor=%s", cursor);
    refused(path, "cursor");
    snprintf(path, sizeof(path), "/api/v1/customers?cursor=%s", cursor);
    refused(path, "cursor");
    snprintf(path, sizeof(path), "/api/v1/salespeople?cursor=%s", cursor);
    refused(path, "cursor");
    /* altered by a character */
    cursor[3] = cursor[3] == 'A' ? 'B' : 'A';
    snprintf(path, sizeof(path), "/api/v1/customers?class=key&cursor=%s", cursor);
    refused(path, "cursor");
    /* a cursor made without include_archived is not one with it */
    j = tk_call("GET", "/api/v1/teams?limit=1", NULL, 200);
    snprintf(path, sizeof(path), "/api/v1/teams?include_archived=true&cursor=%s",
             tk_str(j, "next_cursor"));
    json_decref(j);
    refused(path, "cursor");
}

/* The page script itself: it walks the smallest index and looks at no more
 * than its budget, whatever the others hold. */
static void test_bounded_work(void)
{
    const char *small = "nq:ix:customers:owner=sp-01", *big = "nq:ix:customers:class=key";
    const nq_script_t *s = NQ_SCRIPT(LIST_PAGE);
    /* sp-01 owns c-000, c-004, c-008 ... (30), the key ones c-000, c-012,
     * c-024 ... (10); class=key has 40. A page of 5 that may look at 8
     * entries walks sp-01's, the smaller, whichever comes first in KEYS. */
    redisReply *r =
        redisCommand(tk_redis, "EVAL %s 2 %s %s %s %s %s", s->text, big, small, "", "5", "8");
    if (tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 5, "8 looked at, 3 kept")) {
        tk_check(strcmp(r->element[0]->str, "c-028") == 0 && r->element[1]->integer == 1,
                 "the last looked at is sp-01's 8th, c-028: %s", r->element[0]->str);
        tk_check(strcmp(r->element[2]->str, "c-000") == 0 &&
                     strcmp(r->element[3]->str, "c-012") == 0 &&
                     strcmp(r->element[4]->str, "c-024") == 0,
                 "c-000, c-012, c-024 kept");
    }
    freeReplyObject(r);
    /* from a position, with a budget of 3: c-032, c-036, c-040 */
    r = redisCommand(tk_redis, "EVAL %s 2 %s %s %s %s %s", s->text, small, big, "c-028", "50", "3");
    if (tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 3, "3 looked at, 1 kept"))
        tk_check(strcmp(r->element[0]->str, "c-040") == 0 &&
                     strcmp(r->element[2]->str, "c-036") == 0,
                 "c-036 kept, c-040 the last looked at");
    freeReplyObject(r);
    /* filters no customer meets together (two owners): from the start the list
     * ends at once, without a walk; from a position, the walk goes on */
    const char *other = "nq:ix:customers:owner=sp-02";
    r = redisCommand(tk_redis, "EVAL %s 2 %s %s %s %s %s", s->text, small, other, "", "5", "3");
    tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
                 strcmp(r->element[0]->str, "") == 0 && r->element[1]->integer == 0,
             "no match: the list ends at once");
    freeReplyObject(r);
    r = redisCommand(tk_redis, "EVAL %s 2 %s %s %s %s %s", s->text, small, other, "c-000", "5",
                     "3");
    tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 && *r->element[0]->str &&
                 r->element[1]->integer == 1,
             "no match after c-000: 3 looked at, none kept, more to look at: %s",
             r && r->elements ? r->element[0]->str : "?");
    freeReplyObject(r);
}

/* team=: a page walks the members' owner indexes merged in id order when they
 * hold fewer entries than the other filters' smallest index, so its pages are
 * full (limit items but the last) and stay in id order, both ways. After
 * test_salespeople t-a is sp-01, sp-03 and sp-07 (none): the even customers. */
static bool in_team_a(int i, const void *arg)
{
    return (by_owner(i, "sp-01") || by_owner(i, "sp-03")) && (!arg || by_class(i, arg));
}

static int count_of(const char *ids)
{
    int n = *ids ? 1 : 0;
    for (; *ids; ids++)
        n += *ids == ',';
    return n;
}

static void test_team_pages(void)
{
    static const char *const classes[] = {NULL, "key", "potential"};
    for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
        char path[128], want[IDS_MAX];
        snprintf(path, sizeof(path), "/api/v1/customers?team=t-a%s%s", classes[c] ? "&class=" : "",
                 classes[c] ? classes[c] : "");
        snprintf(want, sizeof(want), "%s", expected(in_team_a, classes[c]));
        check_list(path, want);
        int pages = 0;
        const char *got = collect(path, 7, false, &pages);
        tk_check(strcmp(got, want) == 0, "%s in pages of 7: want [%s], got [%s]", path, want, got);
        tk_check(pages == (count_of(want) + 6) / 7, "%s: %d customers in %d full pages of 7", path,
                 count_of(want), pages);
    }
    const char *all = "nq:ix:customers:status=active", *a = "nq:ix:customers:owner=sp-01",
               *b = "nq:ix:customers:owner=sp-03";
    const nq_script_t *s = NQ_SCRIPT(LIST_PAGE);
    static const struct {
        const char *after, *limit, *budget, *desc;
        const char *want; /* last looked at, more, ids */
    } rows[] = {
        {"", "5", "20", "", "c-008,1,c-000,c-002,c-004,c-006,c-008"},
        {"c-010", "50", "3", "", "c-016,1,c-012,c-014,c-016"},
        {"", "3", "20", "desc", "c-114,1,c-118,c-116,c-114"},
        {"c-112", "50", "200", "", "c-118,0,c-114,c-116,c-118"},
        {"c-118", "5", "20", "", ",0"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        redisReply *r = redisCommand(tk_redis, "EVAL %s 3 %s %s %s %s %s %s %s 2", s->text, all, a,
                                     b, rows[i].after, rows[i].limit, rows[i].budget, rows[i].desc);
        char got[IDS_MAX] = "";
        for (size_t e = 0; r && r->type == REDIS_REPLY_ARRAY && e < r->elements; e++) {
            char one[64];
            if (r->element[e]->type == REDIS_REPLY_INTEGER)
                snprintf(one, sizeof(one), "%lld", r->element[e]->integer);
            else
                snprintf(one, sizeof(one), "%s", r->element[e]->str);
            size_t at = strlen(got);
            snprintf(got + at, sizeof(got) - at, "%s%s", e ? "," : "", one);
        }
        tk_check(strcmp(got, rows[i].want) == 0,
                 "team walk after '%s' limit %s budget %s %s: want "
                 "[%s], got [%s]",
                 rows[i].after, rows[i].limit, rows[i].budget, rows[i].desc, rows[i].want, got);
        freeReplyObject(r);
    }
}

/* ---- team= with sort=: many small teams ---- */

/* 10 teams t-s0..t-s9 of two salespeople each (sp-s<t>0, sp-s<t>1) and the
 * customers d-000 .. d-199: d-<i> owned by sp-s<i % 10><i / 10 % 2>, named
 * so that names tie and their order is not the ids'; some contacted. A team
 * holds 20 of the company's 300 and more customers. */
#define N_SORTED    200
#define SORTED_PAGE 5

static struct {
    char owner[16]; /* sp-s<t><k>, "" none */
    char pool[8];   /* the team whose pool it is in, "" none */
    char name[32];
    int64_t contact; /* Unix ms, 0 never */
} sorted_model[N_SORTED];

static char sp_team[10][2][8]; /* the team of sp-s<t><k> now */

static const char *sorted_team_of(int i)
{
    const char *o = sorted_model[i].owner;
    if (!*o) /* in a pool, or deleted */
        return sorted_model[i].pool;
    return sp_team[o[4] - '0'][o[5] - '0'];
}

/* The sort key the model gives d-<i> (lib/sort.lua): the name as is (no
 * ASCII letters, under 30 bytes), a contact as 13 digits. */
static void sorted_key(int i, bool by_name, char *buf, size_t len)
{
    if (by_name)
        snprintf(buf, len,
                 "%s\x1f"
                 "d-%03d",
                 sorted_model[i].name, i);
    else
        snprintf(buf, len,
                 "%013lld\x1f"
                 "d-%03d",
                 (long long)sorted_model[i].contact, i);
}

static bool sorted_desc;
static bool sorted_by_name;

static int sorted_cmp(const void *a, const void *b)
{
    char ka[64], kb[64];
    sorted_key(*(const int *)a, sorted_by_name, ka, sizeof(ka));
    sorted_key(*(const int *)b, sorted_by_name, kb, sizeof(kb));
    int c = strcmp(ka, kb); /* byte order: UTF-8 names as ZRANGEBYLEX */
    return sorted_desc ? -c : c;
}

/* "d-..,d-.." of team `team`'s customers in the model, in the order asked. */
static const char *sorted_expected(const char *team, bool by_name, bool desc)
{
    static char ids[IDS_MAX];
    int at[N_SORTED], n = 0;
    for (int i = 0; i < N_SORTED; i++) {
        if (strcmp(sorted_team_of(i), team) == 0)
            at[n++] = i;
    }
    sorted_by_name = by_name;
    sorted_desc = desc;
    qsort(at, (size_t)n, sizeof(at[0]), sorted_cmp);
    ids[0] = '\0';
    for (int k = 0; k < n; k++) {
        char id[16];
        snprintf(id, sizeof(id), "d-%03d", at[k]);
        join(ids, sizeof(ids), id);
    }
    return ids;
}

/* Every page of the sorted list at `path` in pages of SORTED_PAGE, as
 * "a,b,c": each page but the last full, no id twice. */
static const char *collect_sorted(const char *path)
{
    static char ids[IDS_MAX];
    char cursor[NQ_CURSOR_MAX] = "";
    ids[0] = '\0';
    for (int n = 0; n < 1000; n++) {
        char url[1024];
        snprintf(url, sizeof(url), "%s&limit=%d%s%s", path, SORTED_PAGE,
                 cursor[0] ? "&cursor=" : "", cursor);
        json_t *j = tk_call("GET", url, NULL, 200);
        json_t *items = json_object_get(j, "items");
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        size_t i;
        json_t *e;
        json_array_foreach (items, i, e) {
            char with[24];
            snprintf(with, sizeof(with), ",%s,", tk_str(e, "id"));
            char had[IDS_MAX + 2];
            snprintf(had, sizeof(had), ",%s,", ids);
            tk_check(!strstr(had, with), "%s: %s twice", url, tk_str(e, "id"));
            join(ids, sizeof(ids), tk_str(e, "id"));
        }
        tk_check(!next || json_array_size(items) == SORTED_PAGE, "%s: a page of %zu before the end",
                 url, json_array_size(items));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            return ids;
    }
    tk_check(false, "%s: no end of the list", path);
    return ids;
}

/* Every team's list by name and by last contact, both ways, against the model. */
static void check_sorted_teams(const char *when)
{
    static const struct {
        const char *sort;
        bool by_name, desc;
    } orders[] = {
        {"name", true, false},
        {"-name", true, true},
        {"last_contact", false, false},
        {"-last_contact", false, true},
    };
    for (int t = 0; t < 10; t++) {
        for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
            char path[128], want[IDS_MAX];
            snprintf(path, sizeof(path), "/api/v1/customers?team=t-s%d&sort=%s", t, orders[o].sort);
            char team[8];
            snprintf(team, sizeof(team), "t-s%d", t);
            snprintf(want, sizeof(want), "%s",
                     sorted_expected(team, orders[o].by_name, orders[o].desc));
            const char *got = collect_sorted(path);
            tk_check(strcmp(got, want) == 0, "%s: %s: want [%s], got [%s]", when, path, want, got);
        }
    }
}

static void test_team_sorted_pages(void)
{
    char path[64], body[256];
    for (int t = 0; t < 10; t++) {
        snprintf(path, sizeof(path), "/api/v1/teams/t-s%d", t);
        snprintf(body, sizeof(body), "{\"name\":\"排序组%d\"}", t);
        ok("PUT", path, body);
        for (int k = 0; k < 2; k++) {
            snprintf(sp_team[t][k], sizeof(sp_team[t][k]), "t-s%d", t);
            snprintf(path, sizeof(path), "/api/v1/salespeople/sp-s%d%d", t, k);
            snprintf(body, sizeof(body), "{\"name\":\"排%d%d\",\"team_id\":\"t-s%d\"}", t, k, t);
            ok("PUT", path, body);
        }
    }
    json_t *events = json_array();
    int64_t now = nq_now_ms();
    for (int i = 0; i < N_SORTED; i++) {
        snprintf(sorted_model[i].owner, sizeof(sorted_model[i].owner), "sp-s%d%d", i % 10,
                 i / 10 % 2);
        snprintf(sorted_model[i].name, sizeof(sorted_model[i].name), "客户%02d", i * 7 % 13);
        snprintf(path, sizeof(path), "/api/v1/customers/d-%03d", i);
        json_decref(tk_put(path,
                           json_pack("{s:s, s:s, s:s}", "name", sorted_model[i].name, "class",
                                     class_of(i), "owner_id", sorted_model[i].owner),
                           200));
        if (i % 3 != 0) { /* a third never contacted: they tie, by id */
            char ev[16], id[16];
            snprintf(ev, sizeof(ev), "e-d%03d", i);
            snprintf(id, sizeof(id), "d-%03d", i);
            sorted_model[i].contact = now - 1000 * (int64_t)(i * 37 % 101) - 60000;
            json_array_append_new(events, tk_event(ev, "visit", sorted_model[i].owner, id,
                                                   sorted_model[i].contact, NULL));
        }
    }
    int n_events = (int)json_array_size(events);
    tk_post_counts(events, n_events, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(30000));
    check_sorted_teams("as written");
    /* a customer changes owner (to another team), a salesperson team; one is deleted,
     * one put in its team's pool */
    ok("PATCH", "/api/v1/customers/d-013", "{\"owner_id\":\"sp-s50\"}");
    snprintf(sorted_model[13].owner, sizeof(sorted_model[13].owner), "sp-s50");
    ok("PUT", "/api/v1/salespeople/sp-s31", "{\"name\":\"排31\",\"team_id\":\"t-s4\"}");
    ok("DELETE", "/api/v1/customers/d-020", NULL);
    sorted_model[20].owner[0] = '\0';
    json_decref(tk_put("/api/v1/customers/d-012",
                       json_pack("{s:s, s:s, s:s, s:s}", "name", sorted_model[12].name, "class",
                                 class_of(12), "status", "pool", "pool_team", "t-s2"),
                       200));
    sorted_model[12].owner[0] = '\0';
    snprintf(sorted_model[12].pool, sizeof(sorted_model[12].pool), "t-s2");
    snprintf(sp_team[3][1], sizeof(sp_team[3][1]), "t-s4");
    check_sorted_teams("after the moves");
    /* a page looks at no more than limit × 4 entries: a walk of the company's
     * sort index (one entry in 15 or fewer a team's) could not fill these pages */
    tk_check(tk_redis_int("ZCARD %s", "nq:ix:customers:sort=name") > N_SORTED + 100,
             "a team is under a fifteenth of the company");
}

/* A sorted page with a filter whose matches lie far into the sort index:
 * F customers f-000 .. f-<F-1> named "ｚ<i>" (after every other name in byte
 * order), in region r-far at the places far_at[] counts from the end (the
 * first a walk of sort=-name meets), the rest in r-near. */
#define N_FAR     400
#define FAR_LIMIT 2
#define FAR_BOUND (FAR_LIMIT * 16) /* ORGIX_PAGE_SCAN_FACTOR: a page with items stops here */
static const int far_at[] = {60, 61, 62, 300};

static bool is_far(int i)
{
    for (size_t k = 0; k < sizeof(far_at) / sizeof(far_at[0]); k++) {
        if (N_FAR - 1 - i == far_at[k])
            return true;
    }
    return false;
}

/* "f-..,f-.." of the r-far customers by name, both ways (names "ｚ<i>" with
 * 3 digits: in i's order). */
static const char *far_expected(bool desc)
{
    static char ids[IDS_MAX];
    ids[0] = '\0';
    for (int k = 0; k < N_FAR; k++) {
        int i = desc ? N_FAR - 1 - k : k;
        char id[16];
        snprintf(id, sizeof(id), "f-%03d", i);
        if (is_far(i))
            join(ids, sizeof(ids), id);
    }
    return ids;
}

/* Every page of `path` in pages of `limit` as "a,b,c": none empty while it
 * has a cursor, none over limit, no id twice; `short_pages` counts pages
 * under limit that have a cursor. */
static const char *collect_far(const char *path, int limit, int *short_pages)
{
    static char ids[IDS_MAX];
    char cursor[NQ_CURSOR_MAX] = "";
    ids[0] = '\0';
    *short_pages = 0;
    for (int n = 0; n < 1000; n++) {
        char url[1024];
        snprintf(url, sizeof(url), "%s&limit=%d%s%s", path, limit, cursor[0] ? "&cursor=" : "",
                 cursor);
        json_t *j = tk_call("GET", url, NULL, 200);
        json_t *items = json_object_get(j, "items");
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        size_t i, got = json_array_size(items);
        json_t *e;
        tk_check(got <= (size_t)limit && (!next || got > 0), "%s: %zu items, cursor %s", url, got,
                 next ? next : "null");
        *short_pages += next && got < (size_t)limit;
        json_array_foreach (items, i, e) {
            char with[24], had[IDS_MAX + 2];
            snprintf(with, sizeof(with), ",%s,", tk_str(e, "id"));
            snprintf(had, sizeof(had), ",%s,", ids);
            tk_check(!strstr(had, with), "%s: %s twice", url, tk_str(e, "id"));
            join(ids, sizeof(ids), tk_str(e, "id"));
        }
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!next)
            return ids;
    }
    tk_check(false, "%s: no end of the list", path);
    return ids;
}

static void test_sorted_far_matches(void)
{
    char path[64], body[160];
    for (int i = 0; i < N_FAR; i++) {
        snprintf(path, sizeof(path), "/api/v1/customers/f-%03d", i);
        snprintf(body, sizeof(body), "{\"name\":\"ｚ%03d\",\"class\":\"normal\",\"region\":\"%s\"}",
                 i, is_far(i) ? "r-far" : "r-near");
        ok("PUT", path, body);
    }
    /* one call of the page script with a page's first budget (limit × 4)
     * meets no match: the walk must go on */
    const nq_script_t *s = NQ_SCRIPT(LIST_PAGE);
    redisReply *r = redisCommand(tk_redis, "EVAL %s 2 %s %s %s %d %d %s %s %s", s->text,
                                 "nq:ix:customers:sort=name", "nq:ix:customers:region=r-far", "",
                                 FAR_LIMIT, FAR_LIMIT * 4, "desc", "0", "sorted");
    tk_check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[1]->integer == 1,
             "one call: no id kept, more to walk");
    freeReplyObject(r);
    /* the first match in name order comes after every other customer: more than
     * a page's bound (the first page holds it all the same) */
    tk_check(tk_redis_int("ZCARD %s", "nq:ix:customers:sort=name") > N_FAR + FAR_BOUND,
             "other customers before f-000 by name");
    static const struct {
        const char *sort;
        bool desc;
    } orders[] = {{"-name", true}, {"name", false}};
    for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
        char want[IDS_MAX], url[128];
        snprintf(want, sizeof(want), "%s", far_expected(orders[o].desc));
        /* the first page: the first FAR_LIMIT matches, or the first one when
         * the next lies beyond the page's bound */
        snprintf(url, sizeof(url), "/api/v1/customers?sort=%s&region=r-far&limit=%d",
                 orders[o].sort, FAR_LIMIT);
        json_t *j = tk_call("GET", url, NULL, 200);
        json_t *items = json_object_get(j, "items");
        char first[IDS_MAX] = "";
        for (size_t i = 0; i < json_array_size(items); i++)
            join(first, sizeof(first), tk_str(json_array_get(items, i), "id"));
        tk_check(json_array_size(items) > 0 && strncmp(want, first, strlen(first)) == 0 &&
                     json_is_string(json_object_get(j, "next_cursor")),
                 "%s: the first matches [%s] with a cursor: %s", url, want, tk_text(j));
        json_decref(j);
        static const int limits[] = {1, FAR_LIMIT, 50};
        for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
            int shorts = 0, limit = limits[l];
            snprintf(url, sizeof(url), "/api/v1/customers?sort=%s&region=r-far", orders[o].sort);
            const char *got = collect_far(url, limit, &shorts);
            tk_check(strcmp(got, want) == 0, "%s limit %d: want [%s], got [%s]", url, limit, want,
                     got);
            /* 238 entries between two matches: a page of 2 stops at its bound */
            if (limit == FAR_LIMIT && orders[o].desc)
                tk_check(shorts > 0, "%s: a page of %d stops after %d entries", url, limit,
                         FAR_BOUND);
        }
    }
    /* a filter without a match ends the sorted list at once */
    json_t *j = tk_call("GET", "/api/v1/customers?sort=name&region=r-none", NULL, 200);
    tk_check(json_array_size(json_object_get(j, "items")) == 0 &&
                 json_is_null(json_object_get(j, "next_cursor")),
             "no match: %s", tk_text(j));
    json_decref(j);
}

/* Records stored without indexes (before this version) get them once, when
 * nq-customers connects; the lists are then what they were, plus them, and
 * the teams' sorted lists what they were. */
static void test_build_once(void)
{
    char before_sp[IDS_MAX], before_cu[IDS_MAX], before_teams[2][IDS_MAX];
    static const char *const teams[] = {"/api/v1/teams", "/api/v1/teams?include_archived=true"};
    for (size_t i = 0; i < 2; i++)
        snprintf(before_teams[i], sizeof(before_teams[i]), "%s",
                 collect(teams[i], 500, false, NULL));
    snprintf(before_sp, sizeof(before_sp), "%s",
             collect("/api/v1/salespeople?include_archived=true", 500, false, NULL));
    snprintf(before_cu, sizeof(before_cu), "%s", collect("/api/v1/customers", 500, false, NULL));
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_stop(tk_h, "nq-customers", SIGTERM), 0);
    redisReply *keys = redisCommand(tk_redis, "KEYS nq:ix:*");
    CU_ASSERT_FATAL(keys && keys->type == REDIS_REPLY_ARRAY && keys->elements > 10);
    for (size_t i = 0; i < keys->elements; i++)
        freeReplyObject(redisCommand(tk_redis, "DEL %s", keys->element[i]->str));
    freeReplyObject(keys);
    static const char *const raw[][10] = {
        {"HSET", "nq:cust:z-raw", "name", "旧客户", "class", "key", "owner_id", "sp-04", "tags",
         "[\"老客户\"]"},
        {"SADD", "nq:customers", "z-raw", NULL},
    };
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        int argc = 0;
        while (argc < 10 && raw[i][argc])
            argc++;
        freeReplyObject(redisCommandArgv(tk_redis, argc, (const char **)raw[i], NULL));
    }
    CU_ASSERT_EQUAL_FATAL(nq_harness_proc_start(tk_h, "nq-customers"), 0);
    CU_ASSERT_FATAL(nq_harness_wait_ready(tk_h, 10000));
    bool built = false;
    for (int64_t end = tk_mono_ms() + 10000; !built && tk_mono_ms() < end; usleep(50000)) {
        redisReply *r = redisCommand(tk_redis, "GET %s", NQ_KEY_INDEX_LAYOUT);
        built = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, NQ_INDEX_LAYOUT) == 0;
        freeReplyObject(r);
    }
    CU_ASSERT_FATAL(built);
    const char *sp = collect("/api/v1/salespeople?include_archived=true", 500, true, NULL);
    tk_check(strcmp(sp, before_sp) == 0, "salespeople rebuilt: want [%s], got [%s]", before_sp, sp);
    check_list("/api/v1/salespeople?team=t-b", "sp-04,sp-05,sp-08");
    for (size_t i = 0; i < 2; i++)
        check_list(teams[i], before_teams[i]);
    char want[IDS_MAX + 8];
    snprintf(want, sizeof(want), "%s,z-raw", before_cu);
    check_list("/api/v1/customers", want);
    json_t *j = tk_call("GET", "/api/v1/customers?owner=sp-04&class=key", NULL, 200);
    tk_check(strstr(tk_text(j), "\"z-raw\"") != NULL, "z-raw under sp-04's key customers: %s",
             tk_text(j));
    json_decref(j);
    j = tk_call("GET", "/api/v1/customers?team=t-b&class=key", NULL, 200);
    tk_check(strstr(tk_text(j), "\"z-raw\"") != NULL, "z-raw in t-b's key customers: %s",
             tk_text(j));
    json_decref(j);
    check_list("/api/v1/customers?q=%E6%97%A7%E5%AE%A2", "z-raw"); /* q=旧客: its name's grams */
    check_list("/api/v1/customers?q=Z-RA", "z-raw");               /* its id's */
    check_list("/api/v1/customers?tag=%E8%80%81%E5%AE%A2%E6%88%B7", "z-raw"); /* tag=老客户 */
    check_sorted_teams("indexes built again");
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"setup: 4 teams, 9 salespeople, 120 customers", test_setup},
    {"teams, archived ones on request", test_teams},
    {"salespeople by team and status; moves, archived, restored", test_salespeople},
    {"customers by owner and class; moved, deleted", test_customers},
    {"pages while customers are added", test_pages_while_adding},
    {"filters with few matches", test_sparse_filters},
    {"bad limits, cursors, filters, parameters", test_bad_queries},
    {"a page looks at limit x 4 entries at most", test_bounded_work},
    {"team pages walk the members' customers, full", test_team_pages},
    {"team pages sorted by name and last contact, full, across moves", test_team_sorted_pages},
    {"sorted pages with a filter whose matches lie far: never empty before the end",
     test_sorted_far_matches},
    {"indexes of records stored without them, built once", test_build_once},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"org lists", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
