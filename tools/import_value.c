/* import_value.c — cells as people type them (see import_value.h). */
#include "import_value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import_alias.h"
#include "import_csv.h"
#include "import_fold.h"
#include "msg.h"
#include "nq/fielderr.h"
#include "nq/period.h"

#define SHOWN_MAX 40             /* longest cell quoted in a message */
#define YUAN      "\xC2\xA5"     /* ¥ U+00A5 */
#define YUAN_WIDE "\xEF\xBF\xA5" /* ￥ U+FFE5 */

/* Take digits at *p into the buffer at *o (at most `room` more); with
 * groups, "1,234,567" is read as one run. Returns the count, or -1 for
 * separators not in groups of three after a first group of one to three. */
static int take_digits(const char **p, bool groups, char *o, size_t room)
{
    const char *s = *p;
    size_t n = strspn(s, "0123456789"), total = n;
    if (n > room)
        return -1;
    memcpy(o, s, n);
    s += n;
    if (groups && *s == ',' && n >= 1 && n <= 3) {
        while (*s == ',') {
            if (strspn(s + 1, "0123456789") != 3 || total + 3 > room)
                return -1;
            memcpy(o + total, s + 1, 3);
            total += 3;
            s += 4;
        }
        if (s[0] >= '0' && s[0] <= '9')
            return -1;
    }
    *p = s;
    return (int)total;
}

/* Write sign, integer digits (leading zeros dropped, one kept) and fraction
 * as decimal text; with shift, the point moves two places to the left. */
