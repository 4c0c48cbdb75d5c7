/* test_import_excel.c — what Chinese Excel saves, read by nqctl import: encodings
 * (tools/import_text.h), cells (import_value.h), column and value names
 * (import_alias.h), the org files (import_org.h), Chinese headers and values in
 * activities and targets, and nqctl's two message catalogues (msg.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_activity.h"
#include "import_alias.h"
#include "import_csv.h"
#include "import_org.h"
#include "import_target.h"
#include "import_text.h"
#include "import_value.h"
#include "msg.h"
#include "nq/i18n.h"
#include "nq/kpi.h"
#include "nq/period.h"
#include "nq/utf8.h"
#include "nq_test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a reader over memory, `chunk` bytes per read ------------------------- */

typedef struct mem {
    const char *data; /* the bytes */
    size_t len, pos;  /* their length, bytes given so far */
    size_t chunk;     /* most bytes per read */
} mem_t;

static long mem_read(void *ctx, char *buf, size_t cap)
{
    mem_t *m = ctx;
    size_t n = m->len - m->pos;
    n = n < cap ? n : cap;
    n = n < m->chunk ? n : m->chunk;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

/* ---- encodings ------------------------------------------------------------------ */

/* The UTF-8 of data[0..len) read as `enc`, `chunk` bytes per inner read and
 * at most `cap` per converted read; *enc_out is the encoding in use at the
 * end. Returns the text (static), or "ERR: <why>" when a read failed. */
static const char *convert(import_enc_t enc, const char *data, size_t len, size_t chunk, size_t cap,
                           import_enc_t *enc_out)
{
    static char out[300000];
    mem_t m = {data, len, 0, chunk};
    import_text_t *t = import_text_new(enc, mem_read, &m);
    size_t used = 0;
    long got;
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    while ((got = import_text_read(t, out + used, cap)) > 0) {
        used += (size_t)got;
        CU_ASSERT_FATAL(used + cap < sizeof(out));
    }
    if (got < 0)
        snprintf(out, sizeof(out), "ERR: %s", import_text_why(t) ? import_text_why(t) : "?");
    else
        out[used] = '\0';
    if (enc_out)
        *enc_out = import_text_encoding(t);
    import_text_destroy(&t);
    import_text_destroy(&t); /* safe twice */
    CU_ASSERT_PTR_NULL(t);
    return out;
}

/* Check data reads as want (and as encoding want_enc) in every chunking. */
static void check_text(import_enc_t enc, const char *data, size_t len, const char *want,
                       import_enc_t want_enc)
{
    static const size_t chunks[] = {1, 2, 3, 7, 1 << 20};
    static const size_t caps[] = {4, 5, 65536};
    for (size_t i = 0; i < COUNT(chunks); i++) {
        for (size_t k = 0; k < COUNT(caps); k++) {
            import_enc_t got_enc;
            const char *got = convert(enc, data, len, chunks[i], caps[k], &got_enc);
            if (strcmp(got, want) != 0 || got_enc != want_enc)
                fprintf(stderr, "\n  chunk %zu cap %zu: got '%.80s' (%s), want '%.80s' (%s)\n",
                        chunks[i], caps[k], got, import_enc_name(got_enc), want,
                        import_enc_name(want_enc));
            CU_ASSERT_STRING_EQUAL(got, want);
            CU_ASSERT_EQUAL(got_enc, want_enc);
        }
    }
}

#define TEXT(enc, data, want, want_enc) check_text(enc, data, sizeof(data) - 1, want, want_enc)

/* 张伟 华东一组 业务员,姓名 in GBK, 𠀀 (U+20000) in GB18030's four bytes. */
#define GBK_ZHANGWEI "\xd5\xc5\xce\xb0"
#define GBK_HUADONG  "\xbb\xaa\xb6\xab\xd2\xbb\xd7\xe9"
#define GBK_HEADER   "\xd2\xb5\xce\xf1\xd4\xb1,\xd0\xd5\xc3\xfb"
#define GB_U20000    "\x95\x32\x82\x36"

static void test_text_detect(void)
{
    TEXT(IMPORT_ENC_AUTO, "id,name\nsp-1,x\n", "id,name\nsp-1,x\n", IMPORT_ENC_AUTO);
    TEXT(IMPORT_ENC_AUTO, "id,name\nsp-1,张伟\n", "id,name\nsp-1,张伟\n", IMPORT_ENC_UTF8);
    TEXT(IMPORT_ENC_AUTO, "\xEF\xBB\xBFid\n", "\xEF\xBB\xBFid\n", IMPORT_ENC_UTF8);
    TEXT(IMPORT_ENC_AUTO, GBK_HEADER "\nsp-1," GBK_ZHANGWEI "\n", "业务员,姓名\nsp-1,张伟\n",
         IMPORT_ENC_GB18030);
    TEXT(IMPORT_ENC_AUTO, "x," GB_U20000 "\n", "x,\xF0\xA0\x80\x80\n", IMPORT_ENC_GB18030);
    TEXT(IMPORT_ENC_AUTO, "\x84\x31\x95\x33" GBK_ZHANGWEI, "\xEF\xBB\xBF张伟", IMPORT_ENC_GB18030);
    /* GBK whose first bytes happen to be valid UTF-8 (C3 A9 is é) is told by what follows */
    TEXT(IMPORT_ENC_AUTO, "\xc3\xa9" GBK_HUADONG, "茅华东一组", IMPORT_ENC_GB18030);
    /* given, nothing is detected */
    TEXT(IMPORT_ENC_GBK, GBK_HUADONG "\n", "华东一组\n", IMPORT_ENC_GBK);
    TEXT(IMPORT_ENC_UTF8, GBK_HUADONG, GBK_HUADONG, IMPORT_ENC_UTF8);
    TEXT(IMPORT_ENC_GB18030, "", "", IMPORT_ENC_GB18030);
    TEXT(IMPORT_ENC_AUTO, "", "", IMPORT_ENC_AUTO);
}

static void test_text_ascii_prefix(void)
{
    /* The decision waits for the first byte above 0x7F, however far into the file. */
    size_t prefix = 200000;
    char *data = malloc(prefix + 16);
    char *want = malloc(prefix + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    for (size_t i = 0; i < prefix; i++)
        data[i] = want[i] = i % 50 == 49 ? '\n' : 'a';
    memcpy(data + prefix, GBK_ZHANGWEI "\n", 5);
    memcpy(want + prefix, "张伟\n", 8);
    want[prefix + 8] = '\0';
    import_enc_t enc;
    CU_ASSERT_STRING_EQUAL(convert(IMPORT_ENC_AUTO, data, prefix + 5, 65536, 65536, &enc), want);
    CU_ASSERT_EQUAL(enc, IMPORT_ENC_GB18030);
    CU_ASSERT_STRING_EQUAL(convert(IMPORT_ENC_AUTO, data, prefix + 5, 3, 7, &enc), want);
    /* A bad byte past the window that decided: passed on for its cell to refuse. */
    memcpy(data, GBK_ZHANGWEI "\n", 5); /* 5 bytes of GBK, 7 of UTF-8 */
    memcpy(want, "张伟\n", 7);
    for (size_t i = 5; i < prefix; i++)
        want[i + 2] = data[i];
    memcpy(data + prefix, "\xFF\n", 2);
    memcpy(want + prefix + 2, "\xFF\n", 3);
    CU_ASSERT_STRING_EQUAL(convert(IMPORT_ENC_AUTO, data, prefix + 2, 4096, 65536, &enc), want);
    CU_ASSERT_EQUAL(enc, IMPORT_ENC_GB18030);
    free(data);
    free(want);
}

static void test_text_refused(void)
{
    import_enc_t enc;
    const char *got = convert(IMPORT_ENC_AUTO, "\xFF\xFEi\0d\0", 6, 64, 64, &enc);
    CU_ASSERT_STRING_EQUAL(got, "ERR: " M_TEXT_UTF16);
    got = convert(IMPORT_ENC_GBK, "\xFE\xFF\0i", 4, 64, 64, &enc);
    CU_ASSERT_STRING_EQUAL(got, "ERR: " M_TEXT_UTF16);
    /* line 2 is GBK (not UTF-8), line 3 has 0xFF (neither) */
    got = convert(IMPORT_ENC_AUTO, "a\n" GBK_ZHANGWEI "\n\xFF\n", 9, 2, 64, &enc);
    CU_ASSERT_STRING_EQUAL(got, "ERR: the file is neither UTF-8 (line 2 is not) nor GB18030 (line "
                                "3 is not); give --encoding if you know which it is");
    msg_set_lang(MSG_ZH);
    got = convert(IMPORT_ENC_AUTO, "\xFF", 1, 64, 64, &enc);
    CU_ASSERT_STRING_EQUAL(got, "ERR: 文件既不是 UTF-8（第 1 行不是）也不是 GB18030（第 1 行不是）"
                                "编码；如果知道编码，请用 --encoding 指定");
    msg_set_lang(MSG_EN);
}

static void test_text_bad_bytes_later(void)
{
    /* After the decision a byte the encoding cannot read is passed on as it is: never valid
     * UTF-8 there, so its cell is refused and the rest of the file reads on. */
    TEXT(IMPORT_ENC_GB18030, GBK_ZHANGWEI "\n\xFF," GBK_ZHANGWEI "\n", "张伟\n\xFF,张伟\n",
         IMPORT_ENC_GB18030);
    TEXT(IMPORT_ENC_GBK, "a\xFF,b\n", "a\xFF,b\n", IMPORT_ENC_GBK);
    TEXT(IMPORT_ENC_GBK, "\x80", "€", IMPORT_ENC_GBK);      /* glibc's GBK is code page 936 */
    TEXT(IMPORT_ENC_GBK, "x\xd5", "x\xd5", IMPORT_ENC_GBK); /* a lead byte cut by the end */
    TEXT(IMPORT_ENC_UTF8, "a\xFF\n", "a\xFF\n", IMPORT_ENC_UTF8);
    CU_ASSERT_FALSE(nq_utf8_valid("\xFF,张伟", strlen("\xFF,张伟")));
    CU_ASSERT_FALSE(nq_utf8_valid("a\xd5", 2));
}

static void test_text_csv_and_offset(void)
{
    /* Through the CSV reader: a GBK header reads as its UTF-8 names. */
    const char data[] = GBK_HEADER "\r\nsp-1," GBK_ZHANGWEI "\r\n";
    mem_t m = {data, sizeof(data) - 1, 0, 5};
    import_text_t *t = import_text_new(IMPORT_ENC_AUTO, mem_read, &m);
    import_csv_options_t opt = IMPORT_CSV_DEFAULTS;
    import_csv_t *r = import_csv_new(&opt, import_text_read, t);
    import_csv_row_t row;
    const char *why;
    CU_ASSERT_EQUAL_FATAL(import_csv_next(r, &row, &why), IMPORT_CSV_ROW);
    CU_ASSERT_EQUAL(row.n, 2);
    CU_ASSERT_STRING_EQUAL(row.fields[0], "业务员");
    CU_ASSERT_STRING_EQUAL(row.fields[1], "姓名");
    CU_ASSERT_EQUAL_FATAL(import_csv_next(r, &row, &why), IMPORT_CSV_ROW);
    CU_ASSERT_STRING_EQUAL(row.fields[1], "张伟");
    CU_ASSERT_EQUAL(row.line, 2);
    CU_ASSERT_EQUAL(import_csv_next(r, &row, &why), IMPORT_CSV_END);
    /* all of the UTF-8 given is all of the input read */
    CU_ASSERT_EQUAL(import_text_in_offset(t, import_csv_offset(r)), sizeof(data) - 1);
    import_csv_destroy(&r);
    import_text_destroy(&t);

    import_enc_t e;
    CU_ASSERT(import_enc_parse("GBK", &e) == 0 && e == IMPORT_ENC_GBK);
    CU_ASSERT(import_enc_parse("cp936", &e) == 0 && e == IMPORT_ENC_GBK);
    CU_ASSERT(import_enc_parse("gb2312", &e) == 0 && e == IMPORT_ENC_GBK);
    CU_ASSERT(import_enc_parse("GB18030", &e) == 0 && e == IMPORT_ENC_GB18030);
    CU_ASSERT(import_enc_parse("UTF-8", &e) == 0 && e == IMPORT_ENC_UTF8);
    CU_ASSERT(import_enc_parse("utf8", &e) == 0 && e == IMPORT_ENC_UTF8);
    CU_ASSERT(import_enc_parse("auto", &e) == 0 && e == IMPORT_ENC_AUTO);
    CU_ASSERT_EQUAL(import_enc_parse("latin1", &e), -1);
    CU_ASSERT_EQUAL(import_enc_parse("", &e), -1);
    CU_ASSERT_EQUAL(import_enc_parse("utf", &e), -1);
    CU_ASSERT_STRING_EQUAL(import_enc_name(IMPORT_ENC_GB18030), "gb18030");
}

/* ---- cells ----------------------------------------------------------------------- */

/* import_value_decimal of cell with flags, or "ERR". */
static const char *decimal(const char *cell, unsigned flags)
{
    static char out[IMPORT_VALUE_MAX];
    if (import_value_decimal(cell, flags, out, sizeof(out)) != 0)
        return "ERR";
    return out;
}

static void test_value_numbers(void)
{
    const unsigned Y = IMPORT_NUM_YUAN, P = IMPORT_NUM_PERCENT, G = IMPORT_NUM_GROUPS;
    CU_ASSERT_STRING_EQUAL(decimal("86000", 0), "86000");
    CU_ASSERT_STRING_EQUAL(decimal("86,000.00", Y), "86000.00");
    CU_ASSERT_STRING_EQUAL(decimal(" 1,234,567.5 ", G), "1234567.5");
    CU_ASSERT_STRING_EQUAL(decimal("-1,234.50", Y), "-1234.50");
    CU_ASSERT_STRING_EQUAL(decimal("¥86,000.00", Y), "86000.00");
    CU_ASSERT_STRING_EQUAL(decimal("￥1,200", Y), "1200");
    CU_ASSERT_STRING_EQUAL(decimal("-¥5", Y), "-5");
    CU_ASSERT_STRING_EQUAL(decimal("８６，０００．５０", Y), "86000.50"); /* full width */
    CU_ASSERT_STRING_EQUAL(decimal("\xE3\x80\x80"
                                   "12\t",
                                   0),
                           "12"); /* ideographic space */
    CU_ASSERT_STRING_EQUAL(decimal("0042.10", 0), "42.10");
    CU_ASSERT_STRING_EQUAL(decimal(".5", 0), "0.5");
    CU_ASSERT_STRING_EQUAL(decimal("5.", 0), "5");
    CU_ASSERT_STRING_EQUAL(decimal("80%", P), "0.8");
    CU_ASSERT_STRING_EQUAL(decimal("８０％", P), "0.8");
    CU_ASSERT_STRING_EQUAL(decimal("12.5%", P), "0.125");
    CU_ASSERT_STRING_EQUAL(decimal("100%", P), "1");
    CU_ASSERT_STRING_EQUAL(decimal("5%", P), "0.05");
    CU_ASSERT_STRING_EQUAL(decimal("0.5%", P), "0.005");
    CU_ASSERT_STRING_EQUAL(decimal("150%", P), "1.5");
    CU_ASSERT_STRING_EQUAL(decimal("0.8", P), "0.8");
    CU_ASSERT_STRING_EQUAL(decimal("1e3", IMPORT_NUM_EXPONENT), "1e3");
    CU_ASSERT_STRING_EQUAL(decimal("-2.5E-4", IMPORT_NUM_EXPONENT), "-2.5E-4");
    static const struct {
        const char *cell;
        unsigned flags;
    } bad[] = {
        {"", 0},
        {"-", 0},
        {".", 0},
        {"1,5", G},
        {"1,50", G},
        {"1,5000", G},
        {"1234,567", G},
        {",123", G},
        {"1,234,56", G},
        {"86,000", 0},
        {"¥5", 0},
        {"¥5", G},
        {"80%", 0},
        {"80%", Y},
        {"%", P},
        {"1e3", 0},
        {"1e3%", P | IMPORT_NUM_EXPONENT},
        {"1 000", G},
        {"+5", 0},
        {"nan", IMPORT_NUM_EXPONENT},
        {"inf", IMPORT_NUM_EXPONENT},
        {"0x1p3", IMPORT_NUM_EXPONENT},
        {"1e", IMPORT_NUM_EXPONENT},
        {"1e+", IMPORT_NUM_EXPONENT},
        {"5元", Y},
        {"0x10", 0},
        {"1.2.3", 0},
        {"--1", 0},
        {"8.6万", Y},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        if (strcmp(decimal(bad[i].cell, bad[i].flags), "ERR") != 0)
            fprintf(stderr, "\n  '%s' (%u) read as '%s'\n", bad[i].cell, bad[i].flags,
                    decimal(bad[i].cell, bad[i].flags));
        CU_ASSERT_STRING_EQUAL(decimal(bad[i].cell, bad[i].flags), "ERR");
    }

    long long n = 7;
    double d = 7;
    CU_ASSERT(import_value_int("1,800", &n) == 0 && n == 1800);
    CU_ASSERT(import_value_int("1800.00", &n) == 0 && n == 1800);
    CU_ASSERT(import_value_int("-12", &n) == 0 && n == -12);
    CU_ASSERT(import_value_int("１２", &n) == 0 && n == 12);
    CU_ASSERT_EQUAL(import_value_int("1800.5", &n), -1);
    CU_ASSERT_EQUAL(import_value_int("12.5%", &n), -1);
    CU_ASSERT_EQUAL(import_value_int("1234567890123456789", &n), -1);
    CU_ASSERT_EQUAL(import_value_int("1 800", &n), -1);
    CU_ASSERT(import_value_number("80%", IMPORT_NUM_PERCENT, &d) == 0 && d == 0.8);
    CU_ASSERT(import_value_number("7%", IMPORT_NUM_PERCENT, &d) == 0 && d == 0.07);
    CU_ASSERT(import_value_number("12.3%", IMPORT_NUM_PERCENT, &d) == 0 && d == 0.123);
    CU_ASSERT(import_value_number("31.2304", 0, &d) == 0 && d == 31.2304);
    CU_ASSERT_EQUAL(import_value_number("1e999", IMPORT_NUM_EXPONENT, &d), -1);
}

/* import_value_time of cell, or "ERR". */
static const char *when(const char *cell)
{
    static char out[IMPORT_VALUE_MAX];
    if (import_value_time(cell, out, sizeof(out)) != 0)
        return "ERR";
    return out;
}

static void test_value_times(void)
{
    CU_ASSERT_STRING_EQUAL(when("2026/12/4 9:30"), "2026-12-04T09:30:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026/12/04"), "2026-12-04T00:00:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-12-04"), "2026-12-04T00:00:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-12-04 09:30:00"), "2026-12-04T09:30:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-12-04 09:30:05.25"), "2026-12-04T09:30:05.250+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-12-04T23:59"), "2026-12-04T23:59:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026.12.4  7:05"), "2026-12-04T07:05:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026年12月4日 9:30"), "2026-12-04T09:30:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026年12月4日"), "2026-12-04T00:00:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("２０２６／１２／４　９：３０"), "2026-12-04T09:30:00.000+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-11-30 23:30"), "2026-11-30T23:30:00.000+08:00");
    /* the gateway's own forms are kept as written */
    CU_ASSERT_STRING_EQUAL(when("2026-12-04T09:30:00+08:00"), "2026-12-04T09:30:00+08:00");
    CU_ASSERT_STRING_EQUAL(when("2026-12-04T01:30:00Z"), "2026-12-04T01:30:00Z");
    CU_ASSERT_STRING_EQUAL(when("1795737977000"), "1795737977000");
    static const char *const bad[] = {
        "",
        "2026/13/1",
        "2026/2/30",
        "2026/12/4 24:00",
        "2026/12/4 9:60",
        "2026/12/4 9",
        "2026-12/04",
        "26/12/4",
        "12/4/2026",
        "2026/12/4 9:30 PM",
        "1969-12-31",
        "2026-12-04T09:30+",
        "2026/12/4 9:30:61",
        "明天",
        "2026年12月",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        if (strcmp(when(bad[i]), "ERR") != 0)
            fprintf(stderr, "\n  '%s' read as '%s'\n", bad[i], when(bad[i]));
        CU_ASSERT_STRING_EQUAL(when(bad[i]), "ERR");
    }
    /* In a zone with summer time, a local time skipped by the clock does not exist. */
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("Europe/Berlin"), 0);
    CU_ASSERT_STRING_EQUAL(when("2026/3/29 2:30"), "ERR");
    CU_ASSERT_STRING_EQUAL(when("2026/3/29 3:30"), "2026-03-29T03:30:00.000+02:00");
    CU_ASSERT_EQUAL_FATAL(nq_zone_set("Asia/Shanghai"), 0);
}

