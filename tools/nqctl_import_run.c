/* nqctl_import_run.c — one import run: the input, the rejects file, the
 * progress shown, requests tried again, the closing summary. See
 * nqctl_import_run.h. */
#include "nqctl_import_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import_value.h"
#include "msg.h"
#include "nq/utf8.h"
#include "nqctl_http.h"

/* import: tries of one request while the gateway answers 503 or cannot be
 * reached, and the longest wait between two. */
#define IMPORT_TRIES       10
#define IMPORT_BACKOFF_MS  500
#define IMPORT_MAX_WAIT_MS 30000
/* import: progress every 250 ms on a terminal, every 10 s otherwise. */
#define PROGRESS_TTY_MS 250
#define PROGRESS_LOG_MS 10000
#define REJECTS_SUFFIX  ".rejects.ndjson"

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Clear the terminal's progress line before anything else goes to stderr. */
void imp_progress_clear(import_t *imp)
{
    if (imp->progress_shown)
        fputs("\r\033[K", stderr);
    imp->progress_shown = false;
}

/* A line on stderr: "nqctl: " and the message. */
__attribute__((format(printf, 2, 3))) void imp_say(import_t *imp, const char *fmt, ...)
{
    va_list ap;
    imp_progress_clear(imp);
    fputs("nqctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* "1:05" or "2:03:10". */
static void format_duration(double s, char *buf, size_t len)
{
    long t = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Progress on stderr: at most every PROGRESS_TTY_MS on a terminal (one line
 * rewritten in place), else a line every PROGRESS_LOG_MS. Done = events or
 * rows answered or rejected here; the share of the file, the total and the
 * time left are estimated from the bytes handled. */
void imp_progress(import_t *imp)
{
    int64_t now = mono_ms();
    if (now - imp->shown_ms < (imp->tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS))
        return;
    imp->shown_ms = now;
    uint64_t done = imp->sent + imp->local;
    double elapsed = (double)(now - imp->start_ms) / 1000.0;
    double share = imp->size > 0 ? (double)imp->offset / (double)imp->size : 0;
    char total[96] = "", eta[64] = "", left[48];
    share = share > 1 ? 1 : share;
    if (share > 0) {
        format_duration(elapsed * (1 - share) / share, left, sizeof(left));
        snprintf(total, sizeof(total), msg_tr(M_PROGRESS_TOTAL), (double)done / share, 100 * share);
        snprintf(eta, sizeof(eta), msg_tr(M_PROGRESS_ETA), left);
    }
    fputs(imp->tty ? "\r\033[K" : "nqctl: ", stderr);
    fprintf(stderr, msg_tr(M_PROGRESS), (unsigned long long)done, msg_tr(imp->what), total,
            elapsed > 0 ? (double)done / elapsed : 0.0, msg_tr(imp->what), eta);
    fputs(imp->tty ? "" : "\n", stderr);
    imp->progress_shown = imp->tty;
}

/* A JSON string of s; an incomplete UTF-8 character at the end (a reason
 * cut to fit) is dropped, other bytes that are not UTF-8 become '?'. New
 * reference (null for NULL). */
json_t *imp_safe_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    char *copy = strdup(s);
    size_t n = copy ? strlen(copy) : 0, i = 0;
    while (i < n) {
        size_t len = nq_utf8_seq(copy + i, n - i, NULL);
        if (len == 0 && nq_utf8_cut(copy + i, n - i))
            copy[n = i] = '\0';
        else if (len == 0)
            copy[i++] = '?';
        else
            i += len;
    }
    v = json_string(copy ? copy : "?");
    free(copy);
    return v;
}

/* Field errors as the gateway writes them: [{"field":..,"reason":..}]. */
static json_t *errors_json(const nq_field_errors_t *errs)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < errs->n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o}", "field",
                                           imp_safe_string(errs->items[i].field), "reason",
                                           imp_safe_string(errs->items[i].reason)));
    if (a && errs->dropped)
        json_array_append_new(
            a, json_pack("{s:s, s:s}", "field", "(more)", "reason", msg_tr(M_MORE_ERRORS)));
    return a;
}

/* The header's name of the column holding the API field `field`, or NULL. */
static const char *column_of(const import_t *imp, const char *field)
{
    if (imp->act)
        return import_activity_label(imp->act, field);
    if (imp->put && imp->put->target)
        return import_target_label(imp->put->target, field);
    if (imp->put && imp->put->org)
        return import_org_label(imp->put->org, field);
    return NULL;
}

