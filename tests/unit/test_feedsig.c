/* test_feedsig.c — nq/feedsig.h: the feed secrets spec, secret lookup, and signing / verifying
 * webhook deliveries.
 *
 * The expected signatures were computed outside the code under test:
 *   printf '%s' '1795737977.{"order_id":"o-1001","amount":"1234.50"}' \
 *     | openssl dgst -sha256 -hmac 'erp-secret-0123456789'
 *   printf '%s' '1795737977.' | openssl dgst -sha256 -hmac 'erp-secret-0123456789' */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "nq/feedsig.h"
#include "nq_test.h"

#define SECRET    "erp-secret-0123456789"
#define TS        "1795737977"
#define TS_S      1795737977LL
#define BODY      "{\"order_id\":\"o-1001\",\"amount\":\"1234.50\"}"
#define SIG       "sha256=79e453372ae4340970d3b52fe6ae6542d6d1982cbb79a5cf8a11669e78b2cbf7"
#define SIG_EMPTY "sha256=598118a928f99ca5f284a180d2116c6c0fb0d3d0740747add9b44eaccf1c5fa6"

#define SPEC "erp=" SECRET ",phone=phone-secret-abcdefgh"

/* ---- the spec --------------------------------------------------------------- */

static bool spec_ok(const char *spec)
{
    const char *why = "untouched";
    int rc = nq_feed_secrets_check(spec, &why);
    CU_ASSERT_STRING_EQUAL(why, "untouched"); /* no reason when valid */
    return rc == 0;
}

/* Refused, with a reason containing `part`. */
static bool spec_refused(const char *spec, const char *part)
{
    const char *why = NULL;
    return nq_feed_secrets_check(spec, &why) == -1 && why && strstr(why, part);
}

static void test_spec_valid(void)
{
    CU_ASSERT_TRUE(spec_ok(""));
    CU_ASSERT_TRUE(spec_ok(SPEC));
    CU_ASSERT_TRUE(spec_ok("erp=0123456789abcdef"));                       /* exactly 16 */
    CU_ASSERT_TRUE(spec_ok("a.b:c_d-e=0123456789abcdef"));                 /* every id character */
    CU_ASSERT_TRUE(spec_ok("erp=0123456789abcdef,erp2=0123456789abcdef")); /* a prefix is not
                                                                               a duplicate */
    CU_ASSERT_TRUE(spec_ok("erp=with=equals&!~punctuation")); /* printable, '=' included */
    char spec[200];
    memset(spec, 0, sizeof(spec));
    memcpy(spec, "erp=", 4);
    memset(spec + 4, 'k', 128); /* exactly 128 */
    CU_ASSERT_TRUE(spec_ok(spec));
    /* NULL reason pointer is fine. */
    CU_ASSERT_EQUAL(nq_feed_secrets_check("x=short", NULL), -1);
}

static void test_spec_refused(void)
{
    /* Too short: 15 characters, and nothing. */
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcde", "16-128"));
    CU_ASSERT_TRUE(spec_refused("erp=", "16-128"));
    char spec[200];
    memset(spec, 0, sizeof(spec));
    memcpy(spec, "erp=", 4);
    memset(spec + 4, 'k', 129); /* one too many */
    CU_ASSERT_TRUE(spec_refused(spec, "16-128"));
    /* A source twice, even apart. */
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef,erp=fedcba9876543210", "twice"));
    CU_ASSERT_TRUE(spec_refused(SPEC ",erp=fedcba9876543210", "twice"));
    /* Bad source ids: empty, a space, other characters, too long. */
    CU_ASSERT_TRUE(spec_refused("=0123456789abcdef", "source"));
    CU_ASSERT_TRUE(spec_refused("e rp=0123456789abcdef", "source"));
    CU_ASSERT_TRUE(spec_refused("erp!=0123456789abcdef", "source"));
    CU_ASSERT_TRUE(spec_refused("供应商=0123456789abcdef", "source"));
    CU_ASSERT_TRUE(spec_refused("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                "=0123456789abcdef",
                                "source")); /* 65 characters */
    /* Spaces after a comma or inside a secret, a tab, a newline. */
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef, phone=0123456789abcdef", "source"));
    CU_ASSERT_TRUE(spec_refused("erp=0123456789 abcdef", "space"));
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef ", "space"));
    CU_ASSERT_TRUE(spec_refused("erp=0123456789\tabcdef", "space"));
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef\n", "space"));
    /* Trailing comma, empty item, no '='. */
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef,", "pairs"));
    CU_ASSERT_TRUE(spec_refused("erp=0123456789abcdef,,phone=0123456789abcdef", "pairs"));
    CU_ASSERT_TRUE(spec_refused(",erp=0123456789abcdef", "pairs"));
    CU_ASSERT_TRUE(spec_refused("erp", "pairs"));
    CU_ASSERT_TRUE(spec_refused("erp:0123456789abcdef", "pairs"));
}

