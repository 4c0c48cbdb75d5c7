/* test_scoring_apply.c — services/scoring/apply.h: counter deltas per event type and the batch
 * aggregation into (Redis key, counter) cells.
 *
 * The host TZ is UTC and the module zone Asia/Shanghai, so the week keys below only come out
 * right when the module applies its own zone. Instants: `date -d '<RFC 3339>' +%s`:
 *   2026-11-26T09:30:00+08:00 (Thursday)  1795656600
 *   2026-11-27T10:00:00+08:00 (Friday)    1795744800
 *   2026-11-29T23:59:59+08:00 (Sunday)    1795967999
 *   2026-11-30T00:00:00+08:00 (Monday)    1795968000  (still Sunday 16:00 in UTC)
 *   2026-12-10T00:00:00+08:00 (Thursday)  1796832000  (2026-W50; still 12-09 in UTC)
 *   2027-01-01T00:00:00+08:00 (Friday)    1798732800  (ISO week 2026-W53) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nq_test.h"
#include "nq/keys.h"
#include "scoring/apply.h"

#define THU_0930 1795656600000LL
#define FRI_1000 1795744800000LL
#define SUN_2359 1795967999000LL
#define MON_0000 1795968000000LL
#define DEC_10   1796832000000LL
#define NEW_YEAR 1798732800000LL

static int zone_shanghai(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    return nq_zone_set("Asia/Shanghai") == 0 ? 0 : -1;
}

static Nq__Activity event(const char *type, const char *sp, int64_t at, int64_t amount)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT;
    ev.event_id = "evt-1";
    ev.type = (char *)type;
    ev.salesperson_id = (char *)sp;
    ev.has_occurred_at = 1;
    ev.occurred_at = at;
    if (amount) {
        ev.has_amount_fen = 1;
        ev.amount_fen = amount;
    }
    return ev;
}

static void with_customer(Nq__Activity *ev, const char *customer)
{
    ev->customer_id = (char *)customer;
}

static void with_due(Nq__Activity *ev, int64_t due_at)
{
    ev->has_due_at = 1;
    ev->due_at = due_at;
}

/* The summed delta of (key, kpi), or -999 when there is no such cell. */
static int64_t cell(const scoring_agg_t *agg, const char *key, nq_kpi_id_t kpi)
{
    int found = 0;
    int64_t delta = -999;
    for (size_t i = 0; i < agg->n; i++) {
        if (agg->cells[i].kpi == kpi && strcmp(agg->cells[i].key, key) == 0) {
            found++;
            delta = agg->cells[i].delta;
        }
    }
    CU_ASSERT(found <= 1); /* a cell is never duplicated */
    return delta;
}

/* Counter `kpi` of period `pkey` (of `kind`) as a read sees it: the sum of
 * the cells of its KPI hashes (nq_kpi_parts; absent cells count 0). */
static int64_t read_sum(const scoring_agg_t *agg, const char *sp, nq_period_kind_t kind,
                        const char *pkey, nq_kpi_id_t kpi)
{
    nq_period_t p, parts[NQ_KPI_PARTS_MAX];
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(kind, pkey, &p), 0);
    int n = nq_kpi_parts(&p, parts);
    CU_ASSERT_FATAL(n > 0);
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        char key[SCORING_KEY_MAX];
        CU_ASSERT_FATAL(nq_key_kpi(key, sizeof(key), sp, &parts[i]) > 0);
        int64_t v = cell(agg, key, kpi);
        sum += v == -999 ? 0 : v;
    }
    return sum;
}

/* Cells of counter `kpi`. */
static size_t cells_of(const scoring_agg_t *agg, nq_kpi_id_t kpi)
{
    size_t n = 0;
    for (size_t i = 0; i < agg->n; i++)
        n += agg->cells[i].kpi == kpi;
    return n;
}

/* ---- deltas ------------------------------------------------------------- */

/* The delta for `kpi` among out[0..n), or -999. */
static int64_t delta_of(const scoring_delta_t *out, size_t n, nq_kpi_id_t kpi)
{
    for (size_t i = 0; i < n; i++) {
        if (out[i].kpi == kpi)
            return out[i].delta;
    }
    return -999;
}

/* delta_of, 0 when kpi does not move. */
static int64_t moved(const scoring_delta_t *out, size_t n, nq_kpi_id_t kpi)
{
    int64_t d = delta_of(out, n, kpi);
    return d == -999 ? 0 : d;
}

/* The instant of the delta for `kpi` among out[0..n), or -999. */
static int64_t at_of(const scoring_delta_t *out, size_t n, nq_kpi_id_t kpi)
{
    for (size_t i = 0; i < n; i++) {
        if (out[i].kpi == kpi)
            return out[i].at_ms;
    }
    return -999;
}

/* Expect `ev` to move exactly one counter, `kpi`, by `delta`, in the period of occurred_at. */
static void moves_one(const Nq__Activity *ev, nq_kpi_id_t kpi, int64_t delta)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    size_t n = scoring_event_deltas(ev, out);
    CU_ASSERT_EQUAL(n, 1);
    if (n != 1) {
        fprintf(stderr, "\n    %s: %zu deltas\n", ev->type ? ev->type : "(null)", n);
        return;
    }
    CU_ASSERT_EQUAL(out[0].kpi, kpi);
    CU_ASSERT_EQUAL(out[0].delta, delta);
    CU_ASSERT_EQUAL(out[0].at_ms, ev->occurred_at);
}

static void test_deltas_order(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("order", "sp-001", THU_0930, 8000000);
    with_customer(&ev, "cust-001");
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 3);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDERS), 1);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_SALES_FEN), 8000000);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDER_VALUE_FEN), 8000000);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDERS_DUE), -999); /* no due_at, nothing falls due */
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_VISITS), -999);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(out[i].at_ms, THU_0930);
}

/* The set additions of `ev`, checked to be within SCORING_ADDS_MAX. */
static int adds_of(const Nq__Activity *ev, scoring_add_t out[SCORING_ADDS_MAX])
{
    int n = scoring_event_members(ev, out);
    CU_ASSERT(n <= SCORING_ADDS_MAX);
    return n;
}

