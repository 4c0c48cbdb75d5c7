/* test_channel_mail.c — services/alerting/channel_mail.h: the e-mail channel's fields,
 * stored and shown forms, and its RFC 5322 message (checked by decoding it here). */
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "channel.h"
#include "nq_test.h"

#define MAIL_OK                                                                                      \
    "{\"kind\":\"email\",\"name\":\"华东一组邮件\",\"smtp\":\"smtps://smtp.example.com:465\"," \
    "\"from\":\"alerts@example.com\",\"to\":[\"lead@example.com\",\"li.na+sales@example.cn\"],"      \
    "\"username\":\"alerts@example.com\",\"secret\":\"pa55-w0rd\"}"

static int parse(const char *text, channel_t *ch, nq_field_errors_t *errs)
{
    json_t *j = json_loads(text, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    int rc = channel_parse(j, ch, errs);
    json_decref(j);
    return rc;
}

/* Refused, naming `field`. */
static bool refused(const char *text, const char *field)
{
    channel_t ch;
    nq_field_errors_t errs = {0};
    if (parse(text, &ch, &errs) != -1)
        return false;
    for (size_t i = 0; i < errs.n; i++)
        if (strcmp(errs.items[i].field, field) == 0)
            return true;
    return false;
}

#define BODY(extra)                                                                                \
    "{\"kind\":\"email\",\"name\":\"m\",\"from\":\"a@b.cn\",\"to\":[\"c@d.cn\"]," extra "}"

static void test_parse(void)
{
    channel_t ch;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL_FATAL(parse(MAIL_OK, &ch, &errs), 0);
    CU_ASSERT_STRING_EQUAL(ch.webhook, "smtps://smtp.example.com:465");
    CU_ASSERT_STRING_EQUAL(ch.mail_from, "alerts@example.com");
    CU_ASSERT_EQUAL(ch.n_to, 2);
    CU_ASSERT_STRING_EQUAL(ch.mail_to[1], "li.na+sales@example.cn");
    CU_ASSERT_STRING_EQUAL(ch.username, "alerts@example.com");
    CU_ASSERT_STRING_EQUAL(ch.secret, "pa55-w0rd");
    CU_ASSERT_EQUAL(ch.rate_per_min, 30); /* the kind's default */
    CU_ASSERT_FALSE(ch.plaintext);
    CU_ASSERT_EQUAL(
        parse(BODY("\"smtp\":\"smtp://127.0.0.1:2525\",\"allow_plaintext\":true"), &ch, &errs), 0);
    CU_ASSERT_TRUE(ch.plaintext);
    /* each field refused on its own */
    static const struct {
        const char *body, *field;
    } bad[] = {
        {BODY("\"smtp\":\"http://smtp.example.com\""), "smtp"},
        {BODY("\"smtp\":\"smtp://user:pw@smtp.example.com\""), "smtp"},
        {BODY("\"smtp\":\"smtp://smtp.example.com/path\""), "smtp"},
        {BODY("\"smtp\":\"smtp://smtp.example.com:0\""), "smtp"},
        {BODY("\"smtp\":\"smtp://smtp.example.com:99999\""), "smtp"},
        {BODY("\"smtp\":\"smtp://-bad.example.com\""), "smtp"},
        {"{\"kind\":\"email\",\"name\":\"m\",\"from\":\"a@b.cn\",\"to\":[\"c@d.cn\"]}", "smtp"},
        {BODY("\"smtp\":\"smtp://h\",\"from\":\"no-at-sign\""), "from"},
        {"{\"kind\":\"email\",\"name\":\"m\",\"smtp\":\"smtp://h\",\"from\":\"a@b.cn\",\"to\":[]}",
         "to"},
        {"{\"kind\":\"email\",\"name\":\"m\",\"smtp\":\"smtp://h\",\"from\":\"a@b.cn\","
         "\"to\":[\"ok@d.cn\",\"x y@d.cn\"]}",
         "to"},
        {"{\"kind\":\"email\",\"name\":\"m\",\"smtp\":\"smtp://h\",\"from\":\"a@b.cn\","
         "\"to\":\"c@d.cn\"}",
         "to"},
        {BODY("\"smtp\":\"smtp://h\",\"secret\":\"pw\""), "secret"}, /* no username */
        {BODY("\"smtp\":\"smtp://h\",\"username\":\"\""), "username"},
        {BODY("\"smtp\":\"smtps://h\",\"allow_plaintext\":true"), "allow_plaintext"},
        {BODY("\"smtp\":\"smtp://h\",\"allow_plaintext\":\"yes\""), "allow_plaintext"},
        {BODY("\"smtp\":\"smtp://h\",\"webhook\":\"http://h/\""), "webhook"}, /* not its field */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_TRUE(refused(bad[i].body, bad[i].field));
        if (!refused(bad[i].body, bad[i].field))
            fprintf(stderr, "not refused on %s: %s\n", bad[i].field, bad[i].body);
    }
    /* and the robots do not take the e-mail fields */
    CU_ASSERT_TRUE(refused("{\"kind\":\"wecom\",\"name\":\"x\",\"webhook\":\"http://h/\","
                           "\"from\":\"a@b.cn\"}",
                           "from"));
    /* 10 recipients at most */
    CU_ASSERT_TRUE(refused("{\"kind\":\"email\",\"name\":\"m\",\"smtp\":\"smtp://h\",\"from\":"
                           "\"a@b.cn\",\"to\":[\"1@d.cn\",\"2@d.cn\",\"3@d.cn\",\"4@d.cn\","
                           "\"5@d.cn\",\"6@d.cn\",\"7@d.cn\",\"8@d.cn\",\"9@d.cn\",\"10@d.cn\","
                           "\"11@d.cn\"]}",
                           "to"));
}

static void test_stored_and_shown(void)
{
    channel_t ch, back;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL_FATAL(parse(MAIL_OK, &ch, &errs), 0);
    snprintf(ch.id, sizeof(ch.id), "ch-00ff");
    json_t *stored = channel_to_json(&ch);
    char *text = json_dumps(stored, JSON_COMPACT);
    CU_ASSERT_EQUAL_FATAL(channel_from_json(text, &back), 0);
    CU_ASSERT_STRING_EQUAL(back.webhook, ch.webhook);
    CU_ASSERT_STRING_EQUAL(back.secret, "pa55-w0rd");
    CU_ASSERT_EQUAL(back.n_to, 2);
    CU_ASSERT_STRING_EQUAL(back.mail_to[0], "lead@example.com");
    CU_ASSERT_STRING_EQUAL(back.username, ch.username);
    free(text);
    json_decref(stored);
    json_t *shown = channel_public_json(&ch);
    text = json_dumps(shown, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, "pa55-w0rd"));
    CU_ASSERT_PTR_NULL(json_object_get(shown, "webhook"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(shown, "smtp")),
                           "smtps://smtp.example.com:465");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(shown, "to")), 2);
    CU_ASSERT_TRUE(json_is_true(json_object_get(shown, "has_secret")));
    free(text);
    json_decref(shown);
}

