/* import_csv.c — streaming CSV / line tokenizer (see import_csv.h). */
#include "import_csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "nq/buf.h"

#define READ_CHUNK 65536

/* Where in a record the tokenizer is. */
typedef enum {
    S_START,  /* at the start of a field */
    S_PLAIN,  /* inside an unquoted field */
    S_QUOTED, /* inside a quoted field */
    S_QQ,     /* inside a quoted field, just after a quote: its end or an escape */
} state_t;

struct import_csv {
    import_csv_options_t opt; /* delimiter, quote, limits */
    import_csv_read_fn read;  /* where bytes come from */
    void *ctx;                /* its argument */
    char buf[READ_CHUNK];     /* bytes read, not all consumed */
    size_t pos, len;          /* next byte in buf, bytes in buf */
    bool started;             /* the first chunk was read (and a BOM skipped) */
    bool eof;                 /* read returned 0 */
    bool failed;              /* read returned -1 */
    uint64_t offset;          /* bytes consumed */
    long line;                /* current line, 1-based */
    nq_buf_t rec;             /* the record's fields, each NUL-terminated */
    size_t field_start;       /* where the current field starts in rec */
    size_t raw;               /* input bytes of the record so far, without its line end */
    size_t *starts, *lens;    /* offset and length of each field */
    const char **fields;      /* pointers into rec, built when the record ends */
    size_t n, cap;            /* fields used / slots in starts, lens, fields */
    bool bad;                 /* the record is malformed (why says how) */
    bool nomem;               /* an allocation failed for this record */
    char why[200];            /* the first thing wrong with the record */
};

long import_csv_read_file(void *ctx, char *buf, size_t cap)
{
    FILE *f = ctx;
    size_t got = fread(buf, 1, cap, f);
    return got == 0 && ferror(f) ? -1 : (long)got;
}

import_csv_t *import_csv_new(const import_csv_options_t *opt, import_csv_read_fn read, void *ctx)
{
    if (!opt || !read || opt->max_record == 0 || opt->max_fields == 0 ||
        opt->max_record > ((size_t)1 << 30) || opt->delim > 255 || opt->quote > 255 ||
        (opt->delim >= 0 && opt->delim == opt->quote) || opt->delim == '\n' || opt->quote == '\n' ||
        opt->delim == '\r' || opt->quote == '\r')
        return NULL;
    import_csv_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    nq_buf_init(&r->rec);
    r->opt = *opt;
    r->read = read;
    r->ctx = ctx;
    r->line = 1;
    return r;
}

void import_csv_destroy(import_csv_t **rp)
{
    if (!rp || !*rp)
        return;
    import_csv_t *r = *rp;
    nq_buf_release(&r->rec);
    free(r->starts);
    free(r->lens);
    free(r->fields);
    free(r);
    *rp = NULL;
}

uint64_t import_csv_offset(const import_csv_t *r)
{
    return r->offset;
}

long import_csv_line(const import_csv_t *r)
{
    return r->line;
}

/* ------------------------------------------------------------------ input */

/* Read more into buf (buf is fully consumed). The first time, read until at
 * least three bytes or the end are there, and skip a UTF-8 BOM. */
static void fill(import_csv_t *r)
{
    r->pos = r->len = 0;
    do {
        long got = r->read(r->ctx, r->buf + r->len, sizeof(r->buf) - r->len);
        if (got < 0)
            r->failed = true;
        else if (got == 0)
            r->eof = true;
        else
            r->len += (size_t)got;
    } while (!r->started && r->len < 3 && !r->eof && !r->failed);
    if (!r->started && r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        r->pos = 3;
        r->offset = 3;
    }
    r->started = true;
}

/* The next byte (0..255), or -1 at the end of the input or on a read error. */
static int next_byte(import_csv_t *r)
{
    while (r->pos == r->len) {
        if (r->eof || r->failed)
            return -1;
        fill(r);
    }
    r->offset++;
    return (unsigned char)r->buf[r->pos++];
}

/* Give back the byte next_byte() just returned. */
static void unget_byte(import_csv_t *r)
{
    r->pos--;
    r->offset--;
}

/* ----------------------------------------------------------------- record */

/* Mark the record malformed (the first reason wins); it is scanned to its
 * end but no longer stored. */
__attribute__((format(printf, 2, 3))) static void set_bad(import_csv_t *r, const char *fmt, ...)
{
    if (r->bad)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof(r->why), fmt, ap);
    va_end(ap);
    r->bad = true;
}

static void put(import_csv_t *r, char c)
{
    if (r->bad || r->nomem)
        return;
    if (nq_buf_addch(&r->rec, c) != 0)
        r->nomem = true;
}

/* Close the current field: NUL-terminate it and record where it is. */
static void end_field(import_csv_t *r)
{
    if (r->bad || r->nomem)
        return;
    if (r->n == r->opt.max_fields) {
        set_bad(r, msg_tr(M_CSV_TOO_MANY_FIELDS), r->opt.max_fields);
        return;
    }
    if (r->n == r->cap) { /* the three arrays grow together: each from the common size */
        size_t cap_s = r->cap, cap_l = r->cap, cap_f = r->cap;
        size_t *s = nq_array_grow(r->starts, &cap_s, r->n + 1, 16, sizeof(*s));
        r->starts = s ? s : r->starts;
        size_t *l = s ? nq_array_grow(r->lens, &cap_l, r->n + 1, 16, sizeof(*l)) : NULL;
        r->lens = l ? l : r->lens;
        const char **f = l ? nq_array_grow(r->fields, &cap_f, r->n + 1, 16, sizeof(*f)) : NULL;
        r->fields = f ? f : r->fields;
        if (!f) {
            r->nomem = true;
            return;
        }
        r->cap = cap_f;
    }
    put(r, '\0');
    if (r->nomem)
        return;
    r->starts[r->n] = r->field_start;
    r->lens[r->n] = r->rec.len - 1 - r->field_start;
    r->n++;
    r->field_start = r->rec.len;
}

