/* test_keyset.c — nq/keyset.h: which key customers answer for the end of a period, from
 * the set now and the changes logged since.
 *
 * By hand: the log member form, a customer moved away or brought in after the period, one
 * moved back and forth, the issue's move of a key customer in December (November stays as it
 * was). Then a property: for random histories (adds and removals, each customer's changes
 * in time order as nq-customers keeps them, several in one millisecond), the set at any
 * instant worked out from the set now and the later changes equals the set replayed from
 * the beginning of the log up to that instant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/keyset.h"
#include "nq_test.h"

/* A change read back: member text, whether its customer is in the set now, visited. */
static nq_keyset_change_t change(const char *member, bool in_live, bool visited)
{
    nq_keyset_change_t c = {0};
    CU_ASSERT_EQUAL_FATAL(nq_keyset_parse(member, strlen(member), &c), 0);
    c.in_live = in_live;
    c.visited = visited;
    return c;
}

static void test_parse(void)
{
    nq_keyset_change_t c;
    const char *m = "000000000007+c-1";
    CU_ASSERT_EQUAL_FATAL(nq_keyset_parse(m, strlen(m), &c), 0);
    CU_ASSERT_TRUE(c.added);
    CU_ASSERT_EQUAL(c.len, 3);
    CU_ASSERT_EQUAL(memcmp(c.customer, "c-1", 3), 0);
    m = "123456789012-C:9.x";
    CU_ASSERT_EQUAL_FATAL(nq_keyset_parse(m, strlen(m), &c), 0);
    CU_ASSERT_FALSE(c.added);
    CU_ASSERT_EQUAL(c.len, 5);
    CU_ASSERT_EQUAL(memcmp(c.customer, "C:9.x", 5), 0);
    /* A member is read up to its length, not to a NUL. */
    CU_ASSERT_EQUAL_FATAL(nq_keyset_parse("000000000001+abc", 14, &c), 0);
    CU_ASSERT_EQUAL(c.len, 1);
    static const char *const bad[] = {
        "",
        "000000000001+",     /* no customer */
        "00000000001+c",     /* 11 digits */
        "00000000000x+c-1",  /* not a number */
        "000000000001*c-1",  /* neither + nor - */
        "0000000000012+c-1", /* 13 digits: the 13th is no operation */
        "+c-1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(nq_keyset_parse(bad[i], strlen(bad[i]), &c), -1);
        if (nq_keyset_parse(bad[i], strlen(bad[i]), &c) != -1)
            fprintf(stderr, "\n    parsed \"%s\"\n", bad[i]);
    }
}

static void at_end(int64_t live_n, int64_t live_hit, const nq_keyset_change_t *c, size_t n,
                   int64_t want_n, int64_t want_hit)
{
    int64_t got_n = -99, got_hit = -99;
    CU_ASSERT_EQUAL_FATAL(nq_keyset_at_end(live_n, live_hit, c, n, &got_n, &got_hit), 0);
    CU_ASSERT_EQUAL(got_n, want_n);
    CU_ASSERT_EQUAL(got_hit, want_hit);
    if (got_n != want_n || got_hit != want_hit)
        fprintf(stderr, "\n    got %lld of %lld, want %lld of %lld\n", (long long)got_hit,
                (long long)got_n, (long long)want_hit, (long long)want_n);
}

static void test_by_hand(void)
{
    /* Nothing changed since the end: the set now answers. */
    at_end(3, 2, NULL, 0, 3, 2);
    /* c-1 left after the end (visited in the period): it counts, visited. */
    nq_keyset_change_t left[] = {change("000000000004-c-1", false, true)};
    at_end(2, 1, left, 1, 3, 2);
    /* c-2 came after the end: it does not count. */
    nq_keyset_change_t came[] = {change("000000000005+c-2", true, false)};
    at_end(3, 1, came, 1, 2, 1);
    /* Came and left again after the end: it was not in at the end, and is not now. */
    nq_keyset_change_t blip[] = {change("000000000005+c-2", false, true),
                                 change("000000000006-c-2", false, true)};
    at_end(1, 0, blip, 2, 1, 0);
    /* Left and came back: in at the end, and now; nothing to correct. */
    nq_keyset_change_t back[] = {change("000000000005-c-3", true, true),
                                 change("000000000006+c-3", true, true)};
    at_end(1, 1, back, 2, 1, 1);
    /* The first change decides even when a later one names the customer first in
     * sort order: position, not text. */
    nq_keyset_change_t mixed[] = {
        change("000000000007+c-b", false, false), change("000000000008-c-a", true, true),
        change("000000000009-c-b", false, false), change("000000000010+c-a", true, true)};
    at_end(2, 1, mixed, 4, 2, 1);
    /* The first of several ids sharing a prefix is not confused with the others. */
    nq_keyset_change_t prefix[] = {change("000000000001-c", false, true),
                                   change("000000000002+c-1", true, false)};
    at_end(1, 0, prefix, 2, 1, 1);
}

