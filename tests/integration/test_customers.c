/* test_customers.c — customer management, first phase (issue 19), through the
 * real suite:
 *   - the record: PUT / GET / PATCH with every field, bad input answered 400
 *     naming the field, the owner history with its reasons;
 *   - lists by status, region and owner with class, cursor pages;
 *   - a customer's timeline, newest first, by pages and types;
 *   - follow-ups: a visit moves the due date, an older late visit does not
 *     move it back, overdue lists (company, salesperson), a team's cadence
 *     override, the sweep as time passes, last contacts equal after a
 *     rebuild's replay.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/keys.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define INDEX_MS 30000 /* how long the indexer may take to catch up */
#define DAY_MS   86400000LL

/* An instant of the answer (RFC 3339) as Unix ms, -1 when absent. */
static int64_t time_of(const json_t *o, const char *key)
{
    int64_t ms;
    const char *s = json_string_value(json_object_get(o, key));
    return s && nq_time_parse(s, &ms, NULL) == 0 ? ms : -1;
}

/* The local midnight starting the day `days` after the day of t. */
static int64_t midnight_after(int64_t t, int days)
{
    nq_period_t d;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_DAY, t, &d) == 0);
    return d.start_ms + (int64_t)(days + 1) * DAY_MS;
}

/* Every id of GET <path> in pages of `limit`, "a,b,c" (static). */
static const char *ids_of(const char *path, int limit, int *pages)
{
    static char ids[4096];
    char cursor[512] = "";
    ids[0] = '\0';
    *pages = 0;
    for (int n = 0; n < 1000; n++) {
        char url[1024];
        snprintf(url, sizeof(url), "%s%climit=%d%s%s", path, strchr(path, '?') ? '&' : '?', limit,
                 *cursor ? "&cursor=" : "", cursor);
        json_t *j = tk_call("GET", url, NULL, 200);
        json_t *items = json_object_get(j, "items"), *it;
        size_t i;
        (*pages)++;
        json_array_foreach (items, i, it) {
            if (ids[0])
                strncat(ids, ",", sizeof(ids) - strlen(ids) - 1);
            strncat(ids, tk_str(it, "id"), sizeof(ids) - strlen(ids) - 1);
        }
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(j);
        if (!*cursor)
            break;
    }
    return ids;
}

/* ---- the org the tests use ---- */

static void put_org(void)
{
    json_decref(tk_put("/api/v1/teams/t-east", json_pack("{s:s}", "name", "华东团队"), 200));
    json_decref(tk_put("/api/v1/salespeople/sp-1",
                       json_pack("{s:s, s:s}", "name", "张伟", "team_id", "t-east"), 200));
    json_decref(tk_put("/api/v1/salespeople/sp-2", json_pack("{s:s}", "name", "李娜"), 200));
}

/* ---- the record ---- */

