/* test_ar_totals.c — per-salesperson receivables totals (nq/ar_totals.h):
 * a table of customers' facts (partial payments, payments naming an invoice
 * or an order, overpayment credit, invoices of several salespeople of one
 * customer, a payment before its invoice, no salesperson) read through the
 * cells at several dates equal nq_ar_age_each of the facts; differences
 * between contributions; cell fields; the DSO window's day edges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/ar_totals.h"
#include "nq/period.h"
#include "nq_test.h"

/* Unix ms of a local (Asia/Shanghai) time "2026-11-01T10:00". */
static int64_t T(const char *local)
{
    char buf[64];
    const char *why;
    int64_t ms = 0;
    snprintf(buf, sizeof(buf), "%s:00+08:00", local);
    CU_ASSERT_FATAL(nq_time_parse(buf, &ms, &why) == 0);
    return ms;
}

static int init(void)
{
    return nq_zone_set("Asia/Shanghai");
}

/* A fact: 'i' invoice id issued at, due `due`, of sp for order `extra`;
 * 'p' payment ref at, of sp, naming `extra` ("i:<id>", "o:<order>", ""). */
typedef struct fact {
    char kind;
    const char *id, *at, *due;
    int64_t fen;
    const char *sp, *extra;
} fact_t;

#define MAX_FACTS 8
typedef struct customer {
    const char *name;
    fact_t f[MAX_FACTS];
} customer_t;

static const customer_t customers[] = {
    {"partial, oldest first; across two salespeople",
     {{'i', "a1", "2026-10-01T10:00", "2026-10-31T00:00", 100000, "sp-a", "SO-1"},
      {'i', "a2", "2026-10-05T10:00", "2026-11-04T00:00", 50000, "sp-b", "SO-2"},
      {'i', "a3", "2026-10-20T10:00", "2026-11-19T00:00", 20000, "sp-a", ""},
      {'p', "a/0", "2026-10-11T10:00", NULL, 30000, "sp-a", ""}}},
    {"names an invoice, names an order, the rest oldest first",
     {{'i', "b1", "2026-09-01T10:00", "2026-10-01T00:00", 100000, "sp-a", "SO-5"},
      {'i', "b2", "2026-09-05T10:00", "2026-10-05T23:59", 50000, "sp-b", "SO-6"},
      {'i', "b3", "2026-11-20T10:00", "2026-12-20T00:00", 20000, "sp-a", ""},
      {'p', "b/0", "2026-11-21T10:00", NULL, 20000, "sp-b", "i:b3"},
      {'p', "b/1", "2026-11-22T10:00", NULL, 60000, "sp-b", "o:SO-6"}}},
    {"overpaid: a credit of the collector",
     {{'i', "c1", "2026-10-02T10:00", "2026-11-01T00:00", 40000, "sp-b", ""},
      {'p', "c/0", "2026-10-03T10:00", NULL, 45000, "sp-a", ""}}},
    {"paid before invoiced; a payment naming a paid invoice; equal times",
     {{'p', "d/0", "2026-08-01T10:00", NULL, 40000, "sp-a", ""},
      {'i', "d1", "2026-08-02T10:00", "2026-09-01T00:00", 100000, "sp-a", ""},
      {'i', "d2", "2026-08-02T10:00", "2026-09-01T00:00", 7000, "sp-b", ""},
      {'p', "d/1", "2026-08-02T10:00", NULL, 7000, "sp-b", "i:d2"},
      {'p', "d/2", "2026-08-03T10:00", NULL, 5000, "sp-b", "i:d2"}}},
    {"no salesperson counts nowhere; due before issued; long past due",
     {{'i', "e1", "2026-01-10T10:00", "2026-01-10T10:00", 30000, "", ""},
      {'i', "e2", "2026-01-11T10:00", "2026-01-01T00:00", 25000, "sp-b", ""},
      {'i', "e3", "2026-12-14T23:59", "2027-01-13T00:00", 9900, "sp-a", ""},
      {'p', "e/0", "2026-12-14T23:59", NULL, 1000, "", ""}}},
};
#define N_CUSTOMERS (sizeof(customers) / sizeof(customers[0]))