/* Tell a refused row on stderr, one line per error ("line 12, column 金额:
 * expected ..."); a field of the gateway's is named as the header names it.
 * Only the first SHOW_REFUSALS rows: the rejects file has them all. */
static void tell_refusal(import_t *imp, long line, const char *status, const json_t *errors,
                         bool local)
{
    size_t i;
    json_t *e;
    if (imp->told++ >= SHOW_REFUSALS)
        return;
    if (json_array_size(errors) == 0)
        imp_say(imp, msg_tr(strcmp(status, "conflict") == 0 ? M_REFUSAL_CONFLICT : M_REFUSAL_BARE),
                line);
    json_array_foreach (errors, i, e) {
        const char *field = ctl_str_of(e, "field"), *reason = ctl_str_of(e, "reason");
        const char *label = local ? field : column_of(imp, field);
        if (field[0] == '(')
            imp_say(imp, msg_tr(M_REFUSAL_ROW), line, reason);
        else
            imp_say(imp, msg_tr(M_REFUSAL_COLUMN), line, label ? label : field, reason);
    }
}

/* Write one rejects line: `entry` (stolen) gets "line", "status", "by" and
 * "errors" (stolen; NULL for none). The first ones are told on stderr too. */
void imp_write_reject(import_t *imp, json_t *entry, long line, const char *status, bool local,
                      json_t *errors)
{
    errors = errors ? errors : json_array();
    tell_refusal(imp, line, status, errors, local);
    if (entry && json_object_set_new(entry, "line", json_integer(line)) == 0 &&
        json_object_set_new(entry, "status", json_string(status)) == 0 &&
        json_object_set_new(entry, "by", json_string(local ? "nqctl" : "gateway")) == 0 &&
        json_object_set_new(entry, "errors", errors) == 0 &&
        json_dumpf(entry, imp->rejects, JSON_COMPACT) == 0 && fputc('\n', imp->rejects) != EOF)
        imp->rejects_n++;
    else
        imp->rejects_failed = true;
    json_decref(entry);
}

/* An entry naming an event: {"event_id": id or null}. */
json_t *imp_event_entry(const char *event_id)
{
    return json_pack("{s:o}", "event_id", imp_safe_string(event_id));
}

/* A row refused here: counted and written to the rejects file. */
void imp_reject_local(import_t *imp, long line, json_t *entry, const nq_field_errors_t *errs)
{
    imp->local++;
    imp_write_reject(imp, entry, line, "rejected", true, errors_json(errs));
}

/* The rejects file name: --rejects, or FILE.rejects.ndjson ("stdin..." for -). */
static char *rejects_name(const import_t *imp)
{
    const char *given = imp->ctl->rejects;
    const char *base = strcmp(imp->file, "-") == 0 ? "stdin" : imp->file;
    size_t len = given ? strlen(given) + 1 : strlen(base) + sizeof(REJECTS_SUFFIX);
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "%s%s", given ? given : base, given ? "" : REJECTS_SUFFIX);
    return name;
}

/* Why reading the input failed: the text layer's reason or errno's. */
static const char *read_error(const import_t *imp)
{
    const char *why = imp->text ? import_text_why(imp->text) : NULL;
    return why ? why : strerror(errno);
}

/* Open the input, find its size, set up the reader (through the encoding
 * layer). Returns CTL_OK, or CTL_INPUT / CTL_USAGE after saying why. */
int imp_open(import_t *imp, ctl_t *ctl, const char *file, bool csv, const char *what)
{
    static const import_csv_options_t csv_opt = IMPORT_CSV_DEFAULTS, lines_opt = IMPORT_CSV_LINES;
    struct stat st;
    memset(imp, 0, sizeof(*imp));
    nq_buf_init(&imp->body);
    imp->ctl = ctl;
    imp->file = file;
    imp->csv = csv;
    imp->what = what;
    imp->tty = isatty(STDERR_FILENO);
    imp->start_ms = imp->shown_ms = mono_ms();
    if (ctl_use_zone() != CTL_OK)
        return CTL_USAGE;
    imp->in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!imp->in) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, strerror(errno));
        return CTL_INPUT;
    }
    if (fstat(fileno(imp->in), &st) == 0 && S_ISREG(st.st_mode))
        imp->size = (uint64_t)st.st_size;
    imp->text = import_text_new(ctl->encoding, import_csv_read_file, imp->in);
    if (!imp->text) {
        fprintf(stderr, msg_tr(M_NO_ICONV), import_enc_name(ctl->encoding));
        return CTL_INPUT;
    }
    imp->reader = import_csv_new(csv ? &csv_opt : &lines_opt, import_text_read, imp->text);
    if (!imp->reader) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        return CTL_INPUT;
    }
    return CTL_OK;
}

