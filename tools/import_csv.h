/* tools/import_csv.h — a streaming CSV (RFC 4180) and line tokenizer for nqctl import.
 *
 * Pure: bytes come from a read callback, so the same code reads a file of any
 * size (one record in memory at a time) or a string in a test. No sockets,
 * no clock, no global state.
 *
 * What a record is:
 *   - Fields are separated by `delim` (','); a record ends at LF, and a CR
 *     just before that LF is dropped (so CRLF and LF files read the same).
 *   - A field that starts with `quote` ('"') is quoted: it runs to the next
 *     lone quote and may hold delimiters, CR and LF; a doubled quote inside
 *     stands for one quote. A CRLF inside quotes is read as one LF, so a
 *     multi-line cell reads the same from Windows and Unix exports. Text after the closing quote
 * other than the delimiter or the line end is an error, and so is a quote inside an unquoted field.
 *   - A UTF-8 byte order mark at the very start of the stream is skipped.
 *   - Empty lines (nothing between two LFs) are skipped; a last line without
 *     LF is a record.
 *   - A record longer than `max_record` bytes (without its line end), with
 *     more than `max_fields` fields or holding a NUL byte is an error.
 * With delim and quote set to IMPORT_CSV_NONE every line is one field: the
 * same reader splits NDJSON into lines.
 *
 * A malformed record does not stop the reader: import_csv_next() returns
 * IMPORT_CSV_EBAD with the record's first line number and the reason, and the
 * next call continues after that record (after an unterminated quote, that is
 * the end of the stream). A failed read or a lack of memory does stop it.
 *
 *   import_csv_options_t opt = IMPORT_CSV_DEFAULTS;
 *   import_csv_t *r = import_csv_new(&opt, import_csv_read_file, stdin);
 *   import_csv_row_t row;
 *   const char *why;
 *   int rc;
 *   while ((rc = import_csv_next(r, &row, &why)) != IMPORT_CSV_END) {
 *       if (rc == IMPORT_CSV_EBAD) { printf("line %ld: %s\n", row.line, why); continue; }
 *       if (rc < 0) break;                       // read error, out of memory
 *       printf("line %ld: %zu fields, first '%s'\n", row.line, row.n, row.fields[0]);
 *   }
 *   import_csv_destroy(&r);
 */
#ifndef NQ_TOOLS_IMPORT_CSV_H
#define NQ_TOOLS_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPORT_CSV_NONE       (-1)      /* no delimiter / no quote character */
#define IMPORT_CSV_MAX_RECORD (1 << 20) /* default longest record: 1 MiB */
#define IMPORT_CSV_MAX_FIELDS 4096      /* default most fields in a record */

/* import_csv_next() results. */
enum {
    IMPORT_CSV_ROW = 1,     /* a record is in *row */
    IMPORT_CSV_END = 0,     /* no more records */
    IMPORT_CSV_EBAD = -1,   /* this record is malformed (row->line, *why); call again */
    IMPORT_CSV_EREAD = -2,  /* the read callback failed; stop */
    IMPORT_CSV_ENOMEM = -3, /* out of memory; stop */
};

typedef struct import_csv_options {
    int delim;         /* field separator byte, or IMPORT_CSV_NONE */
    int quote;         /* quote byte, or IMPORT_CSV_NONE */
    size_t max_record; /* most bytes in one record, without its line end (> 0) */
    size_t max_fields; /* most fields in one record (> 0) */
} import_csv_options_t;

/* Comma, double quote, 1 MiB, 4096 fields. */
#define IMPORT_CSV_DEFAULTS                                                                        \
    {                                                                                              \
        ',', '"', IMPORT_CSV_MAX_RECORD, IMPORT_CSV_MAX_FIELDS                                     \
    }
/* One field per line (NDJSON), 1 MiB lines. */
#define IMPORT_CSV_LINES                                                                           \
    {                                                                                              \
        IMPORT_CSV_NONE, IMPORT_CSV_NONE, IMPORT_CSV_MAX_RECORD, 1                                 \
    }

/* Fill buf with up to cap bytes. Returns the count (0 at the end of the
 * input), or -1 on a read error. */
typedef long (*import_csv_read_fn)(void *ctx, char *buf, size_t cap);

/* A read callback for a FILE * passed as ctx (fread; -1 when ferror). */
long import_csv_read_file(void *ctx, char *buf, size_t cap);

/* One record. Every pointer is borrowed from the reader and valid until the
 * next import_csv_next() or import_csv_destroy(). */
typedef struct import_csv_row {
    size_t n;                  /* fields, >= 1 */
    const char *const *fields; /* n NUL-terminated fields (quotes removed) */
    const size_t *lens;        /* their lengths */
    long line;                 /* physical line (1-based) where the record starts */
} import_csv_row_t;

typedef struct import_csv import_csv_t;

/* A reader of the bytes `read(ctx, ...)` gives. opt is copied. Returns NULL
 * when out of memory or when an option is out of range. */
import_csv_t *import_csv_new(const import_csv_options_t *opt, import_csv_read_fn read, void *ctx);

/* Free the reader; sets *r to NULL. Safe on NULL. */
void import_csv_destroy(import_csv_t **r);

/* The next record: IMPORT_CSV_ROW with *row filled, IMPORT_CSV_END, or an
 * error above. On IMPORT_CSV_EBAD, row->line is set (row->n is 0) and *why
 * is the reason in the language of msg.h ("record longer than 1048576
 * bytes"), borrowed like the row. */
int import_csv_next(import_csv_t *r, import_csv_row_t *row, const char **why);

/* Input bytes consumed so far (BOM included): for progress against a size. */
uint64_t import_csv_offset(const import_csv_t *r);

/* Line (1-based) the reader is on: lines read so far + 1. */
long import_csv_line(const import_csv_t *r);

/* ---- cells ----------------------------------------------------------------
 * (What people write in cells is read by import_value.h; this is its base.) */

/* A whole number: optional '-' and 1..18 digits ("-12", "0042"); no spaces,
 * no '+'. Returns 0, or -1 (out untouched). */
int import_csv_int(const char *s, long long *out);

/* Trim spaces and tabs at both ends of s in place; returns s. */
char *import_csv_trim(char *s);

/* ---- Excel's empty cells ------------------------------------------------------
 * Excel writes the empty columns after the data when a cell beyond it was
 * ever touched ("id,name,,,"), and rows of empty cells (",,,,") below it. */

/* The fields of a header without the empty names at its end (>= 1 when the
 * first name is not empty). */
size_t import_csv_width(const import_csv_row_t *header);

/* Whether every field of row is empty or only spaces and tabs. */
bool import_csv_blank(const import_csv_row_t *row);

/* Whether row has `width` fields, or more whose extra ones are empty (or
 * only spaces and tabs). */
bool import_csv_fits(const import_csv_row_t *row, size_t width);

#endif
