/* test_export.c — GET /api/v1/customers/export.csv over real HTTP against a
 * private suite (harness.h):
 *   - the file parses back (RFC 4180, a reference parser here) to exactly the
 *     JSON list with the same filters, cell by cell: a name with commas,
 *     quotes and a newline, a formula-looking name (neutralised with an
 *     apostrophe), Chinese text; several pages of the list in one file;
 *   - UTF-8 with BOM, CRLF rows, the header row in English or, by
 *     Accept-Language, in Chinese; Content-Type, Content-Disposition, chunked;
 *   - a coordinator's export holds their teams' customers only;
 *   - `nqctl import customers` reads an export back (Chinese header): the
 *     customers changed, the file imported, the export again the same;
 *   - a bad filter, limit= or cursor=: 400 naming it, no file.
 *
 * The org: t-e1 (sp-e1, coordinator u-exp), t-e2 (sp-e2); the odd customers
 * c-e01 .. c-e04 and N_BULK plain ones c-b0000.. (sp-e1's and sp-e2's in turn).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nq/access.h"
#include "nq/httpc.h"
#include "nq/period.h"
#include "nq_test.h"
#include "testkit.h"

#define N_BULK   700 /* more than one page of the list's largest (500) */
#define PASSWORD "export-pass-1234"
#define BOM      "\xEF\xBB\xBF"

static const char *const odd_names[][2] = {
    {"c-e01", "Acme, \"East\"\nBranch"},
    {"c-e02", "=HYPERLINK(\"http://evil.example\",\"open\")"},
    {"c-e03", "上海精工机械有限公司"},
    {"c-e04", "-2+3"},
};

/* The columns in file order (gateway/h_export.c; docs/customers.md). */
static const char *const columns[] = {
    "id",
    "name",
    "class",
    "status",
    "owner_id",
    "region",
    "industry",
    "tags",
    "credit_limit",
    "payment_terms_days",
    "since",
    "created_at",
    "last_contact_at",
    "followup_due_at",
    "updated_at",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static char s_cookie[160]; /* the coordinator's session header line */

/* ================================================================ a CSV reader */

/* Rows of RFC 4180 text: a JSON array of arrays of strings; NULL when the
 * text is not well formed (a stray quote, a row not ending in CRLF). */
static json_t *csv_parse(const char *s, size_t len)
{
    json_t *rows = json_array(), *row = json_array();
    size_t i = 0;
    char *cell = malloc(len + 1);
    while (i < len) {
        size_t n = 0;
        if (s[i] == '"') {
            for (i++;; i++) {
                if (i >= len)
                    goto bad;
                if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                    cell[n++] = s[i++];
                else if (s[i] == '"')
                    break;
                else
                    cell[n++] = s[i];
            }
            i++;
        } else {
            while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                if (s[i] == '"')
                    goto bad;
                cell[n++] = s[i++];
            }
        }
        json_array_append_new(row, json_stringn(cell, n));
        if (i < len && s[i] == ',') {
            i++;
            continue;
        }
        if (i + 1 >= len || s[i] != '\r' || s[i + 1] != '\n')
            goto bad;
        i += 2;
        json_array_append_new(rows, row);
        row = json_array();
    }
    json_decref(row);
    free(cell);
    return rows;
bad:
    json_decref(row);
    json_decref(rows);
    free(cell);
    return NULL;
}

/* ================================================================ helpers */

/* GET path with extra header lines (NULL: the suite's key); the answer. */
static nq_httpc_response_t get(const char *path, const char *headers)
{
    nq_httpc_response_t r = {0};
    nq_httpc_t *c = headers ? nq_httpc_new(nq_harness_url(tk_h)) : tk_http;
    if (headers)
        nq_httpc_set_api_key(c, NULL);
    nq_httpc_set_timeout(c, 30000);
    int rc = nq_httpc_request(c, "GET", path, NULL, NULL, 0, headers, &r);
    tk_check(rc == 0, "GET %s: %s", path, nq_httpc_strerror(rc));
    if (headers)
        nq_httpc_destroy(&c);
    return r;
}

