/* nq/log.h — JSON-lines logging to stdout.
 *
 * Every line is one JSON object:
 *   {"ts":"2026-11-26T23:59:01.123Z","level":"info","service":"nq-ingest","event":"listening","msg":"..."}
 * `event` is a short stable key operators can grep for; `msg` is free text
 * (printf-style, escaped for JSON). Lines below the minimum level are dropped.
 *
 *   nq_log_init("nq-ingest", NQ_LOG_INFO);
 *   nq_log_info("listening", "router on %s", endpoint);
 */
#ifndef NQ_LOG_H
#define NQ_LOG_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { NQ_LOG_DEBUG, NQ_LOG_INFO, NQ_LOG_WARN, NQ_LOG_ERROR } nq_log_level_t;

/* Set the service name written on every line and the minimum level. The name
 * is copied. Safe to call again. Before any call, service is "nq", level info. */
void nq_log_init(const char *service, nq_log_level_t min_level);

/* Parse "debug", "info", "warn" or "error". Returns 0, or -1 if unknown. */
int nq_log_level_parse(const char *s, nq_log_level_t *out);

/* Redirect output (tests); NULL restores stdout. The stream stays the caller's. */
void nq_log_set_stream(FILE *out);

/* Write one line if `level` is at or above the minimum. Never fails visibly. */
void nq_log(nq_log_level_t level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define nq_log_debug(event, ...) nq_log(NQ_LOG_DEBUG, event, __VA_ARGS__)
#define nq_log_info(event, ...)  nq_log(NQ_LOG_INFO, event, __VA_ARGS__)
#define nq_log_warn(event, ...)  nq_log(NQ_LOG_WARN, event, __VA_ARGS__)
#define nq_log_error(event, ...) nq_log(NQ_LOG_ERROR, event, __VA_ARGS__)

/* Escape `s` as the inside of a JSON string into buf (always NUL-terminated,
 * truncated to fit). Returns the length written. */
size_t nq_json_escape(char *buf, size_t len, const char *s);

#endif
