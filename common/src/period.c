/* period.c — Unix-ms instants and calendar periods in one zone. See nq/period.h.
 *
 * The zone is applied by setting TZ for the whole process, so localtime_r and
 * mktime do the zone work (DST included). Pure calendar arithmetic (adding
 * days or months, ISO weeks) is done on proleptic Gregorian day numbers. */
#include "nq/period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ZONEINFO_DIR "/usr/share/zoneinfo/"
#define DEFAULT_ZONE "Asia/Shanghai"
#define MS_PER_SEC   1000
#define SEC_PER_DAY  86400
/* Unix seconds of 10000-01-01T00:00:00Z, the end of what nq_time_* accept. */
#define MAX_UNIX_SEC 253402300800LL

/* The zone in force for this process. */
static struct {
    char name[64];       /* IANA name or "UTC" */
    int applied;         /* TZ has been set to `name` in this process */
    unsigned generation; /* bumped whenever TZ is set: cached zone work is stale */
} g_zone = {DEFAULT_ZONE, 0, 0};

/* A calendar date, proleptic Gregorian. */
typedef struct civil {
    int year;  /* e.g. 2026 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
} civil_t;

static const char *const kind_names[NQ_PERIOD_KIND_COUNT] = {
    [NQ_PERIOD_DAY] = "day",         [NQ_PERIOD_WEEK] = "week", [NQ_PERIOD_MONTH] = "month",
    [NQ_PERIOD_QUARTER] = "quarter", [NQ_PERIOD_YEAR] = "year",
};

/* ---- zone ---------------------------------------------------------------- */

/* Only plain relative names: letters, digits, '_', '+', '-', and '/' between
 * components, so a name can never climb out of the zoneinfo directory. */
static int zone_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(g_zone.name) || name[0] == '/' || strstr(name, ".."))
        return 0;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") == n;
}

bool nq_zone_exists(const char *name)
{
    if (!name)
        return false;
    if (strcmp(name, "UTC") == 0)
        return true;
    if (!zone_name_ok(name))
        return false;
    char path[sizeof(ZONEINFO_DIR) + sizeof(g_zone.name)];
    snprintf(path, sizeof(path), ZONEINFO_DIR "%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char magic[4];
    size_t got = fread(magic, 1, sizeof(magic), f);
    fclose(f);
    return got == sizeof(magic) && memcmp(magic, "TZif", 4) == 0;
}

static void zone_apply(void)
{
    setenv("TZ", g_zone.name, 1);
    tzset();
    g_zone.applied = 1;
    g_zone.generation++;
}

/* Apply the zone on first use, so that a process that never called
 * nq_zone_set still computes in Asia/Shanghai and not in the host's zone. */
static void zone_ensure(void)
{
    if (!g_zone.applied)
        zone_apply();
}

int nq_zone_set(const char *name)
{
    if (!nq_zone_exists(name))
        return -1;
    snprintf(g_zone.name, sizeof(g_zone.name), "%s", name);
    zone_apply();
    return 0;
}

const char *nq_zone_name(void)
{
    return g_zone.name;
}

/* ---- calendar arithmetic ------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(civil_t c)
{
    int64_t y = c.year - (c.month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (c.month + (c.month > 2 ? -3 : 9)) + 2) / 5 + c.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static civil_t civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (civil_t){(int)(yoe + era * 400 + (month <= 2)), month,
                     (int)(doy - (153 * mp + 2) / 5 + 1)};
}

static civil_t add_days(civil_t c, int64_t days)
{
    return civil_from_days(days_from_civil(c) + days);
}

/* First day of the month `months` after c's month. */
static civil_t add_months(civil_t c, int months)
{
    int m0 = c.year * 12 + (c.month - 1) + months;
    return (civil_t){m0 / 12, m0 % 12 + 1, 1};
}

static int days_in_month(int year, int month)
{
    civil_t next = add_months((civil_t){year, month, 1}, 1);
    return (int)(days_from_civil(next) - days_from_civil((civil_t){year, month, 1}));
}

/* Monday = 0 .. Sunday = 6; 1970-01-01 was a Thursday. */
static int iso_weekday(civil_t c)
{
    return (int)((days_from_civil(c) % 7 + 7 + 3) % 7);
}

/* Recently asked local midnights, by date. mktime does the zone's work anew
 * on every call (glibc parses the zone's rule string for any instant after its
 * last transition: every date of Asia/Shanghai since 1991), and a rebuild or a
 * scorer asks for the same few dates thousands of times. Direct-mapped. */
#define MIDNIGHTS_CACHED 64

typedef struct midnight {
    civil_t date;        /* as asked (mktime also takes days past the month's end) */
    int64_t ms;          /* its local midnight */
    unsigned generation; /* g_zone.generation it was computed in; 0: empty */
} midnight_t;

static _Thread_local midnight_t t_midnights[MIDNIGHTS_CACHED];

/* Unix ms of 00:00 local time on date c in the configured zone. */
static int64_t local_midnight_ms(civil_t c)
{
    zone_ensure();
    midnight_t *m = &t_midnights[(uint64_t)days_from_civil(c) % MIDNIGHTS_CACHED];
    if (m->generation == g_zone.generation && m->date.year == c.year && m->date.month == c.month &&
        m->date.day == c.day)
        return m->ms;
    struct tm tm = {0};
    tm.tm_year = c.year - 1900;
    tm.tm_mon = c.month - 1;
    tm.tm_mday = c.day;
    tm.tm_isdst = -1;
    *m = (midnight_t){c, (int64_t)mktime(&tm) * MS_PER_SEC, g_zone.generation};
    return m->ms;
}

/* ---- periods ------------------------------------------------------------- */

int nq_period_kind_parse(const char *s, nq_period_kind_t *out)
{
    for (int k = 0; s && k < NQ_PERIOD_KIND_COUNT; k++) {
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (nq_period_kind_t)k;
            return 0;
        }
    }
    return -1;
}

