/* import_text.c — detect and convert an import file's encoding (see import_text.h). */
#include "import_text.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "nq/utf8.h"

#define IN_CAP (2 * IMPORT_TEXT_WINDOW) /* input buffer: a whole window and more */
#define NO_CD  ((iconv_t)-1)

struct import_text {
    import_enc_t enc;        /* given or detected; AUTO while undecided */
    bool decided;            /* enc is final */
    bool started;            /* the start was checked for a byte order mark */
    bool want_more;          /* the bytes left end inside a character: read more */
    import_csv_read_fn read; /* where the bytes come from */
    void *ctx;               /* its argument */
    iconv_t cd;              /* GBK or GB18030 to UTF-8 */
    char *in;                /* input buffer, IN_CAP bytes */
    size_t pos, len;         /* the unread input is in[pos..len) */
    bool eof;                /* the inner read returned 0 */
    bool failed;             /* a read failed or the text was refused */
    uint64_t in_used;        /* input bytes consumed */
    uint64_t out_given;      /* UTF-8 bytes given */
    long line;               /* 1 + line feeds consumed */
    char why[256];           /* why the text was refused, "" for a read error */
};

static const struct {
    const char *name;    /* as import_enc_name gives it */
    const char *aliases; /* other names import_enc_parse takes, '|'-separated */
    const char *iconv;   /* iconv's name, NULL for none */
} encodings[] = {
    [IMPORT_ENC_AUTO] = {"auto", "", "GB18030"},
    [IMPORT_ENC_UTF8] = {"utf-8", "utf8|", NULL},
    [IMPORT_ENC_GBK] = {"gbk", "cp936|gb2312|", "GBK"},
    [IMPORT_ENC_GB18030] = {"gb18030", "", "GB18030"},
};

int import_enc_parse(const char *name, import_enc_t *out)
{
    for (size_t e = 0; e < sizeof(encodings) / sizeof(encodings[0]); e++) {
        bool match = strcasecmp(name, encodings[e].name) == 0;
        for (const char *a = encodings[e].aliases; !match && *a; a += strcspn(a, "|") + 1)
            match = strlen(name) == strcspn(a, "|") && strncasecmp(a, name, strlen(name)) == 0;
        if (match) {
            *out = (import_enc_t)e;
            return 0;
        }
    }
    return -1;
}

const char *import_enc_name(import_enc_t enc)
{
    return encodings[enc].name;
}

import_text_t *import_text_new(import_enc_t enc, import_csv_read_fn read, void *ctx)
{
    import_text_t *t = calloc(1, sizeof(*t));
    if (!t || !read || !(t->in = malloc(IN_CAP))) {
        free(t);
        return NULL;
    }
    t->enc = enc;
    t->decided = enc != IMPORT_ENC_AUTO;
    t->read = read;
    t->ctx = ctx;
    t->line = 1;
    t->cd = encodings[enc].iconv ? iconv_open("UTF-8", encodings[enc].iconv) : NO_CD;
    if (encodings[enc].iconv && t->cd == NO_CD) {
        import_text_destroy(&t);
        return NULL;
    }
    return t;
}

void import_text_destroy(import_text_t **tp)
{
    if (!tp || !*tp)
        return;
    if ((*tp)->cd != NO_CD)
        iconv_close((*tp)->cd);
    free((*tp)->in);
    free(*tp);
    *tp = NULL;
}

import_enc_t import_text_encoding(const import_text_t *t)
{
    return t->enc;
}

const char *import_text_why(const import_text_t *t)
{
    return t->failed && t->why[0] ? t->why : NULL;
}

uint64_t import_text_in_offset(const import_text_t *t, uint64_t out_offset)
{
    if (t->out_given == 0)
        return 0;
    return (uint64_t)((double)t->in_used * (double)out_offset / (double)t->out_given);
}

/* ---- bytes ------------------------------------------------------------------- */

/* Read once more after what is left (moved to the front). */
static void fill(import_text_t *t)
{
    memmove(t->in, t->in + t->pos, t->len - t->pos);
    t->len -= t->pos;
    t->pos = 0;
    long got = t->read(t->ctx, t->in + t->len, IN_CAP - t->len);
    if (got < 0)
        t->failed = true;
    else if (got == 0)
        t->eof = true;
    else
        t->len += (size_t)got;
    t->want_more = false;
}

/* Line feeds in in[pos..pos+n). */
static long feeds(const import_text_t *t, size_t n)
{
    long lf = 0;
    for (const char *p = t->in + t->pos; (p = memchr(p, '\n', (size_t)(t->in + t->pos + n - p)));
         p++)
        lf++;
    return lf;
}

static void consume(import_text_t *t, size_t n)
{
    t->line += feeds(t, n);
    t->pos += n;
    t->in_used += n;
}