static int write_decimal(bool minus, const char *ip, size_t ni, const char *fp, size_t nf,
                         bool shift, char *out, size_t cap)
{
    char digits[2 * IMPORT_VALUE_MAX + 4];
    size_t point = ni, nd = ni + nf;
    if (nd + 2 >= sizeof(digits))
        return -1;
    memcpy(digits, ip, ni);
    memcpy(digits + ni, fp, nf);
    if (shift) {
        /* "5" "" -> point 0 of "005" (0.05); trailing zeros of a share go */
        size_t pad = point < 2 ? 2 - point : 0;
        memmove(digits + pad, digits, nd);
        memset(digits, '0', pad);
        nd += pad;
        point = point + pad - 2;
        while (nd > point && digits[nd - 1] == '0')
            nd--;
    }
    size_t lead = 0;
    while (lead + 1 < point && digits[lead] == '0')
        lead++;
    int n = snprintf(out, cap, "%s%s%.*s%s%.*s", minus ? "-" : "", point == 0 ? "0" : "",
                     (int)(point - lead), digits + lead, nd > point ? "." : "", (int)(nd - point),
                     digits + point);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int import_value_decimal(const char *cell, unsigned flags, char *out, size_t cap)
{
    char s[IMPORT_VALUE_MAX], ip[IMPORT_VALUE_MAX], fp[IMPORT_VALUE_MAX];
    if (import_fold(cell, s, sizeof(s)) != 0)
        return -1;
    const char *p = s;
    bool minus = *p == '-';
    p += minus;
    if (flags & IMPORT_NUM_YUAN) {
        flags |= IMPORT_NUM_GROUPS;
        if (strncmp(p, YUAN, strlen(YUAN)) == 0)
            p += strlen(YUAN);
        else if (strncmp(p, YUAN_WIDE, strlen(YUAN_WIDE)) == 0)
            p += strlen(YUAN_WIDE);
    }
    int ni = take_digits(&p, flags & IMPORT_NUM_GROUPS, ip, sizeof(ip) - 1), nf = 0;
    if (ni < 0)
        return -1;
    if (*p == '.') {
        p++;
        nf = (int)strspn(p, "0123456789");
        if ((size_t)nf >= sizeof(fp))
            return -1;
        memcpy(fp, p, (size_t)nf);
        p += nf;
    }
    if (ni + nf == 0)
        return -1;
    bool shift = (flags & IMPORT_NUM_PERCENT) && *p == '%';
    p += shift;
    if ((flags & IMPORT_NUM_EXPONENT) && !shift && (*p == 'e' || *p == 'E')) {
        const char *e = p + 1 + (p[1] == '-' || p[1] == '+');
        size_t ne = strspn(e, "0123456789");
        if (ne == 0 || ne > 4)
            return -1;
        if (write_decimal(minus, ip, (size_t)ni, fp, (size_t)nf, false, out, cap) != 0 ||
            strlen(out) + 1 + strlen(p) >= cap)
            return -1;
        strcat(out, p); /* the exponent as written */
        return e[ne] == '\0' ? 0 : -1;
    }
    if (*p != '\0')
        return -1;
    return write_decimal(minus, ip, (size_t)ni, fp, (size_t)nf, shift, out, cap);
}

int import_value_number(const char *cell, unsigned flags, double *out)
{
    char text[IMPORT_VALUE_MAX];
    if (import_value_decimal(cell, flags, text, sizeof(text)) != 0)
        return -1;
    double v = strtod(text, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int import_value_int(const char *cell, long long *out)
{
    char text[IMPORT_VALUE_MAX];
    if (import_value_decimal(cell, IMPORT_NUM_GROUPS, text, sizeof(text)) != 0)
        return -1;
    char *dot = strchr(text, '.');
    if (dot && dot[1 + strspn(dot + 1, "0")] != '\0')
        return -1;
    if (dot)
        *dot = '\0';
    return import_csv_int(text, out);
}

/* ---- times ------------------------------------------------------------------ */

/* A civil time read from a cell. */
typedef struct civil {
    int y, mo, d, h, mi, s, ms; /* fields as written; ms from a fraction */
} civil_t;

/* 1..max digits at *p into *v. */
static int num(const char **p, size_t min, size_t max, int *v)
{
    size_t n = strspn(*p, "0123456789");
    if (n < min || n > max)
        return -1;
    *v = 0;
    for (size_t i = 0; i < n; i++)
        *v = *v * 10 + ((*p)[i] - '0');
    *p += n;
    return 0;
}

/* `word` at *p (consumed), or -1. */
static int lit(const char **p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*p, word, n) != 0)
        return -1;
    *p += n;
    return 0;
}

/* The date: Y-M-D, Y/M/D, Y.M.D (one separator throughout) or Y年M月D日. */
static int parse_date(const char **p, civil_t *c)
{
    if (num(p, 4, 4, &c->y) != 0)
        return -1;
    if (lit(p, "年") == 0) {
        if (num(p, 1, 2, &c->mo) != 0 || lit(p, "月") != 0 || num(p, 1, 2, &c->d) != 0)
            return -1;
        lit(p, "日"); /* optional */
        return 0;
    }
    char sep = **p;
    if (sep != '-' && sep != '/' && sep != '.')
        return -1;
    (*p)++;
    if (num(p, 1, 2, &c->mo) != 0 || **p != sep)
        return -1;
    (*p)++;
    return num(p, 1, 2, &c->d);
}

/* The clock after the date: H:MM[:SS[.fraction]]. */
static int parse_clock(const char **p, civil_t *c)
{
    if (num(p, 1, 2, &c->h) != 0 || lit(p, ":") != 0 || num(p, 2, 2, &c->mi) != 0)
        return -1;
    if (lit(p, ":") != 0)
        return 0;
    if (num(p, 2, 2, &c->s) != 0)
        return -1;
    if (lit(p, ".") != 0)
        return 0;
    size_t n = strspn(*p, "0123456789");
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < 3; i++)
        c->ms = c->ms * 10 + (i < n ? (*p)[i] - '0' : 0);
    *p += n;
    return 0;
}

/* Unix ms of a local civil time in the zone in force; -1 when it does not
 * exist there (a day out of its month, a clock change's gap). */
static int local_ms(const civil_t *c, int64_t *ms)
{
    if (c->y < 1970 || c->mo < 1 || c->mo > 12 || c->d < 1 || c->d > 31 || c->h > 23 ||
        c->mi > 59 || c->s > 59)
        return -1;
    struct tm tm = {.tm_year = c->y - 1900,
                    .tm_mon = c->mo - 1,
                    .tm_mday = c->d,
                    .tm_hour = c->h,
                    .tm_min = c->mi,
                    .tm_sec = c->s,
                    .tm_isdst = -1};
    time_t t = mktime(&tm);
    struct tm back;
    if (t == (time_t)-1 || !localtime_r(&t, &back) || back.tm_year != c->y - 1900 ||
        back.tm_mon != c->mo - 1 || back.tm_mday != c->d || back.tm_hour != c->h ||
        back.tm_min != c->mi)
        return -1;
    *ms = (int64_t)t * 1000 + c->ms;
    return 0;
}