/* Bytes of the input handled, for progress. */
uint64_t imp_input_offset(const import_t *imp)
{
    return import_text_in_offset(imp->text, import_csv_offset(imp->reader));
}

/* Read the CSV header into *row. Returns CTL_OK or CTL_INPUT after saying why. */
int imp_read_header(import_t *imp, import_csv_row_t *row)
{
    const char *why = "";
    int rc = import_csv_next(imp->reader, row, &why);
    if (rc == IMPORT_CSV_ROW)
        return CTL_OK;
    if (rc == IMPORT_CSV_END)
        fprintf(stderr, msg_tr(M_FILE_EMPTY), imp->file);
    else if (rc == IMPORT_CSV_EBAD)
        fprintf(stderr, msg_tr(M_FILE_HEADER), imp->file, row->line, why);
    else
        fprintf(stderr, msg_tr(M_FILE_ERROR), imp->file,
                rc == IMPORT_CSV_EREAD ? read_error(imp) : msg_tr(M_OUT_OF_MEMORY));
    return CTL_INPUT;
}

/* Create (truncate) the rejects file; it is removed at the end when nothing
 * was rejected. Refuses to overwrite the input. Returns CTL_OK, or CTL_USAGE
 * / CTL_INPUT after saying why. */
int imp_rejects_open(import_t *imp)
{
    struct stat in, out;
    if (!(imp->rejects_path = rejects_name(imp))) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        return CTL_INPUT;
    }
    if (fstat(fileno(imp->in), &in) == 0 && stat(imp->rejects_path, &out) == 0 &&
        in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
        fprintf(stderr, msg_tr(M_REJECTS_IS_INPUT), imp->rejects_path);
        return CTL_USAGE;
    }
    if (!(imp->rejects = fopen(imp->rejects_path, "w"))) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), imp->rejects_path, strerror(errno));
        return CTL_INPUT;
    }
    return CTL_OK;
}

void imp_close(import_t *imp)
{
    if (imp->rejects && fclose(imp->rejects) != 0)
        imp->rejects_failed = true;
    if (imp->rejects && imp->rejects_n == 0)
        unlink(imp->rejects_path);
    if (imp->in && imp->in != stdin)
        fclose(imp->in);
    import_csv_destroy(&imp->reader);
    import_text_destroy(&imp->text);
    free(imp->rejects_path);
    nq_buf_release(&imp->body);
    free(imp->lines);
}

/* How long to wait before try `next` (2..): doubling from IMPORT_BACKOFF_MS
 * up to IMPORT_MAX_WAIT_MS, +-20 % so that importers that failed together do
 * not come back together, and never less than the Retry-After the gateway
 * sent (in seconds, honoured up to 300). */
static int64_t backoff_ms(int next, const char *retry_after)
{
    int64_t ms = (int64_t)IMPORT_BACKOFF_MS << (next - 2 < 16 ? next - 2 : 16);
    ms += ms * (rand() % 41 - 20) / 100;
    ms = ms > IMPORT_MAX_WAIT_MS ? IMPORT_MAX_WAIT_MS : ms;
    char *end;
    long ra = strtol(retry_after, &end, 10);
    if (*retry_after && *end == '\0' && ra > 0 && ra <= 300 && ra * 1000 > ms)
        ms = ra * 1000;
    return ms;
}

/* Send one request of an import, trying again while the gateway answers 503
 * or cannot be reached, IMPORT_TRIES times in all. Returns 0 with r filled
 * (any other status), or -1 with imp->stop set (CTL_REFUSED: still 503;
 * CTL_UNREACHABLE: no answer) after saying why. */