/* ---- lookup ----------------------------------------------------------------- */

static void test_lookup(void)
{
    char buf[NQ_FEED_SECRET_MAX + 1];
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "erp", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, SECRET);
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "phone", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "phone-secret-abcdefgh");
    /* Unknown, a prefix, a longer name, another case, nothing configured. */
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "crm", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "er", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "erp2", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "ERP", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(nq_feed_secret("", "erp", buf, sizeof(buf)), -1);
    /* The buffer must hold the secret and its NUL: 21 + 1. */
    char small[22];
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "erp", small, sizeof(small)), 0);
    CU_ASSERT_STRING_EQUAL(small, SECRET);
    CU_ASSERT_EQUAL(nq_feed_secret(SPEC, "erp", small, sizeof(small) - 1), -1);
    /* A secret with '=' in it comes back whole. */
    CU_ASSERT_EQUAL(nq_feed_secret("x=a=b=c=d=e=f=g=h=i", "x", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "a=b=c=d=e=f=g=h=i");
}

/* ---- sign / verify ---------------------------------------------------------- */

static void test_sign(void)
{
    char out[80];
    CU_ASSERT_EQUAL(nq_feed_sign(SECRET, TS, BODY, strlen(BODY), out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, SIG);
    CU_ASSERT_EQUAL(nq_feed_sign(SECRET, TS, "", 0, out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, SIG_EMPTY);
    /* The body is `len` bytes, not up to a NUL. */
    CU_ASSERT_EQUAL(nq_feed_sign(SECRET, TS, BODY "trailing", strlen(BODY), out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, SIG);
    /* 72 bytes is enough, 71 is not. */
    char exact[72];
    CU_ASSERT_EQUAL(nq_feed_sign(SECRET, TS, BODY, strlen(BODY), exact, sizeof(exact)), 0);
    CU_ASSERT_STRING_EQUAL(exact, SIG);
    CU_ASSERT_EQUAL(nq_feed_sign(SECRET, TS, BODY, strlen(BODY), exact, 71), -1);
}

/* Verify at `now`, tolerance 300 s; returns the reason or "" when accepted. */
static const char *verify(const char *ts, const char *sig, const char *body, int64_t now)
{
    const char *why = "";
    int rc = nq_feed_verify(SECRET, ts, sig, body, body ? strlen(body) : 0, now, 300, &why);
    CU_ASSERT_EQUAL(rc, *why ? -1 : 0);
    return why;
}

static void test_verify_round_trip(void)
{
    CU_ASSERT_STRING_EQUAL(verify(TS, SIG, BODY, TS_S), "");
    CU_ASSERT_STRING_EQUAL(verify(TS, SIG_EMPTY, "", TS_S), "");
    /* What sign writes, verify accepts. */
    char out[80];
    const char *body = "{\"call_id\":\"c-9\",\"duration_s\":61}";
    CU_ASSERT_EQUAL_FATAL(nq_feed_sign(SECRET, "1800000000", body, strlen(body), out, sizeof(out)),
                          0);
    CU_ASSERT_STRING_EQUAL(verify("1800000000", out, body, 1800000000), "");
    /* Upper-case hex is the same signature. */
    char upper[80];
    strcpy(upper, SIG);
    for (char *p = upper + 7; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    CU_ASSERT_STRING_EQUAL(verify(TS, upper, BODY, TS_S), "");
}

static void test_verify_clock(void)
{
    /* Up to 300 s either way is accepted. */
    CU_ASSERT_STRING_EQUAL(verify(TS, SIG, BODY, TS_S + 300), "");
    CU_ASSERT_STRING_EQUAL(verify(TS, SIG, BODY, TS_S - 300), "");
    /* Stale (signed 301 s ago) and from the future (301 s ahead). */
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, SIG, BODY, TS_S + 301), "outside"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, SIG, BODY, TS_S - 301), "outside"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, SIG, BODY, TS_S + 86400), "outside"));
    /* A tolerance of 0: the very second only. */
    const char *why = NULL;
    CU_ASSERT_EQUAL(nq_feed_verify(SECRET, TS, SIG, BODY, strlen(BODY), TS_S, 0, &why), 0);
    CU_ASSERT_EQUAL(nq_feed_verify(SECRET, TS, SIG, BODY, strlen(BODY), TS_S + 1, 0, &why), -1);
}

