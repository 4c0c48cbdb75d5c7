/* test_scripts.c — the registry of Redis scripts (nq/scripts.h) and the
 * static check that every key a script touches is one of its KEYS
 * (luacheck.h).
 *
 * The registry: one row per .lua file of common/lua, names unique, SHA1s of
 * the right form (tests/integration/test_scripts.c has Redis compute them),
 * headers that say what the script is, literal KEYS[n] within a fixed key
 * count. The checker: every registered script passes; the patterns it must
 * refuse (a key built from ARGV, a key taken from a reply, a rename to a
 * computed name, a list of computed keys unpacked) are refused. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luacheck.h"
#include "nq/scripts.h"
#include "nq_test.h"

static void test_registry_rows(void)
{
    for (size_t i = 0; i < NQ_SCRIPT_COUNT; i++) {
        const nq_script_t *s = &nq_scripts[i];
        CU_ASSERT_EQUAL(strlen(s->sha), 40);
        CU_ASSERT_EQUAL(strspn(s->sha, "0123456789abcdef"), 40);
        CU_ASSERT(s->nkeys == NQ_SCRIPT_KEYS_VARY || s->nkeys >= 0);
        CU_ASSERT(strlen(s->what) > 10);
        /* The header names the script: "-- <name> — what it does". */
        char head[96];
        snprintf(head, sizeof(head), "-- %s \xe2\x80\x94 ", s->name);
        CU_ASSERT_EQUAL(strncmp(s->text, head, strlen(head)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(s->text, "KEYS"));
        if (strncmp(s->text, head, strlen(head)) != 0)
            fprintf(stderr, "\n    %s: its header does not start with \"%s\"\n", s->name, head);
        for (size_t k = 0; k < i; k++) {
            CU_ASSERT_STRING_NOT_EQUAL(s->name, nq_scripts[k].name);
            CU_ASSERT_STRING_NOT_EQUAL(s->sha, nq_scripts[k].sha);
        }
    }
    CU_ASSERT_PTR_EQUAL(NQ_SCRIPT(INGEST_APPEND), &nq_scripts[NQ_SCRIPT_ID_INGEST_APPEND]);
    CU_ASSERT_STRING_EQUAL(NQ_SCRIPT(SCORER_GUARD)->name, "scorer_guard");
    CU_ASSERT_EQUAL(NQ_SCRIPT(SCORER_GUARD)->nkeys, 3);
    CU_ASSERT_TRUE(NQ_SCRIPT(ORG_UNKNOWN)->read_only);
    CU_ASSERT_FALSE(NQ_SCRIPT(INGEST_APPEND)->read_only);
}

/* Every .lua file of common/lua is registered, and every row has one. */
static void test_every_file_registered(void)
{
    DIR *d = opendir(NQ_LUA_DIR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0)
            continue;
        files++;
        bool found = false;
        for (size_t i = 0; i < NQ_SCRIPT_COUNT && !found; i++)
            found = strlen(nq_scripts[i].name) == len - 4 &&
                    strncmp(nq_scripts[i].name, e->d_name, len - 4) == 0;
        CU_ASSERT_TRUE(found);
        if (!found)
            fprintf(stderr, "\n    common/lua/%s has no row in nq/scripts.def\n", e->d_name);
    }
    closedir(d);
    CU_ASSERT_EQUAL(files, NQ_SCRIPT_COUNT);
}

/* Every registered script names its keys only through KEYS. */
static void test_scripts_declare_keys(void)
{
    for (size_t i = 0; i < NQ_SCRIPT_COUNT; i++) {
        const nq_script_t *s = &nq_scripts[i];
        char why[256];
        int problems = luacheck_keys(s->text, why, sizeof(why));
        CU_ASSERT_EQUAL(problems, 0);
        if (problems != 0)
            fprintf(stderr, "\n    %s: %s\n", s->name, why);
        if (s->nkeys != NQ_SCRIPT_KEYS_VARY)
            CU_ASSERT(luacheck_max_key(s->text) <= s->nkeys);
    }
}