int imp_send_retrying(import_t *imp, const char *method, const char *path, const char *ctype,
                      const char *body, size_t len, nq_httpc_response_t *r)
{
    char why[200], text[160];
    for (int tries = 1;; tries++) {
        int rc = ctl_request(imp->ctl, method, path, ctype, body, len, r);
        if (rc == 0 && r->status != 503)
            return 0;
        if (rc == NQ_HTTPC_EINVAL) {
            imp_say(imp, msg_tr(M_INVALID_PATH), method, path);
            imp->stop = CTL_USAGE;
            return -1;
        }
        if (rc == 0)
            ctl_error_text(r, text, sizeof(text));
        snprintf(why, sizeof(why), "%s%s", rc == 0 ? "HTTP 503 " : msg_tr(nq_httpc_strerror(rc)),
                 rc == 0 ? text : "");
        int64_t wait = backoff_ms(tries + 1, rc == 0 ? r->retry_after : "");
        nq_httpc_response_free(r);
        if (tries == IMPORT_TRIES) {
            imp_say(imp, msg_tr(M_GAVE_UP), method, imp->ctl->url, path, why, tries);
            imp->stop = rc < 0 ? CTL_UNREACHABLE : CTL_REFUSED;
            return -1;
        }
        imp_say(imp, msg_tr(M_TRYING_AGAIN), method, imp->ctl->url, path, why, tries, IMPORT_TRIES,
                (double)wait / 1000.0);
        sleep_ms(wait);
    }
}

/* The closing summary on stdout, and the exit code. `safe` says why running
 * the same command again is harmless (a message). */
int imp_summary(import_t *imp, bool activities, const char *safe)
{
    double elapsed = (double)(mono_ms() - imp->start_ms) / 1000.0;
    uint64_t done = imp->sent + imp->local;
    import_enc_t enc = import_text_encoding(imp->text);
    imp_progress_clear(imp);
    printf(msg_tr(imp->stop ? M_SUM_STOPPED : M_SUM_IMPORTED),
           strcmp(imp->file, "-") == 0 ? "stdin" : imp->file, (unsigned long long)done,
           msg_tr(imp->what), elapsed, elapsed > 0 ? (double)done / elapsed : 0.0,
           msg_tr(imp->what));
    if (!import_text_why(imp->text)) /* else the encoding was refused, and said so */
        printf(msg_tr(imp->ctl->encoding != IMPORT_ENC_AUTO ? M_SUM_ENCODING_GIVEN
                      : enc == IMPORT_ENC_AUTO              ? M_SUM_ENCODING_ASCII
                                                            : M_SUM_ENCODING_DETECTED),
               import_enc_name(enc));
    printf(msg_tr(imp->requests == 1 ? M_SUM_SENT_ONE : M_SUM_SENT), (unsigned long long)imp->sent,
           (unsigned long long)imp->requests);
    printf(msg_tr(activities ? M_SUM_ACCEPTED : M_SUM_STORED), (unsigned long long)imp->accepted);
    if (activities)
        printf(msg_tr(M_SUM_DUPLICATE), (unsigned long long)imp->duplicate,
               (unsigned long long)imp->conflict);
    printf(msg_tr(M_SUM_REJECTED), (unsigned long long)imp->rejected,
           (unsigned long long)imp->local);
    if (imp->rejects_n)
        printf(msg_tr(M_SUM_REJECTS), imp->rejects_path, (unsigned long long)imp->rejects_n);
    else
        printf("%s", msg_tr(M_SUM_NO_REJECTS));
    fflush(stdout);
    if (imp->told > SHOW_REFUSALS)
        imp_say(imp, msg_tr(M_MORE_REFUSALS), (unsigned long long)(imp->told - SHOW_REFUSALS),
                imp->rejects_path);
    if (imp->rejects_failed)
        imp_say(imp, msg_tr(M_REJECTS_WRITE_FAILED), imp->rejects_path);
    if (imp->stop == CTL_REFUSED || imp->stop == CTL_UNREACHABLE)
        imp_say(imp, msg_tr(M_SAFE_AGAIN), msg_tr(safe));
    if (imp->stop)
        return imp->stop;
    bool all = !imp->conflict && !imp->rejected && !imp->local && !imp->rejects_failed;
    return all ? CTL_OK : CTL_REFUSED;
}

/* A record the reader could not give: a malformed one is rejected, a read
 * error, a refused encoding or a lack of memory stops the import. */
void imp_record_failed(import_t *imp, int got, long line, const char *why, json_t *entry)
{
    if (got == IMPORT_CSV_EBAD) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, imp->csv ? "(row)" : "(line)", "%s", why);
        imp_reject_local(imp, line, entry, &errs);
        return;
    }
    json_decref(entry);
    imp_say(imp, "%s:%ld: %s", imp->file, import_csv_line(imp->reader),
            got == IMPORT_CSV_EREAD ? read_error(imp) : msg_tr(M_OUT_OF_MEMORY));
    imp->stop = CTL_INPUT;
}
