/* test_import.c — nqctl import's pure parsers: tools/import_csv.h (the streaming
 * tokenizer and cell conversions), tools/import_activity.h (rows and NDJSON lines
 * as events) and tools/import_target.h (rows as target requests). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_activity.h"
#include "import_csv.h"
#include "import_target.h"
#include "msg.h"
#include "nq/period.h"
#include "nq_test.h"

/* ---- a reader over memory, `chunk` bytes per read ------------------------- */

typedef struct mem {
    const char *data; /* the bytes */
    size_t len, pos;  /* their length, bytes given so far */
    size_t chunk;     /* most bytes per read */
    bool fail;        /* the read after the data fails */
} mem_t;

static long mem_read(void *ctx, char *buf, size_t cap)
{
    mem_t *m = ctx;
    size_t n = m->len - m->pos;
    n = n < cap ? n : cap;
    n = n < m->chunk ? n : m->chunk;
    if (n == 0 && m->fail)
        return -1;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

/* Every record of data[0..len) as text: "1:[a|b] 3:!reason " (line, then
 * fields joined by '|', or '!' and the reason), then "END", "EREAD" or
 * "ENOMEM". Newlines in fields show as "\n". */
static char *records(const char *data, size_t len, const import_csv_options_t *opt, size_t chunk)
{
    static char out[4096];
    mem_t m = {data, len, 0, chunk, false};
    import_csv_t *r = import_csv_new(opt, mem_read, &m);
    import_csv_row_t row;
    const char *why;
    size_t used = 0;
    int rc;
    out[0] = '\0';
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    while ((rc = import_csv_next(r, &row, &why)) == IMPORT_CSV_ROW || rc == IMPORT_CSV_EBAD) {
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%ld:", row.line);
        if (rc == IMPORT_CSV_EBAD) {
            used += (size_t)snprintf(out + used, sizeof(out) - used, "!%s ", why);
            continue;
        }
        used += (size_t)snprintf(out + used, sizeof(out) - used, "[");
        for (size_t i = 0; i < row.n; i++) {
            CU_ASSERT_EQUAL(strlen(row.fields[i]), row.lens[i]);
            for (const char *p = row.fields[i]; *p && used + 4 < sizeof(out); p++)
                used += (size_t)snprintf(out + used, sizeof(out) - used, "%s",
                                         *p == '\n'   ? "\\n"
                                         : *p == '\r' ? "\\r"
                                                      : (char[]){*p, 0});
            if (i + 1 < row.n)
                used += (size_t)snprintf(out + used, sizeof(out) - used, "|");
        }
        used += (size_t)snprintf(out + used, sizeof(out) - used, "] ");
    }
    snprintf(out + used, sizeof(out) - used, "%s",
             rc == IMPORT_CSV_END     ? "END"
             : rc == IMPORT_CSV_EREAD ? "EREAD"
                                      : "ENOMEM");
    if (rc == IMPORT_CSV_END)
        CU_ASSERT_EQUAL(import_csv_offset(r), len);
    import_csv_destroy(&r);
    CU_ASSERT_PTR_NULL(r);
    return out;
}

/* Check data gives `want` read in chunks of 1, 2, 3, 7 bytes and whole. */
static void check_csv(const char *data, size_t len, const import_csv_options_t *opt,
                      const char *want)
{
    static const size_t chunks[] = {1, 2, 3, 7, 1 << 20};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        const char *got = records(data, len, opt, chunks[i]);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "\n  chunk %zu\n  got  %s\n  want %s\n", chunks[i], got, want);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
}

#define CSV(text, want)          check_csv(text, sizeof(text) - 1, &csv_opt, want)
#define CSV_OPT(text, opt, want) check_csv(text, sizeof(text) - 1, opt, want)

static const import_csv_options_t csv_opt = IMPORT_CSV_DEFAULTS;

/* ---- tokenizer --------------------------------------------------------------- */

static void test_csv_plain(void)
{
    CSV("a,b,c\n1,2,3\n", "1:[a|b|c] 2:[1|2|3] END");
    CSV("a,b", "1:[a|b] END"); /* no line end at the end */
    CSV("", "END");
    CSV("\n\n", "END");
    CSV("a\n\n\nb\n", "1:[a] 4:[b] END"); /* empty lines skipped, numbering kept */
    CSV("x y, z \n", "1:[x y| z ] END");  /* spaces are data */
}

