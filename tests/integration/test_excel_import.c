/* test_excel_import.c — nqctl import of what Chinese Excel saves, against a private suite
 * (harness.h): teams, salespeople, customers, activities and targets as CSV files
 * with Chinese headers and values, the org and activity files in GBK (converted
 * here with iconv), imported by the real nqctl in that order; then the stored
 * org, the KPIs of two salespeople and of the company, attainment against the
 * imported target, and a second import of the same activities that changes
 * nothing. Refusals are told by line and column, in Chinese and in English, and
 * nqctl says which language it wants in Accept-Language.
 *
 * Expected figures, November 2026 (Asia/Shanghai):
 *   sp-zw  visits 1, orders 2 (86,000.00 + 1,000.00 on 11-30 23:30), sales
 *          87,000.00, collections 40,000.00; target 100,000.00 -> attainment 0.87
 *   sp-ln  calls 1, orders 1, sales 12,345.60 (its order of 12-01 00:10 is
 *          December's)
 *   company sales 99,345.60
 * Tests run in order and build on each other. */
#include <arpa/inet.h>
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "nq/httpc.h"
#include "nq_test.h"
#include "testkit.h"

#define NQCTL_MS 60000 /* how long one nqctl run may take */
#define SCORE_MS 15000 /* how long scorers may take to apply what was accepted */

/* ---- files --------------------------------------------------------------------- */

/* Path of `name` in the harness directory (static, one at a time per slot). */
static const char *path_of(const char *name, int slot)
{
    static char paths[4][600];
    snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", nq_harness_dir(tk_h), name);
    return paths[slot];
}

/* Write the UTF-8 `text` to `name` in `encoding` ("GBK", or "UTF-8" as is). */
static void write_file(const char *name, const char *text, const char *encoding)
{
    FILE *f = fopen(path_of(name, 0), "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    if (strcmp(encoding, "UTF-8") == 0) {
        fputs(text, f);
    } else {
        iconv_t cd = iconv_open(encoding, "UTF-8");
        CU_ASSERT_FATAL(cd != (iconv_t)-1);
        size_t left = strlen(text), room = 4 * left + 16;
        char *out = malloc(room), *in = (char *)text, *o = out;
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        CU_ASSERT_FATAL(iconv(cd, &in, &left, &o, &room) != (size_t)-1);
        fwrite(out, 1, (size_t)(o - out), f);
        free(out);
        iconv_close(cd);
    }
    CU_ASSERT_EQUAL(fclose(f), 0);
}

/* The whole of a file as text (static buffer); "" when missing. */
static const char *read_text(const char *path)
{
    static char text[65536];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    return text;
}

/* ---- nqctl ------------------------------------------------------------------- */

/* Run nqctl with `lang` (NQ_LANG) and the words given, stdout and stderr
 * into <dir>/nqctl-<n>.out (kept with NQ_TEST_KEEP=1). Returns its exit
 * status (-1 when it did not end in time); *out is what it wrote. */
static int nqctl(const char *lang, const char **out, const char *const *words)
{
    static int runs;
    char name[32];
    snprintf(name, sizeof(name), "nqctl-%d.out", ++runs);
    const char *log = path_of(name, 3);
    int status = tk_nqctl(lang, log, NQCTL_MS, words);
    *out = read_text(log);
    return status;
}

#define NQCTL(lang, out, ...) nqctl(lang, out, (const char *const[]){__VA_ARGS__, NULL})

/* Check that `text` holds `part`; say what it holds when not. */
static void holds(const char *text, const char *part)
{
    if (!strstr(text, part))
        fprintf(stderr, "\n  wanted '%s' in:\n%s\n", part, text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, part));
}

/* ---- the API ------------------------------------------------------------------- */

/* KPI `metric` of a salesperson's month containing `at`, as text ("87000.00", "2"). */
static void kpi_text(const char *sp, const char *at, const char *metric, char *buf, size_t len)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/salespeople/%s/kpis?period=month&at=%s", sp, at);
    json_t *j = tk_get_ok(path), *v = json_object_get(json_object_get(j, "kpis"), metric);
    if (json_is_string(v))
        snprintf(buf, len, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    else
        snprintf(buf, len, "?");
    json_decref(j);
}