/* Every item of GET /api/v1/customers?query, page by page. */
static json_t *list_all(const char *query, const char *headers)
{
    json_t *all = json_array();
    char cursor[256] = "";
    do {
        char path[1024];
        snprintf(path, sizeof(path), "/api/v1/customers?%s%slimit=200%s%s", query,
                 *query ? "&" : "", *cursor ? "&cursor=" : "", cursor);
        nq_httpc_response_t r = get(path, headers);
        json_t *page = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
        tk_check(page != NULL, "GET %s: %d %s", path, r.status, r.body ? r.body : "");
        nq_httpc_response_free(&r);
        if (!page)
            break;
        json_array_extend(all, json_object_get(page, "items"));
        const char *next = json_string_value(json_object_get(page, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(page);
    } while (*cursor);
    return all;
}

/* The cell the export writes for a JSON value (before CSV quoting). */
static void cell_of(const json_t *v, char *buf, size_t len)
{
    buf[0] = '\0';
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        snprintf(buf, len, "%s%s", *s && strchr("=+-@\t\r", *s) ? "'" : "", s);
    } else if (json_is_integer(v)) {
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
        size_t i, at = 0;
        json_t *it;
        json_array_foreach (v, i, it)
            at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ";" : "", json_string_value(it));
    }
}

/* The export at query (with headers; NULL: the suite's key) parsed, header
 * row first, compared cell by cell with the JSON list of the same query.
 * Returns the number of data rows. */
static size_t export_matches_list(const char *query, const char *headers)
{
    char path[1024];
    snprintf(path, sizeof(path), "/api/v1/customers/export.csv%s%s", *query ? "?" : "", query);
    nq_httpc_response_t r = get(path, headers);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.content_type, "text/csv; charset=utf-8");
    CU_ASSERT_FATAL(r.body && r.len >= 3 && memcmp(r.body, BOM, 3) == 0);
    json_t *rows = csv_parse(r.body + 3, r.len - 3);
    tk_check(rows != NULL, "%s: not RFC 4180 CSV:\n%s", path, r.body);
    nq_httpc_response_free(&r);
    CU_ASSERT_FATAL(rows != NULL);
    json_t *items = list_all(query, headers);
    size_t n = json_array_size(items);
    tk_check(json_array_size(rows) == n + 1, "%s: %zu rows, the list has %zu", path,
             json_array_size(rows) - 1, n);
    json_t *head = json_array_get(rows, 0);
    for (size_t c = 0; c < N_COLUMNS; c++)
        tk_check_str(json_array_get(head, c), columns[c], "header");
    for (size_t i = 0; i < n && i + 1 < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i + 1), *item = json_array_get(items, i);
        CU_ASSERT_EQUAL(json_array_size(row), N_COLUMNS);
        for (size_t c = 0; c < N_COLUMNS; c++) {
            char want[4096];
            cell_of(json_object_get(item, columns[c]), want, sizeof(want));
            const char *got = json_string_value(json_array_get(row, c));
            tk_check(got && strcmp(got, want) == 0, "%s row %zu %s: \"%s\", the list \"%s\"", path,
                     i + 1, columns[c], got ? got : "(none)", want);
        }
    }
    json_decref(items);
    json_decref(rows);
    return n;
}

/* ================================================================ setup */

static int suite_init(void)
{
    return tk_start(NULL);
}

/* The org above, and the coordinator signed in. */
static void test_setup(void)
{
    tk_put_ok("/api/v1/teams/t-e1", "{\"name\":\"华东一组\",\"coordinators\":[\"u-exp\"]}");
    tk_put_ok("/api/v1/teams/t-e2", "{\"name\":\"华北组\"}");
    tk_put_ok("/api/v1/salespeople/sp-e1", "{\"name\":\"张三\",\"team_id\":\"t-e1\"}");
    tk_put_ok("/api/v1/salespeople/sp-e2", "{\"name\":\"李四\",\"team_id\":\"t-e2\"}");
    for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++) {
        char path[64];
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:[s,s], s:s, s:i}", "name", odd_names[i][1],
                                 "owner_id", i % 2 ? "sp-e2" : "sp-e1", "class", "key", "region",
                                 "华东", "tags", "vip", "老客户", "credit_limit", "50000.00",
                                 "payment_terms_days", 30);
        snprintf(path, sizeof(path), "/api/v1/customers/%s", odd_names[i][0]);
        json_decref(tk_put(path, body, 200));
    }
    for (int i = 0; i < N_BULK; i++) {
        char path[64], body[160];
        snprintf(path, sizeof(path), "/api/v1/customers/c-b%04d", i);
        snprintf(body, sizeof(body),
                 "{\"name\":\"客户 %d 号\",\"owner_id\":\"%s\",\"region\":\"西南\"}", i,
                 i % 2 ? "sp-e2" : "sp-e1");
        tk_put_ok(path, body);
    }
    nq_user_t u = {0};
    char err[256] = "";
    snprintf(u.id, sizeof(u.id), "u-exp");
    snprintf(u.role, sizeof(u.role), "coordinator");
    snprintf(u.teams, sizeof(u.teams), "t-e1");
    tk_check(nq_access_user_add(tk_redis, &u, PASSWORD, err, sizeof(err)) == 0, "user add: %s",
             err);
    int status;
    char head[4096], v[256];
    json_decref(tk_raw("POST", "/api/v1/auth/login", "Content-Type: application/json\r\n",
                       "{\"user\":\"u-exp\",\"password\":\"" PASSWORD "\"}", &status, head,
                       sizeof(head)));
    tk_header(head, "Set-Cookie", v, sizeof(v));
    tk_check(status == 200 && strncmp(v, "nq_session=", 11) == 0, "sign-in: %d %s", status, head);
    snprintf(s_cookie, sizeof(s_cookie), "Cookie: %.*s\r\n", (int)strcspn(v, ";"), v);
}

