/* test_leaderboard.c — services/reporting/leaderboard.h: ranks with ties (1, 1, 3), undefined
 * values last, movement since the day before, ordering, and the reply entries.
 *
 * Boards are written out by hand; each expected rank is stated next to the values. */
#include <math.h>
#include <string.h>

#include "nq_test.h"
#include "reporting/leaderboard.h"

static board_entry_t entry(const char *id, double value, bool defined, double before,
                           bool defined_before)
{
    board_entry_t e;
    memset(&e, 0, sizeof(e));
    snprintf(e.id, sizeof(e.id), "%s", id);
    e.value = value;
    e.defined = defined;
    e.before = before;
    e.defined_before = defined_before;
    e.rank = e.previous_rank = -7;
    return e;
}

/* The entry of board `b` at position i has this id, rank and previous rank. */
static void at(const board_entry_t *b, size_t i, const char *id, int rank, int previous)
{
    CU_ASSERT_STRING_EQUAL(b[i].id, id);
    CU_ASSERT_EQUAL(b[i].rank, rank);
    CU_ASSERT_EQUAL(b[i].previous_rank, previous);
}

/* 5, 5, 3: ranks 1, 1, 3; the tied ones ordered by id. */
static void test_ties(void)
{
    board_entry_t b[3] = {
        entry("c", 5, true, 0, true),
        entry("b", 3, true, 0, true),
        entry("a", 5, true, 0, true),
    };
    board_rank(b, 3, NQ_HIGHER_IS_BETTER);
    at(b, 0, "a", 1, 1); /* all 0 before: everyone 1st */
    at(b, 1, "c", 1, 1);
    at(b, 2, "b", 3, 1);

    /* 9, 7, 7, 7, 2: 1, 2, 2, 2, 5. */
    board_entry_t five[5] = {
        entry("e", 2, true, 0, true), entry("d", 7, true, 0, true), entry("c", 7, true, 0, true),
        entry("b", 7, true, 0, true), entry("a", 9, true, 0, true),
    };
    board_rank(five, 5, NQ_HIGHER_IS_BETTER);
    CU_ASSERT_STRING_EQUAL(five[0].id, "a");
    CU_ASSERT_EQUAL(five[0].rank, 1);
    CU_ASSERT_STRING_EQUAL(five[1].id, "b");
    CU_ASSERT_STRING_EQUAL(five[2].id, "c");
    CU_ASSERT_STRING_EQUAL(five[3].id, "d");
    CU_ASSERT_EQUAL(five[1].rank, 2);
    CU_ASSERT_EQUAL(five[2].rank, 2);
    CU_ASSERT_EQUAL(five[3].rank, 2);
    CU_ASSERT_STRING_EQUAL(five[4].id, "e");
    CU_ASSERT_EQUAL(five[4].rank, 5);
}

/* Undefined ranks after every defined value, even a negative one (more returned than sold);
 * two undefined share the last rank. */
static void test_undefined_last(void)
{
    board_entry_t b[4] = {
        entry("u1", 0, false, 0, false),
        entry("x", 0, true, 0, false),
        entry("u0", 99, false, 0, false), /* value ignored when undefined */
        entry("y", -50001, true, 0, false),
    };
    board_rank(b, 4, NQ_HIGHER_IS_BETTER);
    at(b, 0, "x", 1, 1); /* nobody defined before: all tie 1st */
    at(b, 1, "y", 2, 1);
    at(b, 2, "u0", 3, 1);
    at(b, 3, "u1", 3, 1);
}