/* What the checker must refuse, as scripts were written before it. */
static void test_checker_refuses(void)
{
    static const char *const bad[] = {
        /* a key built from ARGV (ingest's dedupe bucket) */
        "local bucket = ARGV[6] .. ARGV[1]\nredis.call('HSET', bucket, 'id', 'd')\n",
        /* keys taken from a reply (the live buckets from the index) */
        "local buckets = redis.call('ZRANGE', KEYS[4], 0, -1)\n"
        "for _, bk in ipairs(buckets) do redis.call('HMGET', bk, 'id') end\n",
        /* computed keys unpacked (the first layout's per-event keys) */
        "local keys = {}\nfor i = 1, 3 do keys[#keys + 1] = ARGV[7] .. i end\n"
        "return redis.call('MGET', unpack(keys))\n",
        /* the rebuild's swap: renames of a set's members to computed names */
        "for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do\n"
        "  redis.call('RENAME', k, 'nq:' .. string.sub(k, 7))\nend\n",
        "for i = 1, tonumber(ARGV[2]) do redis.call('DEL', ARGV[2 + i]) end\n",
        /* a key through a function's parameter */
        "local function f(key) return redis.call('GET', key) end\nreturn f(KEYS[1])\n",
        /* a local bound once to a key, once to something else */
        "local k = KEYS[1]\nk = ARGV[1]\nreturn redis.call('GET', k)\n",
        "local k = KEYS[1] .. ':x'\nreturn redis.call('GET', k)\n",
        "local k\nreturn redis.call('GET', k)\n",
        "return redis.pcall('GET', 'nq:x')\n",
        /* the command not a literal, or not in the checker's table */
        "local c = 'GET'\nreturn redis.call(c, KEYS[1])\n",
        "return redis.call('FLUSHALL')\n",
        /* the second key of a rename */
        "return redis.call('RENAME', KEYS[1], ARGV[1])\n",
        /* a stream's key after STREAMS */
        "return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', ARGV[1], '>')\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char why[256];
        int problems = luacheck_keys(bad[i], why, sizeof(why));
        CU_ASSERT(problems > 0);
        if (problems <= 0)
            fprintf(stderr, "\n    not refused: %s\n", bad[i]);
        else
            CU_ASSERT_PTR_NOT_NULL(strstr(why, "line "));
    }
    CU_ASSERT_EQUAL(luacheck_keys("return 'unfinished\n", NULL, 0), -1);
    CU_ASSERT_EQUAL(luacheck_keys("--[[ unfinished", NULL, 0), -1);
}

/* What it must take: KEYS at the call, locals bound to them, unpack(KEYS). */
static void test_checker_takes(void)
{
    static const char *const good[] = {
        "return redis.call('GET', KEYS[1])\n",
        "local k = KEYS[1]\nreturn redis.call('GET', k)\n",
        "local a, b, c = KEYS[1], KEYS[2 + 1], KEYS[#KEYS]\n"
        "redis.call('SINTER', a, b, c)\nredis.call('RENAME', a, b)\n",
        "for i = 3, #KEYS do redis.call('SISMEMBER', KEYS[i], ARGV[1]) end\n",
        "return redis.call('DEL', unpack(KEYS, 2))\n",
        "return redis.call('SINTERCARD', 2, KEYS[2], KEYS[1])\n",
        "return redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS',\n"
        "                  KEYS[1], '>')\n",
        "return redis.call('HMGET', KEYS[1], unpack(ARGV, 2))\n",
        /* redis.call in comments and strings is not a call */
        "-- redis.call('GET', ARGV[1])\n--[==[ redis.call('GET', x) ]==]\n"
        "local s = \"redis.call('GET', y)\" .. [[redis.call('GET', z)]]\nreturn s\n",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char why[256];
        int problems = luacheck_keys(good[i], why, sizeof(why));
        CU_ASSERT_EQUAL(problems, 0);
        if (problems != 0)
            fprintf(stderr, "\n    refused: %s\n    %s\n", good[i], why);
    }
    CU_ASSERT_EQUAL(luacheck_max_key("return {KEYS[2], KEYS[10], KEYS[i]}"), 10);
    CU_ASSERT_EQUAL(luacheck_max_key("return 1"), 0);
}

static CU_TestInfo tests[] = {
    {"rows: names, SHA1s, headers", test_registry_rows},
    {"every file of common/lua is registered", test_every_file_registered},
    {"every script declares every key it touches", test_scripts_declare_keys},
    {"the checker refuses undeclared keys", test_checker_refuses},
    {"the checker takes declared keys", test_checker_takes},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"scripts", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
