/* nq/period.h — Unix-ms time and calendar periods in the configured zone.
 *
 * Periods are computed in one zone per process (default Asia/Shanghai),
 * whatever the host's TZ is: nq_zone_set() must be called once at start-up
 * (it sets TZ for this process). Weeks are ISO weeks, starting Monday 00:00.
 *
 *   nq_zone_set("Asia/Shanghai");
 *   nq_period_t p;
 *   nq_period_of(NQ_PERIOD_WEEK, nq_now_ms(), &p);  // p.key == "2026-W48"
 *
 * Period keys: day "2026-11-26", week "2026-W48" (ISO week-year), month
 * "2026-11", quarter "2026-Q4", year "2026".
 */
#ifndef NQ_PERIOD_H
#define NQ_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    NQ_PERIOD_DAY,
    NQ_PERIOD_WEEK,
    NQ_PERIOD_MONTH,
    NQ_PERIOD_QUARTER,
    NQ_PERIOD_YEAR,
    NQ_PERIOD_KIND_COUNT
} nq_period_kind_t;

typedef struct nq_period {
    nq_period_kind_t kind; /* which calendar unit */
    int64_t start_ms;      /* first instant, inclusive, Unix ms UTC */
    int64_t end_ms;        /* first instant of the next period, exclusive */
    char key[16];          /* stable label, see above */
} nq_period_t;

/* Use zone `name` for all period arithmetic of this process: an IANA name
 * present under /usr/share/zoneinfo ("Asia/Shanghai") or "UTC". Returns 0, or
 * -1 when the zone is unknown (nothing changed). */
int nq_zone_set(const char *name);

/* Whether `name` names a zone nq_zone_set would accept (a TZif file under
 * /usr/share/zoneinfo, or "UTC"). Changes nothing; config validation uses it. */
bool nq_zone_exists(const char *name);

/* The zone in force ("Asia/Shanghai" until changed). Borrowed. */
const char *nq_zone_name(void);

/* "day", "week", "month", "quarter", "year" <-> kind. parse returns 0 or -1. */
int nq_period_kind_parse(const char *s, nq_period_kind_t *out);
const char *nq_period_kind_name(nq_period_kind_t kind);

/* The period of `kind` containing instant `at_ms`. Returns 0, or -1 for an
 * invalid kind or an instant outside years 1970..9999. */
int nq_period_of(nq_period_kind_t kind, int64_t at_ms, nq_period_t *out);

/* The period just before / after `p`. Returns 0 or -1 like nq_period_of. */
int nq_period_prev(const nq_period_t *p, nq_period_t *out);
int nq_period_next(const nq_period_t *p, nq_period_t *out);

/* The period of `kind` with key `key` ("2026-W48" for a week). Returns 0,
 * or -1 when the key is malformed or names no such period (2026-02-30,
 * 2025-W53). */
int nq_period_from_key(nq_period_kind_t kind, const char *key, nq_period_t *out);

/* The same period one year earlier: 2026-11 -> 2025-11, 2026-W48 -> 2025-W48,
 * 2028-02-29 -> 2027-02-28, 2026-W53 -> 2025-W52. Returns 0 or -1. */
int nq_period_last_year(const nq_period_t *p, nq_period_t *out);

/* A stretch of time [start_ms, end_ms), Unix ms; for org history, whole
 * days (local midnights). */
typedef struct nq_span {
    int64_t start_ms; /* first instant, inclusive */
    int64_t end_ms;   /* first instant after it, exclusive */
} nq_span_t;

/* Current wall-clock time, Unix ms, plus the process's clock offset. */
int64_t nq_now_ms(void);

/* Run this process's nq_now_ms() `offset_ms` ahead of the host clock, so tests
 * can move deadlines and schedules past without waiting (NQ_CLOCK_OFFSET_MS). */
void nq_clock_set_offset_ms(int64_t offset_ms);

/* Parse a time given from outside: RFC 3339 with an offset or 'Z'
 * ("2026-11-26T09:30:00+08:00", fractional seconds allowed), a plain date
 * "2026-11-26" (00:00 in the configured zone), or all digits as Unix ms.
 * Returns 0 and sets *ms, or -1 with a static reason when reason != NULL. */
int nq_time_parse(const char *s, int64_t *ms, const char **reason);

/* Format Unix ms as RFC 3339 in the configured zone with its offset,
 * "2026-11-26T09:30:00.000+08:00". Returns the length like snprintf. */
int nq_time_format(int64_t ms, char *buf, size_t len);

#endif