/* The facts of customer c as a HGETALL would give them, parsed. */
static void facts_of(const customer_t *c, nq_ar_t *ar)
{
    static char buf[2 * MAX_FACTS][128];
    const char *f[2 * MAX_FACTS];
    size_t n = 0;
    for (size_t i = 0; i < MAX_FACTS && c->f[i].kind; i++, n += 2) {
        const fact_t *x = &c->f[i];
        snprintf(buf[n], sizeof(buf[n]), "%c|%s", x->kind, x->id);
        if (x->kind == 'i')
            snprintf(buf[n + 1], sizeof(buf[n + 1]), "%lld|%lld|%lld|%s|%s", (long long)T(x->at),
                     (long long)T(x->due), (long long)x->fen, x->sp, x->extra);
        else
            snprintf(buf[n + 1], sizeof(buf[n + 1]), "%lld|%lld|%s|%s", (long long)T(x->at),
                     (long long)x->fen, x->sp, x->extra);
        f[n] = buf[n];
        f[n + 1] = buf[n + 1];
    }
    CU_ASSERT_FATAL(nq_ar_parse(ar, f, n) == 0);
    CU_ASSERT_EQUAL(ar->skipped, 0);
}

/* One salesperson's keys, built from cells as the totals script would. */
typedef struct sp_keys {
    char due[64][24], invoiced[64][24], vals_due[64][24], vals_inv[64][24];
    const char *due_f[128], *inv_f[128];
    size_t n_due, n_inv;
    int64_t credit;
} sp_keys_t;

static void add_field(char (*names)[24], char (*vals)[24], size_t *n, const char *field, int64_t v)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], field) == 0) {
            snprintf(vals[i], 24, "%lld", atoll(vals[i]) + (long long)v);
            return;
        }
    CU_ASSERT_FATAL(*n < 64);
    snprintf(names[*n], 24, "%s", field);
    snprintf(vals[(*n)++], 24, "%lld", (long long)v);
}

static void keys_add(sp_keys_t *k, const char *want_sp, const nq_ar_cell_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char kind, sp[NQ_ID_MAX + 1], f[24];
        const char *day;
        CU_ASSERT_FATAL(nq_ar_cell_parts(c[i].field, &kind, sp, &day) == 0);
        if (strcmp(sp, want_sp) != 0)
            continue;
        if (kind == 'c') {
            k->credit += c[i].fen;
            continue;
        }
        snprintf(f, sizeof(f), "%s%s", kind == 'n' ? "n|" : "", day);
        if (kind == 'i')
            add_field(k->invoiced, k->vals_inv, &k->n_inv, f, c[i].fen);
        else
            add_field(k->due, k->vals_due, &k->n_due, f, c[i].fen);
    }
}

static void keys_age(sp_keys_t *k, int64_t at, nq_ar_aging_t *sum)
{
    for (size_t i = 0; i < k->n_due; i++) {
        k->due_f[2 * i] = k->due[i];
        k->due_f[2 * i + 1] = k->vals_due[i];
    }
    for (size_t i = 0; i < k->n_inv; i++) {
        k->inv_f[2 * i] = k->invoiced[i];
        k->inv_f[2 * i + 1] = k->vals_inv[i];
    }
    nq_ar_totals_age(k->due_f, 2 * k->n_due, k->inv_f, 2 * k->n_inv, k->credit, at, sum);
}

static void check_equal(const nq_ar_aging_t *want, const nq_ar_aging_t *got, const char *what)
{
    if (memcmp(want, got, sizeof(*want)) != 0)
        fprintf(stderr, "\n%s: open %lld/%lld credit %lld/%lld inv %lld/%lld n %lld/%lld\n", what,
                (long long)want->open_fen, (long long)got->open_fen, (long long)want->credit_fen,
                (long long)got->credit_fen, (long long)want->invoiced_window_fen,
                (long long)got->invoiced_window_fen, (long long)want->open_invoices,
                (long long)got->open_invoices);
    CU_ASSERT_EQUAL(memcmp(want, got, sizeof(*want)), 0);
}