static void test_record(void)
{
    put_org();
    json_t *c = tk_call("PUT", "/api/v1/customers/c-1",
                        "{\"name\":\"上海精工\",\"class\":\"key\",\"owner_id\":\"sp-1\","
                        "\"status\":\"active\",\"region\":\"华东\",\"industry\":\"制造业\","
                        "\"tags\":[\"vip\",\"老客户\"],"
                        "\"contacts\":[{\"name\":\"王经理\",\"title\":\"采购总监\","
                        "\"phone\":\"+86 21 5555 0101\",\"email\":\"wang@example.com\"}],"
                        "\"credit_limit\":\"50000.50\",\"payment_terms_days\":60,"
                        "\"owner_reason\":\"新建\"}",
                        200);
    json_t *g = tk_get_ok("/api/v1/customers/c-1");
    tk_check(json_equal(c, g), "the PUT answers what a GET reads: %s", tk_text(c));
    tk_check_str(json_object_get(g, "credit_limit"), "50000.50", "credit_limit");
    tk_check_like(json_object_get(g, "payment_terms_days"), "60", "payment_terms_days");
    tk_check_str(json_object_get(g, "region"), "华东", "region");
    tk_check_str(json_array_get(json_object_get(g, "tags"), 1), "老客户", "tags[1]");
    tk_check_str(json_object_get(json_array_get(json_object_get(g, "contacts"), 0), "email"),
                 "wang@example.com", "contacts[0].email");
    tk_check(time_of(g, "created_at") > 0, "created_at: %s", tk_text(g));
    tk_check_like(json_object_get(g, "cadence_days"), "7", "a key customer: 7 days");
    json_t *h = json_object_get(g, "owner_history");
    tk_check(json_array_size(h) == 1 &&
                 strcmp(tk_str(json_array_get(h, 0), "owner_id"), "sp-1") == 0 &&
                 strcmp(tk_str(json_array_get(h, 0), "reason"), "新建") == 0,
             "the owner history: %s", tk_text(h));
    int64_t created = time_of(g, "created_at");
    json_decref(c);
    json_decref(g);

    /* bad input: 400 naming the field */
    const char *base = "\"name\":\"X\"";
    struct {
        const char *extra, *field;
    } bad[] = {
        {"\"status\":\"asleep\"", "status"},
        {"\"contacts\":[{\"name\":\"a\",\"email\":\"not-mail\"}]", "contacts[0].email"},
        {"\"contacts\":[{\"name\":\"a\",\"phone\":\"call me\"}]", "contacts[0].phone"},
        {"\"contacts\":[{\"title\":\"no name\"}]", "contacts[0].name"},
        {"\"credit_limit\":\"abc\"", "credit_limit"},
        {"\"credit_limit\":\"-5\"", "credit_limit"},
        {"\"payment_terms_days\":400", "payment_terms_days"},
        {"\"tags\":[\"a\",\"a\"]", "tags[1]"},
        {"\"owner_id\":\"nobody\"", "owner_id"},
        {"\"created_at\":\"2026-01-01\"", "created_at"},
        {"\"favourite_colour\":\"red\"", "favourite_colour"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[512];
        snprintf(body, sizeof(body), "{%s,%s}", base, bad[i].extra);
        tk_expect_400("PUT", "/api/v1/customers/c-bad", body, bad[i].field);
    }
    tk_check(tk_redis_int("EXISTS %s", "nq:cust:c-bad") == 0, "nothing stored of a bad PUT");

    /* PATCH: what it names changes, the rest stays */
    json_t *p = tk_call("PATCH", "/api/v1/customers/c-1", "{\"region\":\"华南\",\"tags\":[]}", 200);
    tk_check_str(json_object_get(p, "region"), "华南", "patched region");
    tk_check(json_array_size(json_object_get(p, "tags")) == 0, "tags emptied: %s", tk_text(p));
    tk_check_str(json_object_get(p, "name"), "上海精工", "name kept");
    tk_check_str(json_object_get(p, "industry"), "制造业", "industry kept");
    tk_check_str(json_object_get(p, "credit_limit"), "50000.50", "credit_limit kept");
    tk_check_str(json_object_get(p, "owner_id"), "sp-1", "owner kept");
    tk_check(json_array_size(json_object_get(p, "contacts")) == 1, "contacts kept");
    tk_check(time_of(p, "created_at") == created, "created_at kept");
    json_decref(p);
    tk_expect_400("PATCH", "/api/v1/customers/c-1",
                  "{\"contacts\":[{\"name\":\"x\",\"email\":\"bad\"}]}", "contacts[0].email");
    tk_expect_400("PATCH", "/api/v1/customers/c-1", "{\"class\":\"vip\"}", "class");
    tk_expect_400("PATCH", "/api/v1/customers/c-1", "{\"owner_reason\":\"\\u0001\"}",
                  "owner_reason");
    json_decref(tk_call("PATCH", "/api/v1/customers/c-none", "{\"region\":\"x\"}", 404));
    g = tk_get_ok("/api/v1/customers/c-1");
    tk_check_str(json_object_get(g, "region"), "华南", "a refused PATCH changed nothing");
    json_decref(g);

    /* a change of owner keeps its reason */
    p = tk_call("PATCH", "/api/v1/customers/c-1",
                "{\"owner_id\":\"sp-2\",\"owner_reason\":\"张伟调岗\"}", 200);
    h = json_object_get(p, "owner_history");
    tk_check(json_array_size(h) == 2 &&
                 strcmp(tk_str(json_array_get(h, 1), "owner_id"), "sp-2") == 0 &&
                 strcmp(tk_str(json_array_get(h, 1), "reason"), "张伟调岗") == 0,
             "the second owner with its reason: %s", tk_text(h));
    json_decref(p);
    /* and back, for the follow-up tests */
    json_decref(tk_call("PATCH", "/api/v1/customers/c-1",
                        "{\"owner_id\":\"sp-1\",\"owner_reason\":\"回归\"}", 200));
    /* a PATCH that changes no owner adds no entry */
    p = tk_call("PATCH", "/api/v1/customers/c-1", "{\"industry\":\"机械\"}", 200);
    tk_check(json_array_size(json_object_get(p, "owner_history")) == 3, "three owners: %s",
             tk_text(json_object_get(p, "owner_history")));
    json_decref(p);
}

/* ---- lists ---- */

static void test_lists(void)
{
    struct {
        const char *id, *cls, *owner, *status, *region;
    } cs[] = {
        {"l-01", "key", "sp-1", "active", "east"},  {"l-02", "normal", "sp-1", "dormant", "east"},
        {"l-03", "key", "sp-2", "active", "west"},  {"l-04", "potential", "sp-1", "lost", "east"},
        {"l-05", "key", "sp-1", "active", "east"},  {"l-06", "normal", "sp-2", "dormant", "west"},
        {"l-07", "key", "sp-1", "dormant", "east"}, {"l-08", "key", "sp-1", "active", ""},
    };
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/customers/%s", cs[i].id);
        json_decref(tk_put(path,
                           json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", cs[i].id, "class",
                                     cs[i].cls, "owner_id", cs[i].owner, "status", cs[i].status,
                                     "region", cs[i].region),
                           200));
    }
    int pages;
    const char *got = ids_of("/api/v1/customers?region=east", 2, &pages);
    tk_check(strcmp(got, "l-01,l-02,l-04,l-05,l-07") == 0 && pages >= 3, "region=east: %s in %d",
             got, pages);
    got = ids_of("/api/v1/customers?status=dormant", 50, &pages);
    tk_check(strcmp(got, "l-02,l-06,l-07") == 0, "status=dormant: %s", got);
    got = ids_of("/api/v1/customers?owner=sp-1&class=key&status=active&region=east", 1, &pages);
    tk_check(strcmp(got, "l-01,l-05") == 0, "owner, class, status, region: %s", got);
    /* moved by a PATCH */
    json_decref(tk_call("PATCH", "/api/v1/customers/l-02", "{\"status\":\"active\"}", 200));
    got = ids_of("/api/v1/customers?status=dormant", 50, &pages);
    tk_check(strcmp(got, "l-06,l-07") == 0, "status=dormant after the PATCH: %s", got);
    /* tags: an index per tag, kept as tags change and when the customer goes */
    json_decref(tk_call("PATCH", "/api/v1/customers/l-01", "{\"tags\":[\"vip\",\"a\"]}", 200));
    json_decref(tk_call("PATCH", "/api/v1/customers/l-05", "{\"tags\":[\"vip\"]}", 200));
    json_decref(tk_call("PUT", "/api/v1/customers/l-09",
                        "{\"name\":\"l-09\",\"tags\":[\"vip\",\"标签\"]}", 200));
    got = ids_of("/api/v1/customers?tag=vip", 50, &pages);
    tk_check(strcmp(got, "l-01,l-05,l-09") == 0, "tag=vip: %s", got);
    got = ids_of("/api/v1/customers?tag=%E6%A0%87%E7%AD%BE", 50, &pages);
    tk_check(strcmp(got, "l-09") == 0, "tag=标签: %s", got);
    json_decref(tk_call("PATCH", "/api/v1/customers/l-01", "{\"tags\":[\"a\"]}", 200));
    json_decref(tk_call("DELETE", "/api/v1/customers/l-09", NULL, 200));
    got = ids_of("/api/v1/customers?tag=vip&owner=sp-1", 50, &pages);
    tk_check(strcmp(got, "l-05") == 0, "tag=vip after a PATCH and a DELETE: %s", got);
    got = ids_of("/api/v1/customers?tag=a", 50, &pages);
    tk_check(strcmp(got, "l-01") == 0, "tag=a: %s", got);
    tk_check(tk_redis_int("ZCARD %s", "nq:ix:customers:tag=标签") == 0, "l-09 left its tags");
    tk_expect_400("GET", "/api/v1/customers?status=asleep", NULL, "status");
    tk_expect_400("GET", "/api/v1/customers?overdue=credit", NULL, "overdue");
    tk_expect_400("GET", "/api/v1/customers?limit=501", NULL, "limit");
    json_t *j = tk_get_ok("/api/v1/customers?limit=500");
    json_decref(j);
    /* a cursor belongs to its query */
    j = tk_get_ok("/api/v1/customers?region=east&limit=1");
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/customers?region=west&limit=1&cursor=%s",
             tk_str(j, "next_cursor"));
    tk_expect_400("GET", path, NULL, "cursor");
    json_decref(j);
}

