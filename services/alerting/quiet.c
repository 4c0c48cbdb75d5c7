/* quiet.c — a team's quiet hours. See quiet.h. */
#include "quiet.h"

#include <stdio.h>
#include <string.h>

#define MIN_MS 60000LL

static int parse_hhmm(const json_t *v)
{
    return quiet_hhmm(json_string_value(v));
}

int quiet_hhmm(const char *s)
{
    int h, m;
    char tail;
    if (!s || strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 ||
        m < 0 || m > 59)
        return -1;
    return h * 60 + m;
}

int quiet_parse(const json_t *body, quiet_t *q, nq_field_errors_t *errs)
{
    size_t before = errs->n;
    memset(q, 0, sizeof(*q));
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)body, key, v) {
        if (strcmp(key, "start") != 0 && strcmp(key, "end") != 0)
            nq_field_errors_add(errs, key, "unknown field");
    }
    json_t *start = json_object_get(body, "start"), *end = json_object_get(body, "end");
    if (!start && !end)
        return errs->n > before ? -1 : 0;
    q->start_min = parse_hhmm(start);
    q->end_min = parse_hhmm(end);
    if (q->start_min < 0)
        nq_field_errors_add(errs, "start", "must be a time of day HH:MM (with end)");
    if (q->end_min < 0)
        nq_field_errors_add(errs, "end", "must be a time of day HH:MM (with start)");
    else if (q->end_min == q->start_min)
        nq_field_errors_add(errs, "end", "must differ from start");
    q->set = errs->n == before;
    return q->set ? 0 : -1;
}

int quiet_load(const char *text, quiet_t *q)
{
    memset(q, 0, sizeof(*q));
    if (!text || !*text)
        return 0;
    json_t *j = json_loads(text, 0, NULL);
    nq_field_errors_t errs = {0};
    int rc = j ? quiet_parse(j, q, &errs) : -1;
    json_decref(j);
    return rc;
}

json_t *quiet_json(const quiet_t *q)
{
    if (!q->set)
        return json_object();
    char s[24], e[24];
    snprintf(s, sizeof(s), "%02d:%02d", q->start_min / 60, q->start_min % 60);
    snprintf(e, sizeof(e), "%02d:%02d", q->end_min / 60, q->end_min % 60);
    return json_pack("{s:s, s:s}", "start", s, "end", e);
}

int64_t quiet_until(const quiet_t *q, int64_t now, int64_t day_start, int64_t day_end)
{
    if (!q->set)
        return 0;
    int64_t minute = (now - day_start) / MIN_MS;
    if (q->start_min < q->end_min) /* within one day: 12:00-14:00 */
        return minute >= q->start_min && minute < q->end_min ? day_start + q->end_min * MIN_MS : 0;
    if (minute >= q->start_min) /* 22:00-08:00, evening part: ends tomorrow */
        return day_end + q->end_min * MIN_MS;
    return minute < q->end_min ? day_start + q->end_min * MIN_MS : 0; /* morning part */
}

bool quiet_holds(const char *severity)
{
    return !severity || strcmp(severity, "critical") != 0;
}