/* Now: b 200, c 150, a 100 -> b 1, c 2, a 3. Before: c 150, a 100, b 50 -> c 1, a 2, b 3. */
static void test_previous_ranks(void)
{
    board_entry_t b[3] = {
        entry("a", 100, true, 100, true),
        entry("b", 200, true, 50, true),
        entry("c", 150, true, 150, true),
    };
    board_rank(b, 3, NQ_HIGHER_IS_BETTER);
    at(b, 0, "b", 1, 3);
    at(b, 1, "c", 2, 1);
    at(b, 2, "a", 3, 2);

    /* Undefined before (a new ratio): last before, ranked on value now. */
    board_entry_t r[3] = {
        entry("p", 0.5, true, 0, false),
        entry("q", 0.25, true, 0.75, true),
        entry("r", 0.75, true, 0.5, true),
    };
    board_rank(r, 3, NQ_HIGHER_IS_BETTER);
    at(r, 0, "r", 1, 2);
    at(r, 1, "p", 2, 3);
    at(r, 2, "q", 3, 1);
}

/* Sorted by rank, then by id (strcmp: "B" < "a" < "b"). */
static void test_sort_order(void)
{
    board_entry_t b[4] = {
        entry("b", 1, true, 0, true),
        entry("sp-2", 2, true, 0, true),
        entry("a", 1, true, 0, true),
        entry("B", 1, true, 0, true),
    };
    board_rank(b, 4, NQ_HIGHER_IS_BETTER);
    at(b, 0, "sp-2", 1, 1);
    at(b, 1, "B", 2, 1);
    at(b, 2, "a", 2, 1);
    at(b, 3, "b", 2, 1);
    /* An empty board and a board of one. */
    board_rank(b, 0, NQ_HIGHER_IS_BETTER);
    board_entry_t one = entry("solo", 0, false, 0, false);
    board_rank(&one, 1, NQ_HIGHER_IS_BETTER);
    CU_ASSERT_EQUAL(one.rank, 1);
    CU_ASSERT_EQUAL(one.previous_rank, 1);
}

/* before = period - day for the hash counters (negative when the day had
 * returns); the set-based ones are kept as they are now. A real day read
 * reports the same key customers owned as the period (it is one set). */
static void test_minus_day(void)
{
    nq_kpi_values_t period = {{[NQ_KPI_SALES_FEN] = 100000,
                               [NQ_KPI_VISITS] = 5,
                               [NQ_KPI_KEY_VISITED] = 2,
                               [NQ_KPI_KEY_CUSTOMERS] = 4}};
    nq_kpi_values_t day = {{[NQ_KPI_SALES_FEN] = 130000,
                            [NQ_KPI_VISITS] = 2,
                            [NQ_KPI_KEY_VISITED] = 1,
                            [NQ_KPI_KEY_CUSTOMERS] = 4}};
    nq_kpi_values_t before;
    memset(&before, 0x55, sizeof(before));
    board_minus_day(&period, &day, &before);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_SALES_FEN], -30000);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_VISITS], 3);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_KEY_VISITED], 2);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_KEY_CUSTOMERS], 4);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_ORDERS], 0);
    CU_ASSERT_EQUAL(before.v[NQ_KPI_TICKETS_OPENED], 0);
}

