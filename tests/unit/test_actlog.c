/* test_actlog.c — the activity log's entry format (nq/actlog.h): packing a
 * batch, decoding it with and without skipped events, and rejecting every
 * malformed entry instead of counting it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actlog.h"
#include "nq_test.h"
#include "reply_fake.h"

#define N_EVENTS 5

static Nq__Activity s_events[N_EVENTS];
static Nq__Activity *s_ptrs[N_EVENTS];
static char s_ids[N_EVENTS][16];
static uint8_t *s_blob;
static size_t s_len;

static int suite_init(void)
{
    for (int i = 0; i < N_EVENTS; i++) {
        nq__activity__init(&s_events[i]);
        snprintf(s_ids[i], sizeof(s_ids[i]), "e-%d", i);
        s_events[i].event_id = s_ids[i];
        s_events[i].type = "visit";
        s_events[i].has_occurred_at = 1;
        s_events[i].occurred_at = 1795000000000LL + i;
        s_ptrs[i] = &s_events[i];
    }
    s_blob = nq_actlog_pack(s_ptrs, N_EVENTS, &s_len);
    return s_blob ? 0 : 1;
}

static int suite_clean(void)
{
    free(s_blob);
    return 0;
}

/* Decode with `skip` and `counted`; expect the event ids listed in `want`
 * (NULL: expect a rejection). */
static void expect(const char *skip, long long counted, const char *const *want, size_t n_want)
{
    nq_actlog_entry_t e;
    int rc = nq_actlog_decode(s_blob, s_len, skip, counted, &e);
    if (!want) {
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NULL(e.log);
        CU_ASSERT_EQUAL(e.n, 0);
        return;
    }
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL_FATAL(e.n, n_want);
    for (size_t i = 0; i < n_want; i++)
        CU_ASSERT_STRING_EQUAL(e.events[i]->event_id, want[i]);
    nq_actlog_free(&e);
}

static void test_roundtrip(void)
{
    static const char *const all[] = {"e-0", "e-1", "e-2", "e-3", "e-4"};
    expect(NULL, 5, all, 5);
    expect("", 5, all, 5);
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(nq_actlog_decode(s_blob, s_len, NULL, 5, &e), 0);
    CU_ASSERT_EQUAL(e.events[3]->occurred_at, 1795000000003LL);
    CU_ASSERT_STRING_EQUAL(e.events[3]->type, "visit");
    nq_actlog_free(&e);
}

/* Framed sizes add up to the packed size of a message of those events. */
static void test_framed_size(void)
{
    size_t sum = 0;
    for (int i = 0; i < N_EVENTS; i++)
        sum += nq_actlog_framed_size(&s_events[i]);
    CU_ASSERT_EQUAL(sum, s_len);
    Nq__Activity big = NQ__ACTIVITY__INIT; /* a length that takes two varint bytes */
    char notes[300];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    big.notes = notes;
    Nq__Activity *one[] = {&big};
    size_t len;
    uint8_t *packed = nq_actlog_pack(one, 1, &len);
    CU_ASSERT_EQUAL(nq_actlog_framed_size(&big), len);
    free(packed);
}

static void test_skips(void)
{
    static const char *const mid[] = {"e-0", "e-2", "e-4"};
    expect("1,3", 3, mid, 3);
    static const char *const ends[] = {"e-1", "e-2", "e-3"};
    expect("0,4", 3, ends, 3);
    expect("0,1,2,3,4", 0, ends, 0); /* none counts (the script never appends this) */
}

static void test_rejects(void)
{
    expect(NULL, 4, NULL, 0);                   /* count disagrees */
    expect("1", 5, NULL, 0);                    /* count ignores the skip */
    expect("5", 4, NULL, 0);                    /* index past the end */
    expect("3,1", 3, NULL, 0);                  /* not ascending */
    expect("1,1", 3, NULL, 0);                  /* repeated */
    expect("1,", 4, NULL, 0);                   /* trailing comma */
    expect(",1", 4, NULL, 0);                   /* leading comma */
    expect("a", 5, NULL, 0);                    /* not a number */
    expect("1;2", 3, NULL, 0);                  /* another separator */
    expect("-1", 5, NULL, 0);                   /* negative */
    expect("99999999999999999999", 5, NULL, 0); /* overflow */
    nq_actlog_entry_t e;
    static const uint8_t junk[] = {0x0a, 0x7f, 0x01}; /* field 1, length past the end */
    CU_ASSERT_EQUAL(nq_actlog_decode(junk, sizeof(junk), NULL, 0, &e), -1);
    CU_ASSERT_EQUAL(nq_actlog_decode(s_blob, s_len - 1, NULL, 5, &e), -1); /* truncated */
}