const char *nq_period_kind_name(nq_period_kind_t kind)
{
    return (unsigned)kind < NQ_PERIOD_KIND_COUNT ? kind_names[kind] : "unknown";
}

/* The period's first day, the first day of the next one, and its key. Years
 * are 1970..9999 here (checked by the callers); the `% 10000`, `% 100` and
 * `% 4` only tell the compiler the printed widths. */
static void period_days(nq_period_kind_t kind, civil_t d, civil_t *start, civil_t *end, char *key,
                        size_t keylen)
{
    switch (kind) {
    case NQ_PERIOD_DAY:
        *start = d;
        *end = add_days(d, 1);
        snprintf(key, keylen, "%04u-%02u-%02u", (unsigned)d.year % 10000, (unsigned)d.month % 100,
                 (unsigned)d.day % 100);
        break;
    case NQ_PERIOD_WEEK: {
        *start = add_days(d, -iso_weekday(d));
        *end = add_days(*start, 7);
        /* The ISO week belongs to the year of its Thursday. */
        civil_t thu = add_days(*start, 3);
        int64_t week = (days_from_civil(thu) - days_from_civil((civil_t){thu.year, 1, 1})) / 7 + 1;
        snprintf(key, keylen, "%04u-W%02u", (unsigned)thu.year % 10000, (unsigned)week % 100);
        break;
    }
    case NQ_PERIOD_MONTH:
        *start = (civil_t){d.year, d.month, 1};
        *end = add_months(*start, 1);
        snprintf(key, keylen, "%04u-%02u", (unsigned)d.year % 10000, (unsigned)d.month % 100);
        break;
    case NQ_PERIOD_QUARTER:
        *start = (civil_t){d.year, (d.month - 1) / 3 * 3 + 1, 1};
        *end = add_months(*start, 3);
        snprintf(key, keylen, "%04u-Q%u", (unsigned)d.year % 10000,
                 (unsigned)(d.month - 1) / 3 % 4 + 1);
        break;
    default: /* NQ_PERIOD_YEAR */
        *start = (civil_t){d.year, 1, 1};
        *end = (civil_t){d.year + 1, 1, 1};
        snprintf(key, keylen, "%04u", (unsigned)d.year % 10000);
        break;
    }
}

/* The period of `kind` containing local date `d`. */
static void period_of_date(nq_period_kind_t kind, civil_t d, nq_period_t *out)
{
    civil_t start, end;
    nq_period_t p = {.kind = kind};
    period_days(kind, d, &start, &end, p.key, sizeof(p.key));
    p.start_ms = local_midnight_ms(start);
    p.end_ms = local_midnight_ms(end);
    *out = p;
}

