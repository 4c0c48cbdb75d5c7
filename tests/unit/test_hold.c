/* test_hold.c — services/ingest/hold.h: when batches wait for scorers, in
 * which order they go, and that none waits longer than allowed. */
#include "ingest/hold.h"
#include "nq_test.h"

static int jobs[8];

static void test_never_when_off(void)
{
    hold_t h;
    hold_init(&h, 0, 500); /* max 0: never hold */
    hold_backlog(&h, 1000000);
    CU_ASSERT_FALSE(hold_needed(&h));
}

static void test_holds_while_behind(void)
{
    hold_t h;
    hold_init(&h, 100, 500);
    hold_backlog(&h, 100);
    CU_ASSERT_FALSE(hold_needed(&h)); /* at the limit: not behind */
    hold_backlog(&h, 101);
    CU_ASSERT_TRUE(hold_needed(&h));
    CU_ASSERT_EQUAL(hold_push(&h, &jobs[0], 1000), 0);
    CU_ASSERT_EQUAL(hold_push(&h, &jobs[1], 1100), 0);
    CU_ASSERT_EQUAL(h.n, 2);
    /* Still behind and nothing waited 500 ms yet. */
    CU_ASSERT_PTR_NULL(hold_pop_due(&h, 1499));
    /* The oldest went over its wait: it goes, the next one not yet. */
    CU_ASSERT_PTR_EQUAL(hold_pop_due(&h, 1500), &jobs[0]);
    CU_ASSERT_PTR_NULL(hold_pop_due(&h, 1500));
    /* Once others wait, a new batch waits behind them even if scoring caught up. */
    hold_backlog(&h, 0);
    CU_ASSERT_TRUE(hold_needed(&h));
    CU_ASSERT_EQUAL(hold_push(&h, &jobs[2], 1510), 0);
    /* Caught up: everything goes at once, oldest first. */
    CU_ASSERT_PTR_EQUAL(hold_pop_due(&h, 1511), &jobs[1]);
    CU_ASSERT_PTR_EQUAL(hold_pop_due(&h, 1511), &jobs[2]);
    CU_ASSERT_PTR_NULL(hold_pop_due(&h, 1511));
    CU_ASSERT_EQUAL(h.n, 0);
    CU_ASSERT_FALSE(hold_needed(&h));
}

static void test_drain(void)
{
    hold_t h;
    hold_init(&h, 1, 60000);
    hold_backlog(&h, 50);
    for (int i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(hold_push(&h, &jobs[i], i), 0);
    CU_ASSERT_PTR_NULL(hold_pop_due(&h, 100));
    for (int i = 0; i < 8; i++)
        CU_ASSERT_PTR_EQUAL(hold_pop(&h), &jobs[i]);
    CU_ASSERT_PTR_NULL(hold_pop(&h));
    CU_ASSERT_PTR_NULL(h.head);
    CU_ASSERT_PTR_NULL(h.tail);
    /* Usable again after draining. */
    CU_ASSERT_EQUAL(hold_push(&h, &jobs[3], 5), 0);
    CU_ASSERT_PTR_EQUAL(hold_pop(&h), &jobs[3]);
}

static CU_TestInfo tests[] = {
    {"max 0 never holds", test_never_when_off},
    {"holds while behind; order; longest wait", test_holds_while_behind},
    {"drains in order (stop)", test_drain},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"hold", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