/* import_value_period_key of kind and cell, or "ERR". */
static const char *key(nq_period_kind_t kind, const char *cell)
{
    static char out[IMPORT_VALUE_MAX];
    if (import_value_period_key(kind, cell, out, sizeof(out)) != 0)
        return "ERR";
    return out;
}

static void test_value_keys_and_bools(void)
{
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_DAY, "2026/11/26"), "2026-11-26");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_DAY, "2026年11月6日"), "2026-11-06");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_WEEK, "2026-W48"), "2026-W48");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_WEEK, "2026W8"), "2026-W08");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_WEEK, "2026年第48周"), "2026-W48");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026-11"), "2026-11");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026/1"), "2026-01");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026.11"), "2026-11");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026年11月"), "2026-11");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026/11/1"), "2026-11");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_QUARTER, "2026-Q4"), "2026-Q4");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_QUARTER, "2026q4"), "2026-Q4");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_QUARTER, "2026年第4季度"), "2026-Q4");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_QUARTER, "2026年Q4"), "2026-Q4");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_YEAR, "2026"), "2026");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_YEAR, "2026年"), "2026");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026-13"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "2026/11/2"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_WEEK, "2025-W53"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_QUARTER, "2026-Q5"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_DAY, "2026-02-30"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_YEAR, "26"), "ERR");
    CU_ASSERT_STRING_EQUAL(key(NQ_PERIOD_MONTH, "Nov-26"), "ERR");

    static const struct {
        const char *cell;
        int want; /* 1 true, 0 false, -1 refused */
    } bools[] = {
        {"true", 1}, {"TRUE", 1},  {"是", 1},    {"yes", 1},    {"Y", 1},     {"1", 1},
        {"√", 1},    {"false", 0}, {"False", 0}, {"否", 0},     {"no", 0},    {"n", 0},
        {"0", 0},    {"×", 0},     {"", -1},     {"maybe", -1}, {"按时", -1}, {"2", -1},
    };
    for (size_t i = 0; i < COUNT(bools); i++) {
        bool b = false;
        int rc = import_value_bool(bools[i].cell, &b);
        CU_ASSERT_EQUAL(rc == 0 ? (int)b : -1, bools[i].want);
    }
    CU_ASSERT_STRING_EQUAL(import_value_shown("九十"), "九十");
    CU_ASSERT_STRING_EQUAL(import_value_shown("a\x01"), "");
    CU_ASSERT_STRING_EQUAL(import_value_shown("a\nb"), "");
    CU_ASSERT_STRING_EQUAL(import_value_shown("\xff"), "");
    CU_ASSERT_STRING_EQUAL(import_value_shown("01234567890123456789012345678901234567890"), "");
}