static void test_csv_quoting(void)
{
    CSV("\"a,b\",c\n", "1:[a,b|c] END");
    CSV("\"he said \"\"hi\"\"\",x\n", "1:[he said \"hi\"|x] END");
    CSV("\"\"\"\",\"\"\n", "1:[\"|] END"); /* a lone escaped quote; an empty quoted field */
    CSV("\"line1\nline2\",b\nnext,row\n", "1:[line1\\nline2|b] 3:[next|row] END");
    CSV("\"q\"", "1:[q] END");
    CSV("a,\"\"\n", "1:[a|] END");
    CSV("\"a\nb\n\nc\"\n", "1:[a\\nb\\n\\nc] END"); /* an empty line inside quotes is data */
}

static void test_csv_crlf(void)
{
    CSV("a,b\r\nc,d\r\n", "1:[a|b] 2:[c|d] END");
    CSV("\"x\r\ny\",z\r\n", "1:[x\\ny|z] END");         /* CRLF inside quotes reads as LF */
    CSV("\"x\ry\r\r\n\",z\n", "1:[x\\ry\\r\\n|z] END"); /* lone CRs inside quotes stay */
    CSV("\"q\"\r\nr\r\n", "1:[q] 2:[r] END");
    CSV("a\rb\n", "1:[a\\rb] END"); /* a lone CR is data */
    CSV("a,b\r\n\r\nc\r\n", "1:[a|b] 3:[c] END");
    CSV("a,b\r", "1:[a|b] END");
}

static void test_csv_bom(void)
{
    CSV("\xEF\xBB\xBF"
        "event_id,type\n",
        "1:[event_id|type] END");
    CSV("\xEF\xBB\xBF", "END");
    /* Only at the very start. */
    CSV("a\n\xEF\xBB\xBF"
        "b\n",
        "1:[a] 2:[\xEF\xBB\xBF"
        "b] END");
    CSV("\xEF\xBB"
        "x\n",
        "1:[\xEF\xBB"
        "x] END");
}

static void test_csv_empty_cells(void)
{
    CSV("a,,c\n,,\n", "1:[a||c] 2:[||] END");
    CSV("a,\n", "1:[a|] END");
    CSV(",\n", "1:[|] END");
}

static void test_csv_malformed(void)
{
    CSV("a,b\"c,d\nok\n",
        "1:!quote inside an unquoted field (quote the field and double the quote) 2:[ok] END");
    CSV("\"a\"x,b\nok\n", "1:!text after the closing quote of a field 2:[ok] END");
    CSV("ok\n\"abc,d\nmore\n", "1:[ok] 2:!quoted field not closed before the end of the file END");
    CSV("a\0b\nc\n", "1:!NUL byte in the record 2:[c] END");
    /* The malformed record's quoted line end does not end it. */
    CSV("x\"y,\"a\nb\"\nnext\n", "1:!quote inside an unquoted field (quote the field and double "
                                 "the quote) 3:[next] END");
}

static void test_csv_limits(void)
{
    import_csv_options_t small = {',', '"', 10, 3};
    CSV_OPT("short\n0123456789ABC\n0123456789\nnext\n", &small,
            "1:[short] 2:!record longer than 10 bytes 3:[0123456789] 4:[next] END");
    CSV_OPT("a,b,c,d\na,b,c\n", &small, "1:!more than 3 fields 2:[a|b|c] END");
    /* A quoted line end inside a too-long record still belongs to it. */
    CSV_OPT("\"0123456789\nABCDEF\"\nok\n", &small, "1:!record longer than 10 bytes 3:[ok] END");

    /* The real limit: 1 MiB is taken, one byte more is not. */
    size_t big = IMPORT_CSV_MAX_RECORD;
    char *text = malloc(2 * big + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, 'x', big);
    text[big] = '\n';
    memset(text + big + 1, 'y', big + 1);
    memcpy(text + 2 * big + 2, "\nok\n", 4);
    mem_t m = {text, 2 * big + 6, 0, 65536, false};
    import_csv_t *r = import_csv_new(&csv_opt, mem_read, &m);
    import_csv_row_t row;
    const char *why;
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_ROW);
    CU_ASSERT_EQUAL(row.lens[0], big);
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_EBAD);
    CU_ASSERT_EQUAL(row.line, 2);
    CU_ASSERT_STRING_EQUAL(why, "record longer than 1048576 bytes");
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_ROW);
    CU_ASSERT_EQUAL(row.line, 3);
    CU_ASSERT_STRING_EQUAL(row.fields[0], "ok");
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_END);
    import_csv_destroy(&r);
    free(text);
}