static void test_deltas_order_due(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    scoring_add_t adds[SCORING_ADDS_MAX];
    Nq__Activity ev = event("order", "sp-001", THU_0930, 150050);
    ev.order_id = "SO-7";
    with_due(&ev, DEC_10);
    /* Orders, sales and value count when ordered; a due date moves no counter. */
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 3);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDERS), 1);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_SALES_FEN), 150050);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDER_VALUE_FEN), 150050);
    CU_ASSERT_EQUAL(delta_of(out, 3, NQ_KPI_ORDERS_DUE), -999);
    CU_ASSERT_EQUAL(at_of(out, 3, NQ_KPI_ORDERS), THU_0930);
    /* The order id joins the due sets of due_at's day and month. */
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_EQUAL(adds[0].set, SCORING_SET_DUE);
    CU_ASSERT_STRING_EQUAL(adds[0].member, "SO-7");
    CU_ASSERT_EQUAL(adds[0].at_ms, DEC_10);

    /* Due the moment it is ordered: still due_at's own instant. */
    with_due(&ev, THU_0930);
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_EQUAL(adds[0].at_ms, THU_0930);

    /* Without an order id it is due under its event id, behind a prefix no order id can
     * have: due, and never matched by a fulfilment. */
    ev.order_id = NULL;
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_EQUAL(adds[0].set, SCORING_SET_DUE);
    CU_ASSERT_STRING_EQUAL(adds[0].member, SCORING_DUE_NO_ID_PREFIX "evt-1");
    CU_ASSERT_EQUAL(adds[0].member[0], '\x01');
    ev.order_id = "";
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_STRING_EQUAL(adds[0].member, SCORING_DUE_NO_ID_PREFIX "evt-1");

    /* Without a due date nothing falls due. */
    ev.order_id = "SO-7";
    ev.has_due_at = 0;
    CU_ASSERT_EQUAL(adds_of(&ev, adds), 0);

    /* The longest order id (128 bytes) and event id fit; longer is refused, never cut. */
    char id[130];
    memset(id, 'o', 128);
    id[128] = '\0';
    with_due(&ev, DEC_10);
    ev.order_id = id;
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_STRING_EQUAL(adds[0].member, id);
    ev.order_id = NULL;
    ev.event_id = id;
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_EQUAL(strlen(adds[0].member), strlen(SCORING_DUE_NO_ID_PREFIX) + 128);
    char longer[SCORING_MEMBER_MAX + 2];
    memset(longer, 'o', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    ev.order_id = longer;
    CU_ASSERT_EQUAL(adds_of(&ev, adds), -1);

    /* An order without an amount counts, but moves no money. */
    Nq__Activity bare = event("order", "sp-001", THU_0930, 0);
    moves_one(&bare, NQ_KPI_ORDERS, 1);
}

static void test_deltas_sales_down(void)
{
    /* A cancellation and a return take their amount off sales, in the period they happen. */
    Nq__Activity ev = event("order_cancelled", "sp-001", FRI_1000, 150050);
    ev.order_id = "SO-1";
    moves_one(&ev, NQ_KPI_SALES_FEN, -150050);
    ev = event("return", "sp-001", FRI_1000, 50001);
    ev.order_id = "SO-1";
    moves_one(&ev, NQ_KPI_SALES_FEN, -50001);
    /* They touch neither the order count nor the gross value. */
    scoring_delta_t out[SCORING_DELTAS_MAX];
    CU_ASSERT_EQUAL(delta_of(out, scoring_event_deltas(&ev, out), NQ_KPI_ORDERS), -999);
    CU_ASSERT_EQUAL(delta_of(out, scoring_event_deltas(&ev, out), NQ_KPI_ORDER_VALUE_FEN), -999);
    /* Without an amount there is nothing to take off. */
    ev = event("return", "sp-001", FRI_1000, 0);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
}

static void test_deltas_fulfilled(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    scoring_add_t adds[SCORING_ADDS_MAX];
    Nq__Activity ev = event("order_fulfilled", "sp-001", FRI_1000, 0);
    ev.order_id = "SO-7";
    ev.has_on_time = 1;
    ev.on_time = 1;
    /* On time: no counter, the order id joins the salesperson's one on-time set. */
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
    CU_ASSERT_EQUAL_FATAL(adds_of(&ev, adds), 1);
    CU_ASSERT_EQUAL(adds[0].set, SCORING_SET_ON_TIME);
    CU_ASSERT_STRING_EQUAL(adds[0].member, "SO-7");
    /* An amount on a fulfilment moves no sales (the order did). */
    ev = event("order_fulfilled", "sp-001", FRI_1000, 8000000);
    ev.order_id = "SO-7";
    ev.has_on_time = 1;
    ev.on_time = 1;
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
    CU_ASSERT_EQUAL(adds_of(&ev, adds), 1);
    /* Late, or not said, or naming no order: nothing. */
    ev.on_time = 0;
    CU_ASSERT_EQUAL(adds_of(&ev, adds), 0);
    ev.has_on_time = 0;
    ev.on_time = 1;
    CU_ASSERT_EQUAL(adds_of(&ev, adds), 0);
    ev.has_on_time = 1;
    ev.order_id = NULL;
    CU_ASSERT_EQUAL(adds_of(&ev, adds), 0);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
}

static void test_deltas_simple(void)
{
    Nq__Activity ev = event("payment", "sp-001", THU_0930, 250050);
    moves_one(&ev, NQ_KPI_COLLECTIONS_FEN, 250050);
    ev = event("new_customer", "sp-001", THU_0930, 0);
    moves_one(&ev, NQ_KPI_NEW_CUSTOMERS, 1);
    ev = event("meeting", "sp-001", THU_0930, 0);
    moves_one(&ev, NQ_KPI_MEETINGS, 1);
    ev = event("ticket_opened", "sp-001", THU_0930, 0);
    ev.ticket_id = "TK-1";
    moves_one(&ev, NQ_KPI_TICKETS_OPENED, 1);
    /* A payment without an amount collects nothing. */
    scoring_delta_t out[SCORING_DELTAS_MAX];
    ev = event("payment", "sp-001", THU_0930, 0);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
}

