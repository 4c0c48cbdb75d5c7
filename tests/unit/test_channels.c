/* test_channels.c — services/alerting/channel.h (channels, payloads, signatures) and
 * dlvplan.h (delivery ids, records, backoff, retry window, rate plan).
 *
 * The expected signatures were computed outside the code under test (Python's hmac):
 *   base64(hmac(SECRET, "1796112000123\n" + SECRET, sha256)), URL-quoted   (DingTalk)
 *   base64(hmac("1796112000\nfeishu-secret-1234", "", sha256))            (Feishu) */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "dlvplan.h"
#include "nq/feedsig.h"
#include "nq_test.h"
#include "quiet.h"

#define DT_SECRET "SEC000000000000000000000000000000000000000000000000000000000000000"
#define DT_TS     1796112000123LL
#define DT_SIGN   "zuYa8rYBnBhGshl5uGLSCmq93y7BZdv0ZKkuC9jrfYo%3D"
#define FS_SECRET "feishu-secret-1234"
#define FS_SIGN   "9GJockx8kEH8HF11A7wKTP6/IQ+5bBzgHg50njyQapc="

static void test_signatures(void)
{
    char out[128];
    CU_ASSERT_EQUAL(channel_sign_dingtalk(DT_SECRET, DT_TS, out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, DT_SIGN);
    CU_ASSERT_EQUAL(channel_sign_feishu(FS_SECRET, DT_TS / 1000, out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, FS_SIGN);
    CU_ASSERT_EQUAL(channel_sign_feishu(FS_SECRET, 1, out, 10), -1); /* no room */
}

static int parse(const char *text, channel_t *ch, nq_field_errors_t *errs)
{
    json_t *j = json_loads(text, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    int rc = channel_parse(j, ch, errs);
    json_decref(j);
    return rc;
}

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

static void test_parse(void)
{
    channel_t ch;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(parse("{\"kind\":\"wecom\",\"name\":\"华东一组群\",\"webhook\":"
                          "\"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234\"}",
                          &ch, &errs),
                    0);
    CU_ASSERT_STRING_EQUAL(channel_kind_name(ch.kind), "wecom");
    CU_ASSERT_EQUAL(ch.rate_per_min, 20); /* the kind's default */
    CU_ASSERT_EQUAL(parse("{\"kind\":\"webhook\",\"name\":\"erp\",\"webhook\":\"http://h:1/x\","
                          "\"secret\":\"0123456789abcdef\",\"rate_per_min\":5}",
                          &ch, &errs),
                    0);
    CU_ASSERT_EQUAL(ch.rate_per_min, 5);
    /* each bad field named */
    CU_ASSERT_TRUE(refused("{\"kind\":\"sms\",\"name\":\"a\",\"webhook\":\"http://h/\"}", "kind"));
    CU_ASSERT_TRUE(refused("{\"kind\":\"wecom\",\"name\":\"\",\"webhook\":\"http://h/\"}", "name"));
    CU_ASSERT_TRUE(
        refused("{\"kind\":\"wecom\",\"name\":\"a\",\"webhook\":\"ftp://h/\"}", "webhook"));
    CU_ASSERT_TRUE(
        refused("{\"kind\":\"wecom\",\"name\":\"a\",\"webhook\":\"http:///x\"}", "webhook"));
    CU_ASSERT_TRUE(refused("{\"kind\":\"wecom\",\"name\":\"a\",\"webhook\":\"http://h/\","
                           "\"secret\":\"s\"}",
                           "secret")); /* WeCom robots sign nothing */
    CU_ASSERT_TRUE(refused("{\"kind\":\"webhook\",\"name\":\"a\",\"webhook\":\"http://h/\","
                           "\"secret\":\"short\"}",
                           "secret"));
    CU_ASSERT_TRUE(
        refused("{\"kind\":\"webhook\",\"name\":\"a\",\"webhook\":\"http://h/\"}", "secret"));
    CU_ASSERT_TRUE(refused("{\"kind\":\"feishu\",\"name\":\"a\",\"webhook\":\"http://h/\","
                           "\"rate_per_min\":0}",
                           "rate_per_min"));
    CU_ASSERT_TRUE(refused("{\"kind\":\"feishu\",\"name\":\"a\",\"webhook\":\"http://h/\","
                           "\"colour\":1}",
                           "colour"));
}

static void test_stored_and_shown(void)
{
    channel_t ch, back;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL_FATAL(
        parse("{\"kind\":\"dingtalk\",\"name\":\"群\",\"webhook\":"
              "\"https://oapi.dingtalk.com/robot/send?access_token=abcdef123456\","
              "\"secret\":\"" DT_SECRET "\"}",
              &ch, &errs),
        0);
    strcpy(ch.id, "ch-1");
    ch.created_at = 5;
    json_t *j = channel_to_json(&ch);
    char *text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_EQUAL(channel_from_json(text, &back), 0);
    CU_ASSERT_STRING_EQUAL(back.secret, DT_SECRET);
    CU_ASSERT_STRING_EQUAL(back.webhook, ch.webhook);
    CU_ASSERT_EQUAL(back.rate_per_min, 20);
    free(text);
    json_decref(j);
    json_t *pub = channel_public_json(&ch);
    char *shown = json_dumps(pub, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(shown, "abcdef12")); /* the token */
    CU_ASSERT_PTR_NULL(strstr(shown, "SEC0"));     /* the secret */
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(pub, "webhook")),
                           "https://oapi.dingtalk.com/robot/send?access_token=********3456");
    CU_ASSERT_TRUE(json_is_true(json_object_get(pub, "has_secret")));
    free(shown);
    json_decref(pub);
    char m[64];
    channel_mask_url("http://h/p?a=12345&flag&b=xy", m, sizeof(m));
    CU_ASSERT_STRING_EQUAL(m, "http://h/p?a=*2345&flag&b=xy");
    channel_mask_url("http://h/p", m, sizeof(m));
    CU_ASSERT_STRING_EQUAL(m, "http://h/p");
    channel_mask_url("https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-9999", m, sizeof(m));
    CU_ASSERT_STRING_EQUAL(m, "https://open.feishu.cn/open-apis/bot/v2/hook/*********9999");
    channel_mask_url("http://h", m, sizeof(m));
    CU_ASSERT_STRING_EQUAL(m, "http://h");
    channel_mask_url("http://h/p?token=abcdefgh", m, 16); /* cut, still terminated */
    CU_ASSERT_EQUAL(strlen(m), 15);
}

static const channel_item_t item = {
    .id = "1796112000123-9c0a4b1d2e3f4a5b",
    .rule = "big_order",
    .severity = "warning",
    .title = "大额订单：张伟 的客户 杭州金达 下单 ¥99,000.00",
    .title_en = "Big order: 张伟's customer 杭州金达 ordered CNY 99,000.00",
    .explanation = "订单金额 ¥99,000.00，达到大额订单门槛 ¥50,000.00。",
    .link = "/console/customers/cust-001",
    .team_id = "t-east",
    .amount_fen = 9900000,
    .raised_at = 1796112000123,
};

static json_t *request_of(const char *kind, const char *secret, channel_msg_kind_t mk, size_t n,
                          channel_req_t *rq)
{
    channel_t ch = {.kind = channel_kind_find(kind), .rate_per_min = 20};
    strcpy(ch.webhook, "http://127.0.0.1:9/hook?key=k");
    strcpy(ch.secret, secret);
    channel_item_t items[3] = {item, item, item};
    channel_msg_t m = {.kind = mk,
                       .items = items,
                       .n = n,
                       .team_name = "华东一组",
                       .console_url = "https://nq.example.com"};
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &m, DT_TS, rq), 0);
    json_t *b = json_loads(rq->body, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL(b);
    return b;
}