/* ---- the timeline ---- */

static void test_timeline(void)
{
    int64_t now = nq_now_ms();
    json_t *evs =
        json_pack("[o, o, o, o]", tk_event("t-v", "visit", "sp-1", "l-05", now - 3000, NULL),
                  tk_event("t-o", "order", "sp-1", "l-05", now - 2000, "100.00"),
                  tk_event("t-c", "call", "sp-2", "l-05", now - 1000, NULL),
                  tk_event("t-x", "visit", "sp-1", "l-01", now - 500, NULL));
    tk_post_counts(evs, 4, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    json_t *p1 = tk_get_ok("/api/v1/customers/l-05/timeline?limit=2");
    json_t *items = json_object_get(p1, "items");
    tk_check(json_array_size(items) == 2 &&
                 strcmp(tk_str(json_array_get(items, 0), "event_id"), "t-c") == 0 &&
                 strcmp(tk_str(json_array_get(items, 1), "event_id"), "t-o") == 0,
             "page 1 newest first: %s", tk_text(p1));
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/customers/l-05/timeline?limit=2&cursor=%s",
             tk_str(p1, "next_cursor"));
    json_t *p2 = tk_get_ok(path);
    items = json_object_get(p2, "items");
    tk_check(json_array_size(items) == 1 &&
                 strcmp(tk_str(json_array_get(items, 0), "event_id"), "t-v") == 0 &&
                 json_is_null(json_object_get(p2, "next_cursor")),
             "page 2, the last: %s", tk_text(p2));
    json_t *v = tk_get_ok("/api/v1/customers/l-05/timeline?types=visit,call");
    items = json_object_get(v, "items");
    tk_check(json_array_size(items) == 2, "types=visit,call: %s", tk_text(v));
    tk_expect_400("GET", "/api/v1/customers/l-05/timeline?types=dance", NULL, "types");
    tk_expect_400("GET", "/api/v1/customers/l-05/timeline?limit=0", NULL, "limit");
    tk_expect_400("GET", "/api/v1/customers/l-05/timeline?cursor=xyz", NULL, "cursor");
    json_decref(p1);
    json_decref(p2);
    json_decref(v);
}

/* ---- follow-ups ---- */

/* Wait until GET /customers/<id> shows last_contact_at == want. */
static json_t *wait_contact(const char *id, int64_t want)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    json_t *g = NULL;
    for (int64_t deadline = tk_mono_ms() + INDEX_MS; tk_mono_ms() < deadline; usleep(50000)) {
        json_decref(g);
        g = tk_get_ok(path);
        if (time_of(g, "last_contact_at") == want)
            break;
    }
    tk_check(time_of(g, "last_contact_at") == want, "%s: last contact %lld: %s", id,
             (long long)want, tk_text(g));
    return g;
}