/* ---- names ------------------------------------------------------------------------- */

static void test_alias_names(void)
{
    static const struct {
        import_name_t n;
        int kind;
    } cols[] = {
        {{"salesperson_id", "业务员|销售员"}, 1},
        {{"amount", "金额"}, 2},
        {{"duration_s", "时长"}, 3},
    };
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "salesperson_id"), 0);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), " Salesperson_ID "), 0);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "销售员"), 0);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "金额（元）"), 1);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "金额 (元)"), 1);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "时长(秒)"), 2);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "ａｍｏｕｎｔ"), 1);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "业务"), -1);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), "(元)"), -1);
    CU_ASSERT_EQUAL(import_name_find(cols, 3, sizeof(cols[0]), ""), -1);

    /* The table of type names, each to its type. */
    static const char *const types[][2] = {
        {"拜访", "visit"},
        {"电话", "call"},
        {"会议", "meeting"},
        {"订单", "order"},
        {"订单完成", "order_fulfilled"},
        {"发货", "order_fulfilled"},
        {"取消订单", "order_cancelled"},
        {"退货", "return"},
        {"开票", "invoice"},
        {"发票", "invoice"},
        {"回款", "payment"},
        {"新客户", "new_customer"},
        {"反馈", "feedback"},
        {"工单", "ticket_opened"},
        {"投诉", "ticket_opened"},
        {"工单关闭", "ticket_closed"},
        {"竞品", "competitor_intel"},
        {"培训", "training"},
        {"VISIT", "visit"},
        {"order_fulfilled", "order_fulfilled"},
    };
    for (size_t i = 0; i < COUNT(types); i++) {
        const import_name_t *t = import_name_value(import_types, import_types_n, types[i][0]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_STRING_EQUAL(t->name, types[i][1]);
    }
    CU_ASSERT_EQUAL(import_types_n, 15); /* every type of docs/api.md */
    CU_ASSERT_PTR_NULL(import_name_value(import_types, import_types_n, "走"));
    CU_ASSERT_STRING_EQUAL(import_name_value(import_statuses, import_statuses_n, "离职")->name,
                           "left");
    CU_ASSERT_STRING_EQUAL(import_name_value(import_classes, import_classes_n, "重点客户")->name,
                           "key");
    CU_ASSERT_STRING_EQUAL(import_name_value(import_periods, import_periods_n, "季度")->name,
                           "quarter");

    /* Each metric is known by its Chinese name of nq_metric_defs. */
    for (int m = 0; m < NQ_METRIC_COUNT; m++) {
        const char *aliases = import_target_metric_aliases(m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(aliases);
        size_t n = strlen(nq_metric_defs[m].zh);
        CU_ASSERT(strncmp(aliases, nq_metric_defs[m].zh, n) == 0 &&
                  (aliases[n] == '|' || aliases[n] == '\0'));
    }
    char buf[100];
    import_name_aliases(&import_types[0], buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "拜访, 走访");
    import_name_list(import_statuses, import_statuses_n, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "active (在职), leave (休假), left (离职)");
}

/* ---- rows: CSV text through a plan -------------------------------------------------- */

/* A reader over text whose rows live until the next call. */
static import_csv_t *held;
static mem_t held_mem;

/* The records of text: header in *header, the first data row in *row. */
static void rows_of(const char *text, import_csv_row_t *header, import_csv_row_t *row)
{
    static char *hfields[64];
    static size_t hlens[64];
    static size_t hn;
    import_csv_options_t opt = IMPORT_CSV_DEFAULTS;
    const char *why;
    for (size_t i = 0; i < hn; i++)
        free(hfields[i]);
    hn = 0;
    import_csv_destroy(&held);
    if (!text)
        return;
    held_mem = (mem_t){text, strlen(text), 0, 1 << 20};
    held = import_csv_new(&opt, mem_read, &held_mem);
    CU_ASSERT_EQUAL_FATAL(import_csv_next(held, header, &why), IMPORT_CSV_ROW);
    CU_ASSERT_FATAL(header->n <= 64);
    for (hn = 0; hn < header->n; hn++) {
        hfields[hn] = strdup(header->fields[hn]);
        hlens[hn] = header->lens[hn];
    }
    *header = (import_csv_row_t){hn, (const char *const *)hfields, hlens, 1};
    if (row && import_csv_next(held, row, &why) != IMPORT_CSV_ROW)
        *row = (import_csv_row_t){0};
}

/* The JSON text of v with sorted keys (v released). */
static const char *dump(json_t *v)
{
    static char out[2048];
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(out, sizeof(out), "%s", s ? s : "(null)");
    free(s);
    json_decref(v);
    return out;
}

/* "field: reason; field: reason" of errs. */
static const char *reasons(const nq_field_errors_t *errs)
{
    static char out[2048];
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < errs->n; i++)
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s: %s", i ? "; " : "",
                                 errs->items[i].field, errs->items[i].reason);
    return out;
}