static void test_payloads(void)
{
    channel_req_t rq;
    /* WeCom: markdown content with the title, the amount and the console link */
    json_t *b = request_of("wecom", "", CHANNEL_MSG_ALERT, 1, &rq);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "msgtype")), "markdown");
    const char *md = json_string_value(json_object_get(json_object_get(b, "markdown"), "content"));
    CU_ASSERT_PTR_NOT_NULL(strstr(md, item.title));
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "¥99,000.00"));
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "(https://nq.example.com/console/customers/cust-001)"));
    CU_ASSERT_STRING_EQUAL(rq.url, "http://127.0.0.1:9/hook?key=k");
    json_decref(b);
    channel_req_free(&rq);
    /* DingTalk: markdown title and text, the signature on the URL */
    b = request_of("dingtalk", DT_SECRET, CHANNEL_MSG_ALERT, 1, &rq);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "msgtype")), "markdown");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(b, "markdown"), "title")), item.title);
    CU_ASSERT_STRING_EQUAL(rq.url,
                           "http://127.0.0.1:9/hook?key=k&timestamp=1796112000123&sign=" DT_SIGN);
    json_decref(b);
    channel_req_free(&rq);
    /* Feishu: an interactive card, timestamp (s) and sign in the body */
    b = request_of("feishu", FS_SECRET, CHANNEL_MSG_ALERT, 1, &rq);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "msg_type")), "interactive");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "timestamp")), "1796112000");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "sign")), FS_SIGN);
    json_t *card = json_object_get(b, "card");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(
            json_object_get(json_object_get(json_object_get(card, "header"), "title"), "content")),
        item.title);
    json_decref(b);
    channel_req_free(&rq);
    /* generic webhook: our feeds' signature over timestamp + body */
    b = request_of("webhook", "0123456789abcdef", CHANNEL_MSG_DIGEST, 3, &rq);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "event")), "digest");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "alerts")), 3);
    CU_ASSERT_STRING_EQUAL(rq.headers[1], "X-Neiqin-Timestamp: 1796112000");
    const char *why;
    CU_ASSERT_EQUAL(nq_feed_verify("0123456789abcdef", "1796112000",
                                   rq.headers[2] + strlen("X-Neiqin-Signature: "), rq.body, rq.len,
                                   1796112000, 300, &why),
                    0);
    json_decref(b);
    channel_req_free(&rq);
    /* a digest lists every title; a test message names the team */
    b = request_of("wecom", "", CHANNEL_MSG_DIGEST, 3, &rq);
    md = json_string_value(json_object_get(json_object_get(b, "markdown"), "content"));
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "3 条新预警"));
    json_decref(b);
    channel_req_free(&rq);
    b = request_of("dingtalk", "", CHANNEL_MSG_TEST, 0, &rq);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        json_string_value(json_object_get(json_object_get(b, "markdown"), "text")), "华东一组"));
    CU_ASSERT_PTR_NULL(strstr(rq.url, "sign=")); /* no secret: no signature */
    json_decref(b);
    channel_req_free(&rq);
}