/* Wait until the salesperson's month has `want` for metric (scorers apply
 * what ingest accepted within moments). */
static bool kpi_is(const char *sp, const char *at, const char *metric, const char *want)
{
    char got[64] = "";
    for (int64_t deadline = tk_mono_ms() + SCORE_MS; tk_mono_ms() < deadline; usleep(50000)) {
        kpi_text(sp, at, metric, got, sizeof(got));
        if (strcmp(got, want) == 0)
            return true;
    }
    fprintf(stderr, "\n  %s %s %s: want %s, got %s\n", sp, at, metric, want, got);
    return false;
}

/* ================================================================ the files */

static const char teams_csv[] = "\xEF\xBB\xBF" /* Excel's "CSV UTF-8" */
                                "编号,名称,内勤\r\n"
                                "t-hd,华东一组,\"u-zhou, u-li\"\r\n";

static const char salespeople_csv[] = "工号,姓名,团队,状态,生效日期\r\n"
                                      "sp-zw,张伟,t-hd,在职,\r\n"
                                      "sp-ln,李娜,t-hd,在职,2026/10/1\r\n"
                                      "sp-wf,王芳,t/hd,在职,\r\n";

static const char customers_csv[] = "编号,客户名称,级别,负责人,起始,,\r\n" /* empty columns after */
                                    "c-jd,杭州金达机电有限公司,重点客户,sp-zw,2026/1/1,,\r\n"
                                    "c-hx,上海华信电子科技有限公司,普通,sp-ln,,,\r\n";

static const char activities_csv[] =
    "编号,类型,业务员,客户,时间,金额（元）,时长(秒),备注\r\n"
    "imp-1,拜访,sp-zw,c-jd,2026/11/3 9:30,,\"1,800\",季度回访\r\n"
    "imp-2,订单,sp-zw,c-jd,2026/11/4 10:00,\"86,000.00\",,\r\n"
    "imp-3,电话,sp-ln,c-hx,2026-11-05 14:00:00,,120,\r\n"
    "imp-4,订单,sp-ln,c-hx,2026年11月6日 9:00,\"￥12,345.60\",,\r\n"
    "imp-5,回款,sp-zw,c-jd,2026/11/10,\"40,000\",,\r\n"
    "imp-6,订单,sp-zw,c-jd,2026/11/30 23:30,\"1,000.00\",,月末\r\n"
    "imp-7,订单,sp-ln,c-hx,2026/12/1 0:10,500.00,,\r\n"
    "imp-8,路过,sp-zw,c-jd,2026/11/12 9:00,,,\r\n"
    "imp-9,订单,sp-ln,c-hx,2026/11/13 9:00,8.6万,,\r\n"
    ",,,,,,,\r\n" /* Excel's rows of empty cells below the data */
    ",,,,,,,\r\n";

static const char targets_csv[] = "对象,编号,周期,期间,销售额（元）,重点客户覆盖率\r\n"
                                  "业务员,sp-zw,月,2026年11月,\"100,000.00\",80%\r\n";

/* ================================================================ the tests */

static void test_start(void)
{
    CU_ASSERT_EQUAL_FATAL(tk_start(NULL), 0);
    write_file("teams.csv", teams_csv, "UTF-8");
    write_file("salespeople.csv", salespeople_csv, "GBK");
    write_file("customers.csv", customers_csv, "GBK");
    write_file("activities.csv", activities_csv, "GBK");
    write_file("targets.csv", targets_csv, "GBK");
}

/* Teams, then salespeople, then customers: each row a PUT, bad rows told by
 * line and column and left out, the others stored. */
