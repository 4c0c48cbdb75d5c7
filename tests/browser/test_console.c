/* tests/browser/test_console.c — the console in a real browser against the real suite.
 *
 * Starts the suite (harness.h), seeds the demo (nqctl seed-demo), waits until every
 * demo event is scored, makes the demo coordinator u-zhoumin, the demo salesperson
 * u-zhangwei (sp-zhangwei), a manager u-wangqiang and the demo admin `admin`, with random
 * passwords, then runs
 * console.test.mjs under node: headless Debian chromium through playwright-core signs
 * in, compares Today's figures with the API's, watches a big order's alert arrive live
 * and acknowledges it, switches to English and checks the 390 px layout. Screenshots:
 * <build>/artifacts/console/. The same program runs manage.test.mjs as test_manage,
 * people.test.mjs as test_people and plans.test.mjs as test_plans_page (CMakeLists.txt:
 * NQ_BROWSER_SCRIPT). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nq/access.h"
#include "nq/keys.h"
#include "testkit.h"

#define TEAM        "t-east"
#define COORDINATOR "u-zhoumin"
#define SALES_USER  "u-zhangwei"
#define SALESPERSON "sp-zhangwei"
#define MANAGER     "u-wangqiang"
#define ADMIN       "admin"

static char s_admin_password[64]; /* the demo admin's (NQ_ADMIN_PASSWORD) */

/* A demo user (teams and salesperson "" for none) with a random password. */
static void make_user(const char *id, const char *name, const char *role, const char *teams,
                      const char *salesperson, char *password, size_t len)
{
    char err[256] = "";
    nq_user_t u = {0};
    snprintf(password, len, "pw-%08lx%08lx", (unsigned long)random(), (unsigned long)getpid());
    snprintf(u.id, sizeof(u.id), "%s", id);
    snprintf(u.name, sizeof(u.name), "%s", name);
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.teams, sizeof(u.teams), "%s", teams);
    snprintf(u.salesperson, sizeof(u.salesperson), "%s", salesperson);
    int rc = nq_access_user_add(tk_redis, &u, password, err, sizeof(err));
    tk_check(rc == 0, "user add %s: %s", id, err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* node NQ_BROWSER_SCRIPT with the suite's address and the users; its exit status. */
static int run_browser(const char *password, const char *sales_password,
                       const char *manager_password)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NQ_URL", nq_harness_url(tk_h), 1);
        setenv("NQ_USER", COORDINATOR, 1);
        setenv("NQ_PASSWORD", password, 1);
        setenv("NQ_TEAM", TEAM, 1);
        setenv("NQ_SALES_USER", SALES_USER, 1);
        setenv("NQ_SALES_PASSWORD", sales_password, 1);
        setenv("NQ_SALESPERSON", SALESPERSON, 1);
        setenv("NQ_MANAGER_USER", MANAGER, 1);
        setenv("NQ_MANAGER_PASSWORD", manager_password, 1);
        setenv("NQ_ADMIN_USER", ADMIN, 1);
        setenv("NQ_ADMIN_PASSWORD", s_admin_password, 1);
        setenv("NQ_ARTIFACTS", NQ_ARTIFACTS_DIR, 1);
        setenv("NQ_PLAYWRIGHT", NQ_PLAYWRIGHT_DIR, 1);
        setenv("NQ_CHROMIUM", NQ_CHROMIUM, 1);
        execl(NQ_NODE, "node", NQ_BROWSER_SCRIPT, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_console(void)
{
    char password[64], sales_password[64], manager_password[64];
    CU_ASSERT_EQUAL_FATAL(tk_nqctl(NULL, NULL, 30000, (const char *[]){"seed-demo", NULL}), 0);
    tk_accepted = tk_redis_int("GET %s", NQ_KEY_STATS_ACCEPTED);
    CU_ASSERT_FATAL(tk_accepted > 0 && tk_wait_scored(15000));
    make_user(COORDINATOR, "周敏", "coordinator", TEAM, "", password, sizeof(password));
    make_user(SALES_USER, "张伟", "salesperson", "", SALESPERSON, sales_password,
              sizeof(sales_password));
    make_user(MANAGER, "王强", "manager", "", "", manager_password, sizeof(manager_password));
    make_user(ADMIN, "管理员", "admin", "", "", s_admin_password, sizeof(s_admin_password));
    int rc = run_browser(password, sales_password, manager_password);
    tk_check(rc == 0, "the browser test exited %d (its output above)", rc);
    CU_ASSERT_EQUAL(rc, 0);
}

static int suite_init(void)
{
    srandom((unsigned)tk_mono_ms());
    return tk_start(NULL);
}

static int suite_cleanup(void)
{
    return tk_stop() == 0 ? 0 : -1;
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("console", suite_init, suite_cleanup);
    CU_add_test(s, NQ_BROWSER_WHAT, test_console);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