/* The issue: sp-a's key customers c-1, c-2, c-3 were all visited in November (coverage
 * 1.0); on 6 December c-3 moves to sp-b. November: sp-a 3 of 3, sp-b 1 of 1 (its own b-1,
 * visited; c-3 came after). December (now): sp-a 2 of 2, sp-b 2 of which 1 visited. */
static void test_issue_move(void)
{
    nq_keyset_change_t a_log[] = {change("000000000001-c-3", false, true)};
    nq_keyset_change_t b_log[] = {change("000000000001+c-3", true, false)};
    at_end(2, 2, a_log, 1, 3, 3); /* sp-a, November: as it was */
    at_end(2, 1, b_log, 1, 1, 1); /* sp-b, November: as it was */
    at_end(2, 2, NULL, 0, 2, 2);  /* sp-a, December: the set now */
    at_end(2, 1, NULL, 0, 2, 1);  /* sp-b, December: the set now */
}

/* ---- the property --------------------------------------------------------------------- */

#define N_CUST   8
#define N_OPS    40
#define N_ROUNDS 2000

static uint64_t s_rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (uint32_t)(s_rng % n);
}

typedef struct logged {
    int64_t at;   /* effective time, ms (the ZSET score) */
    int seq;      /* sequence number */
    char m[32];   /* member */
    int customer; /* index */
    bool added;
} logged_t;

static int cmp_logged(const void *a, const void *b)
{
    const logged_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->seq - y->seq; /* ZRANGE BYSCORE orders ties by member: the sequence */
}

static void test_random_histories(void)
{
    int bad = 0, checks = 0;
    for (int round = 0; round < N_ROUNDS; round++) {
        bool live[N_CUST] = {false};
        int64_t last[N_CUST] = {0};
        logged_t log[N_OPS];
        int n = 0;
        /* Changes in the order they are applied: a customer's own changes never go back
         * in time (a put's since is not before the stored one), others' may. */
        for (int i = 0; i < N_OPS; i++) {
            int c = (int)rnd(N_CUST);
            bool add = rnd(2) == 0;
            int64_t at = (int64_t)rnd(20) * 1000;
            if (at < last[c])
                at = last[c];
            if (live[c] == add)
                continue; /* nothing to change: nothing logged (the script's rule) */
            live[c] = add;
            last[c] = at;
            logged_t *l = &log[n];
            *l = (logged_t){at, n + 1, "", c, add};
            snprintf(l->m, sizeof(l->m), "%012d%c%s%d", n + 1, add ? '+' : '-', "c-", c);
            n++;
        }
        qsort(log, (size_t)n, sizeof(*log), cmp_logged);
        bool visited[N_CUST];
        for (int c = 0; c < N_CUST; c++)
            visited[c] = rnd(2) == 0;
        for (int64_t end = 0; end <= 21000; end += 500) {
            /* The oracle: replay the log up to the end, from an empty set. */
            bool at_end_in[N_CUST] = {false};
            for (int i = 0; i < n && log[i].at < end; i++)
                at_end_in[log[i].customer] = log[i].added;
            int64_t want_n = 0, want_hit = 0, live_n = 0, live_hit = 0;
            for (int c = 0; c < N_CUST; c++) {
                want_n += at_end_in[c];
                want_hit += at_end_in[c] && visited[c];
                live_n += live[c];
                live_hit += live[c] && visited[c];
            }
            /* What the read script returns: the changes at or after the end, in order. */
            nq_keyset_change_t after[N_OPS];
            size_t k = 0;
            for (int i = 0; i < n; i++) {
                if (log[i].at >= end)
                    after[k++] = change(log[i].m, live[log[i].customer], visited[log[i].customer]);
            }
            int64_t got_n, got_hit;
            CU_ASSERT_EQUAL_FATAL(nq_keyset_at_end(live_n, live_hit, after, k, &got_n, &got_hit),
                                  0);
            checks++;
            if ((got_n != want_n || got_hit != want_hit) && bad++ < 5)
                fprintf(stderr, "\n    round %d, end %lld: got %lld of %lld, want %lld of %lld",
                        round, (long long)end, (long long)got_hit, (long long)got_n,
                        (long long)want_hit, (long long)want_n);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    fprintf(stderr, "\n    %d instants checked, %d differ", checks, bad);
}

static CU_TestInfo tests[] = {
    {"log members", test_parse},
    {"the set at a period's end, by hand", test_by_hand},
    {"a key customer moved now: November stays", test_issue_move},
    {"random histories: the set at any instant", test_random_histories},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"keyset", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