static void test_import_org(void)
{
    const char *out;
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "teams", path_of("teams.csv", 1)), 0);
    holds(out, "stored     1");
    holds(out, "encoding   utf-8 (detected)");

    CU_ASSERT_EQUAL(NQCTL("zh-CN", &out, "import", "salespeople", path_of("salespeople.csv", 1)),
                    1);
    holds(out, "nqctl: 第 4 行，列“团队”：应为编号：1–64 个字符，只能是 A-Z a-z 0-9 _ . : -"
               "（实际为“t/hd”）");
    holds(out, "已保存     2");
    holds(out, "编码       gb18030（自动识别）");
    holds(out, "被拒绝     网关 0 + 本地 1（未发送）");
    /* the refused row is in the rejects file, by line and column */
    char rejects[700];
    snprintf(rejects, sizeof(rejects), "%s.rejects.ndjson", path_of("salespeople.csv", 1));
    holds(read_text(rejects), "{\"id\":\"sp-wf\",\"line\":4,\"status\":\"rejected\",\"by\":"
                              "\"nqctl\",\"errors\":[{\"field\":\"团队\",");

    CU_ASSERT_EQUAL(
        NQCTL("en", &out, "import", "customers", "--encoding", "gbk", path_of("customers.csv", 1)),
        0);
    holds(out, "stored     2");
    holds(out, "encoding   gbk (--encoding)");

    json_t *sp = tk_get_ok("/api/v1/salespeople/sp-zw");
    tk_check_str(json_object_get(sp, "name"), "张伟", "name");
    tk_check_str(json_object_get(sp, "team_id"), "t-hd", "team_id");
    tk_check_str(json_object_get(sp, "status"), "active", "status");
    json_decref(sp);
    json_t *c = tk_get_ok("/api/v1/customers/c-jd");
    tk_check_str(json_object_get(c, "name"), "杭州金达机电有限公司", "name");
    tk_check_str(json_object_get(c, "class"), "key", "class");
    tk_check_str(json_object_get(c, "owner_id"), "sp-zw", "owner_id");
    tk_check_str(json_object_get(c, "since"), "2026-01-01T00:00:00.000+08:00",
                 "since"); /* the 起始 column */
    json_decref(c);
    /* the 生效日期 column: sp-ln is in t-hd from 2026-10-01 (no team before) */
    json_t *ln = tk_get_ok("/api/v1/salespeople/sp-ln");
    json_t *history = json_object_get(ln, "history");
    json_t *last = json_array_get(history, json_array_size(history) - 1);
    tk_check_str(json_object_get(last, "from"), "2026-10-01T00:00:00.000+08:00", "from");
    tk_check_str(json_object_get(last, "team_id"), "t-hd", "team_id");
    json_decref(ln);
    /* a second import stores the same again */
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "teams", path_of("teams.csv", 1)), 0);
    holds(out, "stored     1");
    json_t *t = tk_get_ok("/api/v1/teams/t-hd");
    tk_check_str(json_object_get(t, "name"), "华东一组", "name");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(t, "coordinators")), 2);
    json_decref(t);
}

/* GBK activities with Chinese types, Excel's dates and amounts: stored and
 * counted in the right month; the two bad rows told and left out. */
static void test_import_activities(void)
{
    const char *out;
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "activities", path_of("activities.csv", 1)), 1);
    holds(out, "nqctl: line 9, column 类型: expected an activity type such as visit or 拜访");
    holds(out, "nqctl: line 10, column 金额（元）: expected an amount such as 86000.00 (got "
               "'8.6万')");
    holds(out, "accepted   7");
    holds(out, "rejected   0 by the gateway + 2 here (not sent)");
    holds(out, "encoding   gb18030 (detected)");

    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "sales_amount", "87000.00"));
    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "orders", "2"));
    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "visits", "1"));
    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "collections", "40000.00"));
    CU_ASSERT(kpi_is("sp-ln", "2026-11-15", "sales_amount", "12345.60"));
    CU_ASSERT(kpi_is("sp-ln", "2026-11-15", "calls", "1"));
    CU_ASSERT(kpi_is("sp-ln", "2026-12-03", "sales_amount", "500.00"));

    json_t *company = tk_get_ok("/api/v1/kpis/company?period=month&at=2026-11-15");
    json_t *sales = json_object_get(json_object_get(company, "metrics"), "sales_amount");
    tk_check_str(json_object_get(sales, "actual"), "99345.60", "actual");
    json_decref(company);
}

