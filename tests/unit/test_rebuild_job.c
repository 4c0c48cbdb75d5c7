/* test_rebuild_job.c — nq/rebuild_job.h: the rebuild job's states, the moves
 * between them, and its record read from the hash's fields. */
#include <string.h>

#include "nq/rebuild_job.h"
#include "nq_test.h"

static void test_state_names(void)
{
    for (int s = 0; s < NQ_REBUILD_STATE_COUNT; s++) {
        nq_rebuild_state_t back = NQ_REBUILD_STATE_COUNT;
        CU_ASSERT_EQUAL(nq_rebuild_state_parse(nq_rebuild_state_name(s), &back), 0);
        CU_ASSERT_EQUAL(back, s);
        CU_ASSERT_EQUAL(nq_rebuild_state_parse(nq_rebuild_state_stored(s), &back), 0);
        CU_ASSERT_EQUAL(back, s);
    }
    nq_rebuild_state_t st = NQ_REBUILD_DONE;
    CU_ASSERT_EQUAL(nq_rebuild_state_parse(NULL, &st), 0);
    CU_ASSERT_EQUAL(st, NQ_REBUILD_NONE);
    CU_ASSERT_EQUAL(nq_rebuild_state_parse("idle", &st), -1);
    CU_ASSERT_STRING_EQUAL(nq_rebuild_state_name(NQ_REBUILD_NONE), "none");
    CU_ASSERT_STRING_EQUAL(nq_rebuild_state_stored(NQ_REBUILD_NONE), "");
    CU_ASSERT_STRING_EQUAL(nq_rebuild_state_stored(NQ_REBUILD_SWAPPING), "swapping");
}

/* A job is requested when there is none or the last one ended; claimed when
 * requested; taken over while running; it moves scan -> pause -> swap -> done. */
static void test_moves(void)
{
    static const nq_rebuild_state_t running[] = {NQ_REBUILD_REQUESTED, NQ_REBUILD_SCANNING,
                                                 NQ_REBUILD_PAUSING, NQ_REBUILD_SWAPPING};
    for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
        CU_ASSERT_TRUE(nq_rebuild_running(running[i]));
        CU_ASSERT_EQUAL(nq_rebuild_next(running[i], NQ_REBUILD_REQUEST), -1);
    }
    CU_ASSERT_FALSE(nq_rebuild_running(NQ_REBUILD_NONE));
    CU_ASSERT_FALSE(nq_rebuild_running(NQ_REBUILD_DONE));
    CU_ASSERT_FALSE(nq_rebuild_running(NQ_REBUILD_FAILED));
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_FAILED, NQ_REBUILD_REQUEST), NQ_REBUILD_REQUESTED);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_REQUESTED, NQ_REBUILD_CLAIM), NQ_REBUILD_SCANNING);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_SCANNING, NQ_REBUILD_CLAIM), -1);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_SWAPPING, NQ_REBUILD_TAKE_OVER),
                    NQ_REBUILD_SCANNING);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_REQUESTED, NQ_REBUILD_TAKE_OVER), -1);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_SCANNING, NQ_REBUILD_PAUSE), NQ_REBUILD_PAUSING);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_PAUSING, NQ_REBUILD_SCAN), NQ_REBUILD_SCANNING);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_PAUSING, NQ_REBUILD_SWAP), NQ_REBUILD_SWAPPING);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_SCANNING, NQ_REBUILD_SWAP), -1);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_SWAPPING, NQ_REBUILD_FINISH), NQ_REBUILD_DONE);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_PAUSING, NQ_REBUILD_FAIL), NQ_REBUILD_FAILED);
    CU_ASSERT_EQUAL(nq_rebuild_next(NQ_REBUILD_DONE, NQ_REBUILD_FAIL), -1);
}

/* What the scripts are given: the stored names of the states a move starts from. */
static void test_sources(void)
{
    const char *names[NQ_REBUILD_STATE_COUNT];
    size_t n = nq_rebuild_sources(NQ_REBUILD_REQUEST, names, NQ_REBUILD_STATE_COUNT);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(names[0], "");
    CU_ASSERT_STRING_EQUAL(names[1], "done");
    CU_ASSERT_STRING_EQUAL(names[2], "failed");
    n = nq_rebuild_sources(NQ_REBUILD_TAKE_OVER, names, NQ_REBUILD_STATE_COUNT);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(names[0], "scanning");
    CU_ASSERT_STRING_EQUAL(names[2], "swapping");
    CU_ASSERT_EQUAL(nq_rebuild_sources(NQ_REBUILD_CLAIM, names, 1), 1);
    CU_ASSERT_STRING_EQUAL(names[0], "requested");
    CU_ASSERT_EQUAL(nq_rebuild_sources(NQ_REBUILD_TAKE_OVER, names, 2), 2);
}

static void test_record(void)
{
    nq_rebuild_job_t job;
    nq_rebuild_job_init(&job);
    CU_ASSERT_EQUAL(job.state, NQ_REBUILD_NONE);
    CU_ASSERT_FALSE(nq_rebuild_job_has(&job, NQ_REBUILD_F_FROM));
    static const char *const hash[] = {
        "state",        "pausing",
        "from",         "1793462400000",
        "owner",        "nq-scoring/a",
        "attempt",      "2",
        "attempts",     "2",
        "lease_until",  "1795000015000",
        "scanned",      "41",
        "requested_at", "1795000000000",
        "started_at",   "1795000001000",
        "error",        "",
        "unknown",      "kept out",
    };
    for (size_t i = 0; i + 1 < sizeof(hash) / sizeof(hash[0]); i += 2)
        nq_rebuild_job_set(&job, hash[i], hash[i + 1]);
    CU_ASSERT_EQUAL(job.state, NQ_REBUILD_PAUSING);
    CU_ASSERT_EQUAL(job.from, 1793462400000LL);
    CU_ASSERT_STRING_EQUAL(job.owner, "nq-scoring/a");
    CU_ASSERT_EQUAL(job.attempt, 2);
    CU_ASSERT_EQUAL(job.attempts, 2);
    CU_ASSERT_EQUAL(job.lease_until, 1795000015000LL);
    CU_ASSERT_EQUAL(job.scanned, 41);
    CU_ASSERT_EQUAL(job.started_at, 1795000001000LL);
    CU_ASSERT_TRUE(nq_rebuild_job_has(&job, NQ_REBUILD_F_ERROR));
    CU_ASSERT_FALSE(nq_rebuild_job_has(&job, NQ_REBUILD_F_FINISHED_AT));
    CU_ASSERT_FALSE(nq_rebuild_job_has(&job, "unknown"));
    /* A state that is not one is not taken; a long text is cut. */
    nq_rebuild_job_set(&job, "state", "exploded");
    CU_ASSERT_EQUAL(job.state, NQ_REBUILD_PAUSING);
    char long_text[600];
    memset(long_text, 'e', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    nq_rebuild_job_set(&job, NQ_REBUILD_F_ERROR, long_text);
    CU_ASSERT_EQUAL(strlen(job.error), NQ_REBUILD_TEXT_MAX - 1);
    nq_rebuild_job_set(&job, NULL, "x");
    nq_rebuild_job_set(&job, NQ_REBUILD_F_OWNER, NULL);
    CU_ASSERT_STRING_EQUAL(job.owner, "nq-scoring/a");
}

static CU_TestInfo tests[] = {
    {"state names, stored and read back", test_state_names},
    {"moves: request, claim, take over, pause, swap, finish, fail", test_moves},
    {"the states a move starts from, for the scripts", test_sources},
    {"the record from the hash's fields", test_record},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"rebuild job", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