static const char *const sps[] = {"sp-a", "sp-b", NQ_AR_COMPANY};
#define N_SPS 3

/* Each customer alone, then all together: the cells computed at `made`
 * (NULL: at the date read) and read at each date equal nq_ar_age_each of
 * the facts at that date. */
static void cells_equal_aging(const char *made, const char *const *dates, size_t n_dates)
{
    for (size_t upto = 0; upto <= N_CUSTOMERS; upto++) {
        size_t from = upto < N_CUSTOMERS ? upto : 0,
               to = upto < N_CUSTOMERS ? upto + 1 : N_CUSTOMERS;
        for (size_t d = 0; d < n_dates; d++) {
            int64_t at = T(dates[d]), at_made = made ? T(made) : at;
            nq_ar_aging_t want[N_SPS], got[N_SPS];
            memset(want, 0, sizeof(want));
            memset(got, 0, sizeof(got));
            sp_keys_t *k = calloc(N_SPS, sizeof(*k));
            CU_ASSERT_PTR_NOT_NULL_FATAL(k);
            for (size_t c = from; c < to; c++) {
                nq_ar_t ar;
                facts_of(&customers[c], &ar);
                nq_ar_aging_t one[N_SPS];
                memset(one, 0, sizeof(one));
                nq_ar_apply(&ar, at);
                nq_ar_age_each(&ar, at, sps, 2, one);
                nq_ar_age(&ar, at, NULL, &one[2]); /* the company: every fact */
                for (int s = 0; s < N_SPS; s++) {  /* a team's sum, as the gateway adds them */
                    for (int b = 0; b < NQ_AR_BUCKETS; b++)
                        want[s].bucket_fen[b] += one[s].bucket_fen[b];
                    want[s].open_fen += one[s].open_fen;
                    want[s].credit_fen += one[s].credit_fen;
                    want[s].balance_fen += one[s].balance_fen;
                    want[s].overdue_fen += one[s].overdue_fen;
                    want[s].invoiced_window_fen += one[s].invoiced_window_fen;
                    want[s].open_invoices += one[s].open_invoices;
                }
                nq_ar_apply(&ar, at_made);
                nq_ar_cell_t *cells;
                size_t n;
                CU_ASSERT_FATAL(nq_ar_cells(&ar, at_made, &cells, &n) == 0);
                for (int s = 0; s < N_SPS; s++)
                    keys_add(&k[s], sps[s], cells, n);
                free(cells);
                nq_ar_free(&ar);
            }
            for (int s = 0; s < N_SPS; s++) {
                char what[160];
                keys_age(&k[s], at, &got[s]);
                snprintf(what, sizeof(what), "%s, %s at %s",
                         upto < N_CUSTOMERS ? customers[upto].name : "all", sps[s], dates[d]);
                check_equal(&want[s], &got[s], what);
            }
            free(k);
        }
    }
}

/* Cells made after the last fact (12-14 23:59) age by themselves: read
 * days and years later they still equal the facts' aging. */
static void test_cells_age_by_themselves(void)
{
    static const char *const dates[] = {"2026-12-15T00:00", "2026-12-15T12:00", "2026-12-31T23:59",
                                        "2027-01-14T10:00", "2027-03-15T00:00", "2028-01-01T00:00"};
    cells_equal_aging("2026-12-15T00:00", dates, sizeof(dates) / sizeof(dates[0]));
}

/* Cells made at a time amid the facts (later facts left out; equal times:
 * invoices first) equal the facts' aging then. */
static void test_cells_amid_facts(void)
{
    static const char *const dates[] = {"2026-08-01T09:59", "2026-08-02T10:00", "2026-10-03T10:00",
                                        "2026-10-11T09:00", "2026-11-21T12:00", "2026-12-14T23:58",
                                        "2026-12-14T23:59"};
    cells_equal_aging(NULL, dates, sizeof(dates) / sizeof(dates[0]));
}