static void test_deltas_feedback(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("feedback", "sp-001", THU_0930, 0);
    ev.has_rating = 1;
    ev.rating = 4;
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 2);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_FEEDBACK_SUM), 4);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_FEEDBACK_COUNT), 1);
    CU_ASSERT_EQUAL(at_of(out, 2, NQ_KPI_FEEDBACK_SUM), THU_0930);
    CU_ASSERT_EQUAL(at_of(out, 2, NQ_KPI_FEEDBACK_COUNT), THU_0930);
    /* An NPS beside the rating: an answer, and a promoter adds one to the net. */
    ev.has_nps = 1;
    ev.nps = 9;
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 5);
    CU_ASSERT_EQUAL(delta_of(out, 5, NQ_KPI_FEEDBACK_SUM), 4);
    CU_ASSERT_EQUAL(delta_of(out, 5, NQ_KPI_NPS_RESPONSES), 1);
    CU_ASSERT_EQUAL(delta_of(out, 5, NQ_KPI_NPS_NET), 1);
    CU_ASSERT_EQUAL(delta_of(out, 5, NQ_KPI_NPS_PROMOTERS), 1);
    /* NPS only: no rating to average; a detractor takes one away from the net and counts
     * as one, a passive moves neither. */
    ev.has_rating = 0;
    ev.rating = 0;
    static const struct {
        int nps;
        size_t n;
        int64_t net, promoters, detractors;
    } answers[] = {{0, 3, -1, 0, 1}, {6, 3, -1, 0, 1}, {7, 1, 0, 0, 0},
                   {8, 1, 0, 0, 0},  {9, 3, 1, 1, 0},  {10, 3, 1, 1, 0}};
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        ev.nps = answers[i].nps;
        size_t n = answers[i].n;
        CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), n);
        CU_ASSERT_EQUAL(delta_of(out, n, NQ_KPI_NPS_RESPONSES), 1);
        CU_ASSERT_EQUAL(moved(out, n, NQ_KPI_NPS_NET), answers[i].net);
        CU_ASSERT_EQUAL(moved(out, n, NQ_KPI_NPS_PROMOTERS), answers[i].promoters);
        CU_ASSERT_EQUAL(moved(out, n, NQ_KPI_NPS_DETRACTORS), answers[i].detractors);
    }
}

static void test_deltas_service(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("ticket_closed", "sp-001", THU_0930, 0);
    ev.ticket_id = "TK-1";
    moves_one(&ev, NQ_KPI_TICKETS_CLOSED, 1);
    /* A training: one course, and its duration in seconds when given. */
    ev = event("training", "sp-001", THU_0930, 0);
    ev.course = "产品培训";
    moves_one(&ev, NQ_KPI_TRAININGS, 1);
    ev.has_duration_s = 1;
    ev.duration_s = 5400;
    CU_ASSERT_EQUAL_FATAL(scoring_event_deltas(&ev, out), 2);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_TRAININGS), 1);
    CU_ASSERT_EQUAL(delta_of(out, 2, NQ_KPI_TRAINING_S), 5400);
    CU_ASSERT_EQUAL(at_of(out, 2, NQ_KPI_TRAINING_S), THU_0930);
}

static void test_deltas_visit_call(void)
{
    scoring_delta_t out[SCORING_DELTAS_MAX];
    Nq__Activity ev = event("visit", "sp-001", THU_0930, 0);
    moves_one(&ev, NQ_KPI_VISITS, 1);
    ev = event("call", "sp-001", THU_0930, 0);
    moves_one(&ev, NQ_KPI_CALLS, 1);
    /* An amount on a visit moves no sales. */
    ev = event("visit", "sp-001", THU_0930, 500);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 1);
    CU_ASSERT_EQUAL(out[0].kpi, NQ_KPI_VISITS);
}

static void test_deltas_none(void)
{
    /* Unknown types, and known types that move no counter (even with amount and due_at). */
    static const char *const types[] = {
        "lunch", "", "Order", "orders", "invoice", "competitor_intel", "Payment", "visit "};
    scoring_delta_t out[SCORING_DELTAS_MAX];
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Nq__Activity ev = event(types[i], "sp-001", THU_0930, 100);
        with_customer(&ev, "cust-001");
        with_due(&ev, DEC_10);
        ev.has_rating = 1;
        ev.rating = 5;
        ev.has_on_time = 1;
        ev.on_time = 1;
        ev.has_score = 1;
        ev.score = 92;
        ev.has_price_fen = 1;
        ev.price_fen = 98000;
        size_t n = scoring_event_deltas(&ev, out);
        CU_ASSERT_EQUAL(n, 0);
        if (n)
            fprintf(stderr, "\n    \"%s\": %zu deltas\n", types[i], n);
    }
    Nq__Activity ev = event(NULL, "sp-001", THU_0930, 100);
    CU_ASSERT_EQUAL(scoring_event_deltas(&ev, out), 0);
}

static void test_none_adds_nothing(void)
{
    /* Such an event adds neither a cell nor a set member. */
    static const char *const types[] = {"lunch", "invoice", "competitor_intel"};
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Nq__Activity ev = event(types[i], "sp-001", THU_0930, 100);
        with_customer(&ev, "cust-001");
        with_due(&ev, DEC_10);
        CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &ev), 0);
    }
    CU_ASSERT_EQUAL(agg.n, 0);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    scoring_agg_free(&agg);
}

/* Every type of docs/api.md stays within SCORING_DELTAS_MAX with every field set. */
static void test_deltas_bounded(void)
{
    static const char *const types[] = {"visit",           "call",
                                        "meeting",         "order",
                                        "order_fulfilled", "order_cancelled",
                                        "return",          "invoice",
                                        "payment",         "new_customer",
                                        "feedback",        "ticket_opened",
                                        "ticket_closed",   "competitor_intel",
                                        "training"};
    /* Hand count of each type's rows when every field is present. */
    static const size_t want[] = {1, 1, 1, 3, 0, 1, 1, 0, 1, 1, 5, 1, 1, 0, 1};
    /* ... and of their set additions (visit: visited; order: due; order_fulfilled: on time). */
    static const int want_adds[] = {1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    scoring_add_t adds[SCORING_ADDS_MAX];
    scoring_delta_t out[SCORING_DELTAS_MAX];
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        Nq__Activity ev = event(types[i], "sp-001", THU_0930, 100);
        with_customer(&ev, "cust-001");
        with_due(&ev, DEC_10);
        ev.has_rating = 1;
        ev.rating = 5;
        ev.has_nps = 1;
        ev.nps = 10;
        ev.has_on_time = 1;
        ev.on_time = 1;
        ev.order_id = "SO-1";
        size_t n = scoring_event_deltas(&ev, out);
        CU_ASSERT(n <= SCORING_DELTAS_MAX);
        CU_ASSERT_EQUAL(n, want[i]);
        if (n != want[i])
            fprintf(stderr, "\n    %s: %zu deltas, want %zu\n", types[i], n, want[i]);
        int m = adds_of(&ev, adds);
        CU_ASSERT_EQUAL(m, want_adds[i]);
        if (m != want_adds[i])
            fprintf(stderr, "\n    %s: %d set additions, want %d\n", types[i], m, want_adds[i]);
    }
}