static int suite_cleanup(void)
{
    return tk_stop();
}

/* ================================================================ tests */

static void test_filtered_matches_list(void)
{
    CU_ASSERT_EQUAL(export_matches_list("region=%E5%8D%8E%E4%B8%9C", NULL), 4); /* 华东 */
    CU_ASSERT_EQUAL(export_matches_list("owner=sp-e1&class=key", NULL), 2);
    CU_ASSERT_EQUAL(export_matches_list("q=HYPERLINK", NULL), 1);
    /* the whole list: several of the list's pages in one file */
    CU_ASSERT_EQUAL(export_matches_list("", NULL), N_BULK + 4);
}

static void test_cells_and_head(void)
{
    int status;
    char head[4096], v[256];
    char auth[160];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", nq_harness_api_key(tk_h));
    json_decref(tk_raw("GET", "/api/v1/customers/export.csv?region=%E5%8D%8E%E4%B8%9C", auth, NULL,
                       &status, head, sizeof(head)));
    CU_ASSERT_EQUAL(status, 200);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Transfer-Encoding", v, sizeof(v)), "chunked");
    char date[16], want[96];
    tk_date_of(nq_now_ms(), date, sizeof(date));
    snprintf(want, sizeof(want), "attachment; filename=\"customers-%s.csv\"", date);
    CU_ASSERT_STRING_EQUAL(tk_header(head, "Content-Disposition", v, sizeof(v)), want);

    /* the raw text: quoting, the apostrophe, Chinese, CRLF */
    nq_httpc_response_t r = get("/api/v1/customers/export.csv?region=%E5%8D%8E%E4%B8%9C", NULL);
    CU_ASSERT_FATAL(r.status == 200 && r.body);
    tk_check(strstr(r.body, "\r\nc-e01,\"Acme, \"\"East\"\"\nBranch\",key,") != NULL,
             "c-e01 quoted: %s", r.body);
    tk_check(strstr(r.body,
                    "\r\nc-e02,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\",") != NULL,
             "c-e02 neutralised: %s", r.body);
    tk_check(strstr(r.body, "\r\nc-e03,上海精工机械有限公司,key,") != NULL, "c-e03: %s", r.body);
    tk_check(strstr(r.body, "\r\nc-e04,'-2+3,key,") != NULL, "c-e04: %s", r.body);
    tk_check(strstr(r.body, ",vip;老客户,50000.00,30,") != NULL, "tags, money: %s", r.body);
    nq_httpc_response_free(&r);

    /* the header row in Chinese by Accept-Language */
    char zh[512];
    snprintf(zh, sizeof(zh), "%sAccept-Language: zh-CN,zh;q=0.9\r\n", auth);
    r = get("/api/v1/customers/export.csv?owner=sp-e1&class=key", zh);
    CU_ASSERT_FATAL(r.status == 200 && r.body);
    tk_check(strncmp(r.body, BOM "编号,名称,级别,状态,负责人,区域,行业,标签,信用额度,", 40) == 0,
             "Chinese header: %.200s", r.body);
    nq_httpc_response_free(&r);
}