static void test_csv_lines_mode(void)
{
    static const import_csv_options_t lines = IMPORT_CSV_LINES;
    const char text[] = "{\"a\":\"x,y\"}\r\n\n{\"b\":\"\\\"\"}\nlast";
    check_csv(text, sizeof(text) - 1, &lines,
              "1:[{\"a\":\"x,y\"}] 3:[{\"b\":\"\\\"\"}] 4:[last] END");
}

static void test_csv_read_error_and_options(void)
{
    mem_t m = {"a,b\nc", 5, 0, 100, true};
    import_csv_t *r = import_csv_new(&csv_opt, mem_read, &m);
    import_csv_row_t row;
    const char *why;
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_ROW);
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_EREAD);
    CU_ASSERT_EQUAL(import_csv_line(r), 2);
    import_csv_destroy(&r);
    import_csv_destroy(&r); /* safe twice */

    import_csv_options_t bad = {',', ',', 10, 10};
    CU_ASSERT_PTR_NULL(import_csv_new(&bad, mem_read, &m));
    bad = (import_csv_options_t){'\n', '"', 10, 10};
    CU_ASSERT_PTR_NULL(import_csv_new(&bad, mem_read, &m));
    bad = (import_csv_options_t){',', '"', 0, 10};
    CU_ASSERT_PTR_NULL(import_csv_new(&bad, mem_read, &m));
    CU_ASSERT_PTR_NULL(import_csv_new(&csv_opt, NULL, &m));
}

static void test_csv_cells(void)
{
    long long i = 7;
    CU_ASSERT(import_csv_int("42", &i) == 0 && i == 42);
    CU_ASSERT(import_csv_int("-0042", &i) == 0 && i == -42);
    CU_ASSERT(import_csv_int("999999999999999999", &i) == 0 && i == 999999999999999999LL);
    static const char *const bad_ints[] = {
        "", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "1234567890123456789", "12abc"};
    for (size_t k = 0; k < sizeof(bad_ints) / sizeof(bad_ints[0]); k++)
        CU_ASSERT_EQUAL(import_csv_int(bad_ints[k], &i), -1);
    char s[] = " \t name \t";
    CU_ASSERT_STRING_EQUAL(import_csv_trim(s), "name");
    char e[] = "   ";
    CU_ASSERT_STRING_EQUAL(import_csv_trim(e), "");
}

/* ---- rows from text ---------------------------------------------------------- */

/* The n-th record (0 = header) of a CSV text; static storage, one at a time.
 * The row stays valid while the reader lives: kept in `held`. */
static import_csv_t *held;
static mem_t held_mem;

static import_csv_row_t row_of(const char *text, int nth)
{
    import_csv_row_t row = {0};
    const char *why;
    import_csv_destroy(&held);
    held_mem = (mem_t){text, strlen(text), 0, 1 << 20, false};
    held = import_csv_new(&csv_opt, mem_read, &held_mem);
    for (int k = 0; k <= nth; k++)
        CU_ASSERT_EQUAL_FATAL(import_csv_next(held, &row, &why), IMPORT_CSV_ROW);
    return row;
}

/* A copy of the header row of text, which lives until the next call. */
typedef struct header_copy {
    char *fields[64];
    size_t lens[64];
    import_csv_row_t row;
} header_copy_t;

static import_csv_row_t *header_of(const char *text)
{
    static header_copy_t h;
    for (size_t i = 0; i < h.row.n; i++)
        free(h.fields[i]);
    import_csv_row_t row = row_of(text, 0);
    CU_ASSERT_FATAL(row.n <= 64);
    for (size_t i = 0; i < row.n; i++) {
        h.fields[i] = strdup(row.fields[i]);
        h.lens[i] = row.lens[i];
    }
    h.row = (import_csv_row_t){row.n, (const char *const *)h.fields, h.lens, row.line};
    return &h.row;
}

static void free_header(void)
{
    import_csv_row_t *row = header_of("x");
    free((char *)row->fields[0]);
    row->n = 0;
    import_csv_destroy(&held);
}