/* The event of the first data row of text, or the reasons (or the header's). */
static const char *activity(const char *text)
{
    static char out[2048];
    import_csv_row_t header, row;
    import_activity_plan_t *plan = NULL;
    char why[400];
    rows_of(text, &header, &row);
    if (import_activity_plan_new(&header, &plan, why, sizeof(why)) != 0)
        return strcpy(out, why);
    nq_field_errors_t errs = {0};
    json_t *ev = import_activity_event(plan, &row, &errs);
    snprintf(out, sizeof(out), "%s", ev ? dump(ev) : reasons(&errs));
    import_activity_plan_destroy(&plan);
    return out;
}

static void test_activity_chinese(void)
{
    CU_ASSERT_STRING_EQUAL(
        activity("编号,类型,业务员,客户,时间,金额（元）,时长(秒),按时,纬度,经度\n"
                 "e-1,订单,sp-1,c-1,2026/12/4 9:30,\"86,000.00\",\"1,800\",是,31.25,121.5\n"),
        "{\"amount\":\"86000.00\",\"customer_id\":\"c-1\",\"duration_s\":1800,\"event_id\":\"e-1\","
        "\"location\":{\"lat\":31.25,\"lng\":121.5},\"occurred_at\":\"2026-12-04T09:30:00.000+08:"
        "00\","
        "\"on_time\":true,\"salesperson_id\":\"sp-1\",\"type\":\"order\"}");
    CU_ASSERT_STRING_EQUAL(
        activity("event_id,Type,销售员,日期,方向,优先级,渠道\ne-2,电话,sp-1,2026-12-04,呼出,紧急,"
                 "回访\n"),
        "{\"channel\":\"callback\",\"direction\":\"outbound\",\"event_id\":\"e-2\",\"occurred_at\":"
        "\"2026-12-04T00:00:00.000+08:00\",\"priority\":\"urgent\",\"salesperson_id\":\"sp-1\","
        "\"type\":\"call\"}");
    /* Excel's empty columns after the data are no columns. */
    CU_ASSERT_STRING_EQUAL(
        activity("编号,类型,业务员,时间,,,\ne-6,会议,sp-1,2026-12-04,,,\n"),
        "{\"event_id\":\"e-6\",\"occurred_at\":\"2026-12-04T00:00:00.000+08:00\","
        "\"salesperson_id\":\"sp-1\",\"type\":\"meeting\"}");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,时间,,\ne-7,会议,sp-1,2026-12-04,,x\n"),
                           "(row): has 6 fields, the header has 4");
    /* Every refusal names the column as the header does and what was expected. */
    CU_ASSERT_STRING_EQUAL(
        activity("编号,类型,业务员,时间,金额\ne-3,走路,sp-1,明天,8.6万\n"),
        "类型: expected an activity type such as visit or 拜访 (docs/nqctl.md lists them) (got "
        "'走路'); 时间: expected a time such as 2026-12-04 09:30, 2026/12/4 9:30 or "
        "2026-12-04T09:30:00+08:00 (got '明天'); 金额: expected an amount such as 86000.00 (got "
        "'8.6万')");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,时间,方向\ne-4,call,sp-1,2026-12-04,进\n"),
                           "方向: expected one of inbound (呼入), outbound (呼出)");
    /* The header: two names of one field, a missing one with its Chinese names. */
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,salesperson_id,时间\n"),
                           "header: column 4 'salesperson_id' names the same column as column 3");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,时间\n"),
                           "header: no column 'salesperson_id' (also called 业务员, 销售员, "
                           "业务员编号, 销售员编号, 业务员ID)");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,时间,客户名称\n"),
                           "header: column 5 '客户名称' is not an event field (docs/nqctl.md lists "
                           "the columns and their Chinese names; nested fields are location.lat, "
                           "location.lng, location.accuracy_m and attr.<key>)");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,时间,\xff\n"),
                           "header: column 5 is not valid text (is the encoding right? see "
                           "--encoding)");

    /* In Chinese. */
    msg_set_lang(MSG_ZH);
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,业务员,时间,金额\ne-5,订单,sp-1,2026-12-04,abc\n"),
                           "金额: 应为金额，如 86000.00（实际为“abc”）");
    CU_ASSERT_STRING_EQUAL(activity("编号,类型,时间\n"),
                           "表头：缺少“salesperson_id”列（也可写作 业务员, 销售员, 业务员编号, "
                           "销售员编号, 业务员ID）");
    msg_set_lang(MSG_EN);

    /* Gateway errors name API fields: the header's names for them. */
    import_csv_row_t header;
    import_activity_plan_t *plan = NULL;
    char why[300];
    rows_of("编号,类型,业务员,时间,金额,纬度,attr.区域\n", &header, NULL);
    CU_ASSERT_EQUAL_FATAL(import_activity_plan_new(&header, &plan, why, sizeof(why)), 0);
    CU_ASSERT_STRING_EQUAL(import_activity_label(plan, "amount"), "金额");
    CU_ASSERT_STRING_EQUAL(import_activity_label(plan, "location.lat"), "纬度");
    CU_ASSERT_STRING_EQUAL(import_activity_label(plan, "attributes.区域"), "attr.区域");
    CU_ASSERT_PTR_NULL(import_activity_label(plan, "customer_id"));
    import_activity_plan_destroy(&plan);
}

