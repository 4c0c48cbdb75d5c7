/* tools/import_value.h — cells as people type them in Excel, read strictly.
 *
 * Pure: a cell's text in, a canonical text or value out. The one thing
 * besides the arguments is the zone of nq/period.h (nq_zone_set), in which
 * times without an offset are read.
 *
 * Every reader first folds full-width forms to ASCII (import_fold.h: １２，３４５．６ -> 12,345.6,
 * ％ ： ／ － and the ideographic space too) and trims spaces and tabs, so what
 * a Chinese input method types reads like ASCII. Then:
 *
 *   decimal   86000  86,000.00  -1,234.5  ¥86,000.00 (IMPORT_NUM_YUAN)
 *             80%  12.5% (IMPORT_NUM_PERCENT: the point moves two places)
 *             thousands separators only in groups of three: "1,5" is refused
 *   whole     1800  1,800  1800.00 (a fraction of zeros only)
 *   time      2026-12-04  2026/12/4  2026.12.04  2026年12月4日  each with an
 *             optional time after a space or T: 9:30, 09:30:00, 09:30:00.250
 *             -> local time in the zone, written as RFC 3339 with its offset
 *             ("2026-12-04T09:30:00.000+08:00"); RFC 3339 with an offset and
 *             Unix ms (all digits) are kept as written
 *   boolean   true false (any case)  yes no  y n  1 0  是 否
 *
 *   char amount[IMPORT_VALUE_MAX];
 *   if (import_value_decimal("86,000.00", IMPORT_NUM_YUAN, amount, sizeof(amount)) == 0)
 *       ... amount is "86000.00"
 */
#ifndef NQ_TOOLS_IMPORT_VALUE_H
#define NQ_TOOLS_IMPORT_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/fielderr.h"
#include "nq/period.h"

#define IMPORT_VALUE_MAX 64 /* room for any canonical text these functions write */

/* What import_value_decimal accepts besides digits, '-' and '.'. */
enum {
    IMPORT_NUM_GROUPS = 1 << 0,   /* thousands separators: "86,000.00" */
    IMPORT_NUM_YUAN = 1 << 1,     /* a leading ¥ or ￥ after the sign (implies GROUPS) */
    IMPORT_NUM_PERCENT = 1 << 2,  /* a trailing %: "80%" is "0.8" */
    IMPORT_NUM_EXPONENT = 1 << 3, /* an exponent: "1e3", "2.5E-4" */
};

/* A decimal number as a person writes it (see above), as plain decimal text:
 * "-1,234.50" -> "-1234.50" (the digits as written: no rounding, no
 * trailing zeros dropped), "12.5%" -> "0.125". Returns 0, or -1 when the
 * cell is not such a number or the text needs more than cap bytes. */
int import_value_decimal(const char *cell, unsigned flags, char *out, size_t cap);

/* The same, as a finite double. Returns 0 or -1 (out untouched). */
int import_value_number(const char *cell, unsigned flags, double *out);

/* A whole number: optional '-', digits, thousands separators in groups of
 * three, a fraction of zeros ("1,800.00"); at most 18 digits. 0 or -1. */
int import_value_int(const char *cell, long long *out);

/* A time (see above) as the text to send: RFC 3339 with an offset or Unix
 * ms. Returns 0, or -1 when the cell is no such time, names a day or time
 * that does not exist (2026-02-30, 25:00, a local time skipped by a clock
 * change) or is before 1970. */
int import_value_time(const char *cell, char *out, size_t cap);

/* A period key as people write it, as the key of nq/period.h: for a day
 * any date form above ("2026/11/26" -> "2026-11-26"); a week "2026-W48",
 * "2026W48", "2026年第48周"; a month "2026-11", "2026/11", "2026.11",
 * "2026年11月", or its first day as a date ("2026/11/1", what Excel makes
 * of a typed "2026-11"); a quarter "2026-Q4", "2026Q4", "2026年第4季度",
 * "2026年Q4"; a year "2026", "2026年". Returns 0, or -1 when the cell is
 * no such key or names no such period (2026-13, 2025-W53). */
int import_value_period_key(nq_period_kind_t kind, const char *cell, char *out, size_t cap);

/* A yes/no cell (see above). Returns 0 or -1. */
int import_value_bool(const char *cell, bool *out);

/* Add the refusal of a cell to errs: field `column`, reason `expected`
 * (a message: "expected an amount such as 86000.00") and the cell when
 * import_value_shown shows it (" (got '8.6万')"). */
void import_value_refuse(nq_field_errors_t *errs, const char *column, const char *expected,
                         const char *cell);

/* The cell as it may be quoted in a message: itself when it is valid UTF-8
 * text without control characters of at most 40 bytes, else "". Borrowed
 * from the arguments. */
const char *import_value_shown(const char *cell);

#endif