/* The JSON text of v with sorted keys (v released). */
static char *dump(json_t *v)
{
    static char out[2048];
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(out, sizeof(out), "%s", s ? s : "(null)");
    free(s);
    json_decref(v);
    return out;
}

/* "field: reason; field: reason" of errs. */
static char *reasons(const nq_field_errors_t *errs)
{
    static char out[2048];
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < errs->n; i++)
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s: %s", i ? "; " : "",
                                 errs->items[i].field, errs->items[i].reason);
    return out;
}

/* ---- activities -------------------------------------------------------------- */

/* Plan of a header; NULL with the reason in why. */
static import_activity_plan_t *activity_plan(const char *header_text, char *why, size_t len)
{
    import_activity_plan_t *plan = NULL;
    why[0] = '\0';
    int rc = import_activity_plan_new(header_of(header_text), &plan, why, len);
    CU_ASSERT_EQUAL(rc == 0, plan != NULL);
    return plan;
}

#define ACT_HEADER                                                                                 \
    "event_id,type,salesperson_id,customer_id,occurred_at,amount,duration_s,on_time,"              \
    "location.lat,location.lng,location.accuracy_m,attr.region,attr.渠道,notes\n"

static void test_activity_header(void)
{
    char why[300];
    import_activity_plan_t *plan = activity_plan(ACT_HEADER, why, sizeof(why));
    CU_ASSERT_PTR_NOT_NULL(plan);
    import_activity_plan_destroy(&plan);
    import_activity_plan_destroy(&plan); /* safe twice */

    /* Names are trimmed; order is free. */
    plan = activity_plan(" type , event_id,occurred_at,salesperson_id\n", why, sizeof(why));
    CU_ASSERT_PTR_NOT_NULL(plan);
    import_activity_plan_destroy(&plan);

    static const struct {
        const char *header, *why;
    } bad[] = {
        {"event_id,type,amout,salesperson_id,occurred_at\n",
         "header: column 3 'amout' is not an event field"},
        {"event_id,type,salesperson_id,occurred_at,type\n",
         "header: column 5 'type' names the same column as column 2"},
        {"event_id,type,salesperson_id\n", "header: no column 'occurred_at'"},
        {"event_id,type,salesperson_id,occurred_at,attributes\n",
         "header: column 5 'attributes' is not a column: use one attr.<key> column"},
        {"event_id,type,salesperson_id,occurred_at,location\n",
         "header: column 5 'location' is not a column: use location.lat"},
        {"event_id,type,salesperson_id,occurred_at,location.alt\n",
         "header: column 5 'location.alt' is not an event field"},
        {"event_id,type,salesperson_id,occurred_at,received_at\n",
         "header: column 5 'received_at' is not a column: it is set by the server"},
        {"event_id,type,,salesperson_id,occurred_at\n", "header: column 3 has no name"},
        {"event_id,type,salesperson_id,occurred_at,attr.\n",
         "header: column 5 'attr.' needs a key"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        plan = activity_plan(bad[i].header, why, sizeof(why));
        CU_ASSERT_PTR_NULL(plan);
        if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
            fprintf(stderr, "\n  got  %s\n  want %s...\n", why, bad[i].why);
        CU_ASSERT_NSTRING_EQUAL(why, bad[i].why, strlen(bad[i].why));
    }
}

/* The event of data row 1 under ACT_HEADER, as sorted JSON, or the reasons. */
static char *activity_row(const char *data)
{
    static char out[2048];
    char why[300], text[4096];
    snprintf(text, sizeof(text), "%s%s", ACT_HEADER, data);
    import_activity_plan_t *plan = activity_plan(ACT_HEADER, why, sizeof(why));
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    import_csv_row_t row = row_of(text, 1);
    nq_field_errors_t errs = {0};
    json_t *ev = import_activity_event(plan, &row, &errs);
    CU_ASSERT_EQUAL(ev == NULL, errs.n > 0);
    snprintf(out, sizeof(out), "%s", ev ? dump(ev) : reasons(&errs));
    const char *id = import_activity_event_id(plan, &row);
    if (!ev && id && strcmp(id, "e-bad") != 0)
        snprintf(out, sizeof(out), "event_id '%s' not e-bad", id);
    import_activity_plan_destroy(&plan);
    return out;
}

static void test_activity_rows(void)
{
    CU_ASSERT_STRING_EQUAL(
        activity_row("e-1,visit,sp-1,c-1,2026-11-26T09:30:00+08:00,,1800,,31.25,121.5,15,"
                     "east,线上,\"客户关注新品, 下周再访\"\n"),
        "{\"attributes\":{\"region\":\"east\",\"渠道\":\"线上\"},\"customer_id\":\"c-1\","
        "\"duration_s\":1800,\"event_id\":\"e-1\",\"location\":{\"accuracy_m\":15.0,"
        "\"lat\":31.25,\"lng\":121.5},\"notes\":\"客户关注新品, 下周再访\","
        "\"occurred_at\":\"2026-11-26T09:30:00+08:00\",\"salesperson_id\":\"sp-1\","
        "\"type\":\"visit\"}");
    /* Money stays text, exactly as written; booleans in any case; empty cells are absent; a
     * date is midnight in the zone. */
    CU_ASSERT_STRING_EQUAL(
        activity_row("e-2,order_fulfilled,sp-1,c-1,2026-11-26,86000.10,,TRUE,,,,,,\n"),
        "{\"amount\":\"86000.10\",\"customer_id\":\"c-1\",\"event_id\":\"e-2\",\"occurred_at\":"
        "\"2026-11-26T00:00:00.000+08:00\",\"on_time\":true,\"salesperson_id\":\"sp-1\","
        "\"type\":\"order_fulfilled\"}");
    CU_ASSERT_STRING_EQUAL(activity_row("e-3,call,sp-1,,1795737977000,,,false,,,,,,\n"),
                           "{\"event_id\":\"e-3\",\"occurred_at\":\"1795737977000\",\"on_time\":"
                           "false,\"salesperson_id\":\"sp-1\",\"type\":\"call\"}");
    /* Only one location member: the object has only it. */
    CU_ASSERT_STRING_EQUAL(activity_row("e-4,visit,sp-1,c-1,2026-11-26,,,,,-0.5,,,,\n"),
                           "{\"customer_id\":\"c-1\",\"event_id\":\"e-4\",\"location\":{\"lng\":"
                           "-0.5},\"occurred_at\":\"2026-11-26T00:00:00.000+08:00\","
                           "\"salesperson_id\":\"sp-1\",\"type\":\"visit\"}");
}

static void test_activity_bad_rows(void)
{
    /* Every bad cell is named, with what was expected and its value when it is safe to show. */
    CU_ASSERT_STRING_EQUAL(
        activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,12.5,maybe,north,,,,,\n"),
        "duration_s: expected a whole number such as 1800 (got '12.5'); on_time: expected true or "
        "false (是 or 否) (got 'maybe'); location.lat: expected a number such as 31.2304 (got "
        "'north')");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,1 800,,,,,,,\n"),
                           "duration_s: expected a whole number such as 1800 (got '1 800')");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,九十,,,,,,,\n"),
                           "duration_s: expected a whole number such as 1800 (got '九十')");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,\x01\x02,,,,,,,\n"),
                           "duration_s: expected a whole number such as 1800");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,,,,,,,\xff\xfe,\n"),
                           "attr.渠道: not valid text in the file's encoding (see --encoding)");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1,c-1,2026-11-26,,,,,,,,,,extra\n"),
                           "(row): has 15 fields, the header has 14");
    CU_ASSERT_STRING_EQUAL(activity_row("e-bad,visit,sp-1\n"),
                           "(row): has 3 fields, the header has 14");
}