/* An escalation: marked in the title, the text and the webhook's item. */
static void test_escalated_payloads(void)
{
    channel_t ch = {.kind = channel_kind_find("dingtalk"), .rate_per_min = 20};
    strcpy(ch.webhook, "http://127.0.0.1:9/hook?key=k");
    channel_item_t items[2] = {item, item};
    items[0].escalated = true;
    channel_msg_t m = {.kind = CHANNEL_MSG_ALERT, .items = items, .n = 1, .console_url = ""};
    channel_req_t rq;
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &m, DT_TS, &rq), 0);
    json_t *b = json_loads(rq.body, 0, NULL);
    json_t *md = json_object_get(b, "markdown");
    char want[600];
    snprintf(want, sizeof(want), "已升级 · %s", item.title);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(md, "title")), want);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_string_value(json_object_get(md, "text")),
                                  "Escalated: not acknowledged in time"));
    json_decref(b);
    channel_req_free(&rq);
    /* the webhook says which item is an escalation; a digest marks it */
    ch.kind = channel_kind_find("webhook");
    strcpy(ch.secret, "0123456789abcdef");
    m.kind = CHANNEL_MSG_DIGEST;
    m.n = 2;
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &m, DT_TS, &rq), 0);
    b = json_loads(rq.body, 0, NULL);
    json_t *alerts = json_object_get(b, "alerts");
    CU_ASSERT_TRUE(json_is_true(json_object_get(json_array_get(alerts, 0), "escalated")));
    CU_ASSERT_TRUE(json_is_false(json_object_get(json_array_get(alerts, 1), "escalated")));
    json_decref(b);
    channel_req_free(&rq);
    ch.kind = channel_kind_find("wecom");
    CU_ASSERT_EQUAL_FATAL(channel_request(&ch, &m, DT_TS, &rq), 0);
    b = json_loads(rq.body, 0, NULL);
    const char *text =
        json_string_value(json_object_get(json_object_get(b, "markdown"), "content"));
    snprintf(want, sizeof(want), "- 【已升级】%s", item.title);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
    snprintf(want, sizeof(want), "- %s", item.title);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, want)); /* the other one as it is */
    json_decref(b);
    channel_req_free(&rq);
}