static void test_followup(void)
{
    int64_t now = nq_now_ms();
    int64_t visit = now - 2 * DAY_MS;
    tk_post_counts(json_pack("[o]", tk_event("f-1", "visit", "sp-1", "c-1", visit, NULL)), 1, 0);
    json_t *g = wait_contact("c-1", visit);
    tk_check(time_of(g, "followup_due_at") == midnight_after(visit, 7),
             "a key customer: due 7 days after the visit's day: %s", tk_text(g));
    json_decref(g);
    /* an older visit, arriving late, moves nothing back; a later order is no contact */
    tk_post_counts(json_pack("[o, o]",
                             tk_event("f-2", "visit", "sp-1", "c-1", visit - 3 * DAY_MS, NULL),
                             tk_event("f-3", "order", "sp-1", "c-1", now - 1000, "5.00")),
                   2, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    g = tk_get_ok("/api/v1/customers/c-1");
    tk_check(time_of(g, "last_contact_at") == visit &&
                 time_of(g, "followup_due_at") == midnight_after(visit, 7),
             "the late older visit and the order left the last contact: %s", tk_text(g));
    json_decref(g);

    /* a customer never contacted is due from its since: long ago, so overdue now */
    json_decref(tk_put("/api/v1/customers/c-old",
                       json_pack("{s:s, s:s, s:s, s:I}", "name", "老客户", "class", "potential",
                                 "owner_id", "sp-1", "since", (json_int_t)(now - 40 * DAY_MS)),
                       200));
    json_decref(tk_put("/api/v1/customers/c-old2",
                       json_pack("{s:s, s:s, s:s, s:I}", "name", "另一个", "class", "normal",
                                 "owner_id", "sp-2", "since", (json_int_t)(now - 40 * DAY_MS)),
                       200));
    /* lost ones are not followed up */
    json_decref(
        tk_put("/api/v1/customers/c-lost",
               json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", "流失", "class", "key", "owner_id",
                         "sp-1", "status", "lost", "since", (json_int_t)(now - 40 * DAY_MS)),
               200));
    int pages;
    const char *got = ids_of("/api/v1/customers?overdue=followup", 50, &pages);
    tk_check(strcmp(got, "c-old,c-old2") == 0, "overdue: %s", got);
    got = ids_of("/api/v1/customers?overdue=followup&owner=sp-1", 50, &pages);
    tk_check(strcmp(got, "c-old") == 0, "sp-1's overdue: %s", got);
    /* a call today: no longer overdue */
    tk_post_counts(json_pack("[o]", tk_event("f-4", "call", "sp-1", "c-old", now - 1000, NULL)), 1,
                   0);
    json_decref(wait_contact("c-old", now - 1000));
    got = ids_of("/api/v1/customers?overdue=followup&owner=sp-1", 50, &pages);
    tk_check(strcmp(got, "") == 0, "sp-1's overdue after the call: %s", got);

    /* a team's cadence: key customers of t-east every 3 days */
    json_t *cad = tk_get_ok("/api/v1/teams/t-east/cadence");
    tk_check(tk_num(cad, "key_days") == 7 && tk_num(cad, "normal_days") == 30 &&
                 tk_num(cad, "potential_days") == 14 &&
                 json_array_size(json_object_get(cad, "overridden")) == 0,
             "the company defaults: %s", tk_text(cad));
    json_decref(cad);
    cad = tk_call("PUT", "/api/v1/teams/t-east/cadence", "{\"key_days\":1}", 200);
    tk_check(tk_num(cad, "key_days") == 1 && tk_num(cad, "normal_days") == 30 &&
                 json_array_size(json_object_get(cad, "overridden")) == 1,
             "key overridden: %s", tk_text(cad));
    json_decref(cad);
    g = tk_get_ok("/api/v1/customers/c-1");
    tk_check(tk_num(g, "cadence_days") == 1 &&
                 time_of(g, "followup_due_at") == midnight_after(visit, 1),
             "c-1 (sp-1 of t-east) due by the team's cadence: %s", tk_text(g));
    json_decref(g);
    got = ids_of("/api/v1/customers?overdue=followup&owner=sp-1&class=key", 50, &pages);
    tk_check(strstr(got, "c-1") != NULL, "c-1 overdue by the team's cadence: %s", got);
    /* the team's overdue list: its members' customers only */
    got = ids_of("/api/v1/customers?team=t-east&overdue=followup", 50, &pages);
    tk_check(strcmp(got, "c-1") == 0, "t-east's overdue: %s", got);
    got = ids_of("/api/v1/customers?overdue=followup", 50, &pages);
    tk_check(strcmp(got, "c-1,c-old2") == 0, "the company's overdue: %s", got);
    got = ids_of("/api/v1/customers?team=t-east&class=key&status=active", 2, &pages);
    tk_check(strcmp(got, "c-1,l-01,l-05,l-08") == 0, "t-east's active key customers: %s", got);
    got = ids_of("/api/v1/customers?team=t-none", 50, &pages);
    tk_check(strcmp(got, "") == 0, "no such team: none: %s", got);
    tk_expect_400("GET", "/api/v1/customers?team=t%20east", NULL, "team");
    tk_expect_400("PUT", "/api/v1/teams/t-east/cadence", "{\"key_days\":0}", "key_days");
    tk_expect_400("PUT", "/api/v1/teams/t-east/cadence", "{\"normal_days\":366}", "normal_days");
    tk_expect_400("PUT", "/api/v1/teams/t-east/cadence", "{\"overridden\":[\"key\"]}",
                  "overridden");
    json_decref(tk_call("PUT", "/api/v1/teams/t-none/cadence", "{\"key_days\":3}", 404));
    /* a salesperson joining the team: their customers follow its cadence at once */
    g = tk_get_ok("/api/v1/customers/l-03");
    tk_check(tk_num(g, "cadence_days") == 7, "sp-2's key customer, no team: %s", tk_text(g));
    json_decref(g);
    json_decref(tk_put("/api/v1/salespeople/sp-2",
                       json_pack("{s:s, s:s}", "name", "李娜", "team_id", "t-east"), 200));
    g = tk_get_ok("/api/v1/customers/l-03");
    tk_check(tk_num(g, "cadence_days") == 1, "sp-2 joined t-east: %s", tk_text(g));
    json_decref(g);
    json_decref(tk_put("/api/v1/teams/t-east",
                       json_pack("{s:s, s:[s]}", "name", "华东团队", "members", "sp-1"), 200));
    g = tk_get_ok("/api/v1/customers/l-03");
    tk_check(tk_num(g, "cadence_days") == 7, "sp-2 left t-east by a team put: %s", tk_text(g));
    json_decref(g);
    /* back to the defaults */
    json_decref(tk_call("PUT", "/api/v1/teams/t-east/cadence", "{}", 200));
    g = tk_get_ok("/api/v1/customers/c-1");
    tk_check(tk_num(g, "cadence_days") == 7, "the default again: %s", tk_text(g));
    json_decref(g);
}

