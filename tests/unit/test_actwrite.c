/* test_actwrite.c — what a batch of log entries writes to the activity index
 * (services/customers/actwrite.h), read back from the pipeline's bytes: one
 * HSET and one ZADD per salesperson, the customers' events in calls of many
 * customers (ACTWRITE_CALL_EVENTS events at most, actwrite_calls), refs that are
 * the events' places in their entries (the duplicates in x skipped, not
 * renumbered), the XACK of every entry (a poison one included), all inside
 * MULTI/EXEC; the same batch twice gives the same bytes, and batches in
 * another order the same set of writes. */
#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>

#include "actwrite.h"
#include "ctrefresh.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "nq/actindex.h"
#include "nq_test.h"

static void noop(nq_redis_t *r, redisReply *reply, void *data)
{
    (void)r, (void)reply, (void)data;
}

/* Events of two entries: e0 (sp-a c-1 visit, sp-b c-1 call, a duplicate of
 * sp-a, sp-a training without a customer), e1 (sp-b c-2 order). */
static Nq__Activity s_ev[5];
static nq_actlog_entry_t s_entries[3]; /* the third: poison (all zero) */
static const char *s_ids[] = {"1764120700000-0", "1764120700001-0", "1764120700002-0"};

static void event(Nq__Activity *e, const char *id, const char *type, const char *sp,
                  const char *cust, int64_t at)
{
    nq__activity__init(e);
    e->event_id = (char *)id;
    e->type = (char *)type;
    e->salesperson_id = (char *)sp;
    e->customer_id = (char *)cust;
    e->has_occurred_at = 1;
    e->occurred_at = at;
}

static int entry(nq_actlog_entry_t *out, Nq__Activity **evs, size_t n, const char *skip,
                 long long counted)
{
    size_t len;
    uint8_t *blob = nq_actlog_pack(evs, n, &len);
    int rc = blob ? nq_actlog_decode(blob, len, skip, counted, out) : -1;
    free(blob);
    return rc;
}

static int suite_init(void)
{
    event(&s_ev[0], "v-1", "visit", "sp-a", "c-1", 1764120600000LL);
    event(&s_ev[1], "c-1", "call", "sp-b", "c-1", 1764120600000LL);
    event(&s_ev[2], "v-1", "visit", "sp-a", "c-1", 1764120600000LL);
    event(&s_ev[3], "t-1", "training", "sp-a", NULL, 1764120500000LL);
    event(&s_ev[4], "o-1", "order", "sp-b", "c-2", 1764120400000LL);
    Nq__Activity *e0[] = {&s_ev[0], &s_ev[1], &s_ev[2], &s_ev[3]}, *e1[] = {&s_ev[4]};
    if (entry(&s_entries[0], e0, 4, "2", 3) != 0 || entry(&s_entries[1], e1, 1, NULL, 1) != 0)
        return 1;
    return 0;
}

static int suite_clean(void)
{
    nq_actlog_free(&s_entries[0]);
    nq_actlog_free(&s_entries[1]);
    return 0;
}

/* The pipeline's commands, each as one space-joined line (binary values as
 * <n bytes>), in order. */
static size_t commands(const nq_redis_pipe_t *p, char lines[][1024], size_t max)
{
    redisReader *rd = redisReaderCreate();
    redisReaderFeed(rd, p->buf.buf, p->buf.len);
    size_t n = 0;
    void *reply;
    while (n < max && redisReaderGetReply(rd, &reply) == REDIS_OK && reply) {
        redisReply *r = reply;
        lines[n][0] = '\0';
        for (size_t i = 0; i < r->elements; i++) {
            const redisReply *a = r->element[i];
            char part[256];
            bool text = a->len < 200;
            for (size_t k = 0; k < a->len && text; k++)
                text = a->str[k] >= ' ' && a->str[k] < 127;
            if (text)
                snprintf(part, sizeof(part), "%s%s", i ? " " : "", a->str);
            else
                snprintf(part, sizeof(part), "%s<%zu bytes>", i ? " " : "", a->len);
            strncat(lines[n], part, 1023 - strlen(lines[n]));
        }
        freeReplyObject(r);
        n++;
    }
    redisReaderFree(rd);
    return n;
}