/* Give the next n input bytes (at most cap) as they are. */
static long pass(import_text_t *t, char *buf, size_t cap, size_t n)
{
    n = n < cap ? n : cap;
    memcpy(buf, t->in + t->pos, n);
    consume(t, n);
    t->out_given += n;
    return (long)n;
}

__attribute__((format(printf, 2, 3))) static long refuse(import_text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->why, sizeof(t->why), fmt, ap);
    va_end(ap);
    t->failed = true;
    return -1;
}

/* ---- detection ------------------------------------------------------------- */

/* Offset of the first byte of s[0..n) that is not UTF-8, or n. A sequence
 * cut by the end is valid unless `final`. */
static size_t utf8_bad(const char *s, size_t n, bool final)
{
    for (size_t i = 0, len; i < n; i += len) {
        len = nq_utf8_seq(s + i, n - i, NULL);
        if (len == 0)
            return !final && nq_utf8_cut(s + i, n - i) ? n : i;
    }
    return n;
}

/* Offset of the first byte of s[0..n) that iconv cannot read, or n. */
static size_t iconv_bad(iconv_t cd, const char *s, size_t n, bool final)
{
    char scratch[4096], *in = (char *)s;
    size_t left = n, bad = n;
    iconv(cd, NULL, NULL, NULL, NULL);
    while (left > 0) {
        char *out = scratch;
        size_t room = sizeof(scratch);
        if (iconv(cd, &in, &left, &out, &room) != (size_t)-1 || errno == E2BIG)
            continue;
        if (errno == EILSEQ || final)
            bad = (size_t)(in - s);
        break;
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    return bad;
}

/* A byte order mark at the start: decides (or refuses) at once. */
static int check_start(import_text_t *t)
{
    const unsigned char *s = (const unsigned char *)t->in + t->pos;
    size_t n = t->len - t->pos;
    t->started = true;
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return (int)refuse(t, "%s", msg_tr(M_TEXT_UTF16));
    if (t->decided)
        return 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        t->enc = IMPORT_ENC_UTF8;
    else if (n >= 4 && memcmp(s, "\x84\x31\x95\x33", 4) == 0)
        t->enc = IMPORT_ENC_GB18030;
    t->decided = t->enc != IMPORT_ENC_AUTO;
    return 0;
}

/* Decide on the window that starts at the first non-ASCII byte. */
static int decide(import_text_t *t)
{
    const char *w = t->in + t->pos;
    size_t n = t->len - t->pos;
    size_t u = utf8_bad(w, n, t->eof);
    if (u == n) {
        t->enc = IMPORT_ENC_UTF8;
    } else {
        size_t g = iconv_bad(t->cd, w, n, t->eof);
        if (g != n)
            return (int)refuse(t, msg_tr(M_TEXT_NEITHER), t->line + feeds(t, u),
                               t->line + feeds(t, g));
        t->enc = IMPORT_ENC_GB18030;
    }
    t->decided = true;
    return 0;
}

/* Convert what is there; 0 when the bytes left end inside a character. */
static long convert(import_text_t *t, char *buf, size_t cap)
{
    char *in = t->in + t->pos, *out = buf;
    size_t left = t->len - t->pos, room = cap;
    int err = iconv(t->cd, &in, &left, &out, &room) == (size_t)-1 ? errno : 0;
    size_t made = cap - room;
    consume(t, (size_t)(in - (t->in + t->pos)));
    t->out_given += made;
    if (made > 0)
        return (long)made;
    if (err == EILSEQ || (err == EINVAL && t->eof))
        return pass(t, buf, cap, 1); /* as it is: invalid UTF-8, refused with its cell */
    if (err == E2BIG)
        return refuse(t, "%s", msg_tr(M_OUT_OF_MEMORY)); /* cap < 4: cannot happen */
    t->want_more = err == EINVAL;
    return 0;
}

/* The first byte above 0x7F in the unread input, or len. */
static size_t first_high(const import_text_t *t)
{
    size_t i = t->pos;
    while (i < t->len && (unsigned char)t->in[i] < 0x80)
        i++;
    return i;
}

long import_text_read(void *p, char *buf, size_t cap)
{
    import_text_t *t = p;
    for (;;) {
        if (t->failed)
            return -1;
        size_t avail = t->len - t->pos, high = t->decided ? t->pos : first_high(t);
        bool short_window = !t->decided && high == t->pos && avail < IMPORT_TEXT_WINDOW;
        bool more = avail == 0 || t->want_more || (!t->started && avail < 4) || short_window;
        if (more && !t->eof) {
            fill(t);
            continue;
        }
        if (avail == 0)
            return 0;
        if (!t->started && check_start(t) != 0)
            return -1;
        if (!t->decided && high > t->pos)
            return pass(t, buf, cap, high - t->pos); /* ASCII: the same in every encoding */
        if (!t->decided && decide(t) != 0)
            return -1;
        if (t->enc == IMPORT_ENC_UTF8)
            return pass(t, buf, cap, avail);
        long n = convert(t, buf, cap);
        if (n != 0)
            return n;
    }
}