static void test_activity_ndjson(void)
{
    nq_field_errors_t errs = {0};
    const char ok[] = "{\"event_id\":\"e-1\",\"amount\":1234.1}";
    json_t *obj = import_activity_ndjson(ok, sizeof(ok) - 1, &errs);
    CU_ASSERT_PTR_NOT_NULL(obj);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(obj, "event_id")), "e-1");
    json_decref(obj);
    CU_ASSERT_PTR_NULL(import_activity_ndjson(" \t ", 3, &errs));
    CU_ASSERT_EQUAL(errs.n, 0); /* blank: no event, no error */

    static const struct {
        const char *line, *why;
    } bad[] = {
        {"{\"event_id\":", "(line): not valid JSON: "},
        {"[{\"event_id\":\"e\"}]", "(line): must be a JSON object"},
        {"\"text\"", "(line): must be a JSON object"},
        {"{\"a\":1,\"a\":2}", "(line): not valid JSON: duplicate object key"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errs = (nq_field_errors_t){0};
        CU_ASSERT_PTR_NULL(import_activity_ndjson(bad[i].line, strlen(bad[i].line), &errs));
        if (strncmp(reasons(&errs), bad[i].why, strlen(bad[i].why)) != 0)
            fprintf(stderr, "\n  got  %s\n  want %s...\n", reasons(&errs), bad[i].why);
        CU_ASSERT_NSTRING_EQUAL(reasons(&errs), bad[i].why, strlen(bad[i].why));
    }
}