/* ---- stream entries as Redis returns them ------------------------------- */

/* Decode [id, [n, <n>, b, <blob>, (x, <skip>)]]; returns nq_actlog_from_entry's
 * code. nq_actlog_count must read `count` from it. */
static int from_entry(const char *n, long long count, const char *skip, size_t *n_out)
{
    redisReply f[6] = {fake_bytes("n", 1), fake_bytes(n, strlen(n)), fake_bytes("b", 1),
                       fake_bytes((const char *)s_blob, s_len)};
    size_t nf = 4;
    if (skip) {
        f[4] = fake_bytes("x", 1);
        f[5] = fake_bytes(skip, strlen(skip));
        nf = 6;
    }
    redisReply *fp[6] = {&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]};
    redisReply fields = fake_array(fp, nf), id = fake_bytes("1795000000000-0", 15);
    redisReply *ep[2] = {&id, &fields};
    redisReply entry = fake_array(ep, 2);
    CU_ASSERT_EQUAL(nq_actlog_count(&entry), count);
    nq_actlog_entry_t e;
    int rc = nq_actlog_from_entry(&entry, &e);
    *n_out = e.n;
    nq_actlog_free(&e);
    return rc;
}

static void test_from_entry(void)
{
    size_t n = 99;
    CU_ASSERT_EQUAL(from_entry("5", 5, NULL, &n), 0);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(from_entry("2", 2, "0,1,4", &n), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(from_entry("5", 5, "2", &n), -1);
    CU_ASSERT_EQUAL(from_entry("5x", 0, NULL, &n), -1);
    CU_ASSERT_EQUAL(from_entry("", 0, NULL, &n), -1);

    /* A field other than n, b and x alone (the first format's e is not read any more). */
    uint8_t one[512];
    size_t one_len = nq__activity__pack(&s_events[2], one);
    redisReply f[2] = {fake_bytes("e", 1), fake_bytes((const char *)one, one_len)};
    redisReply *fp[2] = {&f[0], &f[1]};
    redisReply fields = fake_array(fp, 2), id = fake_bytes("1-0", 3),
               nil = {.type = REDIS_REPLY_NIL};
    redisReply *ep[2] = {&id, &fields};
    redisReply entry = fake_array(ep, 2);
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL(nq_actlog_from_entry(&entry, &e), -1);
    CU_ASSERT_EQUAL(nq_actlog_count(&entry), 0);
    /* Nil fields, no b, not an entry at all. */
    f[0] = fake_bytes("z", 1);
    CU_ASSERT_EQUAL(nq_actlog_from_entry(&entry, &e), -1);
    ep[1] = &nil;
    CU_ASSERT_EQUAL(nq_actlog_from_entry(&entry, &e), -1);
    CU_ASSERT_EQUAL(nq_actlog_from_entry(&id, &e), -1);
    CU_ASSERT_EQUAL(nq_actlog_from_entry(NULL, &e), -1);
}

/* XAUTOCLAIM's [next cursor, [entries], [deleted ids]]: the entries, the cursor kept. */
static void test_claimed(void)
{
    char cursor[16] = "0-0";
    redisReply id = fake_string("1-0"), fields = fake_array(NULL, 0);
    redisReply *entry_items[] = {&id, &fields};
    redisReply entry = fake_array(entry_items, 2);
    redisReply *entries_items[] = {&entry};
    redisReply next = fake_string("1795000000000-3"), entries = fake_array(entries_items, 1),
               deleted = fake_array(NULL, 0);
    redisReply *items[] = {&next, &entries, &deleted};
    redisReply reply = fake_array(items, 3);
    CU_ASSERT_PTR_EQUAL(nq_actlog_claimed(&reply, cursor, sizeof(cursor)), &entries);
    CU_ASSERT_STRING_EQUAL(cursor, "1795000000000-3");

    /* not a claim: no entries, the cursor unchanged */
    redisReply err = {0};
    err.type = REDIS_REPLY_ERROR;
    err.str = "NOGROUP";
    redisReply *short_items[] = {&next};
    redisReply too_short = fake_array(short_items, 1);
    redisReply *odd_items[] = {&next, &next};
    redisReply odd = fake_array(odd_items, 2);
    snprintf(cursor, sizeof(cursor), "0-0");
    CU_ASSERT_PTR_NULL(nq_actlog_claimed(NULL, cursor, sizeof(cursor)));
    CU_ASSERT_PTR_NULL(nq_actlog_claimed(&err, cursor, sizeof(cursor)));
    CU_ASSERT_PTR_NULL(nq_actlog_claimed(&too_short, cursor, sizeof(cursor)));
    CU_ASSERT_STRING_EQUAL(cursor, "0-0");
    CU_ASSERT_PTR_NULL(nq_actlog_claimed(&odd, cursor, sizeof(cursor))); /* entries not a list */
}

/* A pull's entries: a good one, a poison one (kept, no events), a malformed
 * element (passed over). */
static void test_batch(void)
{
    redisReply good_f[4] = {fake_bytes("n", 1), fake_bytes("5", 1), fake_bytes("b", 1),
                            fake_bytes((const char *)s_blob, s_len)};
    redisReply bad_f[4] = {fake_bytes("n", 1), fake_bytes("4", 1), fake_bytes("b", 1),
                           fake_bytes((const char *)s_blob, s_len)};
    redisReply *gp[4] = {&good_f[0], &good_f[1], &good_f[2], &good_f[3]};
    redisReply *bp[4] = {&bad_f[0], &bad_f[1], &bad_f[2], &bad_f[3]};
    redisReply good_fields = fake_array(gp, 4), bad_fields = fake_array(bp, 4);
    redisReply id1 = fake_string("1-0"), id2 = fake_string("2-0"), stray = fake_integer(7);
    redisReply *e1[] = {&id1, &good_fields}, *e2[] = {&id2, &bad_fields};
    redisReply good = fake_array(e1, 2), poison = fake_array(e2, 2);
    redisReply *items[] = {&good, &stray, &poison};
    redisReply entries = fake_array(items, 3);
    nq_actlog_batch_t b;
    CU_ASSERT_EQUAL_FATAL(nq_actlog_batch_take(&b, &entries, "test"), 0);
    CU_ASSERT_EQUAL(b.n, 2);
    CU_ASSERT_EQUAL(b.events, 5);
    CU_ASSERT_EQUAL(b.poison, 1);
    CU_ASSERT_STRING_EQUAL(b.ids[0], "1-0");
    CU_ASSERT_STRING_EQUAL(b.ids[1], "2-0");
    CU_ASSERT_EQUAL(b.entries[0].n, 5);
    CU_ASSERT_EQUAL(b.entries[1].n, 0);
    nq_actlog_batch_free(&b);
    CU_ASSERT_EQUAL(b.n, 0);
    /* Not an array, or an empty one: nothing taken. */
    CU_ASSERT_EQUAL(nq_actlog_batch_take(&b, &stray, "test"), 0);
    CU_ASSERT_EQUAL(b.n, 0);
    CU_ASSERT_EQUAL(nq_actlog_batch_take(&b, NULL, "test"), 0);
    nq_actlog_batch_free(&b);
}

static CU_TestInfo tests[] = {
    {"pack then decode keeps every event and field", test_roundtrip},
    {"framed sizes add up to the packed message", test_framed_size},
    {"skipped indexes are left out", test_skips},
    {"malformed skip lists, counts and blobs are rejected", test_rejects},
    {"stream entries decode; others are rejected", test_from_entry},
    {"an XAUTOCLAIM reply gives its entries and next cursor", test_claimed},
    {"a pull's entries: decoded, poison kept without events, strays passed over", test_batch},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"actlog", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