/* Time passing: a due date that is reached joins the overdue list on the
 * indexer's next sweep. */
static void test_sweep(void)
{
    int pages;
    json_decref(tk_put(
        "/api/v1/customers/c-soon",
        json_pack("{s:s, s:s, s:s}", "name", "快到期", "class", "key", "owner_id", "sp-2"), 200));
    tk_check(strstr(ids_of("/api/v1/customers?overdue=followup", 50, &pages), "c-soon") == NULL,
             "not overdue yet");
    /* as if its due date had come: the sweep finds it */
    char now[24];
    snprintf(now, sizeof(now), "%lld", (long long)nq_now_ms() - 1000);
    tk_redis_do("ZADD %s %s %s", NQ_KEY_FOLLOWUP_DUE, now, "c-soon");
    bool found = false;
    for (int64_t deadline = tk_mono_ms() + 5000; tk_mono_ms() < deadline && !found; usleep(100000))
        found = strstr(ids_of("/api/v1/customers?overdue=followup", 50, &pages), "c-soon") != NULL;
    tk_check(found, "the sweep put c-soon in the overdue list");
}

/* A rebuild request replays the log into the index: the last contacts come
 * back equal to live, whatever was lost. */
/* Request a rebuild and wait until the activity index replayed the log and
 * the job ended (another may be requested then). */
static void rebuild_and_wait(void)
{
    json_decref(tk_call("POST", "/api/v1/admin/rebuild", NULL, 202));
    long long requested = tk_redis_int("HGET %s requested_at", NQ_KEY_REBUILD_JOB);
    for (int64_t deadline = tk_mono_ms() + INDEX_MS;
         tk_mono_ms() < deadline && tk_redis_int("GET %s", NQ_KEY_ACTINDEX_REPLAYED) != requested;)
        usleep(20000);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    CU_ASSERT_TRUE_FATAL(tk_wait_rebuild_ended(INDEX_MS));
}

static void test_rebuild(void)
{
    redisReply *before = tk_cmd("HGETALL %s", NQ_KEY_FOLLOWUP_LAST);
    CU_ASSERT_FATAL(before && before->type == REDIS_REPLY_ARRAY && before->elements >= 6);
    tk_redis_do("DEL %s", NQ_KEY_FOLLOWUP_LAST);
    tk_redis_do("HDEL %s %s", "nq:cust:c-1", "last_contact_at");
    rebuild_and_wait();
    redisReply *after = tk_cmd("HGETALL %s", NQ_KEY_FOLLOWUP_LAST);
    bool same = after && after->elements == before->elements;
    for (size_t i = 0; same && i < before->elements; i += 2) {
        const redisReply *v = tk_field_of(after, before->element[i]->str);
        same = v && strcmp(v->str, before->element[i + 1]->str) == 0;
    }
    tk_check(same, "the last contacts after the replay equal live: %zu fields then, %zu now",
             before->elements / 2, after ? after->elements / 2 : 0);
    json_t *g = tk_get_ok("/api/v1/customers/c-1");
    tk_check(time_of(g, "last_contact_at") > 0, "c-1's last contact is back: %s", tk_text(g));
    json_decref(g);
    freeReplyObject(before);
    freeReplyObject(after);
}

/* What a contact's refresh writes of customer id (its record's last contact,
 * follow-up and sort keys; its follow-up due and overdue scores), as one line. */