/* Decode base64 s[0..n) into out (NUL-terminated); its length or -1. */
static long unbase64(const char *s, size_t n, char *out, size_t len)
{
    size_t got;
    if (sodium_base642bin((unsigned char *)out, len - 1, s, n, "\r\n", &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    out[got] = '\0';
    return (long)got;
}

/* The text of a header value made of encoded words "=?UTF-8?B?...?=" folded by CRLF SP. */
static void decode_words(const char *v, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = strstr(v, "=?UTF-8?B?"); p; p = strstr(p, "=?UTF-8?B?")) {
        p += 10;
        const char *end = strstr(p, "?=");
        CU_ASSERT_PTR_NOT_NULL_FATAL(end);
        CU_ASSERT_TRUE(end - p + 12 <= 75); /* RFC 2047: a word is 75 characters at most */
        long got = unbase64(p, (size_t)(end - p), out + o, len - o);
        CU_ASSERT_TRUE_FATAL(got >= 0);
        o += (size_t)got;
        p = end + 2;
    }
}

static void test_header_words(void)
{
    static const char *const titles[] = {
        "",
        "big order",
        "张伟 本月销售进度 62%，低于 80%：还需 ¥43,000.00",
        "重点客户 华联超市（上海徐汇店）已 9 天未拜访（要求 7 天）· Key customer not visited for "
        "9 days (limit 7 days)",
    };
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
        char *h = channel_mail_encode_header(titles[i]), back[1024];
        CU_ASSERT_PTR_NOT_NULL_FATAL(h);
        decode_words(h, back, sizeof(back));
        CU_ASSERT_STRING_EQUAL(back, titles[i]);
        CU_ASSERT_PTR_NULL(strchr(h, '\n') && !strstr(h, "\r\n ") ? h : NULL);
        free(h);
    }
    char date[40];
    channel_mail_date(1796112000123LL, date, sizeof(date));
    CU_ASSERT_STRING_EQUAL(date, "Tue, 01 Dec 2026 08:00:00 +0000");
}