static void test_transaction(void)
{
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    actwrite_stats_t st;
    CU_ASSERT_EQUAL_FATAL(actwrite_pipe(&p, s_ids, s_entries, 3, 1764120700000LL, noop, NULL, &st),
                          0);
    CU_ASSERT_EQUAL(st.events, 4);
    CU_ASSERT_EQUAL(st.skipped, 0);
    CU_ASSERT_EQUAL(st.customers, 2);
    char lines[16][1024];
    size_t n = commands(&p, lines, 16);
    CU_ASSERT_EQUAL_FATAL(n, 9);
    CU_ASSERT_STRING_EQUAL(lines[0], "MULTI");
    /* sp-a: the visit (place 0) and the training (place 3: the duplicate at 2 keeps its place) */
    CU_ASSERT_EQUAL(strncmp(lines[1], "HSET nq:{sp:sp-a}:acts 1764120700000-0/0 <", 42), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[1], " 1764120700000-0/3 <"));
    CU_ASSERT_PTR_NULL(strstr(lines[1], "/2 "));
    CU_ASSERT_STRING_EQUAL(lines[2], "ZADD nq:{sp:sp-a}:timeline 0 "
                                     "1764120600000|visit|1764120700000-0/0 0 "
                                     "1764120500000|training|1764120700000-0/3");
    CU_ASSERT_EQUAL(strncmp(lines[3], "HSET nq:{sp:sp-b}:acts 1764120700000-0/1 <", 42), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[3], " 1764120700001-0/0 <"));
    CU_ASSERT_STRING_EQUAL(lines[4], "ZADD nq:{sp:sp-b}:timeline 0 "
                                     "1764120600000|call|1764120700000-0/1 0 "
                                     "1764120400000|order|1764120700001-0/0");
    /* customers, in one call: c-1 has two salespeople's events, c-2 one; the training
     * none. Each customer: its id, how many events; each event: member, kind, month,
     * amount, rating, nps, ticket, receivables fact and value, time, priority */
    char want[1024];
    nq_period_t m, m2;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, 1764120600000LL, &m) == 0);
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, 1764120400000LL, &m2) == 0);
    snprintf(want, sizeof(want),
             "EVALSHA %s 11 nq:customer:signals nq:cust:c-1:timeline nq:cust:c-1:sums "
             "nq:cust:c-1:tickets nq:cust:c-1:ar nq:cust:c-1 nq:cust:c-2:timeline "
             "nq:cust:c-2:sums nq:cust:c-2:tickets nq:cust:c-2:ar nq:cust:c-2 10000 c-1 2 "
             "1764120600000|visit|1764120700000-0/0|sp-a contact %s 0 0 -1    1764120600000  "
             "1764120600000|call|1764120700000-0/1|sp-b contact %s 0 0 -1    1764120600000  "
             "c-2 1 1764120400000|order|1764120700001-0/0|sp-b order %s 0 0 -1  "
             "c|1764120700001-0/0 1764120400000||0 1764120400000 ",
             NQ_SCRIPT(CUSTOMER_EVENTS)->sha, m.key, m.key, m2.key);
    CU_ASSERT_STRING_EQUAL(lines[5], want);
    /* c-1's latest contact (the visit and the call); c-2's order is none */
    snprintf(want, sizeof(want),
             "EVALSHA %s 2 nq:followup:last nq:followup:dirty 1764120700000 c-1 1764120600000",
             NQ_SCRIPT(CONTACT_SEEN)->sha);
    CU_ASSERT_STRING_EQUAL(lines[6], want);
    CU_ASSERT_STRING_EQUAL(lines[7], "XACK nq:activities index 1764120700000-0 1764120700001-0 "
                                     "1764120700002-0");
    CU_ASSERT_STRING_EQUAL(lines[8], "EXEC");
    CU_ASSERT_EQUAL(p.n, 9);
    CU_ASSERT_PTR_EQUAL(p.cmds[8].cb, noop);

    /* the stored value is the event as the log holds it */
    redisReader *rd = redisReaderCreate();
    redisReaderFeed(rd, p.buf.buf, p.buf.len);
    void *reply = NULL;
    for (int i = 0; i < 2; i++) {
        freeReplyObject(reply);
        redisReaderGetReply(rd, &reply);
    }
    redisReply *hset = reply;
    Nq__Activity *back =
        nq__activity__unpack(NULL, hset->element[3]->len, (const uint8_t *)hset->element[3]->str);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_STRING_EQUAL(back->event_id, "v-1");
    CU_ASSERT_STRING_EQUAL(back->customer_id, "c-1");
    nq__activity__free_unpacked(back, NULL);
    freeReplyObject(reply);
    redisReaderFree(rd);
    nq_redis_pipe_free(&p);
}

