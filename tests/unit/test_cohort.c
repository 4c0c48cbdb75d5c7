/* test_cohort.c — on-time completion is counted on one cohort (docs/metrics.md): of the
 * orders due in a period, the ones fulfilled on time, whenever that was recorded.
 *
 * A property test over random event streams: orders with and without due dates and order
 * ids (an id may be ordered twice), fulfilments on time, late or unsaid (of known orders,
 * unknown ones, other salespeople's), sent in random orders, in random batches, with
 * redeliveries. Each stream is applied through services/scoring/apply.h into sets held
 * here (SADD as Redis does), then every period of every kind is read as nq_kpi_fetch
 * reads it (the due sets of its parts, their union intersected with the on-time set).
 * The rate must be within [0, 1] and equal the cohort figures worked out from the events
 * themselves, and two different orders of delivery must leave the very same sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq_test.h"
#include "scoring/apply.h"

#define DAY_MS        86400000LL
#define SH_2026_11_01 1793462400000LL /* 2026-11-01T00:00:00+08:00 */
#define N_DAYS        92              /* 2026-11-01 .. 2027-01-31: months, a quarter, a year */
#define N_SP          3
#define N_IDS         12 /* order ids "SO-0" .. "SO-11" */
#define N_EVENTS      60
#define N_STREAMS     300

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static uint64_t s_rng;

static uint32_t rnd(uint32_t n)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (uint32_t)(s_rng % n);
}

/* ---- a few Redis sets ------------------------------------------------------ */

typedef struct entry {
    char key[SCORING_KEY_MAX];
    char member[SCORING_MEMBER_MAX];
} entry_t;

typedef struct store {
    entry_t *e; /* every (key, member), each once */
    size_t n, cap;
} store_t;

static bool has(const store_t *s, const char *key, const char *member)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->e[i].key, key) == 0 && strcmp(s->e[i].member, member) == 0)
            return true;
    }
    return false;
}

static void sadd(store_t *s, const char *key, const char *member)
{
    if (has(s, key, member))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->e = realloc(s->e, s->cap * sizeof(*s->e));
        CU_ASSERT_PTR_NOT_NULL_FATAL(s->e);
    }
    snprintf(s->e[s->n].key, sizeof(s->e[s->n].key), "%s", key);
    snprintf(s->e[s->n].member, sizeof(s->e[s->n].member), "%s", member);
    s->n++;
}

/* Every member of every set of `a` is in `b`'s. */
static bool within(const store_t *a, const store_t *b)
{
    for (size_t i = 0; i < a->n; i++) {
        if (!has(b, a->e[i].key, a->e[i].member))
            return false;
    }
    return true;
}

/* ---- events ------------------------------------------------------------------ */

typedef struct gen {
    char event_id[16], sp[8], order_id[8];
    Nq__Activity ev;
} gen_t;

static gen_t s_gen[N_EVENTS];

static int64_t random_instant(void)
{
    return SH_2026_11_01 + (int64_t)rnd(N_DAYS) * DAY_MS + (int64_t)rnd(86400) * 1000;
}

static void generate(void)
{
    for (int i = 0; i < N_EVENTS; i++) {
        gen_t *g = &s_gen[i];
        Nq__Activity ev = NQ__ACTIVITY__INIT;
        snprintf(g->event_id, sizeof(g->event_id), "e-%d", i);
        snprintf(g->sp, sizeof(g->sp), "sp-%u", rnd(N_SP));
        snprintf(g->order_id, sizeof(g->order_id), "SO-%u", rnd(N_IDS));
        ev.event_id = g->event_id;
        ev.salesperson_id = g->sp;
        ev.customer_id = "c-1";
        ev.has_occurred_at = 1;
        ev.occurred_at = random_instant();
        if (rnd(2)) {
            ev.type = "order";
            ev.order_id = rnd(6) ? g->order_id : NULL; /* some orders have no id */
            ev.has_due_at = rnd(5) != 0;               /* some have no due date */
            ev.due_at = ev.has_due_at ? random_instant() : 0;
            ev.has_amount_fen = 1;
            ev.amount_fen = 100 + i;
        } else {
            ev.type = "order_fulfilled";
            ev.order_id = g->order_id;
            ev.has_on_time = rnd(4) != 0; /* on time, late, or not said */
            ev.on_time = rnd(3) != 0;
        }
        g->ev = ev;
    }
}