int nq_period_of(nq_period_kind_t kind, int64_t at_ms, nq_period_t *out)
{
    if ((unsigned)kind >= NQ_PERIOD_KIND_COUNT)
        return -1;
    /* A day's margin either side of 1970..9999 UTC; the local year decides. */
    int64_t sec = floor_div(at_ms, MS_PER_SEC);
    if (sec < -SEC_PER_DAY || sec > MAX_UNIX_SEC + SEC_PER_DAY)
        return -1;

    time_t t = (time_t)sec;
    struct tm tm;
    zone_ensure();
    if (!localtime_r(&t, &tm) || tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 9999)
        return -1;
    period_of_date(kind, (civil_t){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, out);
    return 0;
}

int nq_period_prev(const nq_period_t *p, nq_period_t *out)
{
    return p ? nq_period_of(p->kind, p->start_ms - 1, out) : -1;
}

int nq_period_next(const nq_period_t *p, nq_period_t *out)
{
    return p ? nq_period_of(p->kind, p->end_ms, out) : -1;
}

/* ---- instants ------------------------------------------------------------ */

static int64_t clock_offset_ms;

void nq_clock_set_offset_ms(int64_t offset_ms)
{
    clock_offset_ms = offset_ms;
}

int64_t nq_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MS_PER_SEC + ts.tv_nsec / 1000000 + clock_offset_ms;
}

static int fail(const char **reason, const char *why)
{
    if (reason)
        *reason = why;
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read exactly n digits at *p into *out and advance *p. Returns 0 or -1. */
static int take_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Read the character c at *p and advance. Returns 0 or -1. */
static int take_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* All digits: Unix ms, at most the end of year 9999. */
static int parse_unix_ms(const char *s, int64_t *ms, const char **reason)
{
    int64_t v = 0;
    for (; *s; s++) {
        v = v * 10 + (*s - '0');
        if (v >= MAX_UNIX_SEC * MS_PER_SEC)
            return fail(reason, "Unix ms out of range");
    }
    *ms = v;
    return 0;
}

/* "YYYY-MM-DD" at *p, a real date in 1970..9999. */
static int parse_date(const char **p, civil_t *d, const char **reason)
{
    if (take_digits(p, 4, &d->year) || take_char(p, '-') || take_digits(p, 2, &d->month) ||
        take_char(p, '-') || take_digits(p, 2, &d->day))
        return fail(reason, "expected YYYY-MM-DD");
    if (d->year < 1970 || d->month < 1 || d->month > 12 || d->day < 1 ||
        d->day > days_in_month(d->year, d->month))
        return fail(reason, "invalid date");
    return 0;
}

/* "HH:MM:SS[.fff]" at *p: seconds of the day and milliseconds (digits past
 * the third are truncated). */
static int parse_clock(const char **p, int64_t *sec, int *ms, const char **reason)
{
    int h, m, s;
    if (take_digits(p, 2, &h) || take_char(p, ':') || take_digits(p, 2, &m) || take_char(p, ':') ||
        take_digits(p, 2, &s))
        return fail(reason, "expected HH:MM:SS after 'T'");
    if (h > 23 || m > 59 || s > 59)
        return fail(reason, "invalid time of day");
    *sec = h * 3600 + m * 60 + s;
    *ms = 0;
    if (**p == '.') {
        (*p)++;
        int n = 0;
        for (; is_digit(**p); (*p)++, n++)
            if (n < 3)
                *ms = *ms * 10 + (**p - '0');
        if (n == 0 || n > 9)
            return fail(reason, "fractional seconds need 1 to 9 digits");
        for (; n < 3; n++)
            *ms *= 10;
    }
    return 0;
}

/* 'Z' or "+HH:MM" / "-HH:MM" at *p: seconds east of UTC. */
static int parse_offset(const char **p, int64_t *off, const char **reason)
{
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *off = 0;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return fail(reason, "missing UTC offset (Z or +HH:MM)");
    int sign = (**p == '-') ? -1 : 1;
    int h, m;
    (*p)++;
    if (take_digits(p, 2, &h) || take_char(p, ':') || take_digits(p, 2, &m) || h > 23 || m > 59)
        return fail(reason, "invalid UTC offset");
    *off = sign * (h * 3600 + m * 60);
    return 0;
}

int nq_time_parse(const char *s, int64_t *ms, const char **reason)
{
    if (!s || !*s)
        return fail(reason, "empty time");
    if (strspn(s, "0123456789") == strlen(s))
        return parse_unix_ms(s, ms, reason);

    const char *p = s;
    civil_t d;
    if (parse_date(&p, &d, reason))
        return -1;
    if (*p == '\0') {
        *ms = local_midnight_ms(d);
        return 0;
    }
    if (*p != 'T' && *p != 't')
        return fail(reason, "expected 'T' or end after the date");
    p++;

    int64_t sec, off;
    int frac;
    if (parse_clock(&p, &sec, &frac, reason) || parse_offset(&p, &off, reason))
        return -1;
    if (*p != '\0')
        return fail(reason, "trailing characters");
    *ms = (days_from_civil(d) * SEC_PER_DAY + sec - off) * MS_PER_SEC + frac;
    return 0;
}

int nq_time_format(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)floor_div(ms, MS_PER_SEC);
    struct tm tm;
    zone_ensure();
    if (!localtime_r(&t, &tm))
        return snprintf(buf, len, "invalid");
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    off = off < 0 ? -off : off;
    return snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02ld:%02ld", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    (int)(ms - floor_div(ms, MS_PER_SEC) * MS_PER_SEC), sign, off / 3600,
                    off / 60 % 60);
}