/* A ratio over zero is undefined; sales are always defined. */
static void test_set_metric(void)
{
    nq_kpi_values_t now = {
        {[NQ_KPI_SALES_FEN] = 250000, [NQ_KPI_KEY_VISITED] = 0, [NQ_KPI_KEY_CUSTOMERS] = 0}};
    nq_kpi_values_t before = {
        {[NQ_KPI_SALES_FEN] = 100000, [NQ_KPI_KEY_VISITED] = 1, [NQ_KPI_KEY_CUSTOMERS] = 4}};
    board_entry_t e = entry("sp-1", -1, true, -1, false);
    board_set_metric(&e, NQ_METRIC_COVERAGE, &now, &before);
    CU_ASSERT_FALSE(e.defined);
    CU_ASSERT_TRUE(e.defined_before);
    CU_ASSERT_EQUAL(e.before, 0.25); /* 1 / 4 */
    board_set_metric(&e, NQ_METRIC_COVERAGE, &before, &now);
    CU_ASSERT_TRUE(e.defined);
    CU_ASSERT_EQUAL(e.value, 0.25);
    CU_ASSERT_FALSE(e.defined_before);
    board_set_metric(&e, NQ_METRIC_SALES_AMOUNT, &now, &before);
    CU_ASSERT_TRUE(e.defined);
    CU_ASSERT_EQUAL(e.value, 250000);
    CU_ASSERT_TRUE(e.defined_before);
    CU_ASSERT_EQUAL(e.before, 100000);

    /* Coverage board: 3/4, undefined (no key customers), 1/2 -> 1, 3, 2. */
    nq_kpi_values_t v1 = {{[NQ_KPI_KEY_VISITED] = 3, [NQ_KPI_KEY_CUSTOMERS] = 4}};
    nq_kpi_values_t v2 = {{0}};
    nq_kpi_values_t v3 = {{[NQ_KPI_KEY_VISITED] = 1, [NQ_KPI_KEY_CUSTOMERS] = 2}};
    board_entry_t b[3] = {entry("s1", 0, false, 0, false), entry("s2", 0, false, 0, false),
                          entry("s3", 0, false, 0, false)};
    board_set_metric(&b[0], NQ_METRIC_COVERAGE, &v1, &v2);
    board_set_metric(&b[1], NQ_METRIC_COVERAGE, &v2, &v3);
    board_set_metric(&b[2], NQ_METRIC_COVERAGE, &v3, &v1);
    board_rank(b, 3, NQ_HIGHER_IS_BETTER);
    at(b, 0, "s1", 1, 3); /* before: s3 0.75, s2 0.5, s1 undefined */
    at(b, 1, "s3", 2, 1);
    at(b, 2, "s2", 3, 2);
}