/* Apply a delivery order of the events (indexes, redeliveries repeated) in random batches,
 * as a scorer does: sum a batch, then SADD its members. */
static void apply(const int *order, size_t n, store_t *s)
{
    for (size_t at = 0; at < n;) {
        size_t batch = 1 + rnd(8);
        scoring_agg_t agg;
        scoring_agg_init(&agg);
        for (size_t k = 0; k < batch && at < n; k++, at++)
            CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &s_gen[order[at]].ev), 0);
        scoring_agg_unique_members(&agg);
        for (size_t i = 0; i < agg.n_members; i++)
            sadd(s, agg.members[i].key, agg.members[i].member);
        scoring_agg_free(&agg);
    }
}

/* Every event once, some twice or three times, shuffled. */
static size_t delivery(int *order)
{
    size_t n = 0;
    for (int i = 0; i < N_EVENTS; i++) {
        order[n++] = i;
        while (rnd(5) == 0)
            order[n++] = i; /* a redelivery */
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd((uint32_t)i);
        int t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    return n;
}

/* ---- the read, as nq_kpi_fetch does it ------------------------------------------- */

/* Orders due in p (the union of its parts' due sets) and of them on time. */
static void read_rate(const store_t *s, const char *sp, const nq_period_t *p, int *due,
                      int *on_time)
{
    nq_period_t parts[NQ_KPI_PARTS_MAX];
    int n = nq_kpi_parts(p, parts);
    CU_ASSERT_FATAL(n > 0);
    char keys[NQ_KPI_PARTS_MAX][SCORING_KEY_MAX], ontime[SCORING_KEY_MAX];
    for (int i = 0; i < n; i++)
        CU_ASSERT_FATAL(nq_key_due(keys[i], sizeof(keys[i]), sp, &parts[i]) > 0);
    CU_ASSERT_FATAL(nq_key_on_time(ontime, sizeof(ontime), sp) > 0);
    store_t seen = {0};
    *due = *on_time = 0;
    for (size_t e = 0; e < s->n; e++) {
        for (int i = 0; i < n; i++) {
            if (strcmp(s->e[e].key, keys[i]) != 0 || has(&seen, "u", s->e[e].member))
                continue;
            sadd(&seen, "u", s->e[e].member);
            (*due)++;
            *on_time += has(s, ontime, s->e[e].member);
        }
    }
    free(seen.e);
}

/* The cohort from the events themselves: the distinct orders of sp due in p (an order id,
 * or an order without one by itself), and of those the ones with an order id that some
 * on-time fulfilment of sp names. */
static void cohort(const char *sp, const nq_period_t *p, int *due, int *on_time)
{
    *due = *on_time = 0;
    for (int i = 0; i < N_EVENTS; i++) {
        const Nq__Activity *o = &s_gen[i].ev;
        if (strcmp(o->type, "order") != 0 || strcmp(o->salesperson_id, sp) != 0 || !o->has_due_at ||
            o->due_at < p->start_ms || o->due_at >= p->end_ms)
            continue;
        bool first = true; /* the first order event of this id due in p */
        for (int k = 0; o->order_id && k < i && first; k++) {
            const Nq__Activity *x = &s_gen[k].ev;
            first = !(strcmp(x->type, "order") == 0 && strcmp(x->salesperson_id, sp) == 0 &&
                      x->has_due_at && x->due_at >= p->start_ms && x->due_at < p->end_ms &&
                      x->order_id && strcmp(x->order_id, o->order_id) == 0);
        }
        if (!first)
            continue;
        (*due)++;
        bool done = false;
        for (int k = 0; o->order_id && k < N_EVENTS && !done; k++) {
            const Nq__Activity *f = &s_gen[k].ev;
            done = strcmp(f->type, "order_fulfilled") == 0 && strcmp(f->salesperson_id, sp) == 0 &&
                   f->has_on_time && f->on_time && strcmp(f->order_id, o->order_id) == 0;
        }
        *on_time += done;
    }
}

/* ---- the property ------------------------------------------------------------------ */

static int s_periods, s_defined, s_bad;

static void check_period(const store_t *s, const char *sp, const nq_period_t *p)
{
    int due, on_time, want_due, want_on_time;
    read_rate(s, sp, p, &due, &on_time);
    cohort(sp, p, &want_due, &want_on_time);
    nq_kpi_values_t v = {{0}};
    v.v[NQ_KPI_ORDERS_DUE] = due;
    v.v[NQ_KPI_ORDERS_ON_TIME] = on_time;
    double rate = -1;
    bool defined = nq_metric_value(NQ_METRIC_ORDER_COMPLETION_RATE, &v, &rate);
    bool ok = due == want_due && on_time == want_on_time && defined == (due > 0) &&
              (!defined || (rate >= 0 && rate <= 1));
    s_periods++;
    s_defined += defined;
    if (!ok && s_bad++ < 5)
        fprintf(stderr, "\n    %s %s: read %d of %d (rate %g), cohort %d of %d", sp, p->key,
                on_time, due, rate, want_on_time, want_due);
}

/* Every period of every kind overlapping the generated days, for every salesperson. */
static void check_all(const store_t *s)
{
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        nq_period_t p;
        CU_ASSERT_EQUAL_FATAL(nq_period_of((nq_period_kind_t)k, SH_2026_11_01, &p), 0);
        while (p.start_ms < SH_2026_11_01 + N_DAYS * DAY_MS) {
            for (int sp = 0; sp < N_SP; sp++) {
                char id[8];
                snprintf(id, sizeof(id), "sp-%d", sp);
                check_period(s, id, &p);
            }
            nq_period_t next;
            CU_ASSERT_EQUAL_FATAL(nq_period_next(&p, &next), 0);
            p = next;
        }
    }
}