/* ---- aggregation -------------------------------------------------------- */

/* An event counts in its day's and its month's hash; reads of its week,
 * quarter and year sum those (nq_kpi_parts). */
static void test_one_event_five_periods(void)
{
    static const char *const keys[2] = {"nq:{sp:sp-001}:kpi:2026-11-26",
                                        "nq:{sp:sp-001}:kpi:2026-11"};
    static const struct {
        nq_period_kind_t kind;
        const char *key;
    } reads[5] = {{NQ_PERIOD_DAY, "2026-11-26"},
                  {NQ_PERIOD_WEEK, "2026-W48"},
                  {NQ_PERIOD_MONTH, "2026-11"},
                  {NQ_PERIOD_QUARTER, "2026-Q4"},
                  {NQ_PERIOD_YEAR, "2026"}};
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("order", "sp-001", THU_0930, 8000000);
    with_customer(&ev, "cust-001");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    /* 2 hashes x {orders, sales, order value}; an order marks no one visited. */
    CU_ASSERT_EQUAL(agg.n, 6);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_SALES_FEN), 2);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_ORDER_VALUE_FEN), 2);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_ORDERS), 1);
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_SALES_FEN), 8000000);
        CU_ASSERT_EQUAL(cell(&agg, keys[k], NQ_KPI_ORDER_VALUE_FEN), 8000000);
    }
    for (int k = 0; k < 5; k++) {
        CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", reads[k].kind, reads[k].key, NQ_KPI_ORDERS), 1);
        CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", reads[k].kind, reads[k].key, NQ_KPI_SALES_FEN),
                        8000000);
    }

    ev = event("visit", "sp-001", THU_0930, 0); /* no customer: counted, no set member */
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 8);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_VISITS), 2);
    for (int k = 0; k < 5; k++)
        CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", reads[k].kind, reads[k].key, NQ_KPI_VISITS), 1);
    scoring_agg_free(&agg);
    CU_ASSERT_EQUAL(agg.n, 0);
    CU_ASSERT_PTR_NULL(agg.cells);
}

static void test_same_week_sums(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity a = event("order", "sp-001", THU_0930, 8000000);
    Nq__Activity b = event("order", "sp-001", FRI_1000, 150);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &a), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &b), 0);
    /* Two day keys and the month shared: 3 keys x 3 counters. */
    CU_ASSERT_EQUAL(agg.n, 9);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_ORDER_VALUE_FEN),
                    8000150);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_SALES_FEN),
                    8000150);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_YEAR, "2026", NQ_KPI_SALES_FEN), 8000150);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-26", NQ_KPI_SALES_FEN), 8000000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_SALES_FEN), 150);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_ORDERS), 1);

    /* Another salesperson the same week: separate cells. */
    Nq__Activity c = event("order", "sp-002", THU_0930, 7);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &c), 0);
    CU_ASSERT_EQUAL(agg.n, 15);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-002", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_SALES_FEN), 7);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_SALES_FEN),
                    8000150);
    scoring_agg_free(&agg);
}

/* Sunday 23:59:59 and Monday 00:00 (Asia/Shanghai, the host in UTC): two
 * days, two weeks, one month. */
static void test_week_boundary(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity sun = event("call", "sp-001", SUN_2359, 0);
    Nq__Activity mon = event("call", "sp-001", MON_0000, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &sun), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &mon), 0);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W49", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-29", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-30", NQ_KPI_CALLS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_QUARTER, "2026-Q4", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_YEAR, "2026", NQ_KPI_CALLS), 2);
    CU_ASSERT_EQUAL(agg.n, 3); /* 2 days + the month */
    scoring_agg_free(&agg);
}

/* 2027-01-01 00:00 is in ISO week 2026-W53, but in 2027's month, quarter and year. */
static void test_new_year_iso_week(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("visit", "sp-9", NEW_YEAR, 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 2);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027-01-01", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_WEEK, "2026-W53", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-9}:kpi:2027-01", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_QUARTER, "2027-Q1", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_YEAR, "2027", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_YEAR, "2026", NQ_KPI_VISITS), 0);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_QUARTER, "2026-Q4", NQ_KPI_VISITS), 0);
    scoring_agg_free(&agg);
}

/* More distinct days than the agg caches, visited back and forth (so evicted
 * days come back): every day, week and month key still sums exactly. */
static void test_many_days(void)
{
    enum { DAYS = 3 * SCORING_DAYS_CACHED, ROUNDS = 3 };
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < DAYS; i++) {
            int d = r % 2 ? DAYS - 1 - i : i;
            /* 23:59:59 of the day, then 00:00 of the next (both local) */
            Nq__Activity late = event("call", "sp-7", MON_0000 - 1000 + d * 86400000LL, 0);
            CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &late), 0);
        }
    }
    for (int d = 0; d < DAYS; d++) {
        nq_period_t p;
        char key[SCORING_KEY_MAX];
        CU_ASSERT_EQUAL_FATAL(nq_period_of(NQ_PERIOD_DAY, MON_0000 - 1000 + d * 86400000LL, &p), 0);
        CU_ASSERT_EQUAL_FATAL(nq_key_kpi(key, sizeof(key), "sp-7", &p), (int)strlen(key));
        CU_ASSERT_EQUAL(cell(&agg, key, NQ_KPI_CALLS), ROUNDS);
    }
    /* Sunday 2026-11-29 ends W48; then 2026-11-30 .. 2027-01-15: W49 .. 2027-W02 */
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-7", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_CALLS), ROUNDS);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-7", NQ_PERIOD_WEEK, "2026-W49", NQ_KPI_CALLS), 7 * ROUNDS);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-7}:kpi:2026-11", NQ_KPI_CALLS), 2 * ROUNDS);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-7}:kpi:2026-12", NQ_KPI_CALLS), 31 * ROUNDS);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-7}:kpi:2027-01", NQ_KPI_CALLS), (DAYS - 33) * ROUNDS);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-7", NQ_PERIOD_YEAR, "2026", NQ_KPI_CALLS), 33 * ROUNDS);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_CALLS), DAYS + 3); /* the days and 3 months */
    scoring_agg_free(&agg);
}