/* "PATH BODY" of the first data row of a targets text, or the reasons. */
static const char *target(const char *text)
{
    static char out[2048 + IMPORT_TARGET_PATH_MAX];
    import_csv_row_t header, row;
    import_target_plan_t *plan = NULL;
    char why[600], path[IMPORT_TARGET_PATH_MAX];
    rows_of(text, &header, &row);
    if (import_target_plan_new(&header, &plan, why, sizeof(why)) != 0)
        return strcpy(out, why);
    nq_field_errors_t errs = {0};
    json_t *body = import_target_request(plan, &row, path, sizeof(path), &errs);
    if (body)
        snprintf(out, sizeof(out), "%s %s", path, dump(body));
    else
        snprintf(out, sizeof(out), "%s", reasons(&errs));
    import_target_plan_destroy(&plan);
    return out;
}

static void test_target_chinese(void)
{
    CU_ASSERT_STRING_EQUAL(
        target("对象,编号,周期,期间,销售额（元）,拜访数,重点客户覆盖率,客户满意度\n"
               "业务员,sp-1,月,2026年11月,\"500,000.00\",\"1,200\",75%,4.5\n"),
        "/api/v1/targets/salespeople/sp-1/month/2026-11 {\"targets\":{\"coverage\":0.75,"
        "\"feedback_score\":4.5,\"sales_amount\":\"500000.00\",\"visits\":1200}}");
    CU_ASSERT_STRING_EQUAL(target("subject,id,period,key,回款\n团队,t-east,季度,2026年第4季度,"
                                  "¥1200000\n"),
                           "/api/v1/targets/teams/t-east/quarter/2026-Q4 {\"targets\":"
                           "{\"collections\":\"1200000\"}}");
    CU_ASSERT_STRING_EQUAL(target("subject,id,period,key,orders\n公司,,年,2026年,300\n"),
                           "/api/v1/targets/company/year/2026 {\"targets\":{\"orders\":300}}");
    CU_ASSERT_STRING_EQUAL(target("对象,编号,周期,期间,销售额,覆盖率\n团队,t-1,月,2026-11,80%,"
                                  "1200%\n"),
                           "销售额: expected an amount such as 86000.00 (got '80%'); 覆盖率: "
                           "must be a ratio from 0 to 10 (0.9 = 90 %)");
    msg_set_lang(MSG_ZH);
    CU_ASSERT_STRING_EQUAL(target("对象,编号,周期,期间,销售额\n团队,t-1,月,2026-13,1\n"),
                           "期间: 应为 month 的期间，如 2026-11（实际为“2026-13”）");
    CU_ASSERT_STRING_EQUAL(target("对象,编号,周期,期间,销售额\n团队,t-1,月,2026-11,1.234\n"),
                           "销售额: 小数超过两位");
    msg_set_lang(MSG_EN);
}