/* The same file again: every stored row comes back as a duplicate, nothing
 * is counted twice. */
static void test_import_again(void)
{
    const char *out;
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "activities", path_of("activities.csv", 1)), 1);
    holds(out, "accepted   0");
    holds(out, "duplicate  7");
    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "sales_amount", "87000.00"));
    CU_ASSERT(kpi_is("sp-zw", "2026-11-15", "orders", "2"));
}

/* A GBK target with a Chinese period key and a percentage: attainment. */
static void test_import_targets(void)
{
    const char *out;
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "targets", path_of("targets.csv", 1)), 0);
    holds(out, "stored     1");
    json_t *t = tk_get_ok("/api/v1/targets/salespeople/sp-zw/month/2026-11");
    json_t *targets = json_object_get(t, "targets");
    tk_check_str(json_object_get(targets, "sales_amount"), "100000.00", "sales_amount");
    CU_ASSERT(fabs(json_number_value(json_object_get(targets, "coverage")) - 0.8) < 1e-9);
    json_decref(t);
    json_t *k = tk_get_ok("/api/v1/kpis/salespeople/sp-zw?period=month&at=2026-11-15");
    json_t *sales = json_object_get(json_object_get(k, "metrics"), "sales_amount");
    CU_ASSERT(fabs(json_number_value(json_object_get(sales, "attainment")) - 0.87) < 1e-9);
    json_decref(k);
}

/* A file in neither UTF-8 nor GB18030 is refused before anything is sent,
 * naming the lines. */
static void test_import_neither(void)
{
    const char *out;
    FILE *f = fopen(path_of("broken.csv", 0), "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("id,name\r\nt-x,\xFF\xFE\xFD\r\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(NQCTL("en", &out, "import", "teams", path_of("broken.csv", 1)), 3);
    holds(out, "the file is neither UTF-8 (line 2 is not) nor GB18030 (line 2 is not)");
    int status;
    json_t *j = tk_api("GET", "/api/v1/teams/t-x", NULL, &status);
    CU_ASSERT_EQUAL(status, 404);
    json_decref(j);
}

/* nqctl asks for its language: a listener here reads the request it sends. */
static void test_accept_language(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    CU_ASSERT_FATAL(fd >= 0 && bind(fd, (struct sockaddr *)&addr, len) == 0 && listen(fd, 1) == 0 &&
                    getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(addr.sin_port));
    static const char *const langs[][2] = {{"zh-CN", "Accept-Language: zh-CN, zh;q=0.9"},
                                           {"en", "Accept-Language: en\r\n"}};
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            setenv("NQ_LANG", langs[i][0], 1);
            if (freopen("/dev/null", "w", stdout))
                execl(NQ_BIN_DIR "/nqctl", "nqctl", "--url", url, "get", "/livez", (char *)NULL);
            _exit(127);
        }
        CU_ASSERT_FATAL(pid > 0);
        int conn = accept(fd, NULL, NULL);
        char head[4096];
        size_t n = 0;
        ssize_t got;
        while (n + 1 < sizeof(head) && (got = read(conn, head + n, sizeof(head) - 1 - n)) > 0) {
            n += (size_t)got;
            head[n] = '\0';
            if (strstr(head, "\r\n\r\n"))
                break;
        }
        head[n] = '\0';
        const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        CU_ASSERT_EQUAL(write(conn, answer, sizeof(answer) - 1), (ssize_t)sizeof(answer) - 1);
        close(conn);
        int st;
        CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
        CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        holds(head, langs[i][1]);
    }
    close(fd);
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"start the suite, write the files", test_start},
    {"teams, salespeople (GBK), customers", test_import_org},
    {"activities (GBK): KPIs of salespeople and company", test_import_activities},
    {"the same activities again: duplicates only", test_import_again},
    {"targets (GBK): percentage, Chinese key, attainment", test_import_targets},
    {"neither UTF-8 nor GB18030: refused before sending", test_import_neither},
    {"Accept-Language in NQ_LANG", test_accept_language},
    {"stop the suite", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"nqctl import", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