/* Keys of salesperson A only, renamed "x:" + key. */
static int only_a(const char *key, char *buf, size_t len, void *ctx)
{
    (*(int *)ctx)++;
    if (!strstr(key, "{sp:A}"))
        return -1;
    return snprintf(buf, len, "x:%s", key) < (int)len ? 0 : -1;
}

/* Whether the pipeline's bytes hold `len` bytes equal to `s`. */
static const char *contains(const nq_redis_pipe_t *p, const char *s, size_t len)
{
    for (size_t i = 0; i + len <= p->buf.len; i++) {
        if (memcmp(p->buf.buf + i, s, len) == 0)
            return p->buf.buf + i;
    }
    return NULL;
}

/* The aggregate as pipelined commands: one HINCRBY per (key, counter), one
 * SADD per visited set, deltas as signed integers. */
static void test_agg_to_pipe(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity visit = event("visit", "A", THU_0930, 0);
    Nq__Activity back = event("return", "A", THU_0930, 12345);
    with_customer(&visit, "c-1");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &visit), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &back), 0);
    scoring_agg_unique_members(&agg);

    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    scoring_agg_to_pipe(&p, &agg, NULL, NULL, NULL);
    CU_ASSERT_FALSE_FATAL(p.failed);
    CU_ASSERT_EQUAL_FATAL(p.n, 4 + 2);
    char want[512];
    int n = snprintf(want, sizeof(want),
                     "*4\r\n$7\r\nHINCRBY\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n$1\r\n1\r\n",
                     strlen("nq:{sp:A}:kpi:2026-11-26"), "nq:{sp:A}:kpi:2026-11-26",
                     strlen(nq_kpi_defs[NQ_KPI_VISITS].field), nq_kpi_defs[NQ_KPI_VISITS].field);
    CU_ASSERT_EQUAL(p.cmds[0].end, (size_t)n);
    CU_ASSERT_EQUAL(memcmp(p.buf.buf, want, (size_t)n), 0);
    CU_ASSERT_PTR_NOT_NULL(contains(&p, "$6\r\n-12345\r\n", 12));
    n = snprintf(want, sizeof(want), "*3\r\n$4\r\nSADD\r\n$%zu\r\n%s\r\n$3\r\nc-1\r\n",
                 strlen("nq:{sp:A}:visited:2026-11"), "nq:{sp:A}:visited:2026-11");
    CU_ASSERT_PTR_NOT_NULL(contains(&p, want, (size_t)n));
    CU_ASSERT_PTR_NULL(p.cmds[5].cb);
    nq_redis_pipe_free(&p);
    scoring_agg_free(&agg);
}

/* A map renames keys and leaves some out: the commands and the keys written
 * follow it, and every key is asked about once per command or key listed. */
static void test_agg_to_pipe_mapped(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity visit = event("visit", "A", THU_0930, 0), call = event("call", "B", THU_0930, 0);
    with_customer(&visit, "c-1");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &visit), 0);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &call), 0);
    scoring_agg_unique_members(&agg);
    CU_ASSERT_EQUAL_FATAL(agg.n, 4);

    int calls = 0;
    nq_redis_args_t keys;
    nq_redis_args_init(&keys);
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    scoring_agg_to_pipe(&p, &agg, only_a, &calls, &keys);
    CU_ASSERT_FALSE_FATAL(p.failed);
    CU_ASSERT_EQUAL(calls, 4 + 2);
    CU_ASSERT_EQUAL_FATAL(p.n, 2 + 2); /* A's day and month counters and visited sets */
    CU_ASSERT_PTR_NOT_NULL(contains(&p, "\r\nx:nq:{sp:A}:kpi:2026-11-26\r\n", 30));
    CU_ASSERT_PTR_NOT_NULL(contains(&p, "\r\nx:nq:{sp:A}:kpi:2026-11\r\n", 27));
    CU_ASSERT_PTR_NOT_NULL(contains(&p, "\r\nx:nq:{sp:A}:visited:2026-11\r\n$3\r\nc-1\r\n", 40));
    CU_ASSERT_PTR_NULL(contains(&p, "{sp:B}", 6));
    nq_redis_pipe_free(&p);

    CU_ASSERT_FALSE(keys.failed);
    CU_ASSERT_EQUAL_FATAL(keys.argc, 4);
    CU_ASSERT_STRING_EQUAL(keys.argv[0], "x:nq:{sp:A}:kpi:2026-11-26");
    CU_ASSERT_STRING_EQUAL(keys.argv[1], "x:nq:{sp:A}:kpi:2026-11");
    CU_ASSERT_STRING_EQUAL(keys.argv[2], "x:nq:{sp:A}:visited:2026-11");
    CU_ASSERT_STRING_EQUAL(keys.argv[3], "x:nq:{sp:A}:visited:2026-11-26");
    nq_redis_args_free(&keys);

    nq_redis_args_init(&keys); /* without a map: the live keys */
    nq_redis_pipe_init(&p);
    scoring_agg_to_pipe(&p, &agg, NULL, NULL, &keys);
    CU_ASSERT_EQUAL(keys.argc, 2 + 2 + 2);
    nq_redis_pipe_free(&p);
    nq_redis_args_free(&keys);
    scoring_agg_free(&agg);
}