static void test_accepted(void)
{
    channel_t wecom = {.kind = channel_kind_find("wecom")};
    channel_t hook = {.kind = channel_kind_find("webhook")};
    const char *why;
    CU_ASSERT_TRUE(channel_accepted(&wecom, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", &why));
    CU_ASSERT_FALSE(channel_accepted(&wecom, 200, "{\"errcode\":45009}", &why));
    CU_ASSERT_PTR_NOT_NULL(why);
    CU_ASSERT_FALSE(channel_accepted(&hook, 500, "", &why));
    CU_ASSERT_TRUE(channel_accepted(&hook, 204, "", &why));
}

static void test_ids_records(void)
{
    dlv_id_t id;
    CU_ASSERT_EQUAL(dlv_id_parse("1796112000123-9c0a/t-east/ch-1a", &id), 0);
    CU_ASSERT_STRING_EQUAL(id.alert, "1796112000123-9c0a");
    CU_ASSERT_STRING_EQUAL(id.team, "t-east");
    CU_ASSERT_STRING_EQUAL(id.field, "t-east/ch-1a");
    CU_ASSERT_FALSE(dlv_id_is_test(&id));
    CU_ASSERT_EQUAL(dlv_id_parse("test-ab/t1/c", &id), 0);
    CU_ASSERT_TRUE(dlv_id_is_test(&id));
    CU_ASSERT_EQUAL(dlv_id_parse("a/b", &id), -1);
    CU_ASSERT_FALSE(id.escalated);
    CU_ASSERT_EQUAL(dlv_id_parse("a/b/c/d", &id), -1);
    CU_ASSERT_EQUAL(dlv_id_parse("a/b/c/escalated/x", &id), -1);
    CU_ASSERT_EQUAL(dlv_id_parse("a/b//escalated", &id), -1);
    /* an escalation: recorded apart from the first delivery */
    CU_ASSERT_EQUAL(dlv_id_parse("1796112000123-9c0a/t-east/ch-1a/escalated", &id), 0);
    CU_ASSERT_TRUE(id.escalated);
    CU_ASSERT_STRING_EQUAL(id.alert, "1796112000123-9c0a");
    CU_ASSERT_STRING_EQUAL(id.channel, "ch-1a");
    CU_ASSERT_STRING_EQUAL(id.field, "t-east/ch-1a/escalated");
    CU_ASSERT_EQUAL(dlv_id_parse("/b/c", &id), -1);
    CU_ASSERT_EQUAL(dlv_id_parse("a/b c/c", &id), -1);
    dlv_record_t r, back;
    dlv_record_init(&r, "ch-1", "wecom", 1000);
    r.attempts = 3;
    strcpy(r.error, "HTTP 500");
    char *text = dlv_record_dump(&r);
    CU_ASSERT_EQUAL(dlv_record_load(text, &back), 0);
    CU_ASSERT_EQUAL(back.attempts, 3);
    CU_ASSERT_EQUAL(back.first_at, 1000);
    CU_ASSERT_STRING_EQUAL(back.state, "queued");
    CU_ASSERT_STRING_EQUAL(back.error, "HTTP 500");
    free(text);
    CU_ASSERT_EQUAL(dlv_record_load("{\"state\":1}", &back), -1);
}

static void test_backoff(void)
{
    /* doubling from the base, capped, and in the upper half of each step */
    static const struct {
        int attempts;
        int64_t lo, hi;
    } rows[] = {
        {1, 5000, 10000},       {2, 10000, 20000},      {3, 20000, 40000},
        {10, 1800000, 3600000}, {40, 1800000, 3600000},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (uint32_t rnd = 0; rnd < 100000; rnd += 7919) {
            int64_t d = dlv_backoff_ms(rows[i].attempts, 10000, 3600000, rnd);
            CU_ASSERT_TRUE(d >= rows[i].lo && d <= rows[i].hi);
        }
        CU_ASSERT_EQUAL(dlv_backoff_ms(rows[i].attempts, 10000, 3600000, 0), rows[i].lo);
    }
    CU_ASSERT_NOT_EQUAL(dlv_backoff_ms(3, 10000, 3600000, 1), dlv_backoff_ms(3, 10000, 3600000, 2));
    /* the window: retried until it ends, the last try at its end, then dead */
    dlv_record_t r;
    dlv_record_init(&r, "c", "wecom", 0);
    r.attempts = 1;
    int64_t next = 0;
    CU_ASSERT_EQUAL(dlv_after_failure(&r, 1000, 86400000, 10000, 3600000, 0, &next), 1);
    CU_ASSERT_EQUAL(next, 6000);
    r.attempts = 10; /* a backoff longer than what is left of the window */
    CU_ASSERT_EQUAL(dlv_after_failure(&r, 86390000, 86400000, 10000, 3600000, 0, &next), 1);
    CU_ASSERT_EQUAL(next, 86400000);
    CU_ASSERT_EQUAL(dlv_after_failure(&r, 86400000, 86400000, 10000, 3600000, 0, &next), 0);
}

static void test_plan(void)
{
    /* due, depth, rate, spent, digest max -> messages, per message, sent */
    static const struct {
        size_t due;
        long long depth;
        int rate;
        long long spent;
        size_t digest_max;
        size_t messages, per, sent;
    } rows[] = {
        {1, 1, 20, 0, 64, 1, 1, 1},          /* one alert, room: alone */
        {5, 5, 20, 5, 64, 5, 1, 5},          /* fills the first half exactly: each alone */
        {5, 5, 20, 15, 64, 1, 64, 5},        /* fits what is left, past half: a digest */
        {6, 6, 20, 15, 64, 1, 64, 6},        /* more than is left: one digest */
        {60, 60, 20, 19, 64, 1, 64, 60},     /* the last message of the window: a digest */
        {1, 1, 20, 20, 64, 0, 0, 0},         /* the window is full: wait */
        {3, 3, 20, 25, 64, 0, 0, 0},         /* over (a lower rate set meanwhile): wait */
        {0, 10, 20, 0, 64, 0, 0, 0},         /* nothing due */
        {64, 10000, 600, 0, 64, 1, 64, 64},  /* a burst: digests from the first round */
        {64, 64, 600, 0, 64, 64, 1, 64},     /* a round half the window holds: each alone */
        {64, 300, 600, 0, 64, 64, 1, 64},    /* a backlog of half the window exactly */
        {64, 301, 600, 0, 64, 1, 64, 64},    /* one more: digests */
        {64, 64, 600, 290, 64, 1, 64, 64},   /* a burst arriving bit by bit, past half: digests */
        {10, 0, 600, 0, 64, 10, 1, 10},      /* depth unknown (0): the due ones are the backlog */
        {200, 200, 100, 0, 64, 4, 64, 200},  /* due over one digest: several */
        {200, 200, 100, 98, 64, 2, 64, 128}, /* 2 messages left: the rest waits */
        {5, 50, 10, 0, 1, 3, 2, 5},          /* a digest carries at least 2 */
        {1, 1, 1, 0, 64, 1, 1, 1},           /* rate 1: its one message, alone */
        {1, 1, 1, 1, 64, 0, 0, 0},           /* rate 1, spent: wait */
        {3, 3, 0, 0, 64, 0, 0, 0},           /* rate 0: nothing goes */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        dlv_budget_t b = {rows[i].due, rows[i].depth, rows[i].rate, rows[i].spent,
                          rows[i].digest_max};
        dlv_split_t sp = dlv_plan(&b);
        if (sp.messages != rows[i].messages || sp.per_message != rows[i].per ||
            sp.sent != rows[i].sent)
            fprintf(stderr, "row %zu: %zu messages of %zu, %zu sent\n", i, sp.messages,
                    sp.per_message, sp.sent);
        CU_ASSERT_EQUAL(sp.messages, rows[i].messages);
        CU_ASSERT_EQUAL(sp.per_message, rows[i].per);
        CU_ASSERT_EQUAL(sp.sent, rows[i].sent);
        /* never more messages than the window has left, nothing sent twice */
        CU_ASSERT_TRUE((long long)sp.messages <=
                       (rows[i].rate - rows[i].spent > 0 ? rows[i].rate - rows[i].spent : 0));
        CU_ASSERT_TRUE(sp.sent <= rows[i].due);
    }
}

static quiet_t quiet_of(const char *text, int want_rc)
{
    json_t *j = json_loads(text, 0, NULL);
    quiet_t q;
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(quiet_parse(j, &q, &errs), want_rc);
    json_decref(j);
    return q;
}

#define H(h, m) (((h)*60LL + (m)) * 60000LL)

static void test_quiet(void)
{
    const int64_t day = 1796054400000LL; /* a day's start */
    const int64_t next = day + H(24, 0);
    quiet_t night = quiet_of("{\"start\":\"22:00\",\"end\":\"08:00\"}", 0);
    quiet_t noon = quiet_of("{\"start\":\"12:00\",\"end\":\"13:30\"}", 0);
    quiet_t none = quiet_of("{}", 0);
    static const struct {
        int64_t at;
        int64_t night, noon;
    } rows[] = {
        {H(0, 0), H(8, 0), 0},    {H(7, 59), H(8, 0), 0},    {H(8, 0), 0, 0},
        {H(12, 0), 0, H(13, 30)}, {H(13, 29), 0, H(13, 30)}, {H(13, 30), 0, 0},
        {H(21, 59), 0, 0},        {H(22, 0), H(32, 0), 0},   {H(23, 59), H(32, 0), 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t want_n = rows[i].night ? day + rows[i].night : 0;
        int64_t want_d = rows[i].noon ? day + rows[i].noon : 0;
        CU_ASSERT_EQUAL(quiet_until(&night, day + rows[i].at, day, next), want_n);
        CU_ASSERT_EQUAL(quiet_until(&noon, day + rows[i].at, day, next), want_d);
        CU_ASSERT_EQUAL(quiet_until(&none, day + rows[i].at, day, next), 0);
    }
    json_t *j = quiet_json(&night);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "start")), "22:00");
    json_decref(j);
    quiet_of("{\"start\":\"24:00\",\"end\":\"08:00\"}", -1);
    quiet_of("{\"start\":\"8:00\",\"end\":\"09:00\"}", -1);
    quiet_of("{\"start\":\"08:00\"}", -1);
    quiet_of("{\"start\":\"08:00\",\"end\":\"08:00\"}", -1);
    quiet_of("{\"start\":\"08:00\",\"end\":\"09:00\",\"x\":1}", -1);
    CU_ASSERT_TRUE(quiet_holds("warning"));
    CU_ASSERT_TRUE(quiet_holds("info"));
    CU_ASSERT_FALSE(quiet_holds("critical"));
}

static CU_TestInfo channel_tests[] = {
    {"DingTalk and Feishu signatures", test_signatures},
    {"a channel's body checked field by field", test_parse},
    {"stored with its secret, shown masked", test_stored_and_shown},
    {"each vendor's documented payload", test_payloads},
    {"an escalation is marked in every payload", test_escalated_payloads},
    {"what counts as taken", test_accepted},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo plan_tests[] = {
    {"delivery ids and records", test_ids_records},
    {"backoff with jitter and the retry window", test_backoff},
    {"rate limit: each, digest or wait", test_plan},
    {"quiet hours: windows, midnight, edges, bodies", test_quiet},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"channels", NULL, NULL, NULL, NULL, channel_tests},
    {"delivery plan", NULL, NULL, NULL, NULL, plan_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