static void test_verify_mismatch(void)
{
    /* Another body, another timestamp (in the window), another secret. */
    const char *tampered = "{\"order_id\":\"o-1001\",\"amount\":\"9234.50\"}";
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, SIG, tampered, TS_S), "does not match"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify("1795737978", SIG, BODY, TS_S), "does not match"));
    const char *why = NULL;
    CU_ASSERT_EQUAL(
        nq_feed_verify("another-secret-0123456789", TS, SIG, BODY, strlen(BODY), TS_S, 300, &why),
        -1);
    CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "does not match"));
    /* One hex digit changed. */
    char sig[80];
    strcpy(sig, SIG);
    sig[20] = sig[20] == '0' ? '1' : '0';
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, sig, BODY, TS_S), "does not match"));
    /* The signature of the empty body does not sign this one. */
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, SIG_EMPTY, BODY, TS_S), "does not match"));
}

static void test_verify_malformed(void)
{
    /* Missing headers. */
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(NULL, SIG, BODY, TS_S), "missing"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, NULL, BODY, TS_S), "missing"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(NULL, NULL, BODY, TS_S), "missing"));
    /* Timestamps that are not Unix seconds. */
    static const char *const bad_ts[] = {
        "", "abc", "1795737977x", "1795737977.5", "1795737977000000", "0x6b0b2bf9",
    };
    for (size_t i = 0; i < sizeof(bad_ts) / sizeof(bad_ts[0]); i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(verify(bad_ts[i], SIG, BODY, TS_S), "Unix seconds"));
    /* Signatures not of the form sha256=<64 hex>. */
    char shortsig[80], longsig[80];
    snprintf(shortsig, sizeof(shortsig), "%.*s", (int)strlen(SIG) - 1, SIG);
    snprintf(longsig, sizeof(longsig), "%s0", SIG);
    static const char *const bad_sig[] = {
        "",
        "sha256=",
        "79e453372ae4340970d3b52fe6ae6542d6d1982cbb79a5cf8a11669e78b2cbf7",
        "sha1=79e453372ae4340970d3b52fe6ae6542d6d1982cbb79a5cf8a11669e78b2cbf7",
        "sha256:79e453372ae4340970d3b52fe6ae6542d6d1982cbb79a5cf8a11669e78b2cbf7",
        " sha256=79e453372ae4340970d3b52fe6ae6542d6d1982cbb79a5cf8a11669e78b2cbf",
    };
    for (size_t i = 0; i < sizeof(bad_sig) / sizeof(bad_sig[0]); i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, bad_sig[i], BODY, TS_S), "sha256=<64"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, shortsig, BODY, TS_S), "sha256=<64"));
    CU_ASSERT_PTR_NOT_NULL(strstr(verify(TS, longsig, BODY, TS_S), "sha256=<64"));
    /* 64 characters that are not hex: refused either way. */
    CU_ASSERT_STRING_NOT_EQUAL(
        verify(TS, "sha256=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", BODY,
               TS_S),
        "");
    /* A NULL reason pointer is fine. */
    CU_ASSERT_EQUAL(nq_feed_verify(SECRET, NULL, SIG, BODY, strlen(BODY), TS_S, 300, NULL), -1);
    CU_ASSERT_EQUAL(nq_feed_verify(SECRET, TS, SIG, BODY, strlen(BODY), TS_S, 300, NULL), 0);
}

static CU_TestInfo spec_tests[] = {
    {"valid specs", test_spec_valid},
    {"refused specs, with reasons", test_spec_refused},
    {"lookup", test_lookup},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sig_tests[] = {
    {"sign: HMAC-SHA256 as openssl computes it", test_sign},
    {"verify: round trip, upper-case hex", test_verify_round_trip},
    {"verify: clock window", test_verify_clock},
    {"verify: mismatch", test_verify_mismatch},
    {"verify: malformed headers", test_verify_malformed},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"feed secrets", NULL, NULL, NULL, NULL, spec_tests},
    {"feed signatures", NULL, NULL, NULL, NULL, sig_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