static void test_random_streams(void)
{
    s_rng = 0x9e3779b97f4a7c15ULL;
    s_periods = s_defined = s_bad = 0;
    int order[N_EVENTS * 8];
    for (int round = 0; round < N_STREAMS; round++) {
        generate();
        store_t a = {0}, b = {0};
        apply(order, delivery(order), &a);
        apply(order, delivery(order), &b);
        /* Order-independent and idempotent: the same sets whatever the delivery. */
        CU_ASSERT_TRUE(a.n == b.n && within(&a, &b) && within(&b, &a));
        check_all(&a);
        free(a.e);
        free(b.e);
    }
    CU_ASSERT_EQUAL(s_bad, 0);
    CU_ASSERT(s_defined > s_periods / 10); /* the streams do produce rates to check */
    fprintf(stderr, "\n    %d period reads, %d with a rate, %d differ", s_periods, s_defined,
            s_bad);
}

/* The example: an order due 2026-12-03 fulfilled on 2026-11-30 counts in
 * December's numerator and denominator, and in neither of November's. */
static void test_fulfilled_the_month_before(void)
{
    gen_t *o = &s_gen[0], *f = &s_gen[1];
    Nq__Activity order = NQ__ACTIVITY__INIT, done = NQ__ACTIVITY__INIT;
    order.event_id = "o-1";
    order.type = "order";
    order.salesperson_id = "sp-0";
    order.order_id = "SO-1203";
    order.has_occurred_at = order.has_due_at = 1;
    order.occurred_at = SH_2026_11_01 + 10 * DAY_MS;
    order.due_at = SH_2026_11_01 + 32 * DAY_MS; /* 2026-12-03 */
    done.event_id = "f-1";
    done.type = "order_fulfilled";
    done.salesperson_id = "sp-0";
    done.order_id = "SO-1203";
    done.has_occurred_at = done.has_on_time = 1;
    done.on_time = 1;
    done.occurred_at = SH_2026_11_01 + 29 * DAY_MS + 3600000; /* 2026-11-30 */
    for (int first = 0; first < 2; first++) {                 /* the fulfilment may come first */
        store_t s = {0};
        memset(s_gen, 0, sizeof(s_gen));
        o->ev = order;
        f->ev = done;
        int seq[2] = {first, 1 - first};
        apply(seq, 2, &s);
        nq_period_t nov, dec;
        CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-11", &nov), 0);
        CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_MONTH, "2026-12", &dec), 0);
        int due, on_time;
        read_rate(&s, "sp-0", &nov, &due, &on_time);
        CU_ASSERT_EQUAL(due, 0);
        CU_ASSERT_EQUAL(on_time, 0);
        read_rate(&s, "sp-0", &dec, &due, &on_time);
        CU_ASSERT_EQUAL(due, 1);
        CU_ASSERT_EQUAL(on_time, 1);
        free(s.e);
    }
}

static CU_TestInfo tests[] = {
    {"the issue's order: fulfilled in November, due in December", test_fulfilled_the_month_before},
    {"random streams: rate in [0, 1], the cohort, any order", test_random_streams},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"on-time cohort", zone_shanghai, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