/* The earliest fact after a time: a look is due then. */
static void test_next_fact(void)
{
    nq_ar_t ar;
    facts_of(&customers[3], &ar);
    CU_ASSERT_EQUAL(nq_ar_next_fact(&ar, T("2026-07-01T00:00")), T("2026-08-01T10:00"));
    CU_ASSERT_EQUAL(nq_ar_next_fact(&ar, T("2026-08-01T10:00")), T("2026-08-02T10:00"));
    CU_ASSERT_EQUAL(nq_ar_next_fact(&ar, T("2026-08-02T10:00")), T("2026-08-03T10:00"));
    CU_ASSERT_EQUAL(nq_ar_next_fact(&ar, T("2026-08-03T10:00")), 0);
    nq_ar_free(&ar);
}

/* The cells of one customer: merged per day, none 0 (d2 paid, no credit left), sorted. */
static void test_cells(void)
{
    nq_ar_t ar;
    facts_of(&customers[3], &ar);
    int64_t at = T("2027-01-01T00:00");
    nq_ar_apply(&ar, at);
    nq_ar_cell_t *c;
    size_t n;
    CU_ASSERT_FATAL(nq_ar_cells(&ar, at, &c, &n) == 0);
    static const struct {
        const char *field;
        int64_t fen;
    } want[] = {
        {"i|*|2026-08-02", 107000},   {"i|sp-a|2026-08-02", 100000}, {"i|sp-b|2026-08-02", 7000},
        {"n|*|2026-09-01", 1},        {"n|sp-a|2026-09-01", 1},      {"o|*|2026-09-01", 55000},
        {"o|sp-a|2026-09-01", 55000}, /* 1000.00 - 400.00 credit - 50.00 of d/2 (d2 paid) */
    };
    CU_ASSERT_EQUAL_FATAL(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(c[i].field, want[i].field);
        CU_ASSERT_EQUAL(c[i].fen, want[i].fen);
    }
    free(c);
    nq_ar_free(&ar);
}

/* The salespeople of a customer's facts: each once, sorted, none for "". */
static void test_salespeople(void)
{
    static const struct {
        const char *inv[3], *pay[3]; /* salespeople of invoices, payments */
        const char *want;            /* joined by "," */
    } cases[] = {
        {{"sp-a", "sp-a"}, {"sp-a"}, "sp-a"},
        {{"sp-b", "sp-a"}, {""}, "sp-a,sp-b"},
        {{""}, {"sp-c", "sp-a", "sp-c"}, "sp-a,sp-c"},
        {{"", ""}, {""}, ""},
        {{NULL}, {NULL}, ""},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        nq_ar_invoice_t inv[3] = {0};
        nq_ar_payment_t pay[3] = {0};
        nq_ar_t ar = {inv, 0, pay, 0, 0};
        for (; ar.n_inv < 3 && cases[c].inv[ar.n_inv]; ar.n_inv++)
            snprintf(inv[ar.n_inv].salesperson, sizeof(inv[0].salesperson), "%s",
                     cases[c].inv[ar.n_inv]);
        for (; ar.n_pay < 3 && cases[c].pay[ar.n_pay]; ar.n_pay++)
            snprintf(pay[ar.n_pay].salesperson, sizeof(pay[0].salesperson), "%s",
                     cases[c].pay[ar.n_pay]);
        const char *got_sps[6];
        char got[64] = "";
        size_t n = nq_ar_salespeople(&ar, got_sps);
        for (size_t i = 0; i < n; i++)
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "",
                     got_sps[i]);
        CU_ASSERT_STRING_EQUAL(got, cases[c].want);
    }
}