/* ---- org files -------------------------------------------------------------------- */

/* "PATH BODY" of the first data row of an org text, or the reasons. */
static const char *org(import_org_kind_t kind, const char *text)
{
    static char out[2048 + IMPORT_TARGET_PATH_MAX];
    import_csv_row_t header, row;
    import_org_plan_t *plan = NULL;
    char why[600], path[IMPORT_ORG_PATH_MAX];
    rows_of(text, &header, &row);
    if (import_org_plan_new(kind, &header, &plan, why, sizeof(why)) != 0) {
        CU_ASSERT_PTR_NULL(plan);
        return strcpy(out, why);
    }
    nq_field_errors_t errs = {0};
    json_t *body = import_org_request(plan, &row, path, sizeof(path), &errs);
    CU_ASSERT_EQUAL(body == NULL, errs.n > 0);
    if (body)
        snprintf(out, sizeof(out), "%s %s", path, dump(body));
    else
        snprintf(out, sizeof(out), "%s", reasons(&errs));
    import_org_plan_destroy(&plan);
    import_org_plan_destroy(&plan);
    return out;
}

static void test_blank_cells(void)
{
    static const struct {
        const char *text;
        size_t width;
        bool blank;
    } rows[] = {
        {"a,b,,,\n", 2, false}, {",,,\n", 1, true},   {"a\n", 1, false},
        {" , \t,\n", 1, true},  {",a,,\n", 2, false}, {"a,,b\n", 3, false},
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        import_csv_row_t row;
        rows_of(rows[i].text, &row, NULL);
        CU_ASSERT_EQUAL(import_csv_width(&row), rows[i].width);
        CU_ASSERT_EQUAL(import_csv_blank(&row), rows[i].blank);
        CU_ASSERT(import_csv_fits(&row, row.n));
        CU_ASSERT(import_csv_fits(&row, import_csv_width(&row)));
        CU_ASSERT_FALSE(import_csv_fits(&row, row.n + 1));
    }
    rows_of("a,b,c\n", &(import_csv_row_t){0}, NULL);
}

/* A customer file as GET /api/v1/customers/export.csv writes it (either header) reads
 * back: server-set columns ignored, the anti-formula apostrophe dropped from text. */
static void test_customer_export_rows(void)
{
    const import_org_kind_t C = IMPORT_ORG_CUSTOMERS;
    const char *want =
        "/api/v1/customers/c-1 {\"class\":\"key\",\"credit_limit\":\"50000.00\",\"name\":"
        "\"=HYPERLINK(\\\"x\\\")\",\"owner_id\":\"sp-01\",\"payment_terms_days\":30,\"region\":"
        "\"华东\",\"since\":\"2026-01-01T00:00:00.000+08:00\",\"status\":\"dormant\",\"tags\":["
        "\"vip\",\"老客户\"]}";
    CU_ASSERT_STRING_EQUAL(
        org(C, "id,name,class,status,owner_id,region,industry,tags,credit_limit,payment_terms_"
               "days,since,created_at,last_contact_at,followup_due_at,updated_at\n"
               "c-1,\"'=HYPERLINK(\"\"x\"\")\",key,dormant,sp-01,华东,,vip;老客户,50000.00,30,"
               "2026-01-01T00:00:00.000+08:00,2026-01-01T00:00:00.000+08:00,,,"
               "2026-02-01T00:00:00.000+08:00\n"),
        want);
    CU_ASSERT_STRING_EQUAL(
        org(C, "编号,名称,级别,状态,负责人,区域,行业,标签,信用额度,账期天数,起始,创建时间,"
               "最近联系时间,跟进到期时间,更新时间\n"
               "c-1,\"'=HYPERLINK(\"\"x\"\")\",重点,休眠,sp-01,华东,, vip ; 老客户 ,\"¥50,000.00\","
               "30,2026/1/1,,,,\n"),
        want);
    /* only an apostrophe before a formula start is the export's */
    CU_ASSERT_STRING_EQUAL(org(C, "id,name\nc-2,'abc\n"),
                           "/api/v1/customers/c-2 {\"name\":\"'abc\"}");
    CU_ASSERT_STRING_EQUAL(org(C, "id,name\nc-3,'-2+3\n"),
                           "/api/v1/customers/c-3 {\"name\":\"-2+3\"}");
    CU_ASSERT_STRING_EQUAL(org(C, "id,name,账期天数,信用额度\nc-4,x,三十,很多\n"),
                           "账期天数: expected a whole number such as 1800 (got '三十'); 信用额度: "
                           "expected an amount such as 86000.00 (got '很多')");
}