static void refreshed_state(const char *id, char *buf, size_t len)
{
    char key[96], over[96];
    nq_key_customer(key, sizeof(key), id);
    nq_key_index(over, sizeof(over), NQ_IX_CUSTOMERS, "overdue", "followup");
    redisReply *f = tk_cmd("HMGET %s last_contact_at followup_due_at sort_keys", key);
    redisReply *d = tk_cmd("ZSCORE %s %s", NQ_KEY_FOLLOWUP_DUE, id);
    redisReply *o = tk_cmd("ZSCORE %s %s", over, id);
    snprintf(buf, len, "%s|%s|%s|%s|%s",
             f && f->elements == 3 && f->element[0]->str ? f->element[0]->str : "-",
             f && f->elements == 3 && f->element[1]->str ? f->element[1]->str : "-",
             f && f->elements == 3 && f->element[2]->str ? f->element[2]->str : "-",
             d && d->str ? d->str : "-", o && o->str ? o->str : "-");
    freeReplyObject(f);
    freeReplyObject(d);
    freeReplyObject(o);
}

/* A contact whose transaction was stored (last contact kept, customer marked)
 * but whose refresh never ran, nq-customers killed in between: the next start
 * refreshes it, and the result equals what a rebuild's replay gives. */
static void test_refresh_after_kill(void)
{
    int64_t at = nq_now_ms() - 500; /* newer than c-old's last contact */
    char num[24], member[64], before[2][512], after[2][512];
    tk_check(nq_harness_proc_stop(tk_h, "nq-customers", SIGKILL) == 128 + SIGKILL,
             "nq-customers killed");
    tk_post_counts(json_pack("[o]", tk_event("k-1", "visit", "sp-1", "c-old", at, NULL)), 1, 0);
    /* what the indexer's transaction wrote for it (contact_seen.lua) before the kill */
    snprintf(num, sizeof(num), "%lld", (long long)at);
    tk_redis_do("HSET %s %s %s", NQ_KEY_FOLLOWUP_LAST, "c-old", num);
    tk_redis_do("ZADD %s NX %s %s", NQ_KEY_FOLLOWUP_DIRTY, num, "c-old");
    tk_check(tk_metric("nq_followup_refresh_pending_customers") == 1 &&
                 tk_metric("nq_followup_refresh_lag_ms") >= 0,
             "/metrics shows the refresh left: %lld, %lld ms",
             tk_metric("nq_followup_refresh_pending_customers"),
             tk_metric("nq_followup_refresh_lag_ms"));
    tk_check(nq_harness_proc_start(tk_h, "nq-customers") == 0 &&
                 nq_harness_wait_ready(tk_h, INDEX_MS),
             "nq-customers started again");
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    json_t *g = tk_get_ok("/api/v1/customers/c-old");
    tk_check(time_of(g, "last_contact_at") == at &&
                 time_of(g, "followup_due_at") == midnight_after(at, 14),
             "c-old refreshed after the restart: %s", tk_text(g));
    json_decref(g);
    int n = snprintf(member, sizeof(member), "%013lld\x1f%s", (long long)at, "c-old");
    redisReply *r = tk_cmd("ZSCORE nq:ix:customers:sort=last_contact %b", member, (size_t)n);
    tk_check(r && r->type == REDIS_REPLY_STRING, "c-old in the last-contact order at its visit");
    freeReplyObject(r);
    tk_check(tk_metric("nq_followup_refresh_pending_customers") == 0 &&
                 tk_metric("nq_followup_refresh_lag_ms") == 0,
             "/metrics: none left");

    /* a rebuild from lost last contacts gives the same records and indexes */
    const char *ids[] = {"c-1", "c-old"};
    for (size_t i = 0; i < 2; i++)
        refreshed_state(ids[i], before[i], sizeof(before[i]));
    tk_redis_do("DEL %s", NQ_KEY_FOLLOWUP_LAST);
    tk_redis_do("HDEL %s %s", "nq:cust:c-1", "last_contact_at");
    tk_redis_do("HDEL %s %s", "nq:cust:c-old", "last_contact_at");
    rebuild_and_wait();
    for (size_t i = 0; i < 2; i++) {
        refreshed_state(ids[i], after[i], sizeof(after[i]));
        tk_check(strcmp(before[i], after[i]) == 0, "%s after the rebuild: %s, live: %s", ids[i],
                 after[i], before[i]);
    }
}

static int suite_init(void)
{
    return tk_start(NULL);
}

/* ---- search (q=) and order (sort=) ---- */

/* PUT customer `id` named `name`, of class `cls`, owned by sp-1. */
static void put_named(const char *id, const char *name, const char *cls)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/customers/%s", id);
    json_decref(tk_put(
        path, json_pack("{s:s, s:s, s:s}", "name", name, "class", cls, "owner_id", "sp-1"), 200));
}