/* ---- targets ----------------------------------------------------------------- */

#define TGT_HEADER "subject,id,period,key,sales_amount,visits,coverage,feedback_score\n"

static void test_target_header(void)
{
    char why[600];
    import_target_plan_t *plan = NULL;
    CU_ASSERT_EQUAL(import_target_plan_new(header_of(TGT_HEADER), &plan, why, sizeof(why)), 0);
    import_target_plan_destroy(&plan);
    import_target_plan_destroy(&plan);
    CU_ASSERT_EQUAL(
        import_target_plan_new(header_of("visits, key ,period,id,subject\n"), &plan, why, 600), 0);
    import_target_plan_destroy(&plan);

    static const struct {
        const char *header, *why;
    } bad[] = {
        {"subject,id,period,sales_amount\n", "header: no column 'key'"},
        {"subject,id,period,key\n", "header: no metric column"},
        {"subject,id,period,key,sales\n",
         "header: column 5 'sales' is neither subject, id, period, key nor a metric "
         "(sales_amount (销售额), orders (订单数),"},
        {"subject,id,period,key,visits,visits\n",
         "header: column 6 'visits' names the same column as column 5"},
        {"subject,id,id,period,key,visits\n",
         "header: column 3 'id' names the same column as column 2"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(import_target_plan_new(header_of(bad[i].header), &plan, why, sizeof(why)),
                        -1);
        CU_ASSERT_PTR_NULL(plan);
        if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
            fprintf(stderr, "\n  got  %s\n  want %s...\n", why, bad[i].why);
        CU_ASSERT_NSTRING_EQUAL(why, bad[i].why, strlen(bad[i].why));
    }
}

/* "PATH BODY" of data row 1 under TGT_HEADER, or the reasons. */
static char *target_row(const char *data)
{
    static char out[2048 + IMPORT_TARGET_PATH_MAX];
    char why[600], text[2048], path[IMPORT_TARGET_PATH_MAX];
    import_target_plan_t *plan = NULL;
    snprintf(text, sizeof(text), "%s%s", TGT_HEADER, data);
    CU_ASSERT_EQUAL_FATAL(import_target_plan_new(header_of(TGT_HEADER), &plan, why, 600), 0);
    import_csv_row_t row = row_of(text, 1);
    nq_field_errors_t errs = {0};
    json_t *body = import_target_request(plan, &row, path, sizeof(path), &errs);
    CU_ASSERT_EQUAL(body == NULL, errs.n > 0);
    if (body)
        snprintf(out, sizeof(out), "%s %s", path, dump(body));
    else
        snprintf(out, sizeof(out), "%s", reasons(&errs));
    import_target_plan_destroy(&plan);
    return out;
}

static void test_target_rows(void)
{
    CU_ASSERT_STRING_EQUAL(target_row("salesperson,sp-zhangwei,month,2026-11,500000.00,80,0.75,\n"),
                           "/api/v1/targets/salespeople/sp-zhangwei/month/2026-11 "
                           "{\"targets\":{\"coverage\":0.75,\"sales_amount\":\"500000.00\","
                           "\"visits\":80}}");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-east,week,2026-W48,,120,,4.5\n"),
                           "/api/v1/targets/teams/t-east/week/2026-W48 "
                           "{\"targets\":{\"feedback_score\":4.5,\"visits\":120}}");
    CU_ASSERT_STRING_EQUAL(target_row("company,,year,2026,12000000,,,\n"),
                           "/api/v1/targets/company/year/2026 "
                           "{\"targets\":{\"sales_amount\":\"12000000\"}}");
    CU_ASSERT_STRING_EQUAL(target_row("company,,quarter,2026-Q4,,,1,\n"),
                           "/api/v1/targets/company/quarter/2026-Q4 "
                           "{\"targets\":{\"coverage\":1.0}}");
}

