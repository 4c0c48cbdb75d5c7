/* tests/unit/nq_test.h — the shared main() of every CUnit runner.
 *
 * A test file defines its suites in a table and ends with
 *   NQ_TEST_MAIN(suites)
 * where `suites` is a CU_SuiteInfo array terminated by CU_SUITE_INFO_NULL.
 * The runner exits non-zero when any assertion failed, not only on framework
 * errors. */
#ifndef NQ_TEST_H
#define NQ_TEST_H

#include <CUnit/Basic.h>
#include <stdio.h>

static inline int nq_test_run(CU_SuiteInfo *suites)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    if (CU_register_suites(suites) != CUE_SUCCESS) {
        fprintf(stderr, "suite registration failed: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0)
        return 3;
    return failures == 0 ? 0 : 1;
}

#define NQ_TEST_MAIN(suites)                                                                       \
    int main(void)                                                                                 \
    {                                                                                              \
        return nq_test_run(suites);                                                                \
    }

#endif
