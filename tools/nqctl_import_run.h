/* tools/nqctl_import_run.h — one import run (nqctl_import.c's commands):
 * the input read through the encoding layer and the CSV reader, the batch
 * being built, the counts, the rejects file (every refused row, with its
 * line and reasons), the progress on stderr, requests tried again while
 * the gateway is unavailable, and the closing summary.
 *
 *   import_t imp;
 *   int rc = imp_open(&imp, ctl, file, true, M_WHAT_ROWS);
 *   if (rc == CTL_OK && (rc = imp_read_header(&imp, &row)) == CTL_OK) ...
 *   if (rc == CTL_OK) rc = imp_rejects_open(&imp);
 *   while (... imp.stop == CTL_OK) { ... imp_send_retrying(&imp, ...) ... }
 *   if (rc == CTL_OK) rc = imp_summary(&imp, false, M_SAFE_ORG);
 *   imp_close(&imp);
 */
#ifndef NQ_TOOLS_NQCTL_IMPORT_RUN_H
#define NQ_TOOLS_NQCTL_IMPORT_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "import_activity.h"
#include "import_csv.h"
#include "import_org.h"
#include "import_target.h"
#include "import_text.h"
#include "nq/buf.h"
#include "nq/fielderr.h"
#include "nq/httpc.h"
#include "nqctl.h"

#define SHOW_REFUSALS 20 /* refused rows told on stderr; all of them go to the rejects file */

/* The plan of a file sent row by row: targets, or teams / salespeople /
 * customers. Exactly one is set. */
typedef struct put_plan {
    import_target_plan_t *target; /* import targets */
    import_org_plan_t *org;       /* import teams, salespeople, customers */
} put_plan_t;

/* One import run: the input, the batch being built, the counts, the rejects
 * file, the progress shown. Lives on the stack of the command. */
typedef struct import {
    ctl_t *ctl;                        /* gateway and options */
    const char *what;                  /* M_WHAT_EVENTS or M_WHAT_ROWS, for messages */
    const char *file;                  /* input path, "-" for stdin */
    bool csv;                          /* CSV (else NDJSON) */
    FILE *in;                          /* the input */
    import_text_t *text;               /* its bytes as UTF-8 */
    import_csv_t *reader;              /* its records */
    uint64_t size;                     /* input bytes, 0 when unknown (not a regular file) */
    const import_activity_plan_t *act; /* import activities (CSV): names of columns */
    const put_plan_t *put;             /* the other imports: likewise */
    char *rejects_path;                /* rejects file name (malloc'd) */
    FILE *rejects;                     /* the rejects file, open once the header is read */
    uint64_t rejects_n;                /* lines written to it */
    bool rejects_failed;               /* a write to it failed */
    uint64_t told;                     /* refused rows told on stderr (or not: past the cap) */
    nq_buf_t body;                     /* import activities: NDJSON of the batch */
    long *lines;                       /* line of each event of the batch */
    size_t n, max;                     /* events in the batch / most per batch */
    uint64_t sent;                     /* events or rows the gateway answered for */
    uint64_t requests;                 /* requests answered */
    uint64_t accepted;                 /* stored (activities: accepted; others: 2xx) */
    uint64_t duplicate;                /* activities: already stored with the same content */
    uint64_t conflict;                 /* activities: already stored with other content */
    uint64_t rejected;                 /* refused by the gateway */
    uint64_t local;                    /* refused here, never sent */
    bool tty;                          /* stderr is a terminal */
    bool progress_shown;               /* a progress line is on the terminal, to clear */
    int64_t start_ms;                  /* monotonic clock at the start */
    int64_t shown_ms;                  /* monotonic clock of the last progress */
    uint64_t offset;                   /* input bytes handled (sent or rejected) */
    int stop;                          /* CTL_OK, or the exit code that stopped the run */
} import_t;

/* Open the input, find its size, set up the reader (through the encoding
 * layer). Returns CTL_OK, or CTL_INPUT / CTL_USAGE after saying why. */
int imp_open(import_t *imp, ctl_t *ctl, const char *file, bool csv, const char *what);

/* Read the CSV header into *row. Returns CTL_OK or CTL_INPUT after saying why. */
int imp_read_header(import_t *imp, import_csv_row_t *row);

/* Create (truncate) the rejects file; it is removed at the end when nothing
 * was rejected. Refuses to overwrite the input. Returns CTL_OK, or CTL_USAGE
 * / CTL_INPUT after saying why. */
int imp_rejects_open(import_t *imp);

void imp_close(import_t *imp);

/* Bytes of the input handled, for progress. */
uint64_t imp_input_offset(const import_t *imp);

/* A line on stderr: "nqctl: " and the message. */
__attribute__((format(printf, 2, 3))) void imp_say(import_t *imp, const char *fmt, ...);

/* Clear the terminal's progress line before anything else goes to stderr. */
void imp_progress_clear(import_t *imp);

/* Progress on stderr: at most every PROGRESS_TTY_MS on a terminal (one line
 * rewritten in place), else a line every PROGRESS_LOG_MS. */
void imp_progress(import_t *imp);

/* A JSON string of s; an incomplete UTF-8 character at the end (a reason
 * cut to fit) is dropped, other bytes that are not UTF-8 become '?'. New
 * reference (null for NULL). */
json_t *imp_safe_string(const char *s);

/* Write one rejects line: `entry` (stolen) gets "line", "status", "by" and
 * "errors" (stolen; NULL for none). The first ones are told on stderr too. */
void imp_write_reject(import_t *imp, json_t *entry, long line, const char *status, bool local,
                      json_t *errors);

/* An entry naming an event: {"event_id": id or null}. */
json_t *imp_event_entry(const char *event_id);

/* A row refused here: counted and written to the rejects file. */
void imp_reject_local(import_t *imp, long line, json_t *entry, const nq_field_errors_t *errs);

/* A record the reader could not give: a malformed one is rejected, a read
 * error, a refused encoding or a lack of memory stops the import. */
void imp_record_failed(import_t *imp, int got, long line, const char *why, json_t *entry);

/* Send one request of an import, trying again while the gateway answers 503
 * or cannot be reached, IMPORT_TRIES times in all. Returns 0 with r filled
 * (any other status), or -1 with imp->stop set (CTL_REFUSED: still 503;
 * CTL_UNREACHABLE: no answer) after saying why. */
int imp_send_retrying(import_t *imp, const char *method, const char *path, const char *ctype,
                      const char *body, size_t len, nq_httpc_response_t *r);

/* The closing summary on stdout, and the exit code. `safe` says why running
 * the same command again is harmless (a message). */
int imp_summary(import_t *imp, bool activities, const char *safe);

#endif