/* old + diff = new, whatever old held; "_v" and malformed fields left out. */
static void test_diff(void)
{
    nq_ar_cell_t cells[] = {{"c|sp-a|", 100}, {"o|sp-a|2026-12-01", 500}, {"o|sp-b|2026-12-01", 7}};
    const char *old[] = {
        "_v",    "12", "o|sp-a|2026-12-01", "500", "o|sp-b|2026-11-30", "40", "c|sp-a|", "30",
        "o|bad", "9",  "x|sp-a|2026-12-01", "5"};
    nq_ar_cell_t *d;
    size_t n;
    CU_ASSERT_FATAL(nq_ar_cells_diff(old, 12, cells, 3, &d, &n) == 0);
    static const struct {
        const char *field;
        int64_t fen;
    } want[] = {{"c|sp-a|", 70}, {"o|sp-b|2026-11-30", -40}, {"o|sp-b|2026-12-01", 7}};
    CU_ASSERT_EQUAL_FATAL(n, 3);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(d[i].field, want[i].field);
        CU_ASSERT_EQUAL(d[i].fen, want[i].fen);
    }
    free(d);
    CU_ASSERT_FATAL(nq_ar_cells_diff(NULL, 0, NULL, 0, &d, &n) == 0);
    CU_ASSERT_EQUAL(n, 0);
    free(d);
}

static void test_parts(void)
{
    static const struct {
        const char *field;
        int ok;
        char kind;
        const char *sp, *day;
    } rows[] = {
        {"o|sp-a|2026-12-01", 0, 'o', "sp-a", "2026-12-01"},
        {"c|sp:x|", 0, 'c', "sp:x", ""},
        {"c|sp-a|2026-12-01", -1, 0, NULL, NULL},
        {"o|sp-a|", -1, 0, NULL, NULL},
        {"o||2026-12-01", -1, 0, NULL, NULL},
        {"z|sp-a|2026-12-01", -1, 0, NULL, NULL},
        {"o|sp-a", -1, 0, NULL, NULL},
        {"", -1, 0, NULL, NULL},
        {"_v", -1, 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char kind = 0, sp[NQ_ID_MAX + 1];
        const char *day;
        CU_ASSERT_EQUAL(nq_ar_cell_parts(rows[i].field, &kind, sp, &day), rows[i].ok);
        if (rows[i].ok == 0) {
            CU_ASSERT_EQUAL(kind, rows[i].kind);
            CU_ASSERT_STRING_EQUAL(sp, rows[i].sp);
            CU_ASSERT_STRING_EQUAL(day, rows[i].day);
        }
    }
}

/* Read side: buckets at their edges, the DSO window's 90 local days, bad
 * fields left out. */
static void test_read_edges(void)
{
    const char *due[] = {"2026-12-15", "100", "n|2026-12-15", "1", "2026-12-14", "20",
                         "2026-09-15", "3",   "2026-09-16",   "4", "bad",        "9",
                         "2026-02-30", "8",   "2026-12-01",   "x"};
    const char *inv[] = {"2026-12-15", "1000", "2026-09-17", "200",
                         "2026-09-16", "30",   "2026-12-16", "5"};
    nq_ar_aging_t a = {0};
    nq_ar_totals_age(due, 16, inv, 8, 50, T("2026-12-15T23:59"), &a);
    CU_ASSERT_EQUAL(a.bucket_fen[NQ_AR_NOT_DUE], 100);
    CU_ASSERT_EQUAL(a.bucket_fen[NQ_AR_D1_30], 20);
    CU_ASSERT_EQUAL(a.bucket_fen[NQ_AR_D61_90], 4);  /* 09-16: 90 days */
    CU_ASSERT_EQUAL(a.bucket_fen[NQ_AR_OVER_90], 3); /* 09-15: 91 */
    CU_ASSERT_EQUAL(a.overdue_fen, 27);
    CU_ASSERT_EQUAL(a.open_invoices, 1);
    CU_ASSERT_EQUAL(a.invoiced_window_fen, 1200); /* 09-17..12-15; 09-16 and 12-16 out */
    CU_ASSERT_EQUAL(a.credit_fen, 50);
    CU_ASSERT_EQUAL(a.balance_fen, 127 - 50);
}

static CU_TestInfo tests[] = {
    {"the salespeople of a customer's facts", test_salespeople},
    {"cells made after the facts age by themselves", test_cells_age_by_themselves},
    {"cells made amid the facts equal their aging then", test_cells_amid_facts},
    {"the next fact after a time", test_next_fact},
    {"a customer's cells", test_cells},
    {"the difference between contributions", test_diff},
    {"cell fields", test_parts},
    {"reading a salesperson's keys at the edges", test_read_edges},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ar_totals", init, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
