/* workdays.c — working-day calendar. See nq/workdays.h. */
#include "nq/workdays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

typedef char day_key_t[11];

static int cmp_key(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Append the day key of `p` to a growing list. */
static int push(day_key_t **list, size_t *n, const nq_period_t *p)
{
    if (*n >= NQ_CALENDAR_MAX_DAYS)
        return -1;
    day_key_t *grown = realloc(*list, (*n + 1) * sizeof(**list));
    if (!grown)
        return -1;
    *list = grown;
    memcpy(grown[*n], p->key, sizeof(grown[*n]));
    grown[*n][10] = '\0';
    (*n)++;
    return 0;
}

/* One item: "YYYY-MM-DD" or, when ranges are allowed, "a..b". */
static int parse_item(const char *item, size_t len, bool ranges, day_key_t **list, size_t *n,
                      const char **why)
{
    char a[16] = "", b[16] = "";
    const char *dots = ranges ? strstr(item, "..") : NULL;
    if (dots && dots < item + len) {
        snprintf(a, sizeof(a), "%.*s", (int)(dots - item), item);
        snprintf(b, sizeof(b), "%.*s", (int)(item + len - dots - 2), dots + 2);
    } else {
        snprintf(a, sizeof(a), "%.*s", (int)len, item);
        strcpy(b, a);
    }
    nq_period_t first, last;
    if (len > 22 || nq_period_from_key(NQ_PERIOD_DAY, a, &first) != 0 ||
        nq_period_from_key(NQ_PERIOD_DAY, b, &last) != 0) {
        *why = "days must be YYYY-MM-DD (holidays may be ranges YYYY-MM-DD..YYYY-MM-DD)";
        return -1;
    }
    /* At most 366 days, both ends included (a day may last 23 or 25 hours). */
    if (last.start_ms < first.start_ms ||
        last.start_ms - first.start_ms > 365 * DAY_MS + DAY_MS / 2) {
        *why = "a range must run forwards and span at most 366 days";
        return -1;
    }
    for (nq_period_t d = first; d.start_ms <= last.start_ms;) {
        if (push(list, n, &d) != 0) {
            *why = "too many days";
            return -1;
        }
        if (nq_period_next(&d, &d) != 0)
            break;
    }
    return 0;
}

static int parse_list(const char *spec, bool ranges, day_key_t **list, size_t *n, const char **why)
{
    for (const char *p = spec ? spec : ""; *p;) {
        size_t len = strcspn(p, ",");
        bool trailing = p[len] == ',' && p[len + 1] == '\0';
        if (len == 0 || trailing) {
            *why = "empty item in a list of days";
            return -1;
        }
        if (parse_item(p, len, ranges, list, n, why) != 0)
            return -1;
        p += len + (p[len] == ',');
    }
    if (*n)
        qsort(*list, *n, sizeof(**list), cmp_key);
    return 0;
}

int nq_calendar_parse(nq_calendar_t *cal, const char *holidays, const char *makeup,
                      const char **why)
{
    memset(cal, 0, sizeof(*cal));
    if (parse_list(holidays, true, &cal->holidays, &cal->n_holidays, why) != 0 ||
        parse_list(makeup, true, &cal->makeup, &cal->n_makeup, why) != 0) {
        nq_calendar_free(cal);
        return -1;
    }
    return 0;
}

void nq_calendar_free(nq_calendar_t *cal)
{
    free(cal->holidays);
    free(cal->makeup);
    memset(cal, 0, sizeof(*cal));
}

static bool listed(day_key_t *list, size_t n, const char *key)
{
    return n && bsearch(key, list, n, sizeof(*list), cmp_key) != NULL;
}

bool nq_calendar_workday(const nq_calendar_t *cal, int64_t at_ms)
{
    nq_period_t day, week;
    if (nq_period_of(NQ_PERIOD_DAY, at_ms, &day) != 0 ||
        nq_period_of(NQ_PERIOD_WEEK, at_ms, &week) != 0)
        return false;
    char key[11];
    memcpy(key, day.key, 10); /* a day key is exactly YYYY-MM-DD */
    key[10] = '\0';
    if (listed(cal->makeup, cal->n_makeup, key))
        return true;
    /* Monday is day 0 of the ISO week; round for days of 23 or 25 hours. */
    int64_t weekday = (day.start_ms - week.start_ms + DAY_MS / 2) / DAY_MS;
    return weekday < 5 && !listed(cal->holidays, cal->n_holidays, key);
}

void nq_workdays(const nq_calendar_t *cal, const nq_period_t *p, int64_t now_ms, double *total,
                 double *elapsed)
{
    *total = *elapsed = 0;
    nq_period_t d;
    if (nq_period_of(NQ_PERIOD_DAY, p->start_ms, &d) != 0)
        return;
    while (d.start_ms < p->end_ms) {
        if (nq_calendar_workday(cal, d.start_ms)) {
            *total += 1;
            if (now_ms >= d.end_ms)
                *elapsed += 1;
            else if (now_ms > d.start_ms)
                *elapsed += (double)(now_ms - d.start_ms) / (double)(d.end_ms - d.start_ms);
        }
        if (nq_period_next(&d, &d) != 0)
            break;
    }
}