static void test_org_rows(void)
{
    const import_org_kind_t T = IMPORT_ORG_TEAMS, S = IMPORT_ORG_SALESPEOPLE,
                            C = IMPORT_ORG_CUSTOMERS;
    CU_ASSERT_STRING_EQUAL(org(T, "id,name,coordinators\nt-east,华东一组,\"u-zhou, u-li\"\n"),
                           "/api/v1/teams/t-east {\"coordinators\":[\"u-zhou\",\"u-li\"],\"name\":"
                           "\"华东一组\"}");
    CU_ASSERT_STRING_EQUAL(org(T, "编号,名称,内勤,成员\nt-1,一组,u-a、u-b；u-c,sp-1 sp-2\n"),
                           "/api/v1/teams/t-1 {\"coordinators\":[\"u-a\",\"u-b\",\"u-c\"],"
                           "\"members\":[\"sp-1\",\"sp-2\"],\"name\":\"一组\"}");
    CU_ASSERT_STRING_EQUAL(org(T, "编号,名称,内勤\nt-2,二组,\n"),
                           "/api/v1/teams/t-2 {\"name\":\"二组\"}");
    CU_ASSERT_STRING_EQUAL(org(S, "工号,姓名,团队,状态\nsp-01,张伟,t-east,在职\n"),
                           "/api/v1/salespeople/sp-01 {\"name\":\"张伟\",\"status\":\"active\","
                           "\"team_id\":\"t-east\"}");
    CU_ASSERT_STRING_EQUAL(org(S, "id,name,team_id,status\nsp-02,李娜,,Left\n"),
                           "/api/v1/salespeople/sp-02 {\"name\":\"李娜\",\"status\":\"left\"}");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,客户名称,级别,负责人\nc-1,杭州金达,重点,sp-01\n"),
                           "/api/v1/customers/c-1 {\"class\":\"key\",\"name\":\"杭州金达\","
                           "\"owner_id\":\"sp-01\"}");
    CU_ASSERT_STRING_EQUAL(org(C, "ID,Name,Class,Owner_ID\nc-2,某公司,潜在客户,\n"),
                           "/api/v1/customers/c-2 {\"class\":\"potential\",\"name\":\"某公司\"}");

    /* The days changes apply from (API: effective_from, status_from, since), as Excel
     * writes dates, sent as RFC 3339 in the zone; empty = the API's default. */
    CU_ASSERT_STRING_EQUAL(
        org(S, "工号,姓名,团队,生效日期,状态,状态生效日期\nsp-03,王芳,t-west,2026/11/15,离职,"
               "2026年11月20日\n"),
        "/api/v1/salespeople/sp-03 {\"effective_from\":\"2026-11-15T00:00:00.000+08:00\","
        "\"name\":\"王芳\",\"status\":\"left\",\"status_from\":\"2026-11-20T00:00:00.000+08:"
        "00\",\"team_id\":\"t-west\"}");
    CU_ASSERT_STRING_EQUAL(org(S, "id,name,team_id,effective_from\nsp-04,赵强,t-east,\n"),
                           "/api/v1/salespeople/sp-04 {\"name\":\"赵强\",\"team_id\":\"t-east\"}");
    CU_ASSERT_STRING_EQUAL(
        org(C, "编号,客户名称,级别,负责人,起始\nc-3,宁波海悦,重点,sp-01,2026/1/1\n"),
        "/api/v1/customers/c-3 {\"class\":\"key\",\"name\":\"宁波海悦\",\"owner_id\":\"sp-"
        "01\",\"since\":\"2026-01-01T00:00:00.000+08:00\"}");
    CU_ASSERT_STRING_EQUAL(
        org(C, "id,name,owner_id,since\nc-4,某厂,sp-01,2026-03-01T08:00:00+08:00\n"),
        "/api/v1/customers/c-4 {\"name\":\"某厂\",\"owner_id\":\"sp-01\",\"since\":"
        "\"2026-03-01T08:00:00+08:00\"}");
    CU_ASSERT_STRING_EQUAL(org(T, "编号,名称,成员,生效日期\nt-3,三组,sp-1,2026-11-15\n"),
                           "/api/v1/teams/t-3 {\"effective_from\":\"2026-11-15T00:00:00.000+08:"
                           "00\",\"members\":[\"sp-1\"],\"name\":\"三组\"}");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,名称,生效日期\nc-5,x,2026/2/30\n"),
                           "生效日期: expected a time such as 2026-12-04 09:30, 2026/12/4 9:30 or "
                           "2026-12-04T09:30:00+08:00 (got '2026/2/30')");
    CU_ASSERT_STRING_EQUAL(org(S, "工号,姓名,状态日期\nsp-5,x,明天\n"),
                           "状态日期: expected a time such as 2026-12-04 09:30, 2026/12/4 9:30 or "
                           "2026-12-04T09:30:00+08:00 (got '明天')");

    /* Refusals: by column as the header names it. */
    CU_ASSERT_STRING_EQUAL(org(S, "工号,姓名,团队,状态\nsp 1,,t/e,退休\n"),
                           "工号: expected an id: 1-64 characters of A-Z a-z 0-9 _ . : - (got 'sp "
                           "1'); 姓名: is required; 团队: expected an id: 1-64 characters of A-Z "
                           "a-z 0-9 _ . : - (got 't/e'); 状态: expected one of active (在职), "
                           "leave (休假), left (离职)");
    CU_ASSERT_STRING_EQUAL(org(T, "编号,名称,内勤\n,一组,u a/b\n"),
                           "编号: is required; 内勤: expected ids separated by commas, such as "
                           "u-zhao, u-li (got 'a/b')");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,名称,级别\nc-1,x,VIP\n"),
                           "级别: expected one of key (重点), normal (普通), potential (潜在)");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,名称\nc-1\n"), "(row): has 1 fields, the header has 2");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,名称\nc-1,\xff\n"),
                           "名称: not valid text in the file's encoding (see --encoding)");

    /* Headers. */
    CU_ASSERT_STRING_EQUAL(org(S, "工号,姓名,电话\n"),
                           "header: column 3 '电话' is not a column of a salespeople file (id "
                           "(编号), name (姓名), team_id (团队), status (状态), effective_from "
                           "(生效日期), status_from (状态生效日期))");
    CU_ASSERT_STRING_EQUAL(org(C, "编号,名称,分类,级别\n"),
                           "header: column 4 '级别' names the same column as column 3");
    CU_ASSERT_STRING_EQUAL(org(T, "名称,内勤\n"),
                           "header: no column 'id' (also called 编号, 团队编号, 团队ID)");
    CU_ASSERT_STRING_EQUAL(org(S, "id\n"),
                           "header: no column 'name' (also called 姓名, 名称, 业务员, 销售员, "
                           "业务员姓名)");
    CU_ASSERT_STRING_EQUAL(org(S, "id, ,name\n"), "header: column 2 has no name");

    msg_set_lang(MSG_ZH);
    CU_ASSERT_STRING_EQUAL(org(S, "工号,姓名,团队,状态\nsp-1,张伟,t-1,退休\n"),
                           "状态: 应为以下之一：active (在职), leave (休假), left (离职)");
    msg_set_lang(MSG_EN);

    /* Gateway errors ("team_id", "coordinators[1]") by the header's names; the ident. */
    import_csv_row_t header, row;
    import_org_plan_t *plan = NULL;
    char why[300];
    rows_of("编号,名称,内勤\nt-9,九组,\n", &header, &row);
    CU_ASSERT_EQUAL_FATAL(import_org_plan_new(T, &header, &plan, why, sizeof(why)), 0);
    CU_ASSERT_STRING_EQUAL(dump(import_org_ident(plan, &row)), "{\"id\":\"t-9\"}");
    CU_ASSERT_STRING_EQUAL(import_org_label(plan, "coordinators[1]"), "内勤");
    CU_ASSERT_STRING_EQUAL(import_org_label(plan, "name"), "名称");
    CU_ASSERT_PTR_NULL(import_org_label(plan, "members"));
    import_org_plan_destroy(&plan);
    rows_of(NULL, &header, NULL);
}