static void test_to_proto(void)
{
    board_entry_t b[2] = {entry("sp-1", 1234.5, true, 1000, true),
                          entry("sp-2", 0, false, 0, false)};
    snprintf(b[0].name, sizeof(b[0].name), "%s", "王芳");
    board_rank(b, 2, NQ_HIGHER_IS_BETTER);
    Nq__LeaderboardEntry pb[2];
    Nq__LeaderboardEntry *ptrs[2] = {NULL, NULL};
    board_to_proto(b, 2, pb, ptrs);
    CU_ASSERT_PTR_EQUAL(ptrs[0], &pb[0]);
    CU_ASSERT_PTR_EQUAL(ptrs[1], &pb[1]);
    CU_ASSERT_STRING_EQUAL(pb[0].salesperson_id, "sp-1");
    CU_ASSERT_STRING_EQUAL(pb[0].name, "王芳");
    CU_ASSERT_TRUE(pb[0].has_value);
    CU_ASSERT_EQUAL(pb[0].value, 1234.5);
    CU_ASSERT_TRUE(pb[0].has_rank);
    CU_ASSERT_EQUAL(pb[0].rank, 1);
    CU_ASSERT_TRUE(pb[0].has_previous_rank);
    CU_ASSERT_EQUAL(pb[0].previous_rank, 1);
    /* No name: absent; undefined value: absent; still ranked. */
    CU_ASSERT_STRING_EQUAL(pb[1].salesperson_id, "sp-2");
    CU_ASSERT_PTR_NULL(pb[1].name);
    CU_ASSERT_FALSE(pb[1].has_value);
    CU_ASSERT_TRUE(pb[1].has_rank);
    CU_ASSERT_EQUAL(pb[1].rank, 2);
    CU_ASSERT_EQUAL(pb[1].previous_rank, 2);

    /* It packs and unpacks to the same. */
    Nq__Leaderboard board = NQ__LEADERBOARD__INIT;
    board.n_entries = 2;
    board.entries = ptrs;
    uint8_t buf[256];
    size_t len = nq__leaderboard__get_packed_size(&board);
    CU_ASSERT_FATAL(len <= sizeof(buf));
    nq__leaderboard__pack(&board, buf);
    Nq__Leaderboard *back = nq__leaderboard__unpack(NULL, len, buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(back->n_entries, 2);
    CU_ASSERT_STRING_EQUAL(back->entries[0]->name, "王芳");
    CU_ASSERT_EQUAL(back->entries[1]->rank, 2);
    CU_ASSERT_FALSE(back->entries[1]->has_value);
    nq__leaderboard__free_unpacked(back, NULL);
}

/* ---- boards by attainment and pace ---- */

static bool near(double got, double want)
{
    return fabs(got - want) < 1e-9;
}

/* Sales counters of `fen`. */
static nq_kpi_values_t sales(int64_t fen)
{
    nq_kpi_values_t v = {{[NQ_KPI_SALES_FEN] = fen}};
    return v;
}

/* Rank a board by `by` and check its ranks. Half the working days gone now, 40 % at the end of
 * the day before. Sales against each one's target:
 *   a 30,000.00 of 50,000.00 (10,000.00 today): attainment 0.6, pace 30,000 / 25,000 = 1.2,
 *     gap 25,000 - 30,000 = -5,000.00 (ahead); before 20,000 / 20,000 = 1.0, attainment 0.4;
 *   b 20,000.00 of 60,000.00 (derived): 0.3333, pace 20,000 / 30,000 = 0.6667, gap 10,000.00
 *     behind; before 20,000 / 24,000 = 0.8333;
 *   c 50,000.00 without a target: unranked, last, "no target";
 *   d 10,000.00 of 20,000.00: 0.5, pace 1.0, gap 0; before 10,000 / 8,000 = 1.25.
 * By pace: a 1, d 2, b 3, c 4; before d 1, a 2, b 3, c 4. By attainment: a 0.6, d 0.5,
 * b 0.3333, c; before d 0.5, a 0.4, b 0.3333. */
static void sales_board(board_by_t by, board_entry_t b[4])
{
    static const struct {
        const char *id;
        int64_t now, today, target;
        nq_target_source_t source;
    } rows[] = {
        {"a", 3000000, 1000000, 5000000, NQ_TARGET_SET},
        {"b", 2000000, 0, 6000000, NQ_TARGET_DERIVED},
        {"c", 5000000, 0, 0, NQ_TARGET_NONE},
        {"d", 1000000, 0, 2000000, NQ_TARGET_SET},
    };
    for (int i = 0; i < 4; i++) {
        nq_kpi_values_t now = sales(rows[i].now), before = sales(rows[i].now - rows[i].today);
        b[i] = entry(rows[i].id, -1, true, -1, true);
        board_set_against(&b[i], NQ_METRIC_SALES_AMOUNT, by, &now, &before, (double)rows[i].target,
                          rows[i].source, 0.5, 0.4);
    }
    board_rank(b, 4, NQ_HIGHER_IS_BETTER);
    at(b, 0, "a", 1, 2); /* the same ranks by either */
    at(b, 1, "d", 2, 1);
    at(b, 2, "b", 3, 3);
    at(b, 3, "c", 4, 4);
}

static void test_by_pace(void)
{
    board_entry_t b[4];
    sales_board(BOARD_BY_PACE, b);
    CU_ASSERT(near(b[0].value, 1.2));
    CU_ASSERT(near(b[1].value, 1.0));
    CU_ASSERT(near(b[2].value, 0.6667));
    CU_ASSERT_FALSE(b[3].defined);
    /* The plan of each: actual, target, attainment, pace, gap as shown. */
    const board_plan_t *a = &b[0].plan, *bb = &b[2].plan, *c = &b[3].plan, *d = &b[1].plan;
    CU_ASSERT_TRUE(b[0].has_plan);
    CU_ASSERT(near(a->actual, 3000000) && near(a->target, 5000000));
    CU_ASSERT(near(a->now.attainment, 0.6) && near(a->now.pace, 1.2));
    CU_ASSERT(near(a->now.gap, -500000));
    CU_ASSERT_PTR_NULL(a->note);
    CU_ASSERT_EQUAL(bb->source, NQ_TARGET_DERIVED);
    CU_ASSERT(near(bb->now.attainment, 0.3333) && near(bb->now.gap, 1000000));
    CU_ASSERT(near(d->now.gap, 0));
    CU_ASSERT_EQUAL(c->source, NQ_TARGET_NONE);
    CU_ASSERT_TRUE(c->has_actual);
    CU_ASSERT_FALSE(c->now.has_attainment || c->now.has_pace || c->now.has_gap);
    CU_ASSERT_PTR_EQUAL(c->note, &note_no_target);

    Nq__LeaderboardEntry pb[4];
    Nq__LeaderboardEntry *ptrs[4];
    board_to_proto(b, 4, pb, ptrs);
    CU_ASSERT_TRUE(pb[2].has_actual && pb[2].has_target && pb[2].has_attainment && pb[2].has_pace &&
                   pb[2].has_gap);
    CU_ASSERT_STRING_EQUAL(pb[2].target_source, "derived");
    CU_ASSERT(near(pb[2].gap, 1000000));
    CU_ASSERT_PTR_NULL(pb[2].note);
    CU_ASSERT_FALSE(pb[3].has_target || pb[3].has_attainment || pb[3].has_value);
    CU_ASSERT_PTR_NULL(pb[3].target_source);
    CU_ASSERT_STRING_EQUAL(pb[3].note, "no target");
    CU_ASSERT_STRING_EQUAL(pb[3].note_zh, "未设目标");
}

static void test_by_attainment(void)
{
    board_entry_t b[4];
    sales_board(BOARD_BY_ATTAINMENT, b);
    CU_ASSERT(near(b[0].value, 0.6) && near(b[0].before, 0.4));
    CU_ASSERT(near(b[2].value, 0.3333) && near(b[2].before, 0.3333));

    /* Figures that show alike tie: 333.34 and 333.33 of 1,000.00 are both 0.3333. */
    board_entry_t t[2];
    nq_kpi_values_t x = sales(33334), y = sales(33333);
    t[0] = entry("x", 0, false, 0, false);
    t[1] = entry("w", 0, false, 0, false);
    board_set_against(&t[0], NQ_METRIC_SALES_AMOUNT, BOARD_BY_ATTAINMENT, &x, &x, 100000,
                      NQ_TARGET_SET, 1, 1);
    board_set_against(&t[1], NQ_METRIC_SALES_AMOUNT, BOARD_BY_ATTAINMENT, &y, &y, 100000,
                      NQ_TARGET_SET, 1, 1);
    board_rank(t, 2, NQ_HIGHER_IS_BETTER);
    at(t, 0, "w", 1, 1);
    at(t, 1, "x", 1, 1);
}

/* A negative actual (-2,300.06 of 83,636.36 at half the month) counts 0 and says so; its gap is
 * the plain difference: 41,818.18 + 2,300.06 = 44,118.24. Visits 7 of 20 at 53 % of the working
 * days: the plan to date 10.6, behind by 3.6, shown like the metric: 4. No working day gone
 * yet: pace undefined (unranked by pace), attainment given. */
static void test_against_edges(void)
{
    board_entry_t e = entry("n", 0, false, 0, false);
    nq_kpi_values_t neg = sales(-230006);
    board_set_against(&e, NQ_METRIC_SALES_AMOUNT, BOARD_BY_PACE, &neg, &neg, 8363636, NQ_TARGET_SET,
                      0.5, 0.5);
    CU_ASSERT_TRUE(e.defined);
    CU_ASSERT(near(e.value, 0) && near(e.plan.now.attainment, 0));
    CU_ASSERT(near(e.plan.now.gap, 4411824));
    CU_ASSERT_PTR_EQUAL(e.plan.note, &note_negative);

    nq_kpi_values_t visits = {{[NQ_KPI_VISITS] = 7}};
    board_set_against(&e, NQ_METRIC_VISITS, BOARD_BY_PACE, &visits, &visits, 20, NQ_TARGET_SET,
                      0.53, 0.5);
    CU_ASSERT(near(e.plan.now.gap, 4));
    CU_ASSERT(near(e.value, 0.6604)); /* 7 / 10.6 = 0.66037... */

    board_set_against(&e, NQ_METRIC_VISITS, BOARD_BY_PACE, &visits, &visits, 20, NQ_TARGET_SET, 0,
                      0);
    CU_ASSERT_FALSE(e.defined || e.defined_before);
    CU_ASSERT_TRUE(e.plan.now.has_attainment);
    CU_ASSERT(near(e.plan.now.attainment, 0.35));
    CU_ASSERT(near(e.plan.now.gap, -7)); /* the plan to date is 0 */

    /* A ratio: attainment 0.5 / 0.8 = 0.625, its gap to the target 0.3, no pace; no data when
     * it is undefined (no key customers). */
    nq_kpi_values_t cov = {{[NQ_KPI_KEY_VISITED] = 1, [NQ_KPI_KEY_CUSTOMERS] = 2}};
    nq_kpi_values_t none = {{0}};
    board_set_against(&e, NQ_METRIC_COVERAGE, BOARD_BY_ATTAINMENT, &cov, &none, 0.8, NQ_TARGET_SET,
                      0.5, 0.4);
    CU_ASSERT_TRUE(e.defined);
    CU_ASSERT_FALSE(e.defined_before);
    CU_ASSERT(near(e.value, 0.625) && near(e.plan.now.gap, 0.3));
    CU_ASSERT_FALSE(e.plan.now.has_pace);
    board_set_against(&e, NQ_METRIC_COVERAGE, BOARD_BY_ATTAINMENT, &none, &none, 0.8, NQ_TARGET_SET,
                      0.5, 0.4);
    CU_ASSERT_FALSE(e.defined);
    CU_ASSERT_PTR_EQUAL(e.plan.note, &note_no_data);
}

static void test_by_names(void)
{
    CU_ASSERT_EQUAL(board_by_parse(NULL), BOARD_BY_VALUE);
    CU_ASSERT_EQUAL(board_by_parse(""), BOARD_BY_VALUE);
    CU_ASSERT_EQUAL(board_by_parse("value"), BOARD_BY_VALUE);
    CU_ASSERT_EQUAL(board_by_parse("attainment"), BOARD_BY_ATTAINMENT);
    CU_ASSERT_EQUAL(board_by_parse("pace"), BOARD_BY_PACE);
    CU_ASSERT_EQUAL(board_by_parse("Pace"), -1);
    CU_ASSERT_EQUAL(board_by_parse("score"), -1);
    CU_ASSERT_STRING_EQUAL(board_by_name(BOARD_BY_PACE), "pace");
    CU_ASSERT_PTR_NULL(board_by_refused(BOARD_BY_PACE, NQ_METRIC_SALES_AMOUNT));
    CU_ASSERT_PTR_NULL(board_by_refused(BOARD_BY_ATTAINMENT, NQ_METRIC_COVERAGE));
    CU_ASSERT_PTR_NOT_NULL(board_by_refused(BOARD_BY_PACE, NQ_METRIC_COVERAGE));
    CU_ASSERT_PTR_NOT_NULL(board_by_refused(BOARD_BY_PACE, NQ_METRIC_AVG_ORDER_VALUE));
}

static CU_TestInfo board_tests[] = {
    {"ties share a rank, the next skips", test_ties},
    {"undefined ranks last", test_undefined_last},
    {"previous ranks from before", test_previous_ranks},
    {"sorted by rank, then id", test_sort_order},
    {"board_minus_day", test_minus_day},
    {"board_set_metric: ratio over zero", test_set_metric},
    {"board_to_proto", test_to_proto},
    {"by pace: ranks, plan, no target last", test_by_pace},
    {"by attainment: ranks, ties as shown", test_by_attainment},
    {"against: negative, rounding, no time, ratios", test_against_edges},
    {"by: names and refusals", test_by_names},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"leaderboard", NULL, NULL, NULL, NULL, board_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