static void test_message(void)
{
    channel_t ch;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL_FATAL(parse(MAIL_OK, &ch, &errs), 0);
    channel_item_t item = {.id = "al-42",
                           .rule = "big_order",
                           .severity = "warning",
                           .title = "大单：华联超市 ¥99,000.00",
                           .title_en = "Big order: 华联超市 CNY 99,000.00",
                           .explanation = "张伟 录入一笔 ¥99,000.00 的订单",
                           .link = "/console/customers/cust-001",
                           .amount_fen = 9900000};
    channel_msg_t m = {
        .kind = CHANNEL_MSG_ALERT, .items = &item, .n = 1, .console_url = "https://nq.example.com"};
    channel_req_t rq;
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &m, 1796112000123LL, &rq), 0);
    /* the envelope */
    CU_ASSERT_STRING_EQUAL(rq.url, "smtps://smtp.example.com:465");
    CU_ASSERT_STRING_EQUAL(rq.mail_from, "alerts@example.com");
    CU_ASSERT_STRING_EQUAL(rq.mail_rcpt[0], "lead@example.com");
    CU_ASSERT_STRING_EQUAL(rq.mail_rcpt[1], "li.na+sales@example.cn");
    CU_ASSERT_PTR_NULL(rq.mail_rcpt[2]);
    CU_ASSERT_STRING_EQUAL(rq.username, "alerts@example.com");
    CU_ASSERT_STRING_EQUAL(rq.password, "pa55-w0rd");
    CU_ASSERT_TRUE(rq.require_tls);
    CU_ASSERT_EQUAL(rq.len, strlen(rq.body));
    /* the headers */
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "From: alerts@example.com\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "To: lead@example.com, li.na+sales@example.cn\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "Date: Tue, 01 Dec 2026 08:00:00 +0000\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "Message-ID: <al-42.1796112000123@neiqin>\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "Content-Type: text/plain; charset=UTF-8\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "X-Neiqin-Event: alert\r\n"));
    /* the subject is the title */
    const char *subj = strstr(rq.body, "Subject: ");
    const char *subj_end = subj ? strstr(subj, "\r\nDate:") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(subj_end);
    char head[1024], back[1024];
    snprintf(head, sizeof(head), "%.*s", (int)(subj_end - subj), subj);
    decode_words(head, back, sizeof(back));
    CU_ASSERT_STRING_EQUAL(back, item.title);
    /* the body: base64 lines of at most 76, the text with the amount and the link */
    const char *body = strstr(rq.body, "\r\n\r\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    body += 4;
    for (const char *l = body; *l; l = strstr(l, "\r\n") + 2)
        CU_ASSERT_TRUE(strstr(l, "\r\n") - l <= 76);
    static char text[8192];
    CU_ASSERT_TRUE_FATAL(unbase64(body, strlen(body), text, sizeof(text)) > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, item.title));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "¥99,000.00"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "https://nq.example.com/console/customers/cust-001"));
    channel_req_free(&rq);
    /* a test message; an smtp:// channel that allows plain text */
    CU_ASSERT_EQUAL_FATAL(
        parse(BODY("\"smtp\":\"smtp://127.0.0.1:2525\",\"allow_plaintext\":true"), &ch, &errs), 0);
    channel_msg_t t = {.kind = CHANNEL_MSG_TEST, .team_name = "华东一组"};
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &t, 1796112000123LL, &rq), 0);
    CU_ASSERT_FALSE(rq.require_tls);
    CU_ASSERT_PTR_NULL(rq.username[0] ? rq.username : NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "X-Neiqin-Event: test\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rq.body, "Message-ID: <test.1796112000123@neiqin>\r\n"));
    channel_req_free(&rq);
}

static void test_accepted(void)
{
    channel_t ch;
    nq_field_errors_t errs = {0};
    const char *why;
    CU_ASSERT_EQUAL_FATAL(parse(MAIL_OK, &ch, &errs), 0);
    CU_ASSERT_TRUE(channel_accepted(&ch, 250, "", &why));
    CU_ASSERT_FALSE(channel_accepted(&ch, 451, "", &why));
    CU_ASSERT_FALSE(channel_accepted(&ch, 0, "", &why)); /* no answer */
}

static CU_TestInfo tests[] = {
    {"an e-mail channel's body checked field by field", test_parse},
    {"stored with its password, shown without it", test_stored_and_shown},
    {"headers as RFC 2047 encoded words, dates", test_header_words},
    {"the envelope and the RFC 5322 message", test_message},
    {"an SMTP 2xx is taken", test_accepted},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"e-mail channel", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