static void reset_record(import_csv_t *r)
{
    nq_buf_reset(&r->rec);
    r->field_start = r->raw = r->n = 0;
    r->bad = false;
    r->nomem = false;
}

/* The record is complete: fill *row, or say what is wrong. */
static int finish(import_csv_t *r, import_csv_row_t *row, long line, const char **why)
{
    end_field(r);
    row->line = line;
    row->n = 0;
    row->fields = NULL;
    row->lens = NULL;
    if (r->nomem)
        return IMPORT_CSV_ENOMEM;
    if (r->bad) {
        *why = r->why;
        return IMPORT_CSV_EBAD;
    }
    for (size_t i = 0; i < r->n; i++)
        r->fields[i] = r->rec.buf + r->starts[i];
    row->n = r->n;
    row->fields = r->fields;
    row->lens = r->lens;
    return IMPORT_CSV_ROW;
}

/* A CR outside quotes: with the LF after it (consumed) or at the end of the
 * input, a line end (true); otherwise an ordinary byte (false, the byte after
 * it is given back). */
static bool cr_ends_line(import_csv_t *r)
{
    int c = next_byte(r);
    if (c == '\n')
        r->line++;
    if (c == '\n' || c < 0)
        return true;
    unget_byte(r);
    return false;
}

/* A CR inside quotes: true when an LF follows (consumed and counted in the
 * record's length), so the pair is kept as one LF. */
static bool quoted_crlf(import_csv_t *r)
{
    int c = next_byte(r);
    if (c == '\n') {
        r->raw++;
        return true;
    }
    if (c >= 0)
        unget_byte(r);
    return false;
}

/* One byte of a record in `st`; returns the next state. */
static state_t step(import_csv_t *r, state_t st, int c)
{
    if (c == 0)
        set_bad(r, "%s", msg_tr(M_CSV_NUL));
    if (++r->raw > r->opt.max_record)
        set_bad(r, msg_tr(M_CSV_TOO_LONG), r->opt.max_record);
    switch (st) {
    case S_START:
        if (c == r->opt.quote)
            return S_QUOTED;
        /* fall through */
    case S_PLAIN:
        if (c == r->opt.delim) {
            end_field(r);
            return S_START;
        }
        if (c == r->opt.quote)
            set_bad(r, "%s", msg_tr(M_CSV_QUOTE_INSIDE));
        put(r, (char)c);
        return S_PLAIN;
    case S_QUOTED:
        if (c == r->opt.quote)
            return S_QQ;
        put(r, (char)c);
        return S_QUOTED;
    case S_QQ:
        if (c == r->opt.quote) {
            put(r, (char)c);
            return S_QUOTED;
        }
        if (c == r->opt.delim) {
            end_field(r);
            return S_START;
        }
        set_bad(r, "%s", msg_tr(M_CSV_AFTER_QUOTE));
        put(r, (char)c);
        return S_PLAIN;
    }
    return st;
}

int import_csv_next(import_csv_t *r, import_csv_row_t *row, const char **why)
{
    state_t st = S_START;
    long line = r->line;
    reset_record(r);
    for (;;) {
        int c = next_byte(r);
        if (c < 0 && r->failed)
            return IMPORT_CSV_EREAD;
        if (c < 0) {
            if (st == S_QUOTED)
                set_bad(r, "%s", msg_tr(M_CSV_UNCLOSED));
            else if (st == S_START && r->n == 0 && r->raw == 0)
                return IMPORT_CSV_END;
            return finish(r, row, line, why);
        }
        if (c == '\r' && st == S_QUOTED && quoted_crlf(r))
            c = '\n';
        if (c == '\n')
            r->line++;
        if (st != S_QUOTED && (c == '\n' || (c == '\r' && cr_ends_line(r)))) {
            if (st == S_START && r->n == 0 && r->raw == 0) { /* empty line */
                line = r->line;
                continue;
            }
            return finish(r, row, line, why);
        }
        st = step(r, st, c);
    }
}

/* ------------------------------------------------------------------ cells */

int import_csv_int(const char *s, long long *out)
{
    const char *d = s + (*s == '-');
    size_t n = strspn(d, "0123456789");
    if (n == 0 || n > 18 || d[n] != '\0')
        return -1;
    *out = strtoll(s, NULL, 10);
    return 0;
}

char *import_csv_trim(char *s)
{
    size_t n = strlen(s), lead = strspn(s, " \t");
    while (n > lead && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    memmove(s, s + lead, n - lead);
    s[n - lead] = '\0';
    return s;
}

/* Whether a field is empty or only spaces and tabs. */
static bool empty(const char *field)
{
    return field[strspn(field, " \t")] == '\0';
}

size_t import_csv_width(const import_csv_row_t *header)
{
    size_t n = header->n;
    while (n > 1 && empty(header->fields[n - 1]))
        n--;
    return n;
}

bool import_csv_blank(const import_csv_row_t *row)
{
    return import_csv_fits(row, 0);
}

bool import_csv_fits(const import_csv_row_t *row, size_t width)
{
    if (row->n < width)
        return false;
    for (size_t i = width; i < row->n; i++) {
        if (!empty(row->fields[i]))
            return false;
    }
    return true;
}
