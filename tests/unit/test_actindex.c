/* test_actindex.c — the activity index's pure parts (nq/actindex.h): refs
 * and members (byte order is time order, parsing refuses what is not one),
 * cursors (round trip, refused when foreign or forged), the ranges of from,
 * to and a cursor, type filters, the scan bound, and the merge of pages:
 * on random timelines, paging a merge page by page gives every member once,
 * newest first, whatever the page size and however short the scans. */
#include <stdlib.h>
#include <string.h>

#include "nq/actindex.h"
#include "nq_test.h"

static void test_ref_and_member(void)
{
    char ref[NQ_ACTINDEX_REF_MAX], m[NQ_ACTINDEX_MEMBER_MAX];
    CU_ASSERT_EQUAL(nq_actindex_ref(ref, sizeof(ref), "1764120700000-0", 17), 18);
    CU_ASSERT_STRING_EQUAL(ref, "1764120700000-0/17");
    CU_ASSERT(nq_actindex_member(m, sizeof(m), 1764120600000LL, "visit", ref, NULL) > 0);
    CU_ASSERT_STRING_EQUAL(m, "1764120600000|visit|1764120700000-0/17");
    CU_ASSERT(nq_actindex_member(m, sizeof(m), 946684800000LL, "call", ref, "sp-1") > 0);
    CU_ASSERT_STRING_EQUAL(m, "0946684800000|call|1764120700000-0/17|sp-1");
    /* outside 13 digits, or too long for the buffer */
    CU_ASSERT_EQUAL(nq_actindex_member(m, sizeof(m), -1, "call", ref, NULL), -1);
    CU_ASSERT_EQUAL(nq_actindex_member(m, sizeof(m), 10000000000000LL, "call", ref, NULL), -1);
    CU_ASSERT_EQUAL(nq_actindex_member(m, 20, 1, "call", ref, NULL), -1);
    CU_ASSERT_EQUAL(nq_actindex_ref(ref, 8, "1764120700000-0", 1), -1);
}

/* Byte order of members is the order of occurred_at, over 2000 .. 2286 and
 * across the 12- to 13-digit boundary of Unix ms. */
static void test_member_order(void)
{
    const int64_t times[] = {946684800000LL,  999999999999LL,  1000000000000LL,
                             1764120600000LL, 1764120600001LL, 9999999999999LL};
    char prev[NQ_ACTINDEX_MEMBER_MAX] = "";
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        char m[NQ_ACTINDEX_MEMBER_MAX];
        CU_ASSERT_FATAL(nq_actindex_member(m, sizeof(m), times[i], "visit", "9-9/9", NULL) > 0);
        CU_ASSERT(strcmp(prev, m) < 0);
        strcpy(prev, m);
    }
}

