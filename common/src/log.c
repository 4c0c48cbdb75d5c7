/* log.c — JSON-lines logging. See nq/log.h. */
#include "nq/log.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "nq/utf8.h"

/* Longest formatted message kept; longer ones are truncated. */
#define MSG_MAX 2048
/* Worst case of escaping: every byte becomes \u00XX. */
#define ESCAPED_MAX(n) ((n)*6 + 1)

static const char *const level_names[] = {
    [NQ_LOG_DEBUG] = "debug",
    [NQ_LOG_INFO] = "info",
    [NQ_LOG_WARN] = "warn",
    [NQ_LOG_ERROR] = "error",
};

/* Process-wide logging settings. */
static struct {
    char service[64];         /* written on every line */
    nq_log_level_t min_level; /* lines below are dropped */
    FILE *out;                /* NULL means stdout */
} g_log = {"nq", NQ_LOG_INFO, NULL};

void nq_log_init(const char *service, nq_log_level_t min_level)
{
    snprintf(g_log.service, sizeof(g_log.service), "%s", service ? service : "nq");
    g_log.min_level = min_level;
}

int nq_log_level_parse(const char *s, nq_log_level_t *out)
{
    for (size_t i = 0; s && i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (nq_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

void nq_log_set_stream(FILE *out)
{
    g_log.out = out;
}

/* Quotes, backslashes and control characters are escaped (controls as \u00XX);
 * valid UTF-8 is copied as is and each invalid byte becomes \ufffd, so the
 * output is always valid JSON. A unit that does not fit whole is not written. */
size_t nq_json_escape(char *buf, size_t len, const char *s)
{
    size_t w = 0;
    if (len == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (size_t left = strlen((const char *)p); left > 0;) {
        char unit[8];
        size_t n = nq_utf8_seq((const char *)p, left, NULL);
        size_t consumed = n ? n : 1;
        if (n == 0)
            n = (size_t)snprintf(unit, sizeof(unit), "\\ufffd");
        else if (*p == '"' || *p == '\\')
            n = (size_t)snprintf(unit, sizeof(unit), "\\%c", *p);
        else if (*p < 0x20)
            n = (size_t)snprintf(unit, sizeof(unit), "\\u%04x", *p);
        else
            memcpy(unit, p, n);
        if (w + n >= len)
            break;
        memcpy(buf + w, unit, n);
        w += n;
        p += consumed;
        left -= consumed;
    }
    buf[w] = '\0';
    return w;
}

/* "2026-11-26T23:59:01.123Z" (UTC) into buf of at least 25 bytes. */
static void format_utc_now(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void nq_log(nq_log_level_t level, const char *event, const char *fmt, ...)
{
    if (level < g_log.min_level || level > NQ_LOG_ERROR)
        return;

    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    msg[0] = '\0';
    if (fmt) /* clang refuses an empty literal as the format */
        vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    char ts[32];
    char service[ESCAPED_MAX(sizeof(g_log.service))];
    char ev[ESCAPED_MAX(64)];
    char text[ESCAPED_MAX(MSG_MAX)];
    format_utc_now(ts, sizeof(ts));
    nq_json_escape(service, sizeof(service), g_log.service);
    nq_json_escape(ev, sizeof(ev), event);
    nq_json_escape(text, sizeof(text), msg);

    /* One fprintf per line so that concurrent writers do not interleave. */
    FILE *out = g_log.out ? g_log.out : stdout;
    fprintf(out,
            "{\"ts\":\"%s\",\"level\":\"%s\",\"service\":\"%s\",\"event\":\"%s\",\"msg\":\"%s\"}\n",
            ts, level_names[level], service, ev, text);
    fflush(out);
}