static void test_add_direct(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_ORDERS, 5), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_CALLS, 1), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k1", NQ_KPI_ORDERS, -7), 0);
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k2", NQ_KPI_ORDERS, 3), 0);
    CU_ASSERT_EQUAL_FATAL(agg.n, 3);
    /* First-touch order. */
    CU_ASSERT_STRING_EQUAL(agg.cells[0].key, "k1");
    CU_ASSERT_EQUAL(agg.cells[0].kpi, NQ_KPI_ORDERS);
    CU_ASSERT_EQUAL(agg.cells[0].delta, -2);
    CU_ASSERT_EQUAL(agg.cells[1].kpi, NQ_KPI_CALLS);
    CU_ASSERT_EQUAL(agg.cells[1].delta, 1);
    CU_ASSERT_STRING_EQUAL(agg.cells[2].key, "k2");
    CU_ASSERT_EQUAL(agg.cells[2].delta, 3);

    /* The longest key that fits, and one byte more. */
    char key[SCORING_KEY_MAX + 1];
    memset(key, 'k', SCORING_KEY_MAX);
    key[SCORING_KEY_MAX - 1] = '\0';
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, key, NQ_KPI_VISITS, 1), 0);
    key[SCORING_KEY_MAX - 1] = 'k';
    key[SCORING_KEY_MAX] = '\0';
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, key, NQ_KPI_VISITS, 1), -1);
    CU_ASSERT_EQUAL(agg.n, 4);
    scoring_agg_free(&agg);

    /* Usable again after free. */
    CU_ASSERT_EQUAL(scoring_agg_add(&agg, "k3", NQ_KPI_VISITS, 2), 0);
    CU_ASSERT_EQUAL(agg.n, 1);
    scoring_agg_free(&agg);
}

static void test_event_failures_add_nothing(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ok = event("order", "sp-001", THU_0930, 100);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ok), 0);
    CU_ASSERT_EQUAL(agg.n, 6);

    /* Before 1970: outside the calendar. */
    Nq__Activity old = event("order", "sp-001", -86400000LL * 400, 100);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &old), -1);
    /* A salesperson id so long that the key does not fit 128 bytes. */
    char sp[120];
    memset(sp, 's', sizeof(sp) - 1);
    sp[sizeof(sp) - 1] = '\0';
    Nq__Activity wide = event("order", sp, THU_0930, 100);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &wide), -1);

    CU_ASSERT_EQUAL(agg.n, 6);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_YEAR, "2026", NQ_KPI_SALES_FEN), 100);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_YEAR, "2026", NQ_KPI_ORDERS), 1);
    scoring_agg_free(&agg);
}

/* How many times (key, member) is among the set members. */
static size_t member_count(const scoring_agg_t *agg, const char *key, const char *member)
{
    size_t n = 0;
    for (size_t i = 0; i < agg->n_members; i++)
        n += strcmp(agg->members[i].key, key) == 0 && strcmp(agg->members[i].member, member) == 0;
    return n;
}

/* A visit marks its customer in its day's and its month's visited set (a
 * week's, quarter's or year's coverage is read from their union). */
static void test_visit_members(void)
{
    static const char *const visited[2] = {"nq:{sp:sp-001}:visited:2026-11-26",
                                           "nq:{sp:sp-001}:visited:2026-11"};
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("visit", "sp-001", THU_0930, 0);
    with_customer(&ev, "cust-001");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 2); /* visits in the day and the month */
    CU_ASSERT_EQUAL_FATAL(agg.n_members, 2);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(member_count(&agg, visited[k], "cust-001"), 1);
        CU_ASSERT_EQUAL(cell(&agg, visited[k], NQ_KPI_VISITS), -999); /* sets are not hashes */
    }
    CU_ASSERT_STRING_EQUAL(agg.members[0].member, "cust-001");
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-W48", "cust-001"), 0);

    /* A call, a meeting, an order, feedback with the customer: counters, no members. */
    static const char *const others[] = {"call", "meeting", "order", "payment", "new_customer"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        Nq__Activity o = event(others[i], "sp-001", THU_0930, 100);
        with_customer(&o, "cust-002");
        CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &o), 0);
    }
    CU_ASSERT_EQUAL(agg.n_members, 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_CALLS), 1);

    /* Another customer the next day: its own day set, the same month set. */
    Nq__Activity fri = event("visit", "sp-001", FRI_1000, 0);
    with_customer(&fri, "cust-003");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &fri), 0);
    CU_ASSERT_EQUAL(agg.n_members, 4);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11-27", "cust-003"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11-26", "cust-003"), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11", "cust-003"), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_VISITS), 2);

    /* Another salesperson's visit goes to that salesperson's sets. */
    Nq__Activity other = event("visit", "sp-002", THU_0930, 0);
    with_customer(&other, "cust-001");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &other), 0);
    CU_ASSERT_EQUAL(agg.n_members, 6);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-002}:visited:2026-11", "cust-001"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11", "cust-001"), 1);

    scoring_agg_free(&agg);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    CU_ASSERT_PTR_NULL(agg.members);
}

static void test_visit_members_zone_and_width(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    /* Monday 00:00 +08:00 is Sunday in UTC: the visited keys follow the module zone. */
    Nq__Activity mon = event("visit", "sp-001", MON_0000, 0);
    with_customer(&mon, "c");
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &mon), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11-30", "c"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11-29", "c"), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:visited:2026-11", "c"), 1);

    /* The widest ids ingest accepts (64 characters) fit key and member. */
    char sp[65], cust[65];
    memset(sp, 's', 64);
    sp[64] = '\0';
    memset(cust, 'c', 64);
    cust[64] = '\0';
    Nq__Activity wide = event("visit", sp, THU_0930, 0);
    with_customer(&wide, cust);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &wide), 0);
    CU_ASSERT_EQUAL_FATAL(agg.n_members, 4);
    CU_ASSERT_STRING_EQUAL(agg.members[2].member, cust);
    CU_ASSERT_EQUAL(strlen(agg.members[2].key), 7 + 64 + 10 + 10); /* day key */

    /* A salesperson id whose kpi keys fit but whose visited keys would not (102 characters:
     * kpi day key 125 bytes, visited day key 129): refused, never truncated. */
    char mid[103];
    memset(mid, 'm', 102);
    mid[102] = '\0';
    Nq__Activity v = event("visit", mid, THU_0930, 0);
    with_customer(&v, "c");
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &v), -1);
    for (size_t i = 0; i < agg.n_members; i++)
        CU_ASSERT_PTR_NULL(strstr(agg.members[i].key, "mmmm"));
    scoring_agg_free(&agg);
}