static void test_parse(void)
{
    nq_actindex_parts_t p;
    const char *m = "1764120600000|order_fulfilled|1764120700000-3/0|sp-zhang.wei";
    CU_ASSERT_EQUAL_FATAL(nq_actindex_parse(m, strlen(m), &p), 0);
    CU_ASSERT_EQUAL(p.occurred_at, 1764120600000LL);
    CU_ASSERT_EQUAL(p.type_len, strlen("order_fulfilled"));
    CU_ASSERT_NSTRING_EQUAL(p.type, "order_fulfilled", p.type_len);
    CU_ASSERT_NSTRING_EQUAL(p.ref, "1764120700000-3/0", p.ref_len);
    CU_ASSERT_EQUAL(p.ref_len, strlen("1764120700000-3/0"));
    CU_ASSERT_NSTRING_EQUAL(p.salesperson, "sp-zhang.wei", p.salesperson_len);
    m = "0946684800000|visit|1-0/2";
    CU_ASSERT_EQUAL_FATAL(nq_actindex_parse(m, strlen(m), &p), 0);
    CU_ASSERT_PTR_NULL(p.salesperson);
    CU_ASSERT_EQUAL(p.occurred_at, 946684800000LL);
    const char *bad[] = {
        "",
        "176412060000|visit|1-0/2",      /* 12 digits */
        "17641206000001|visit|1-0/2",    /* 14 */
        "1764120600000visit|1-0/2",      /* no bar */
        "1764120600000||1-0/2",          /* no type */
        "1764120600000|Visit|1-0/2",     /* not a-z */
        "1764120600000|visit",           /* no ref */
        "1764120600000|visit|",          /* empty ref */
        "1764120600000|visit|1-0/2|",    /* empty salesperson */
        "1764120600000|visit|1-0/2|a b", /* not an id */
        "1764120600000|visit|1-0/2|sp|x",
        "17641206000x0|visit|1-0/2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_actindex_parse(bad[i], strlen(bad[i]), &p), -1);
    /* a NUL inside is never a member */
    CU_ASSERT_EQUAL(nq_actindex_parse("1764120600000|visit|1-\0/2", 25, &p), -1);
}

static void test_cursor(void)
{
    const char *m = "1764120600000|visit|1764120700000-0/17";
    char c[NQ_ACTINDEX_CURSOR_MAX], back[NQ_ACTINDEX_MEMBER_MAX];
    CU_ASSERT_FATAL(nq_actindex_cursor_encode(m, c, sizeof(c)) > 0);
    CU_ASSERT_PTR_NULL(strpbrk(c, "+/=|&%")); /* safe in a URL as it is */
    CU_ASSERT_EQUAL(nq_actindex_cursor_decode(c, false, back, sizeof(back)), 0);
    CU_ASSERT_STRING_EQUAL(back, m);
    /* a salesperson's cursor is no customer's, and the reverse */
    CU_ASSERT_EQUAL(nq_actindex_cursor_decode(c, true, back, sizeof(back)), -1);
    const char *cm = "1764120600000|visit|1764120700000-0/17|sp-1";
    CU_ASSERT_FATAL(nq_actindex_cursor_encode(cm, c, sizeof(c)) > 0);
    CU_ASSERT_EQUAL(nq_actindex_cursor_decode(c, true, back, sizeof(back)), 0);
    CU_ASSERT_STRING_EQUAL(back, cm);
    CU_ASSERT_EQUAL(nq_actindex_cursor_decode(c, false, back, sizeof(back)), -1);
    /* not base64url, base64 of something else, empty, padded */
    const char *bad[] = {"", "!!!", "aGVsbG8", "MTc2NDEyMDYwMDAwMHx2aXNpdHwxLTAvMg==",
                         "MTc2NDEyMDYwMDAwMHx2aXNpdHwxLTAvMg+/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(nq_actindex_cursor_decode(bad[i], false, back, sizeof(back)), -1);
    /* "1764120600000|visit|1-0/2" itself decodes */
    CU_ASSERT_EQUAL(
        nq_actindex_cursor_decode("MTc2NDEyMDYwMDAwMHx2aXNpdHwxLTAvMg", false, back, sizeof(back)),
        0);
    /* longer than any member */
    char longc[400];
    memset(longc, 'A', sizeof(longc) - 1);
    longc[sizeof(longc) - 1] = '\0';
    CU_ASSERT_EQUAL(nq_actindex_cursor_decode(longc, false, back, sizeof(back)), -1);
}

static void test_range(void)
{
    nq_actindex_range_t r;
    nq_actindex_range(&r, false, 0, false, 0, NULL);
    CU_ASSERT_STRING_EQUAL(r.max, "+");
    CU_ASSERT_STRING_EQUAL(r.min, "-");
    nq_actindex_range(&r, true, 946684800000LL, true, 1764120600000LL, NULL);
    CU_ASSERT_STRING_EQUAL(r.min, "[0946684800000");
    CU_ASSERT_STRING_EQUAL(r.max, "(1764120600000");
    /* a cursor below `to` wins; one at or above it does not */
    nq_actindex_range(&r, false, 0, true, 1764120600000LL, "1764120500000|call|1-0/0");
    CU_ASSERT_STRING_EQUAL(r.max, "(1764120500000|call|1-0/0");
    nq_actindex_range(&r, false, 0, true, 1764120600000LL, "1764120600000|call|1-0/0");
    CU_ASSERT_STRING_EQUAL(r.max, "(1764120600000");
    nq_actindex_range(&r, false, 0, false, 0, "1764120600000|call|1-0/0");
    CU_ASSERT_STRING_EQUAL(r.max, "(1764120600000|call|1-0/0");
    /* beyond 13 digits: nothing after from; to lifts no bound */
    nq_actindex_range(&r, true, 10000000000000LL, true, 20000000000000LL, NULL);
    CU_ASSERT(strcmp(r.min, "[9999999999999|") > 0);
    CU_ASSERT_STRING_EQUAL(r.max, "+");
    /* before 1970: from reads from the start, to before everything */
    nq_actindex_range(&r, true, -5, true, -1, "1764120600000|call|1-0/0");
    CU_ASSERT_STRING_EQUAL(r.min, "-");
    CU_ASSERT(strcmp(r.max + 1, "0000000000000|") < 0);
}

static void test_types(void)
{
    char out[NQ_ACTINDEX_TYPES_MAX];
    const char *why = NULL;
    CU_ASSERT_EQUAL(nq_actindex_types_parse("visit", out, sizeof(out), &why), 0);
    CU_ASSERT_STRING_EQUAL(out, ",visit,");
    CU_ASSERT_EQUAL(
        nq_actindex_types_parse("visit,call,visit,order_fulfilled", out, sizeof(out), &why), 0);
    CU_ASSERT_STRING_EQUAL(out, ",visit,call,order_fulfilled,");
    /* every type at once fits */
    char all[512] = "";
    for (size_t i = 0; nq_activity_types[i]; i++) {
        strcat(all, i ? "," : "");
        strcat(all, nq_activity_types[i]);
    }
    CU_ASSERT_EQUAL(nq_actindex_types_parse(all, out, sizeof(out), &why), 0);
    const char *bad[] = {"",       ",",           "visit,",
                         ",visit", "visit,,call", "vist",
                         "VISIT",  "visit call",  "order_fulfilled_and_then_some_more_text_here"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        CU_ASSERT_EQUAL(nq_actindex_types_parse(bad[i], out, sizeof(out), &why), -1);
        CU_ASSERT_PTR_NOT_NULL(why);
    }
    CU_ASSERT_TRUE(nq_activity_type_known("competitor_intel"));
    CU_ASSERT_FALSE(nq_activity_type_known("visits"));
    CU_ASSERT_FALSE(nq_activity_type_known(NULL));
}

static void test_scan_each(void)
{
    CU_ASSERT_EQUAL(nq_actindex_scan_each(1, 50, false), 51);
    CU_ASSERT_EQUAL(nq_actindex_scan_each(10, 50, false), 51);
    CU_ASSERT_EQUAL(nq_actindex_scan_each(1, 50, true), NQ_ACTINDEX_SCAN_BUDGET);
    CU_ASSERT_EQUAL(nq_actindex_scan_each(10, 50, true), NQ_ACTINDEX_SCAN_BUDGET / 10);
    CU_ASSERT_EQUAL(nq_actindex_scan_each(100, 50, true), 51); /* at least a page and one */
    CU_ASSERT_EQUAL(nq_actindex_scan_each(1, 200, true), NQ_ACTINDEX_SCAN_BUDGET);
}

/* ---- the merge, against a model --------------------------------------------------- */

#define TL_MAX  6
#define EVT_MAX 60

/* Timelines of random members ("<time>|visit|<t>-<i>/0"), some matching a
 * filter; the page script modelled: from `after` (exclusive) down, read at
 * most `scan` members, return at most `want` matching ones. */
typedef struct model {
    size_t n;                         /* timelines */
    char member[TL_MAX][EVT_MAX][48]; /* newest first */
    bool match[TL_MAX][EVT_MAX];      /* passes the filter */
    size_t len[TL_MAX];
} model_t;

static int desc(const void *a, const void *b)
{
    return strcmp((const char *)b, (const char *)a);
}

static void model_fill(model_t *m, unsigned *seed)
{
    m->n = 1 + (size_t)(rand_r(seed) % TL_MAX);
    for (size_t t = 0; t < m->n; t++) {
        m->len[t] = (size_t)(rand_r(seed) % EVT_MAX);
        for (size_t i = 0; i < m->len[t]; i++) {
            /* few distinct times: many ties between timelines */
            int64_t at = 1764120600000LL + rand_r(seed) % 20;
            char ref[48];
            snprintf(ref, sizeof(ref), "%u-%u/0", (unsigned)t, (unsigned)i);
            nq_actindex_member(m->member[t][i], sizeof(m->member[t][i]), at, "visit", ref, NULL);
        }
        qsort(m->member[t], m->len[t], sizeof(m->member[t][0]), desc);
        for (size_t i = 0; i < m->len[t]; i++)
            m->match[t][i] = rand_r(seed) % 3 != 0;
    }
}

/* One page: each timeline's scan, merged. Returns the next member or NULL;
 * the page's members are appended to got. */
static const char *model_page(const model_t *m, const char *after, size_t limit, size_t scan,
                              char got[][48], size_t *n_got, char next_buf[48])
{
    const char *members[TL_MAX][EVT_MAX];
    nq_actindex_scan_t scans[TL_MAX];
    for (size_t t = 0; t < m->n; t++) {
        size_t found = 0, read = 0, i = 0;
        while (i < m->len[t] && after && strcmp(m->member[t][i], after) >= 0)
            i++;
        const char *last = NULL;
        for (; i < m->len[t] && found < limit + 1 && read < scan; i++, read++) {
            last = m->member[t][i];
            if (m->match[t][i])
                members[t][found++] = m->member[t][i];
        }
        bool done = i == m->len[t]; /* nothing left after the last read */
        scans[t] = (nq_actindex_scan_t){members[t], found, done ? NULL : last};
    }
    nq_actindex_pick_t picks[64];
    const char *next = NULL;
    size_t n = nq_actindex_merge(scans, m->n, limit, picks, &next);
    CU_ASSERT(n <= limit);
    for (size_t k = 0; k < n; k++)
        strcpy(got[(*n_got)++], scans[picks[k].scan].members[picks[k].i]);
    if (!next)
        return NULL;
    strcpy(next_buf, next);
    return next_buf;
}

static void test_merge_pages(void)
{
    unsigned seed = 20261126;
    for (int round = 0; round < 400; round++) {
        model_t *m = calloc(1, sizeof(*m));
        model_fill(m, &seed);
        size_t limit = 1 + (size_t)(rand_r(&seed) % 7);
        size_t scan = limit + 1 + (size_t)(rand_r(&seed) % 4);
        char want[TL_MAX * EVT_MAX][48], got[TL_MAX * EVT_MAX][48];
        size_t n_want = 0, n_got = 0;
        for (size_t t = 0; t < m->n; t++) {
            for (size_t i = 0; i < m->len[t]; i++) {
                if (m->match[t][i])
                    strcpy(want[n_want++], m->member[t][i]);
            }
        }
        qsort(want, n_want, sizeof(want[0]), desc);
        char buf[48];
        const char *after = NULL;
        int pages = 0;
        do {
            after = model_page(m, after, limit, scan, got, &n_got, buf);
            pages++;
        } while (after && pages < 1000 && n_got <= n_want);
        CU_ASSERT_EQUAL(n_got, n_want);
        for (size_t i = 0; i < n_got && i < n_want; i++)
            CU_ASSERT_STRING_EQUAL(got[i], want[i]);
        free(m);
    }
}

/* The next member of a full page is its last; of a page that ended every
 * range, none; of a short page, where the scans stopped. */
static void test_merge_next(void)
{
    const char *a[] = {"0000000000009|visit|a/0", "0000000000005|visit|a/1",
                       "0000000000001|visit|a/2"};
    const char *b[] = {"0000000000008|visit|b/0", "0000000000002|visit|b/1"};
    nq_actindex_pick_t picks[8];
    const char *next;
    /* both read to their ends: 5 members, a page of 3 then 2 */
    nq_actindex_scan_t s1[] = {{a, 3, NULL}, {b, 2, NULL}};
    CU_ASSERT_EQUAL(nq_actindex_merge(s1, 2, 3, picks, &next), 3);
    CU_ASSERT_STRING_EQUAL(next, a[1]);
    CU_ASSERT_EQUAL(nq_actindex_merge(s1, 2, 5, picks, &next), 5);
    CU_ASSERT_PTR_NULL(next);
    CU_ASSERT_EQUAL(picks[0].scan, 0);
    CU_ASSERT_EQUAL(picks[1].scan, 1);
    CU_ASSERT_EQUAL(picks[4].scan, 0);
    CU_ASSERT_EQUAL(picks[4].i, 2);
    /* b stopped after its first: nothing below it is known */
    nq_actindex_scan_t s2[] = {{a, 3, NULL}, {b, 1, b[0]}};
    CU_ASSERT_EQUAL(nq_actindex_merge(s2, 2, 5, picks, &next), 2);
    CU_ASSERT_STRING_EQUAL(next, b[0]);
    /* a timeline that matched nothing but stopped short holds the page back */
    nq_actindex_scan_t s3[] = {{a, 3, NULL}, {b, 0, "0000000000007|visit|b/9"}};
    CU_ASSERT_EQUAL(nq_actindex_merge(s3, 2, 5, picks, &next), 1);
    CU_ASSERT_STRING_EQUAL(next, "0000000000007|visit|b/9");
    /* nothing at all */
    nq_actindex_scan_t s4[] = {{a, 0, NULL}};
    CU_ASSERT_EQUAL(nq_actindex_merge(s4, 1, 5, picks, &next), 0);
    CU_ASSERT_PTR_NULL(next);
}

static CU_TestInfo tests[] = {
    {"refs and members", test_ref_and_member},
    {"members sort by time", test_member_order},
    {"a member parses, anything else does not", test_parse},
    {"cursors: round trip, foreign and forged ones refused", test_cursor},
    {"ranges of from, to and a cursor", test_range},
    {"type filters", test_types},
    {"how much a timeline reads per page", test_scan_each},
    {"paging a merge gives every member once, newest first", test_merge_pages},
    {"where the next page starts", test_merge_next},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"activity index", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