/* Written twice: the same bytes. In the other order: the same writes. */
static void test_idempotent(void)
{
    nq_redis_pipe_t a, b, c;
    actwrite_stats_t st;
    nq_redis_pipe_init(&a);
    nq_redis_pipe_init(&b);
    nq_redis_pipe_init(&c);
    actwrite_pipe(&a, s_ids, s_entries, 2, 1764120700000LL, noop, NULL, &st);
    actwrite_pipe(&b, s_ids, s_entries, 2, 1764120700000LL, noop, NULL, &st);
    CU_ASSERT_EQUAL_FATAL(a.buf.len, b.buf.len);
    CU_ASSERT_EQUAL(memcmp(a.buf.buf, b.buf.buf, a.buf.len), 0);
    const char *rev_ids[] = {s_ids[1], s_ids[0]};
    nq_actlog_entry_t rev[] = {s_entries[1], s_entries[0]};
    actwrite_pipe(&c, rev_ids, rev, 2, 1764120700000LL, noop, NULL, &st);
    char la[16][1024], lc[16][1024];
    size_t na = commands(&a, la, 16), nc = commands(&c, lc, 16);
    CU_ASSERT_EQUAL_FATAL(na, nc);
    /* the same (field, value) and (score, member) pairs per key */
    for (size_t i = 1; i + 2 < na; i++) {
        char *words_a[64], *words_c[64];
        size_t wa = 0, wc = 0;
        for (char *t = strtok(la[i], " "); t && wa < 64; t = strtok(NULL, " "))
            words_a[wa++] = t;
        for (char *t = strtok(lc[i], " "); t && wc < 64; t = strtok(NULL, " "))
            words_c[wc++] = t;
        CU_ASSERT_EQUAL_FATAL(wa, wc);
        for (size_t k = 0; k < wa; k++) {
            bool found = false;
            for (size_t j = 0; j < wc && !found; j++)
                found = strcmp(words_a[k], words_c[j]) == 0;
            CU_ASSERT(found);
        }
    }
    nq_redis_pipe_free(&a);
    nq_redis_pipe_free(&b);
    nq_redis_pipe_free(&c);
}

/* An event that cannot make keys (a forged entry: no salesperson, an id
 * with a brace, an unknown type) is skipped and counted; its entry is still
 * acknowledged. */
static void test_skips(void)
{
    Nq__Activity bad[3];
    event(&bad[0], "x-1", "visit", NULL, "c-1", 1764120600000LL);
    event(&bad[1], "x-2", "visit", "sp}x", "c-1", 1764120600000LL);
    event(&bad[2], "x-3", "dance", "sp-a", "c-1", 1764120600000LL);
    Nq__Activity *evs[] = {&bad[0], &bad[1], &bad[2], &s_ev[0]};
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(entry(&e, evs, 4, NULL, 4), 0);
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    actwrite_stats_t st;
    const char *ids[] = {"5-0"};
    CU_ASSERT_EQUAL(actwrite_pipe(&p, ids, &e, 1, 1764120700000LL, noop, NULL, &st), 0);
    CU_ASSERT_EQUAL(st.events, 1);
    CU_ASSERT_EQUAL(st.skipped, 3);
    char lines[8][1024];
    size_t n = commands(&p, lines, 8);
    CU_ASSERT_EQUAL_FATAL(n, 7);
    CU_ASSERT_STRING_EQUAL(lines[2], "ZADD nq:{sp:sp-a}:timeline 0 1764120600000|visit|5-0/3");
    CU_ASSERT_STRING_EQUAL(lines[5], "XACK nq:activities index 5-0");
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
}