static void test_order_due_next_month(void)
{
    static const char *const due[2] = {"nq:{sp:sp-001}:due:2026-12-10",
                                       "nq:{sp:sp-001}:due:2026-12"};
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    /* Ordered Thursday 2026-11-26, due Thursday 2026-12-10 00:00 +08:00 (12-09 in UTC). */
    Nq__Activity ev = event("order", "sp-001", THU_0930, 8000000);
    with_customer(&ev, "cust-001");
    ev.order_id = "SO-1126";
    with_due(&ev, DEC_10);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    /* 2 order keys x 3 counters; the due order is in the due sets of 12-10 and 2026-12. */
    CU_ASSERT_EQUAL(agg.n, 6);
    CU_ASSERT_EQUAL(cells_of(&agg, NQ_KPI_ORDERS_DUE), 0);
    CU_ASSERT_EQUAL_FATAL(agg.n_members, 2);
    for (int k = 0; k < 2; k++)
        CU_ASSERT_EQUAL(member_count(&agg, due[k], "SO-1126"), 1);
    /* Not in the periods of the order itself, nor the UTC day. */
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:due:2026-11-26", "SO-1126"), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:due:2026-11", "SO-1126"), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:due:2026-12-09", "SO-1126"), 0);
    /* The order itself counts in November, not in December. */
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_ORDERS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11", NQ_KPI_SALES_FEN), 8000000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-12", NQ_KPI_ORDERS), -999);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-12", NQ_KPI_SALES_FEN), -999);

    /* Fulfilled on time in November (before it was due): the id joins the one on-time set,
     * of no period, so it counts wherever the order falls due: December. */
    Nq__Activity done = event("order_fulfilled", "sp-001", SUN_2359, 0);
    done.order_id = "SO-1126";
    done.has_on_time = 1;
    done.on_time = 1;
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &done), 0);
    CU_ASSERT_EQUAL(agg.n, 6);
    CU_ASSERT_EQUAL_FATAL(agg.n_members, 3);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:ontime", "SO-1126"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-001}:due:2026-11", "SO-1126"), 0);
    scoring_agg_free(&agg);
}

static void test_order_due_next_year(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("order", "sp-9", THU_0930, 100);
    ev.order_id = "A";
    with_due(&ev, NEW_YEAR);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &ev), 0);
    CU_ASSERT_EQUAL(agg.n, 6);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-9}:due:2027-01-01", "A"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-9}:due:2027-01", "A"), 1);
    CU_ASSERT_EQUAL(agg.n_members, 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-9", NQ_PERIOD_YEAR, "2026", NQ_KPI_ORDERS), 1);

    /* Two orders due the same month share its set; each has its own day. */
    Nq__Activity again = event("order", "sp-9", FRI_1000, 100);
    again.order_id = "B";
    with_due(&again, NEW_YEAR + 86400000LL);
    CU_ASSERT_EQUAL_FATAL(scoring_agg_add_event(&agg, &again), 0);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-9}:due:2027-01", "B"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-9}:due:2027-01-02", "B"), 1);
    CU_ASSERT_EQUAL(member_count(&agg, "nq:{sp:sp-9}:due:2027-01-01", "B"), 0);
    scoring_agg_free(&agg);
}

static void test_order_due_outside_calendar(void)
{
    /* A due date before 1970 cannot be placed in a period: the event fails (the batch is then
     * unusable, see apply.h), whatever its occurred_at. */
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity ev = event("order", "sp-001", THU_0930, 100);
    with_due(&ev, -86400000LL * 400);
    CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &ev), -1);
    CU_ASSERT_EQUAL(agg.n_members, 0);
    scoring_agg_free(&agg);
}

/* A batch mixing every counting type: per-counter totals over the week key, by hand. */
static void test_mixed_week(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    Nq__Activity evs[12];
    size_t n = 0;
    evs[n++] = event("order", "sp-001", THU_0930, 10000); /* orders 1, sales/value 100.00 */
    evs[n++] = event("order", "sp-001", FRI_1000, 20000); /* orders 2, sales/value 300.00 */
    evs[n++] = event("order_cancelled", "sp-001", FRI_1000, 20000); /* sales 100.00 */
    evs[n++] = event("return", "sp-001", FRI_1000, 2500);           /* sales 75.00 */
    evs[n++] = event("payment", "sp-001", FRI_1000, 7500);          /* collections 75.00 */
    evs[n++] = event("feedback", "sp-001", THU_0930, 0);            /* rating 5 */
    evs[n - 1].has_rating = 1;
    evs[n - 1].rating = 5;
    evs[n++] = event("feedback", "sp-001", FRI_1000, 0); /* rating 2 */
    evs[n - 1].has_rating = 1;
    evs[n - 1].rating = 2;
    evs[n++] = event("feedback", "sp-001", FRI_1000, 0); /* nps only */
    evs[n - 1].has_nps = 1;
    evs[n - 1].nps = 3;
    evs[n++] = event("ticket_opened", "sp-001", FRI_1000, 0);
    evs[n++] = event("ticket_closed", "sp-001", FRI_1000, 0);
    evs[n++] = event("new_customer", "sp-001", THU_0930, 0);
    evs[n++] = event("meeting", "sp-001", SUN_2359, 0);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(scoring_agg_add_event(&agg, &evs[i]), 0);
#define W(kpi) read_sum(&agg, "sp-001", NQ_PERIOD_WEEK, "2026-W48", kpi)
    CU_ASSERT_EQUAL(W(NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(W(NQ_KPI_SALES_FEN), 10000 + 20000 - 20000 - 2500);
    CU_ASSERT_EQUAL(W(NQ_KPI_ORDER_VALUE_FEN), 30000);
    CU_ASSERT_EQUAL(W(NQ_KPI_COLLECTIONS_FEN), 7500);
    CU_ASSERT_EQUAL(W(NQ_KPI_FEEDBACK_SUM), 7);
    CU_ASSERT_EQUAL(W(NQ_KPI_FEEDBACK_COUNT), 2);
    CU_ASSERT_EQUAL(W(NQ_KPI_TICKETS_OPENED), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_TICKETS_CLOSED), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_NPS_RESPONSES), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_NPS_NET), -1); /* 3 is a detractor */
    CU_ASSERT_EQUAL(W(NQ_KPI_NPS_DETRACTORS), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_NPS_PROMOTERS), 0);
    CU_ASSERT_EQUAL(W(NQ_KPI_NEW_CUSTOMERS), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_MEETINGS), 1);
    CU_ASSERT_EQUAL(W(NQ_KPI_VISITS), 0);
    /* Friday alone: the second order, the cancellation and the return. */
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_SALES_FEN), -2500);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-001}:kpi:2026-11-27", NQ_KPI_ORDER_VALUE_FEN), 20000);
    /* Counters moved: orders, sales, value, collections, fb sum, fb count, tickets opened and
     * closed, NPS answers, net and detractors, new customers, meetings = 13 in 2026-11.
     * Days: 11-26 orders, sales, value, fb sum, fb count, new customers (6); 11-27 orders,
     * sales, value, collections, fb sum, fb count, tickets opened and closed, NPS answers,
     * net and detractors (11); 11-29 meetings (1). 13 + 18 = 31. */
    CU_ASSERT_EQUAL(agg.n, 31);