int import_value_time(const char *cell, char *out, size_t cap)
{
    char s[IMPORT_VALUE_MAX];
    if (import_fold(cell, s, sizeof(s)) != 0 || !*s)
        return -1;
    const char *p = s;
    civil_t c = {0};
    int64_t ms;
    if (parse_date(&p, &c) == 0) {
        const char *clock = p + strspn(p, " ");
        if (clock == p && *p == 'T')
            clock++;
        if (*p == '\0' || (clock > p && parse_clock(&clock, &c) == 0 && *clock == '\0')) {
            if (local_ms(&c, &ms) != 0)
                return -1;
            int n = nq_time_format(ms, out, cap);
            return n > 0 && (size_t)n < cap ? 0 : -1;
        }
    }
    /* RFC 3339 with an offset, or Unix ms: the gateway's own forms */
    if (nq_time_parse(s, &ms, NULL) != 0 || strlen(s) >= cap)
        return -1;
    strcpy(out, s);
    return 0;
}

/* One of the words at *p (consumed), or -1; words are '|'-separated. */
static int any(const char **p, const char *words)
{
    for (const char *w = words; *w; w += strcspn(w, "|") + (w[strcspn(w, "|")] == '|')) {
        size_t n = strcspn(w, "|");
        if (strncmp(*p, w, n) == 0) {
            *p += n;
            return 0;
        }
    }
    return -1;
}

int import_value_period_key(nq_period_kind_t kind, const char *cell, char *out, size_t cap)
{
    char s[IMPORT_VALUE_MAX];
    civil_t c = {0};
    int y, n = -1, k = 0;
    nq_period_t period;
    if (import_fold(cell, s, sizeof(s)) != 0)
        return -1;
    const char *p = s;
    bool date = parse_date(&p, &c) == 0 && !*p;
    p = s;
    if (kind == NQ_PERIOD_DAY || (kind == NQ_PERIOD_MONTH && date)) {
        if (!date || (kind == NQ_PERIOD_MONTH && c.d != 1))
            return -1;
        n = kind == NQ_PERIOD_DAY ? snprintf(out, cap, "%04d-%02d-%02d", c.y, c.mo, c.d)
                                  : snprintf(out, cap, "%04d-%02d", c.y, c.mo);
    } else if (num(&p, 4, 4, &y) != 0) {
        return -1;
    } else if (kind == NQ_PERIOD_WEEK) {
        any(&p, "-| |年");
        any(&p, "第");
        any(&p, "W|w");
        if (num(&p, 1, 2, &k) == 0 && (any(&p, "周"), !*p))
            n = snprintf(out, cap, "%04d-W%02d", y, k);
    } else if (kind == NQ_PERIOD_MONTH) {
        if (any(&p, "-|/|.|年") == 0 && num(&p, 1, 2, &k) == 0 && (any(&p, "月"), !*p))
            n = snprintf(out, cap, "%04d-%02d", y, k);
    } else if (kind == NQ_PERIOD_QUARTER) {
        any(&p, "-| |年");
        any(&p, "第");
        any(&p, "Q|q");
        if (num(&p, 1, 1, &k) == 0 && (any(&p, "季度|季"), !*p))
            n = snprintf(out, cap, "%04d-Q%d", y, k);
    } else if (kind == NQ_PERIOD_YEAR) {
        any(&p, "年");
        if (!*p)
            n = snprintf(out, cap, "%04d", y);
    }
    if (n < 0 || (size_t)n >= cap || nq_period_from_key(kind, out, &period) != 0)
        return -1;
    return 0;
}

int import_value_bool(const char *cell, bool *out)
{
    static const import_name_t yes_no[] = {
        {"true", "yes|y|1|是|对|√"},
        {"false", "no|n|0|否|错|×"},
    };
    char s[IMPORT_VALUE_MAX];
    if (import_fold(cell, s, sizeof(s)) != 0)
        return -1;
    int i = import_name_find(yes_no, 2, sizeof(yes_no[0]), s);
    if (i < 0)
        return -1;
    *out = i == 0;
    return 0;
}

const char *import_value_shown(const char *cell)
{
    return strlen(cell) <= SHOWN_MAX && nq_valid_text(cell, SHOWN_MAX) && !strchr(cell, '\n') ? cell
                                                                                              : "";
}

void import_value_refuse(nq_field_errors_t *errs, const char *column, const char *expected,
                         const char *cell)
{
    const char *shown = import_value_shown(cell);
    if (*shown)
        nq_field_errors_add(errs, column, msg_tr(M_CELL_GOT), expected, shown);
    else
        nq_field_errors_add(errs, column, "%s", expected);
}