static void test_target_bad_rows(void)
{
    CU_ASSERT_STRING_EQUAL(target_row("person,sp-1,month,2026-11,1,,,\n"),
                           "subject: expected one of salesperson (业务员), team (团队), company "
                           "(公司)");
    CU_ASSERT_STRING_EQUAL(target_row("team,,month,2026-11,1,,,\n"),
                           "id: required for a salesperson or team");
    CU_ASSERT_STRING_EQUAL(target_row("team,t/east,month,2026-11,1,,,\n"),
                           "id: expected an id: 1-64 characters of A-Z a-z 0-9 _ . : - (got "
                           "'t/east')");
    CU_ASSERT_STRING_EQUAL(target_row("company,acme,month,2026-11,1,,,\n"),
                           "id: must be empty for the company");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,fortnight,2026-11,1,,,\n"),
                           "period: expected one of day (日), week (周), month (月), quarter "
                           "(季度), year (年)");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,month,2026-13,1,,,\n"),
                           "key: expected a month key such as 2026-11 (got '2026-13')");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,week,2025-W53,1,,,\n"),
                           "key: expected a week key such as 2026-W48 (got '2025-W53')");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,month,2026-11,12.345,8.5,abc,6\n"),
                           "sales_amount: more than two decimals; visits: expected a whole number "
                           "such as 1800 (got '8.5'); coverage: expected a ratio such as 0.8 or "
                           "80% (got 'abc'); feedback_score: must be from 0 to 5");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,month,2026-11,-5,-1,11,\n"),
                           "sales_amount: must not be negative; visits: must not be negative; "
                           "coverage: must be a ratio from 0 to 10 (0.9 = 90 %)");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,month,2026-11,,,,\n"),
                           "(row): sets no target (a PUT replaces the period's targets: it would "
                           "clear them)");
    CU_ASSERT_STRING_EQUAL(target_row("team,t-1,month\n"), "(row): has 3 fields, the header has 8");
}

static void test_target_ident(void)
{
    import_target_plan_t *plan = NULL;
    char why[600];
    CU_ASSERT_EQUAL_FATAL(import_target_plan_new(header_of(TGT_HEADER), &plan, why, 600), 0);
    import_csv_row_t row = row_of(TGT_HEADER "company,,month,2026-11,1,,,\n", 1);
    CU_ASSERT_STRING_EQUAL(dump(import_target_ident(plan, &row)),
                           "{\"key\":\"2026-11\",\"period\":\"month\",\"subject\":\"company\"}");
    row = row_of(TGT_HEADER "team\n", 1); /* short row: only what is there */
    CU_ASSERT_STRING_EQUAL(dump(import_target_ident(plan, &row)), "{\"subject\":\"team\"}");
    import_target_plan_destroy(&plan);
    free_header();
}

static CU_TestInfo csv_tests[] = {
    {"plain records, empty lines, last line", test_csv_plain},
    {"quoting: delimiters, doubled quotes, line ends", test_csv_quoting},
    {"CRLF and lone CR", test_csv_crlf},
    {"UTF-8 BOM only at the start", test_csv_bom},
    {"empty cells", test_csv_empty_cells},
    {"malformed records are skipped with a reason", test_csv_malformed},
    {"record and field limits (1 MiB)", test_csv_limits},
    {"lines mode for NDJSON", test_csv_lines_mode},
    {"read errors and bad options", test_csv_read_error_and_options},
    {"cell conversions", test_csv_cells},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo activity_tests[] = {
    {"header: columns, unknown and duplicate names", test_activity_header},
    {"rows: text, numbers, location, attributes", test_activity_rows},
    {"rows: bad numbers, UTF-8, field counts", test_activity_bad_rows},
    {"NDJSON lines", test_activity_ndjson},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo target_tests[] = {
    {"header", test_target_header},
    {"rows: path and body by unit", test_target_rows},
    {"rows: bad subject, id, period, key, values", test_target_bad_rows},
    {"ident of a row", test_target_ident},
    CU_TEST_INFO_NULL,
};

/* Local times are read in Asia/Shanghai, messages are English. */
static int suite_init(void)
{
    msg_set_lang(MSG_EN);
    return nq_zone_set("Asia/Shanghai");
}

static CU_SuiteInfo suites[] = {
    {"import_csv", suite_init, NULL, NULL, NULL, csv_tests},
    {"import_activity", suite_init, NULL, NULL, NULL, activity_tests},
    {"import_target", suite_init, NULL, NULL, NULL, target_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