static void test_search_sort(void)
{
    /* created in the order s-6, s-2, s-1; 凌霄 = %E5%87%8C%E9%9C%84 */
    put_named("s-6", "凌霄A", "potential");
    usleep(5000);
    put_named("s-2", "深圳凌霄终端", "normal");
    usleep(5000);
    put_named("s-1", "凌霄技术有限公司", "key");
    put_named("s-3", "ACME Trading", "key");
    put_named("s-5", "上海凌霄", "key");
    int pages;
#define LX "%E5%87%8C%E9%9C%84"
    const char *got = ids_of("/api/v1/customers?q=" LX, 1, &pages);
    tk_check(strcmp(got, "s-1,s-2,s-5,s-6") == 0, "q=凌霄: %s", got);
    got = ids_of("/api/v1/customers?q=acme%20t", 50, &pages);
    tk_check(strcmp(got, "s-3") == 0, "q=acme t (any case): %s", got);
    got = ids_of("/api/v1/customers?q=S-5", 50, &pages);
    tk_check(strcmp(got, "s-5") == 0, "q=S-5 (an id): %s", got);
    got = ids_of("/api/v1/customers?q=%E6%B7%B1%E5%9C%B3" LX "&owner=sp-1", 50, &pages);
    tk_check(strcmp(got, "s-2") == 0, "q=深圳凌霄 with owner: %s", got);
    /* a rename leaves the grams it lost */
    json_decref(tk_call("PATCH", "/api/v1/customers/s-5", "{\"name\":\"上海某公司\"}", 200));
    got = ids_of("/api/v1/customers?q=" LX, 50, &pages);
    tk_check(strcmp(got, "s-1,s-2,s-6") == 0, "q=凌霄 after a rename: %s", got);
    tk_check(tk_redis_int("ZCARD %s", "nq:ix:customers:q=海凌") == 0, "s-5 still in q=海凌");
    tk_expect_400("GET", "/api/v1/customers?q=%E5%87%8C", NULL, "q");
    /* orders: by name (UTF-8 order of the folded name), created, last contact, next follow-up */
    got = ids_of("/api/v1/customers?q=" LX "&sort=name", 1, &pages);
    tk_check(strcmp(got, "s-6,s-1,s-2") == 0 && pages >= 3, "sort=name: %s in %d", got, pages);
    got = ids_of("/api/v1/customers?q=" LX "&sort=-name", 1, &pages);
    tk_check(strcmp(got, "s-2,s-1,s-6") == 0, "sort=-name: %s", got);
    got = ids_of("/api/v1/customers?q=" LX "&sort=created", 2, &pages);
    tk_check(strcmp(got, "s-6,s-2,s-1") == 0, "sort=created: %s", got);
    got = ids_of("/api/v1/customers?q=" LX "&sort=next_followup", 1, &pages);
    tk_check(strcmp(got, "s-1,s-6,s-2") == 0, "sort=next_followup (7, 14, 30 days): %s", got);
    int64_t now = nq_now_ms();
    tk_post_counts(json_pack("[o, o]", tk_event("s-v2", "visit", "sp-1", "s-2", now - 3000, NULL),
                             tk_event("s-v1", "call", "sp-1", "s-1", now - 1000, NULL)),
                   2, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    got = ids_of("/api/v1/customers?q=" LX "&sort=-last_contact", 1, &pages);
    tk_check(strcmp(got, "s-1,s-2,s-6") == 0, "sort=-last_contact: %s", got);
    got = ids_of("/api/v1/customers?q=" LX "&sort=last_contact", 1, &pages);
    tk_check(strcmp(got, "s-6,s-2,s-1") == 0, "sort=last_contact (never first): %s", got);
    /* a cursor of one order is refused by another */
    json_t *j = tk_get_ok("/api/v1/customers?sort=name&limit=1");
    char path[512];
    snprintf(path, sizeof(path), "/api/v1/customers?sort=-name&limit=1&cursor=%s",
             tk_str(j, "next_cursor"));
    tk_expect_400("GET", path, NULL, "cursor");
    json_decref(j);
    tk_expect_400("GET", "/api/v1/customers?sort=phone", NULL, "sort");
    /* a removed customer leaves every order */
    json_decref(tk_call("DELETE", "/api/v1/customers/s-6", NULL, 200));
    got = ids_of("/api/v1/customers?q=" LX "&sort=name", 1, &pages);
    tk_check(strcmp(got, "s-1,s-2") == 0, "sort=name after a delete: %s", got);
    long long left = 0;
    const char *sorts[] = {"name", "created", "last_contact", "next_followup"};
    for (size_t i = 0; i < 4; i++) {
        char key[64];
        snprintf(key, sizeof(key), "nq:ix:customers:sort=%s", sorts[i]);
        left += tk_redis_int("ZCARD %s", key);
    }
    tk_check(left == 4 * tk_redis_int("SCARD %s", NQ_KEY_CUSTOMERS),
             "every customer once in each order: %lld", left);
#undef LX
}

/* ---- the customer 360 ---- */

/* An event of m-1 by `sp` at `at` with amount and one more field. */
static json_t *m1_event(const char *id, const char *type, const char *sp, int64_t at,
                        const char *amount, const char *field, json_t *value)
{
    json_t *e = tk_event(id, type, sp, "m-1", at, amount);
    if (field)
        json_object_set_new(e, field, value);
    return e;
}

static void test_summary(void)
{
    json_decref(tk_put(
        "/api/v1/customers/m-1",
        json_pack("{s:s, s:s, s:s}", "name", "明远贸易", "class", "key", "owner_id", "sp-1"), 200));
    int64_t now = nq_now_ms();
    nq_period_t year;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_YEAR, now, &year) == 0);
    int64_t last_year = year.start_ms - 10 * DAY_MS;
    json_t *evs = json_pack(
        "[o, o, o, o, o, o, o, o, o, o, o, o]",
        m1_event("m-o1", "order", "sp-1", now - 5000, "100.00", "order_id", json_string("O1")),
        m1_event("m-o2", "order", "sp-1", last_year, "50.00", NULL, NULL),
        m1_event("m-r1", "return", "sp-1", now - 4000, "30.00", "order_id", json_string("O1")),
        m1_event("m-f1", "feedback", "sp-1", now - 3900, NULL, "rating", json_integer(5)),
        m1_event("m-f2", "feedback", "sp-1", now - 3800, NULL, "rating", json_integer(4)),
        m1_event("m-n1", "feedback", "sp-1", now - 3700, NULL, "nps", json_integer(10)),
        m1_event("m-n2", "feedback", "sp-1", now - 3600, NULL, "nps", json_integer(3)),
        m1_event("m-n3", "feedback", "sp-1", now - 3500, NULL, "nps", json_integer(9)),
        /* T1 closed before it is opened (the log's order need not be theirs) */
        m1_event("m-t0", "ticket_closed", "sp-1", now - 3400, NULL, "ticket_id", json_string("T1")),
        m1_event("m-t1", "ticket_opened", "sp-1", now - 3300, NULL, "ticket_id", json_string("T1")),
        m1_event("m-t2", "ticket_opened", "sp-1", now - 3200, NULL, "ticket_id", json_string("T2")),
        m1_event("m-i1", "competitor_intel", "sp-1", now - 3100, NULL, "competitor",
                 json_string("宏达")));
    tk_post_counts(evs, 12, 0);
    tk_post_counts(json_pack("[o, o]",
                             m1_event("m-c1", "call", "sp-1", now - 2000, NULL, NULL, NULL),
                             m1_event("m-v1", "visit", "sp-2", now - 1000, NULL, NULL, NULL)),
                   2, 0);
    CU_ASSERT_TRUE_FATAL(tk_wait_indexed(INDEX_MS));
    json_t *s = tk_get_ok("/api/v1/customers/m-1/summary");
    json_t *sales = json_object_get(s, "sales"), *sat = json_object_get(s, "satisfaction");
    json_t *month = json_object_get(sales, "month"), *ly = json_object_get(sales, "last_year");
    json_t *lc = json_object_get(s, "last_contact");
    tk_check(tk_num(month, "orders") == 1 && strcmp(tk_str(month, "sales_amount"), "70.00") == 0,
             "this month: 1 order, 100.00 less a 30.00 return: %s", tk_text(month));
    tk_check(tk_num(json_object_get(sales, "year"), "orders") == 1 && tk_num(ly, "orders") == 1 &&
                 strcmp(tk_str(ly, "sales_amount"), "50.00") == 0,
             "this year and last: %s", tk_text(sales));
    tk_check(tk_num(s, "open_tickets") == 1, "T2 open, T1 closed: %s", tk_text(s));
    tk_check(tk_num(s, "competitor_mentions") == 1, "one mention: %s", tk_text(s));
    tk_check(
        tk_num(sat, "ratings") == 2 && json_real_value(json_object_get(sat, "avg_rating")) == 4.5 &&
            tk_num(sat, "nps_answers") == 3 && json_real_value(json_object_get(sat, "nps")) == 33.3,
        "ratings 5, 4; NPS (2 - 1) / 3: %s", tk_text(sat));
    tk_check(lc && strcmp(tk_str(lc, "salesperson_id"), "sp-2") == 0 &&
                 strcmp(tk_str(lc, "type"), "visit") == 0 && time_of(lc, "at") == now - 1000,
             "last contact: sp-2's visit: %s", tk_text(s));
    tk_check(time_of(s, "followup_due_at") == midnight_after(now - 1000, 7),
             "next follow-up 7 days after the visit: %s", tk_text(s));
    /* the same events again change nothing */
    tk_post_counts(json_pack("[o]", m1_event("m-o1", "order", "sp-1", now - 5000, "100.00",
                                             "order_id", json_string("O1"))),
                   0, 1);
    /* a rebuild's replay over what is kept counts nothing twice; with the figures
     * gone it recomputes every one equal to live */
    char *live = json_dumps(s, JSON_SORT_KEYS);
    for (int gone = 0; gone < 2; gone++) {
        if (gone) {
            tk_redis_do("DEL %s", "nq:cust:m-1:sums");
            tk_redis_do("DEL %s", "nq:cust:m-1:tickets");
            tk_redis_do("DEL %s", "nq:cust:m-1:timeline");
        }
        rebuild_and_wait();
        json_t *again = tk_get_ok("/api/v1/customers/m-1/summary");
        char *replayed = json_dumps(again, JSON_SORT_KEYS);
        tk_check(strcmp(live, replayed) == 0, "after a replay (%s) %s, live %s",
                 gone ? "figures deleted" : "figures kept", replayed, live);
        free(replayed);
        json_decref(again);
    }
    free(live);
    json_decref(s);
    json_decref(tk_call("GET", "/api/v1/customers/nobody/summary", NULL, 404));
}

static int suite_cleanup(void)
{
    return tk_stop() == 0 ? 0 : -1;
}

static CU_TestInfo tests[] = {
    {"the record: PUT, GET, PATCH, bad fields, owner history", test_record},
    {"lists by status, region, owner and class, in pages", test_lists},
    {"a customer's timeline, newest first", test_timeline},
    {"follow-ups: contacts, overdue lists, a team's cadence", test_followup},
    {"due dates reached join the overdue list", test_sweep},
    {"last contacts equal after a rebuild's replay", test_rebuild},
    {"a contact marked, then killed before its refresh: refreshed on restart",
     test_refresh_after_kill},
    {"search by name or id, and the orders of the list", test_search_sort},
    {"the customer 360: contact, follow-up, sales, tickets, satisfaction", test_summary},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"customers", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