#undef W
    CU_ASSERT_EQUAL(agg.n_members, 0);
    scoring_agg_free(&agg);
}

#define MANY 10000

static void add_many(scoring_agg_t *agg)
{
    char sp[32];
    int failures = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(sp, sizeof(sp), "sp-%05d", i);
        Nq__Activity order = event("order", sp, THU_0930, i + 1);
        Nq__Activity visit = event("visit", sp, FRI_1000, 0);
        with_customer(&visit, "cust-001");
        failures += scoring_agg_add_event(agg, &order) != 0;
        failures += scoring_agg_add_event(agg, &visit) != 0;
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_growth(void)
{
    scoring_agg_t agg;
    scoring_agg_init(&agg);
    add_many(&agg);
    /* Per salesperson: the order gives day 11-26 and 2026-11 x {orders, sales, order value} =
     * 6 cells; the visit gives day 11-27 and 2026-11 x {visits} = 2 more, and 2 visited-set
     * members (day, month). */
    CU_ASSERT_EQUAL_FATAL(agg.n, (size_t)MANY * 8);
    CU_ASSERT_EQUAL(agg.n_members, (size_t)MANY * 2);

    int64_t total[NQ_KPI_COUNT] = {0};
    for (size_t i = 0; i < agg.n; i++)
        total[agg.cells[i].kpi] += agg.cells[i].delta;
    /* 2 hashes x sum(1..10000) = 2 x 50005000. */
    CU_ASSERT_EQUAL(total[NQ_KPI_SALES_FEN], 100010000LL);
    CU_ASSERT_EQUAL(total[NQ_KPI_ORDER_VALUE_FEN], 100010000LL);
    CU_ASSERT_EQUAL(total[NQ_KPI_ORDERS], 2LL * MANY);
    CU_ASSERT_EQUAL(total[NQ_KPI_VISITS], 2LL * MANY);
    CU_ASSERT_EQUAL(total[NQ_KPI_CALLS], 0);

    CU_ASSERT_STRING_EQUAL(agg.cells[0].key, "nq:{sp:sp-00000}:kpi:2026-11-26");
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-00000", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_SALES_FEN), 1);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-04999", NQ_PERIOD_WEEK, "2026-W48", NQ_KPI_SALES_FEN), 5000);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-09999", NQ_PERIOD_QUARTER, "2026-Q4", NQ_KPI_SALES_FEN),
                    10000);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-09999}:kpi:2026-11-27", NQ_KPI_VISITS), 1);
    CU_ASSERT_EQUAL(cell(&agg, "nq:{sp:sp-09999}:kpi:2026-11-27", NQ_KPI_ORDERS), -999);

    /* The same batch again: every existing cell is found, none is added. */
    add_many(&agg);
    CU_ASSERT_EQUAL(agg.n, (size_t)MANY * 8);
    int64_t sales = 0;
    for (size_t i = 0; i < agg.n; i++)
        sales += agg.cells[i].kpi == NQ_KPI_SALES_FEN ? agg.cells[i].delta : 0;
    CU_ASSERT_EQUAL(sales, 2 * 100010000LL);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-04999", NQ_PERIOD_YEAR, "2026", NQ_KPI_ORDERS), 2);
    CU_ASSERT_EQUAL(read_sum(&agg, "sp-04999", NQ_PERIOD_YEAR, "2026", NQ_KPI_SALES_FEN), 10000);
    /* The index stays under half full. */
    CU_ASSERT(agg.n * 2 <= agg.n_slots);
    scoring_agg_free(&agg);
}

static CU_TestInfo delta_tests[] = {
    {"order: orders +1, sales and value +amount", test_deltas_order},
    {"order with due_at: its id due at due_at", test_deltas_order_due},
    {"order_cancelled, return: sales -amount", test_deltas_sales_down},
    {"order_fulfilled: on time its id, late nothing", test_deltas_fulfilled},
    {"payment, new_customer, meeting, ticket_opened", test_deltas_simple},
    {"feedback: rating sum and count; NPS answers and net", test_deltas_feedback},
    {"ticket_closed and training", test_deltas_service},
    {"visit and call: +1", test_deltas_visit_call},
    {"other types move nothing", test_deltas_none},
    {"every type within SCORING_DELTAS_MAX", test_deltas_bounded},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo agg_tests[] = {
    {"types without counters add nothing", test_none_adds_nothing},
    {"one event: 5 period keys per counter", test_one_event_five_periods},
    {"two orders in one week sum", test_same_week_sums},
    {"Sunday 23:59:59 vs Monday 00:00 (+08:00)", test_week_boundary},
    {"2027-01-01 is in ISO week 2026-W53", test_new_year_iso_week},
    {"more days than cached: every key still sums", test_many_days},
    {"scoring_agg_add direct", test_add_direct},
    {"the aggregate as commands, keys mapped", test_agg_to_pipe_mapped},
    {"the aggregate as pipelined commands", test_agg_to_pipe},
    {"a failing event adds nothing", test_event_failures_add_nothing},
    {"a visit adds its customer to 5 visited sets", test_visit_members},
    {"visited sets: zone, widest ids, too wide", test_visit_members_zone_and_width},
    {"order due next month: due in December only", test_order_due_next_month},
    {"order due next year: 2027 keys, sums", test_order_due_next_year},
    {"due_at outside the calendar fails", test_order_due_outside_calendar},
    {"a mixed week: every counter by hand", test_mixed_week},
    {"10,000 salespeople: growth keeps every sum", test_growth},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scoring deltas", NULL, NULL, NULL, NULL, delta_tests},
    {"scoring aggregation", zone_shanghai, NULL, NULL, NULL, agg_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