static void test_coordinator_sees_own_teams(void)
{
    /* t-e1's customers: sp-e1's odd ones (c-e01, c-e03) and half the bulk */
    CU_ASSERT_EQUAL(export_matches_list("", s_cookie), N_BULK / 2 + 2);
    nq_httpc_response_t r = get("/api/v1/customers/export.csv", s_cookie);
    CU_ASSERT_FATAL(r.status == 200 && r.body);
    tk_check(strstr(r.body, "sp-e2") == NULL, "a customer of t-e2 exported: %.300s",
             strstr(r.body, "sp-e2") ? strstr(r.body, "sp-e2") : "");
    nq_httpc_response_free(&r);
    /* a filter naming the other team's owner: an empty file, the header only */
    CU_ASSERT_EQUAL(export_matches_list("owner=sp-e2", s_cookie), 0);
}

/* The cells of a parsed file's data rows, columns [0, n), as one text. */
static char *rows_text(const json_t *rows, size_t n)
{
    json_t *cut = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *c = json_array();
        for (size_t k = 0; k < n; k++)
            json_array_append(c, json_array_get(row, k));
        json_array_append_new(cut, c);
    }
    char *text = json_dumps(cut, 0);
    json_decref(cut);
    return text;
}

/* An export (Chinese header) parsed, BOM and all checked. */
static json_t *export_rows(const char *query, const char *file)
{
    char path[256], headers[256];
    snprintf(path, sizeof(path), "/api/v1/customers/export.csv?%s", query);
    snprintf(headers, sizeof(headers), "Authorization: Bearer %s\r\nAccept-Language: zh-CN\r\n",
             nq_harness_api_key(tk_h));
    nq_httpc_response_t r = get(path, headers);
    CU_ASSERT_FATAL(r.status == 200 && r.len > 3);
    if (file) {
        FILE *f = fopen(file, "wb");
        CU_ASSERT_FATAL(f != NULL);
        CU_ASSERT_EQUAL(fwrite(r.body, 1, r.len, f), r.len);
        fclose(f);
    }
    json_t *rows = csv_parse(r.body + 3, r.len - 3);
    nq_httpc_response_free(&r);
    CU_ASSERT_FATAL(rows != NULL);
    return rows;
}

static void test_round_trip(void)
{
    const char *query = "region=%E5%8D%8E%E4%B8%9C"; /* 华东: the odd names */
    char file[512];
    snprintf(file, sizeof(file), "%s/export-round-trip.csv", nq_harness_dir(tk_h));
    json_t *before = export_rows(query, file);
    CU_ASSERT_EQUAL(json_array_size(before), 5); /* the header, c-e01 .. c-e04 */
    /* everything the file holds changed, then the file imported (twice: by id, idempotent) */
    static const char *const changed = "{\"name\":\"改名\",\"region\":\"华南\",\"tags\":[],"
                                       "\"payment_terms_days\":60,\"credit_limit\":\"1.00\","
                                       "\"status\":\"dormant\"}";
    for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/customers/%s", odd_names[i][0]);
        json_decref(tk_call("PATCH", path, changed, 200));
    }
    const char *words[] = {"import", "customers", file, NULL};
    for (int run = 0; run < 2; run++)
        CU_ASSERT_EQUAL(tk_nqctl(NULL, NULL, 60000, words), 0);
    /* the names as they were, not as the file neutralised them */
    for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/customers/%s", odd_names[i][0]);
        json_t *c = tk_get_ok(path);
        tk_check_str(json_object_get(c, "name"), odd_names[i][1], path);
        json_decref(c);
    }
    json_t *after = export_rows(query, NULL);
    /* equal but for the times the server sets (created_at onwards) */
    char *a = rows_text(before, 11), *b = rows_text(after, 11);
    tk_check(strcmp(a, b) == 0, "round trip:\n%s\n%s", a, b);
    free(a);
    free(b);
    json_decref(before);
    json_decref(after);
}

static void test_bad_queries(void)
{
    static const char *const cases[][2] = {
        {"/api/v1/customers/export.csv?limit=10", "limit"},
        {"/api/v1/customers/export.csv?cursor=abc", "cursor"},
        {"/api/v1/customers/export.csv?class=vip", "class"},
        {"/api/v1/customers/export.csv?bogus=1", "bogus"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tk_expect_400("GET", cases[i][0], NULL, cases[i][1]);
}

static CU_TestInfo tests[] = {
    {"the org, a coordinator signed in", test_setup},
    {"an export with filters parses back to the JSON list", test_filtered_matches_list},
    {"quoting, formulas, Chinese, BOM, headers of the answer", test_cells_and_head},
    {"a coordinator exports their teams' customers only", test_coordinator_sees_own_teams},
    {"nqctl import customers reads an export back", test_round_trip},
    {"bad filters, limit and cursor: 400 naming them", test_bad_queries},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"export", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