/* A customer's latest contact of a batch: the newest visit, call or
 * meeting, whatever its place; later events of other types do not count. A
 * batch without contacts has no script call. */
static void test_contacts(void)
{
    Nq__Activity ev[5];
    event(&ev[0], "m-1", "meeting", "sp-a", "c-9", 1764120000000LL);
    event(&ev[1], "v-9", "visit", "sp-b", "c-9", 1764125000000LL);
    event(&ev[2], "c-9", "call", "sp-a", "c-9", 1764121000000LL);
    event(&ev[3], "o-9", "order", "sp-a", "c-9", 1764129000000LL);
    event(&ev[4], "o-8", "order", "sp-a", "c-8", 1764129000000LL);
    Nq__Activity *evs[] = {&ev[0], &ev[1], &ev[2], &ev[3], &ev[4]};
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(entry(&e, evs, 5, NULL, 5), 0);
    const char *ids[] = {"7-0"};
    char lines[16][1024];
    nq_redis_pipe_t p;
    actwrite_stats_t st;
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL(actwrite_pipe(&p, ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    size_t n = commands(&p, lines, 16);
    CU_ASSERT_EQUAL_FATAL(n, 9);
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[6], " 2 nq:followup:last nq:followup:dirty "
                                            "1764130000000 c-9 1764125000000"));
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
    Nq__Activity *orders[] = {&ev[3], &ev[4]};
    CU_ASSERT_EQUAL_FATAL(entry(&e, orders, 2, NULL, 2), 0);
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL(actwrite_pipe(&p, ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    n = commands(&p, lines, 16);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_PTR_NULL(strstr(lines[i], NQ_SCRIPT(CONTACT_SEEN)->sha));
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
}

/* The intel script's call of a batch: one per salesperson with intel, its
 * three keys and 7 values per event (nq/intel.h), the salesperson into the
 * set; an event whose competitor cannot be indexed stays out of it. */
static void test_intel(void)
{
    Nq__Activity ev[3];
    event(&ev[0], "ci-1", "competitor_intel", "sp-a", "c-1", 1764120000000LL);
    ev[0].competitor = "某竞品";
    ev[0].product = "A100";
    ev[0].has_price_fen = 1;
    ev[0].price_fen = 98000;
    ev[0].text = "降价";
    event(&ev[1], "ci-2", "competitor_intel", "sp-a", NULL, 1764120000001LL);
    ev[1].competitor = "bad\x1fname";
    event(&ev[2], "v-1", "visit", "sp-a", "c-1", 1764120000002LL);
    Nq__Activity *evs[] = {&ev[0], &ev[1], &ev[2]};
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(entry(&e, evs, 3, NULL, 3), 0);
    const char *ids[] = {"9-0"};
    nq_redis_pipe_t p;
    actwrite_stats_t st;
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL_FATAL(actwrite_pipe(&p, ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    redisReader *rd = redisReaderCreate();
    redisReaderFeed(rd, p.buf.buf, p.buf.len);
    void *reply;
    int calls = 0, sadds = 0;
    nq_period_t m;
    CU_ASSERT_FATAL(nq_period_of(NQ_PERIOD_MONTH, 1764120000000LL, &m) == 0);
    char prefix[64];
    snprintf(prefix, sizeof(prefix),
             "%s\x1f某竞品\x1f"
             "A100\x1f",
             m.key);
    while (redisReaderGetReply(rd, &reply) == REDIS_OK && reply) {
        redisReply *r = reply;
        if (strcmp(r->element[0]->str, "EVALSHA") == 0 &&
            strcmp(r->element[1]->str, NQ_SCRIPT(INTEL_EVENTS)->sha) == 0) {
            calls++;
            char sums[64];
            snprintf(sums, sizeof(sums), "nq:{sp:sp-a}:intel:sums:%s", m.key);
            CU_ASSERT_EQUAL_FATAL(r->elements, 3 + 3 + 1 + 8);
            CU_ASSERT_STRING_EQUAL(r->element[2]->str, "3");
            CU_ASSERT_STRING_EQUAL(r->element[3]->str, "nq:{sp:sp-a}:intel:obs");
            CU_ASSERT_STRING_EQUAL(r->element[4]->str, "nq:{sp:sp-a}:intel:notes");
            CU_ASSERT_STRING_EQUAL(r->element[5]->str, sums);
            CU_ASSERT_STRING_EQUAL(r->element[6]->str, "20");
            CU_ASSERT_STRING_EQUAL(r->element[7]->str, "某竞品\x1f"
                                                       "A100\x1f"
                                                       "1764120000000\x1f"
                                                       "9-0/0\x1f"
                                                       "98000\x1f"
                                                       "c-1");
            CU_ASSERT_STRING_EQUAL(r->element[8]->str, "某竞品\x1f"
                                                       "A100\x1f"
                                                       "1764120000000\x1f"
                                                       "9-0/0\x1f"
                                                       "c-1\x1f降价");
            CU_ASSERT_STRING_EQUAL(r->element[9]->str, "3"); /* KEYS[3]: its month */
            CU_ASSERT_STRING_EQUAL(r->element[10]->str, prefix);
            CU_ASSERT_STRING_EQUAL(r->element[11]->str, "某竞品\x1f"
                                                        "A100\x1f");
            CU_ASSERT_STRING_EQUAL(r->element[12]->str, "98000");
            CU_ASSERT_STRING_EQUAL(r->element[13]->str, "c-1");
            CU_ASSERT_STRING_EQUAL(r->element[14]->str, "1764120000000");
        }
        if (strcmp(r->element[0]->str, "SADD") == 0 &&
            strcmp(r->element[1]->str, "nq:intel:salespeople") == 0) {
            sadds++;
            CU_ASSERT_STRING_EQUAL(r->element[2]->str, "sp-a");
        }
        freeReplyObject(r);
    }
    redisReaderFree(rd);
    CU_ASSERT_EQUAL(calls, 1);
    CU_ASSERT_EQUAL(sadds, 1);
    CU_ASSERT_EQUAL(st.events, 3); /* the bad name is still on the timelines */
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
}

/* The line of the pipeline containing `needle`, or NULL. */
static const char *line_with(char lines[][1024], size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(lines[i], needle))
            return lines[i];
    return NULL;
}

/* A ticket's opening and close go to its salesperson's tickets hash (a min
 * and a max); an invoice asks for a look at the customer's overdue
 * receivables; a batch of neither writes neither. */
static void test_tickets_and_ar(void)
{
    Nq__Activity ev[3];
    event(&ev[0], "to-1", "ticket_opened", "sp-a", "c-7", 1764120000000LL);
    ev[0].ticket_id = "T-1";
    ev[0].priority = "urgent";
    event(&ev[1], "tc-1", "ticket_closed", "sp-a", "c-7", 1764125000000LL);
    ev[1].ticket_id = "T-1";
    event(&ev[2], "in-1", "invoice", "sp-b", "c-8", 1764129000000LL);
    ev[2].has_amount_fen = 1;
    ev[2].amount_fen = 50000;
    Nq__Activity *evs[] = {&ev[0], &ev[1], &ev[2]};
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(entry(&e, evs, 3, NULL, 3), 0);
    const char *ids[] = {"7-0"};
    char lines[24][1024];
    nq_redis_pipe_t p;
    actwrite_stats_t st;
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL(actwrite_pipe(&p, ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    size_t n = commands(&p, lines, 24);
    char want[256];
    /* one call for the salesperson's ticket events; "<at>\x1f<priority>" is binary */
    snprintf(want, sizeof(want), "%s 1 nq:{sp:sp-a}:tickets T-1 o <20 bytes> T-1 c 1764125000000",
             NQ_SCRIPT(SP_TICKETS)->sha);
    CU_ASSERT_PTR_NOT_NULL(line_with(lines, n, want));
    CU_ASSERT_PTR_NOT_NULL(line_with(lines, n, "ZADD nq:ar:due 0 c-8"));
    CU_ASSERT_PTR_NOT_NULL(line_with(lines, n, "SADD nq:ar:customers c-8"));
    CU_ASSERT_PTR_NOT_NULL(line_with(lines, n, "SADD nq:{sp:sp-b}:ar c-8"));
    CU_ASSERT_PTR_NULL(line_with(lines, n, "SADD nq:{sp:sp-a}:ar"));
    CU_ASSERT_PTR_NULL(line_with(lines, n, "ZADD nq:ar:due 0 c-7"));
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
    Nq__Activity *none[] = {&s_ev[4]}; /* an order */
    CU_ASSERT_EQUAL_FATAL(entry(&e, none, 1, NULL, 1), 0);
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL(actwrite_pipe(&p, ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    n = commands(&p, lines, 24);
    CU_ASSERT_PTR_NULL(line_with(lines, n, "nq:ar:due"));
    CU_ASSERT_PTR_NULL(line_with(lines, n, NQ_SCRIPT(SP_TICKETS)->sha));
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
}

/* Customers cut into the events script's calls: in order, at most `max`
 * rows a call, a customer never split. */
static void test_calls(void)
{
    static const struct {
        size_t starts[8], n, max, want[8], calls;
    } cases[] = {
        {{0}, 0, 3, {0}, 0},                         /* no customer: no call */
        {{0, 2, 3, 7}, 3, 3, {0, 2, 3}, 2},          /* the third does not fit */
        {{0, 1, 2, 3}, 3, 3, {0, 3}, 1},             /* exactly full */
        {{0, 5, 6}, 2, 3, {0, 1, 2}, 2},             /* a larger customer alone */
        {{0, 1, 6, 7}, 3, 3, {0, 1, 2, 3}, 3},       /* one in the middle alone */
        {{0, 1, 2, 3, 4}, 4, 1, {0, 1, 2, 3, 4}, 4}, /* a call each */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t out[8];
        CU_ASSERT_EQUAL(actwrite_calls(cases[i].starts, cases[i].n, cases[i].max, out),
                        cases[i].calls);
        for (size_t k = 0; k <= cases[i].calls; k++)
            CU_ASSERT_EQUAL(out[k], cases[i].want[k]);
    }
}

/* A batch of many customers: ACTWRITE_CALL_EVENTS events a call, 5 keys a
 * customer after the signals stream, every customer in one call only. */
static void test_many_customers(void)
{
    enum { N = 2 * ACTWRITE_CALL_EVENTS + 7 };
    static Nq__Activity ev[N];
    static char ids[N][16];
    Nq__Activity *evs[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "c-%05zu", i);
        event(&ev[i], ids[i], "visit", "sp-a", ids[i], 1764120600000LL + (int64_t)i);
        evs[i] = &ev[i];
    }
    nq_actlog_entry_t e;
    CU_ASSERT_EQUAL_FATAL(entry(&e, evs, N, NULL, N), 0);
    const char *entry_ids[] = {"11-0"};
    nq_redis_pipe_t p;
    actwrite_stats_t st;
    nq_redis_pipe_init(&p);
    CU_ASSERT_EQUAL_FATAL(actwrite_pipe(&p, entry_ids, &e, 1, 1764130000000LL, noop, NULL, &st), 0);
    CU_ASSERT_EQUAL(st.customers, N);
    redisReader *rd = redisReaderCreate();
    redisReaderFeed(rd, p.buf.buf, p.buf.len);
    void *reply;
    size_t calls = 0, customers = 0;
    while (redisReaderGetReply(rd, &reply) == REDIS_OK && reply) {
        redisReply *r = reply;
        if (r->elements > 3 && strcmp(r->element[1]->str, NQ_SCRIPT(CUSTOMER_EVENTS)->sha) == 0) {
            size_t keys = (size_t)atol(r->element[2]->str), k = (keys - 1) / 5;
            CU_ASSERT_EQUAL((keys - 1) % 5, 0);
            CU_ASSERT_EQUAL(r->elements, 3 + keys + 1 + 2 * k + 11 * k);
            CU_ASSERT(k <= ACTWRITE_CALL_EVENTS);
            CU_ASSERT_STRING_EQUAL(r->element[3]->str, "nq:customer:signals");
            char want[32];
            snprintf(want, sizeof(want), "nq:cust:%s:timeline", ids[customers]);
            CU_ASSERT_STRING_EQUAL(r->element[4]->str, want); /* in order, none twice */
            CU_ASSERT_STRING_EQUAL(r->element[3 + keys + 1]->str, ids[customers]);
            calls++;
            customers += k;
        }
        freeReplyObject(r);
    }
    redisReaderFree(rd);
    CU_ASSERT_EQUAL(calls, 3);
    CU_ASSERT_EQUAL(customers, N);
    nq_redis_pipe_free(&p);
    nq_actlog_free(&e);
}

/* The refresher's call: its fixed keys, one record per customer, now and the
 * zone offset, then the ids; none gives the fixed keys alone. */
static void test_refresh_args(void)
{
    static const struct {
        const char *ids[3];
        size_t n;
        const char *want;
    } cases[] = {
        {{"c-1", "c-2"},
         2,
         "nq:followup:dirty nq:followup:last nq:followup:due nq:ix:customers:overdue=followup "
         "nq:ix:customers:sort=name nq:ix:customers:sort=created "
         "nq:ix:customers:sort=last_contact nq:ix:customers:sort=next_followup "
         "nq:ix:customers:sort=by_owner nq:cust:c-1 nq:cust:c-2 1764130000000 28800000 c-1 c-2"},
        {{NULL},
         0,
         "nq:followup:dirty nq:followup:last nq:followup:due nq:ix:customers:overdue=followup "
         "nq:ix:customers:sort=name nq:ix:customers:sort=created "
         "nq:ix:customers:sort=last_contact nq:ix:customers:sort=next_followup "
         "nq:ix:customers:sort=by_owner 1764130000000 28800000"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        nq_redis_args_t a;
        nq_redis_args_init(&a);
        size_t nkeys = ctrefresh_args(&a, cases[c].ids, cases[c].n, 1764130000000LL, 28800000);
        char line[1024] = "";
        for (size_t i = 0; i < a.argc; i++) {
            strncat(line, i ? " " : "", sizeof(line) - 1 - strlen(line));
            strncat(line, a.argv[i], sizeof(line) - 1 - strlen(line));
        }
        CU_ASSERT_FALSE(a.failed);
        CU_ASSERT_EQUAL(nkeys, 9 + cases[c].n);
        CU_ASSERT_EQUAL(a.argc, nkeys + 2 + cases[c].n);
        CU_ASSERT_STRING_EQUAL(line, cases[c].want);
        nq_redis_args_free(&a);
    }
}

static CU_TestInfo tests[] = {
    {"customers cut into calls of the events script", test_calls},
    {"a batch of many customers: few calls, every customer once", test_many_customers},
    {"a customer's latest contact of a batch, and only contacts", test_contacts},
    {"tickets to their salesperson's hash; invoices ask for a look", test_tickets_and_ar},
    {"one transaction: events, timelines, acknowledgements", test_transaction},
    {"the same batch twice, or in another order, writes the same", test_idempotent},
    {"events that make no keys are skipped, their entry acknowledged", test_skips},
    {"competitor intel: one script call per salesperson", test_intel},
    {"the follow-up refresher's call of marked customers", test_refresh_args},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"activity index writes", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
