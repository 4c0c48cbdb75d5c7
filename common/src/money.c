/* money.c — exact decimal yuan <-> integer fen. See nq/money.h. */
#include "nq/money.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Largest |yuan| nq_money_from_double looks at, before the fen limit applies. */
#define DOUBLE_MAX_YUAN 9e13

static int fail(const char **reason, const char *why)
{
    if (reason)
        *reason = why;
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Append decimal digit `d` to *acc unless the result would pass NQ_MONEY_MAX_FEN
 * once scaled by `scale` (the fen still to come). Returns false on overflow. */
static bool push_digit(int64_t *acc, int d, int64_t scale)
{
    if (*acc > (NQ_MONEY_MAX_FEN / scale - d) / 10)
        return false;
    *acc = *acc * 10 + d;
    return true;
}

/* s[0..len) as decimal yuan (see nq_money_parse). */
static int parse_n(const char *s, size_t len, int64_t *fen, const char **reason)
{
    if (!s || len == 0)
        return fail(reason, "empty amount");
    const char *p = s, *end = s + len;
    bool negative = (*p == '-');
    if (negative)
        p++;
    if (p == end || !is_digit(*p))
        return fail(reason, "not a decimal number");

    int64_t yuan = 0;
    for (; p < end && is_digit(*p); p++)
        if (!push_digit(&yuan, *p - '0', 100))
            return fail(reason, "amount out of range");

    int64_t cents = 0;
    if (p < end && *p == '.') {
        p++;
        int decimals = 0;
        for (; p < end && is_digit(*p); p++, decimals++)
            if (decimals < 2)
                cents = cents * 10 + (*p - '0');
        if (decimals == 0)
            return fail(reason, "no digits after '.'");
        if (decimals > 2)
            return fail(reason, "more than two decimals");
        if (decimals == 1)
            cents *= 10;
    }
    if (p != end)
        return fail(reason, "not a decimal number");

    int64_t total = yuan * 100 + cents;
    if (total > NQ_MONEY_MAX_FEN)
        return fail(reason, "amount out of range");
    *fen = negative ? -total : total;
    return 0;
}

int nq_money_parse(const char *s, int64_t *fen, const char **reason)
{
    return parse_n(s, s ? strlen(s) : 0, fen, reason);
}

int nq_money_parse_number(const char *text, size_t len, int64_t *fen, const char **reason)
{
    if (text && (memchr(text, 'e', len) || memchr(text, 'E', len)))
        return fail(reason, "must be decimal yuan without an exponent");
    return parse_n(text, len, fen, reason);
}

/* A double is taken as an amount of fen r when it is the double nearest to the
 * decimal r/100 (what any correct JSON parser produces for a two-decimal
 * literal), or within a few ulps of it, so that 0.1 + 0.2 still reads as 0.30. */
int nq_money_from_double(double yuan, int64_t *fen, const char **reason)
{
    if (!isfinite(yuan))
        return fail(reason, "not a finite number");
    if (fabs(yuan) > DOUBLE_MAX_YUAN)
        return fail(reason, "amount out of range");

    double scaled = yuan * 100.0;
    double rounded = round(scaled);
    bool exact = (rounded / 100.0 == yuan);
    bool near = fabs(scaled - rounded) <= fmin(1e-3, 8 * DBL_EPSILON * fabs(scaled));
    if (!exact && !near)
        return fail(reason, "more than two decimals");
    if (fabs(rounded) > (double)NQ_MONEY_MAX_FEN)
        return fail(reason, "amount out of range");
    *fen = (int64_t)rounded;
    return 0;
}

int nq_money_format(int64_t fen, char *buf, size_t len)
{
    /* Unsigned magnitude so that INT64_MIN does not overflow. */
    uint64_t mag = fen < 0 ? -(uint64_t)fen : (uint64_t)fen;
    return snprintf(buf, len, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", mag / 100,
                    (unsigned)(mag % 100));
}

int nq_money_format_grouped(int64_t fen, char *buf, size_t len)
{
    char plain[32], grouped[48];
    nq_money_format(fen, plain, sizeof(plain));
    const char *digits = plain + (fen < 0);
    size_t whole = strlen(digits) - 3, used = 0; /* digits before ".NN" */
    if (fen < 0)
        grouped[used++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            grouped[used++] = ',';
        grouped[used++] = digits[i];
    }
    memcpy(grouped + used, digits + whole, 4); /* ".NN" and its NUL */
    return snprintf(buf, len, "%s", grouped);
}
