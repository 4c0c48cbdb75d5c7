/* test_csvout.c — gateway/csvout.h: RFC 4180 cells and rows, the header in
 * each language, formula neutralisation, Chinese text and newlines. */
#include <string.h>

#include "csvout.h"
#include "nq_test.h"

/* The cell csv_cell writes for text. */
static void expect_cell(const char *text, const char *want)
{
    nq_buf_t t = NQ_BUF_INIT;
    csv_cell(&t, text);
    CU_ASSERT_FALSE(t.failed);
    CU_ASSERT_STRING_EQUAL(t.buf, want);
    nq_buf_release(&t);
}

static void test_quoting(void)
{
    expect_cell("", "");
    expect_cell("plain", "plain");
    expect_cell("Acme, Inc.", "\"Acme, Inc.\"");
    expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_cell("\"", "\"\"\"\"");
    expect_cell("line one\nline two", "\"line one\nline two\"");
    expect_cell("cr\rlf\r\n", "\"cr\rlf\r\n\"");
    expect_cell("a'b", "a'b");
}

static void test_formulas(void)
{
    expect_cell("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    expect_cell("=1+2", "'=1+2");
    expect_cell("+86 138", "'+86 138");
    expect_cell("-2+3", "'-2+3");
    expect_cell("@SUM(A1)", "'@SUM(A1)");
    expect_cell("\tcmd", "'\tcmd");
    expect_cell("\rcmd", "\"'\rcmd\"");
    expect_cell("a=1", "a=1"); /* only the first character counts */
    expect_cell(" =1", " =1");
}

static void test_chinese(void)
{
    expect_cell("上海精工机械有限公司", "上海精工机械有限公司");
    expect_cell("华东区，重点", "华东区，重点"); /* a full-width comma is text */
    expect_cell("张三, 李四", "\"张三, 李四\"");
}

static const csv_column_t cols[] = {
    {"id", "id", "编号"},         {"name", "name", "名称"},
    {"tags", "tags", "标签"},     {"payment_terms_days", "payment_terms_days", "账期天数"},
    {"region", "region", "区域"},
};
#define N_COLS (sizeof(cols) / sizeof(cols[0]))

static void test_header_and_rows(void)
{
    nq_buf_t t = NQ_BUF_INIT;
    nq_buf_adds(&t, CSV_BOM);
    csv_header(&t, cols, N_COLS, NQ_LANG_ZH);
    csv_header(&t, cols, N_COLS, NQ_LANG_EN);
    json_t *c =
        json_pack("{s:s, s:s, s:[s,s], s:i, s:n}", "id", "c-1", "name", "Acme, \"East\"\n=SUM(1)",
                  "tags", "vip", "华东", "payment_terms_days", 30, "region");
    csv_json_row(&t, c, cols, N_COLS);
    json_decref(c);
    json_t *empty = json_object();
    csv_json_row(&t, empty, cols, N_COLS);
    json_decref(empty);
    CU_ASSERT_FALSE(t.failed);
    CU_ASSERT_STRING_EQUAL(t.buf, "\xEF\xBB\xBF"
                                  "编号,名称,标签,账期天数,区域\r\n"
                                  "id,name,tags,payment_terms_days,region\r\n"
                                  "c-1,\"Acme, \"\"East\"\"\n=SUM(1)\",vip;华东,30,\r\n"
                                  ",,,,\r\n");
    nq_buf_release(&t);
}

static void test_json_cells(void)
{
    nq_buf_t t = NQ_BUF_INIT;
    json_t *v = json_pack("[i, b, s, [s], [], n]", -12, 1, "-5.00", "=x");
    size_t i;
    json_t *item;
    json_array_foreach (v, i, item) {
        if (i)
            nq_buf_addch(&t, '|');
        csv_json_cell(&t, item);
    }
    csv_json_cell(&t, NULL);
    json_decref(v);
    /* A JSON number is ours and stays a number; text starting with - is neutralised. */
    CU_ASSERT_STRING_EQUAL(t.buf, "-12|true|'-5.00|'=x||");
    nq_buf_release(&t);
}

static CU_TestInfo tests[] = {
    {"cells with , \" CR LF are quoted, quotes doubled", test_quoting},
    {"cells starting with = + - @ TAB CR get an apostrophe", test_formulas},
    {"Chinese text passes as it is", test_chinese},
    {"BOM, header in each language, rows end in CRLF", test_header_and_rows},
    {"JSON values as cells", test_json_cells},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"csvout", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