/* ---- the catalogues ---------------------------------------------------------------- */

/* Every English message of msg_en.h ("#define M_X \"...\""), read from the file. */
static size_t english_messages(char names[][48], char texts[][512], size_t max)
{
    FILE *f = fopen(NQ_TOOLS_DIR "/msg_en.h", "r");
    char line[1024];
    size_t n = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    while (n < max && fgets(line, sizeof(line), f)) {
        char name[48];
        int at = 0;
        if (sscanf(line, "#define %47s \"%n", name, &at) != 1 || at == 0 ||
            strncmp(name, "M_", 2) != 0)
            continue;
        /* the literal, with its escapes \" \\ \n \t read */
        size_t k = 0;
        for (const char *p = line + at; *p && *p != '"' && k + 1 < sizeof(texts[0]); p++) {
            if (*p == '\\') {
                p++;
                texts[n][k++] = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' : *p;
            } else {
                texts[n][k++] = *p;
            }
        }
        texts[n][k] = '\0';
        snprintf(names[n], sizeof(names[n]), "%s", name);
        n++;
    }
    fclose(f);
    return n;
}

static void test_catalogues(void)
{
    static char names[400][48], texts[400][512];
    size_t n = english_messages(names, texts, 400);
    CU_ASSERT(n > 150 && n < 400);
    /* Every English message has a Chinese one with the same conversions in the same order. */
    for (size_t i = 0; i < n; i++) {
        const char *zh = msg_zh_of(texts[i]);
        char want[64], got[64];
        if (!zh) {
            fprintf(stderr, "\n  %s has no translation\n", names[i]);
            CU_FAIL("a message without translation");
            continue;
        }
        nq_i18n_conversions(texts[i], want, sizeof(want));
        nq_i18n_conversions(zh, got, sizeof(got));
        if (strcmp(want, got) != 0)
            fprintf(stderr, "\n  %s: English %s, Chinese %s\n", names[i], want, got);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    /* ... and the Chinese catalogue has nothing else, nothing twice. */
    CU_ASSERT_EQUAL(msg_zh_count, n);
    for (size_t i = 0; i < msg_zh_count; i++) {
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(strcmp(msg_zh_catalogue[i].en, msg_zh_catalogue[j].en) != 0);
        CU_ASSERT(nq_utf8_valid(msg_zh_catalogue[i].zh, strlen(msg_zh_catalogue[i].zh)));
    }
    /* msg_en.h as read equals what the compiler sees. */
    CU_ASSERT_PTR_NOT_NULL(msg_zh_of(M_EXPECT_AMOUNT));
    CU_ASSERT_STRING_EQUAL(msg_zh_of(M_EXPECT_AMOUNT), "应为金额，如 86000.00");

    msg_set_lang(MSG_ZH);
    CU_ASSERT_STRING_EQUAL(msg_tr(M_REFUSAL_COLUMN), "第 %ld 行，列“%s”：%s");
    CU_ASSERT_STRING_EQUAL(msg_tr("not in the catalogue"), "not in the catalogue");
    CU_ASSERT_STRING_EQUAL(msg_accept_language(), "zh-CN, zh;q=0.9, en;q=0.5");
    msg_set_lang(MSG_EN);
    CU_ASSERT_STRING_EQUAL(msg_tr(M_REFUSAL_COLUMN), "line %ld, column %s: %s");
    CU_ASSERT_STRING_EQUAL(msg_accept_language(), "en");
}

static void test_lang_choice(void)
{
    const char *why = NULL;
    CU_ASSERT_EQUAL(msg_lang_choose("zh-CN", NULL, NULL, "en_US.UTF-8", NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose("zh_CN", NULL, NULL, NULL, NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose("ZH", NULL, NULL, NULL, NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose("en", "zh_CN.UTF-8", NULL, NULL, NULL), MSG_EN);
    CU_ASSERT_EQUAL(msg_lang_choose("en-GB", NULL, NULL, NULL, NULL), MSG_EN);
    CU_ASSERT_EQUAL(msg_lang_choose("fr", NULL, NULL, NULL, &why), -1);
    CU_ASSERT_STRING_EQUAL(why, "expected zh-CN or en");
    CU_ASSERT_EQUAL(msg_lang_choose("zhx", NULL, NULL, NULL, NULL), -1);
    /* Unset: LC_ALL, then LC_MESSAGES, then LANG. */
    CU_ASSERT_EQUAL(msg_lang_choose(NULL, NULL, NULL, "zh_CN.UTF-8", NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose("", "", "", "zh_TW.UTF-8", NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose(NULL, "C.UTF-8", NULL, "zh_CN.UTF-8", NULL), MSG_EN);
    CU_ASSERT_EQUAL(msg_lang_choose(NULL, NULL, "zh_CN", "en_US", NULL), MSG_ZH);
    CU_ASSERT_EQUAL(msg_lang_choose(NULL, NULL, NULL, NULL, NULL), MSG_EN);
    CU_ASSERT_EQUAL(msg_lang_choose(NULL, NULL, NULL, "C", NULL), MSG_EN);
}

static CU_TestInfo text_tests[] = {
    {"detect: ASCII, UTF-8, BOMs, GBK, GB18030", test_text_detect},
    {"detect after a long ASCII start", test_text_ascii_prefix},
    {"UTF-16 and neither: refused, naming the lines", test_text_refused},
    {"bad bytes after the decision reach the cell checks", test_text_bad_bytes_later},
    {"through the CSV reader; input offsets; names", test_text_csv_and_offset},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo value_tests[] = {
    {"numbers: separators, yuan, percentages, full width", test_value_numbers},
    {"times: Excel's forms in the zone, RFC 3339 kept", test_value_times},
    {"period keys and yes/no", test_value_keys_and_bools},
    {"column and value names", test_alias_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo row_tests[] = {
    {"activities with Chinese headers and values", test_activity_chinese},
    {"targets with Chinese headers, percentages, keys", test_target_chinese},
    {"teams, salespeople, customers", test_org_rows},
    {"customer rows as the export writes them read back", test_customer_export_rows},
    {"Excel's empty columns and rows", test_blank_cells},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo msg_tests[] = {
    {"every message translated, conversions alike", test_catalogues},
    {"NQ_LANG and the locale", test_lang_choice},
    CU_TEST_INFO_NULL,
};

/* Local times are read in Asia/Shanghai, messages start in English. */
static int suite_init(void)
{
    msg_set_lang(MSG_EN);
    return nq_zone_set("Asia/Shanghai");
}

static int suite_clean(void)
{
    rows_of(NULL, NULL, NULL);
    return 0;
}

static CU_SuiteInfo suites[] = {
    {"import_text", suite_init, NULL, NULL, NULL, text_tests},
    {"import_value", suite_init, NULL, NULL, NULL, value_tests},
    {"import rows", suite_init, suite_clean, NULL, NULL, row_tests},
    {"msg", suite_init, NULL, NULL, NULL, msg_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