/* ---- periods by key ------------------------------------------------------ */

/* The first day of the period `kind` whose key is `key`, parsed strictly. */
static int key_first_day(nq_period_kind_t kind, const char *key, civil_t *out)
{
    int y = 0, m = 1, d = 1, w = 0, q = 0;
    const char *p = key;
    if (take_digits(&p, 4, &y) != 0)
        return -1;
    int rc = 0;
    switch (kind) {
    case NQ_PERIOD_DAY:
        rc = take_char(&p, '-') || take_digits(&p, 2, &m) || take_char(&p, '-') ||
             take_digits(&p, 2, &d);
        rc = rc || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m);
        break;
    case NQ_PERIOD_WEEK:
        rc = take_char(&p, '-') || take_char(&p, 'W') || take_digits(&p, 2, &w) || w < 1 || w > 53;
        break;
    case NQ_PERIOD_MONTH:
        rc = take_char(&p, '-') || take_digits(&p, 2, &m) || m < 1 || m > 12;
        break;
    case NQ_PERIOD_QUARTER:
        rc = take_char(&p, '-') || take_char(&p, 'Q') || take_digits(&p, 1, &q) || q < 1 || q > 4;
        m = (q - 1) * 3 + 1;
        break;
    default:
        break;
    }
    if (rc || *p || y < 1970 || y > 9999)
        return -1;
    if (kind == NQ_PERIOD_WEEK) {
        /* Week 1 is the week with 4 January in it. */
        civil_t jan4 = {y, 1, 4};
        *out = add_days(jan4, -iso_weekday(jan4) + (int64_t)(w - 1) * 7);
        return 0;
    }
    *out = (civil_t){y, m, d};
    return 0;
}

int nq_period_from_key(nq_period_kind_t kind, const char *key, nq_period_t *out)
{
    civil_t first;
    nq_period_t p;
    if ((unsigned)kind >= NQ_PERIOD_KIND_COUNT || !key || key_first_day(kind, key, &first) != 0)
        return -1;
    /* Straight from the date, without the zone's work of an instant (a rebuild
     * asks for thousands of keys); the years nq_period_of accepts. */
    if (first.year < 1970 || first.year > 9999)
        return -1;
    period_of_date(kind, first, &p);
    if (strcmp(p.key, key) != 0) /* e.g. week 53 of a year that has 52 */
        return -1;
    *out = p;
    return 0;
}

int nq_period_last_year(const nq_period_t *p, nq_period_t *out)
{
    char key[sizeof(p->key)];
    int year = atoi(p->key);
    snprintf(key, sizeof(key), "%04u%s", (unsigned)(year - 1) % 10000, p->key + 4);
    if (nq_period_from_key(p->kind, key, out) == 0)
        return 0;
    /* 29 February -> 28 February; week 53 -> week 52. */
    key[strlen(key) - 1]--;
    return nq_period_from_key(p->kind, key, out);
}
