/* pbjson_fast.c — plain bodies straight into messages. See pbjson_fast.h. */
#include "pbjson_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nq/buf.h"
#include "nq/money.h"
#include "nq/period.h"
#include "nq/utf8.h"

/* Digits of the longest integer taken here (fits int64 whatever they are). */
#define INT_DIGITS_MAX 18
/* Characters of the longest real number taken here. */
#define REAL_CHARS_MAX 40
/* Only this many fields can be told apart for repeated keys. */
#define FIELDS_MAX 64

typedef struct cursor {
    const char *p;   /* next byte */
    const char *end; /* past the last byte */
} cursor_t;

static void skip_ws(cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool eat(cursor_t *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A string without escapes or control characters. */
static bool string(cursor_t *c, const char **s, size_t *len)
{
    skip_ws(c);
    if (c->p >= c->end || *c->p != '"')
        return false;
    const char *start = ++c->p;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"') {
            *s = start;
            *len = (size_t)(c->p - start);
            c->p++;
            return true;
        }
        if (ch == '\\' || ch < 0x20)
            return false;
        if (ch < 0x80) {
            c->p++;
            continue;
        }
        size_t n = nq_utf8_seq(c->p, (size_t)(c->end - c->p), NULL);
        if (n == 0)
            return false;
        c->p += n;
    }
    return false;
}

typedef struct number {
    bool is_int; /* no fraction: jansson makes it an integer */
    int64_t i;   /* the integer */
    double d;    /* the value as a double */
} number_t;

static bool is_digit(const char *p, const char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most INT_DIGITS_MAX integer digits. */
static bool number(cursor_t *c, number_t *out)
{
    skip_ws(c);
    const char *start = c->p, *p = c->p;
    bool neg = p < c->end && *p == '-';
    p += neg;
    if (!is_digit(p, c->end))
        return false;
    const char *digits = p;
    if (*p == '0')
        p++;
    else
        while (is_digit(p, c->end))
            p++;
    if (p - digits > INT_DIGITS_MAX)
        return false;
    int64_t v = 0;
    for (const char *q = digits; q < p; q++)
        v = v * 10 + (*q - '0');
    out->is_int = true;
    out->i = neg ? -v : v;
    out->d = (double)out->i;
    if (p < c->end && *p == '.') {
        p++;
        if (!is_digit(p, c->end))
            return false;
        while (is_digit(p, c->end))
            p++;
        char buf[REAL_CHARS_MAX + 1];
        if (p - start > REAL_CHARS_MAX)
            return false;
        memcpy(buf, start, (size_t)(p - start));
        buf[p - start] = '\0';
        out->is_int = false;
        out->d = strtod(buf, NULL);
    }
    if (p < c->end && (*p == 'e' || *p == 'E' || is_digit(p, c->end)))
        return false; /* an exponent, or a leading zero followed by digits */
    c->p = p;
    return true;
}

/* true or false. */
static bool boolean(cursor_t *c, bool *out)
{
    skip_ws(c);
    size_t left = (size_t)(c->end - c->p);
    if (left >= 4 && memcmp(c->p, "true", 4) == 0) {
        c->p += 4;
        *out = true;
        return true;
    }
    if (left >= 5 && memcmp(c->p, "false", 5) == 0) {
        c->p += 5;
        *out = false;
        return true;
    }
    return false;
}

static char *copy(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    return out;
}

/* ---- values: as pbjson's codecs take them -------------------------------- */

static bool decode_object(const pbjson_schema_t *s, cursor_t *c, int depth, ProtobufCMessage **out);

static bool value_string(cursor_t *c, void *member)
{
    const char *s;
    size_t len;
    if (!string(c, &s, &len) || len > PBJSON_STRING_MAX)
        return false;
    return (*(char **)member = copy(s, len)) != NULL;
}

static bool value_int64(cursor_t *c, void *member)
{
    number_t n;
    if (!number(c, &n) || !n.is_int)
        return false;
    *(int64_t *)member = n.i;
    return true;
}

static bool value_int32(cursor_t *c, void *member)
{
    number_t n;
    if (!number(c, &n) || !n.is_int || n.i < INT32_MIN || n.i > INT32_MAX)
        return false;
    *(int32_t *)member = (int32_t)n.i;
    return true;
}

static bool value_bool(cursor_t *c, void *member)
{
    bool b;
    if (!boolean(c, &b))
        return false;
    *(protobuf_c_boolean *)member = b;
    return true;
}

static bool value_double(cursor_t *c, void *member)
{
    number_t n;
    if (!number(c, &n))
        return false;
    *(double *)member = n.d;
    return true;
}

/* Whether a string comes next (money and times take strings or numbers). */
static bool string_next(cursor_t *c)
{
    skip_ws(c);
    return c->p < c->end && *c->p == '"';
}

/* A string short enough for buf, NUL-terminated there. */
static bool short_string(cursor_t *c, char *buf, size_t size)
{
    const char *s;
    size_t len;
    if (!string(c, &s, &len) || len >= size)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

/* A number is judged on its text, as the general path does (jnum.h). */
static bool value_money(cursor_t *c, void *member)
{
    const char *why;
    char buf[64];
    if (string_next(c))
        return short_string(c, buf, sizeof(buf)) && nq_money_parse(buf, member, &why) == 0;
    number_t n;
    const char *start = c->p; /* string_next skipped the blanks */
    return number(c, &n) && nq_money_parse_number(start, (size_t)(c->p - start), member, &why) == 0;
}

static bool value_time(cursor_t *c, void *member)
{
    const char *why;
    char buf[64];
    if (string_next(c))
        return short_string(c, buf, sizeof(buf)) && nq_time_parse(buf, member, &why) == 0;
    return value_int64(c, member);
}

typedef bool (*value_fn)(cursor_t *c, void *member);

static const struct {
    ProtobufCType type;
    value_fn decode;
} plain_values[] = {
    {PROTOBUF_C_TYPE_STRING, value_string}, {PROTOBUF_C_TYPE_INT64, value_int64},
    {PROTOBUF_C_TYPE_INT32, value_int32},   {PROTOBUF_C_TYPE_BOOL, value_bool},
    {PROTOBUF_C_TYPE_DOUBLE, value_double},
};

static const value_fn special_values[] = {
    [PBJSON_MONEY] = value_money,
    [PBJSON_TIME] = value_time,
};

/* The decoder of a field, or NULL when this parser leaves it to pbjson. */
static value_fn value_decoder(const ProtobufCFieldDescriptor *f, const pbjson_special_t *sp)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    if (sp)
        return sp->kind == PBJSON_PLAIN ? NULL : special_values[sp->kind];
    for (size_t i = 0; i < sizeof(plain_values) / sizeof(plain_values[0]); i++) {
        if (plain_values[i].type == f->type)
            return plain_values[i].decode;
    }
    return NULL;
}

/* One "key": value of an object into msg. */
static bool decode_member(const pbjson_schema_t *s, cursor_t *c, int depth, ProtobufCMessage *msg,
                          uint64_t *seen)
{
    const char *key;
    size_t len;
    char name[64];
    if (!string(c, &key, &len) || len >= sizeof(name) || !eat(c, ':'))
        return false;
    memcpy(name, key, len);
    name[len] = '\0';
    const pbjson_special_t *sp;
    const ProtobufCFieldDescriptor *f = pbjson_field(s, name, &sp);
    if (!f || (sp && sp->readonly))
        return false;
    size_t index = (size_t)(f - s->desc->fields);
    if (index >= FIELDS_MAX || (*seen & (1ULL << index)))
        return false;
    *seen |= 1ULL << index;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE && f->label != PROTOBUF_C_LABEL_REPEATED && !sp) {
        pbjson_schema_t sub = {pbjson_msg_desc(f), NULL, 0};
        return decode_object(&sub, c, depth + 1, (ProtobufCMessage **)pbjson_member(msg, f));
    }
    value_fn decode = value_decoder(f, sp);
    if (!decode || !decode(c, pbjson_member(msg, f)))
        return false;
    pbjson_mark_present(msg, f);
    return true;
}

/* { "key": value, ... } as one message; nested objects one level down only. */
static bool decode_object(const pbjson_schema_t *s, cursor_t *c, int depth, ProtobufCMessage **out)
{
    if (depth > 1 || s->desc->n_fields > FIELDS_MAX || !eat(c, '{'))
        return false;
    ProtobufCMessage *msg = malloc(s->desc->sizeof_message);
    if (!msg)
        return false;
    s->desc->message_init(msg);
    *out = msg; /* freed by the caller on failure, with whatever was set */
    uint64_t seen = 0;
    if (eat(c, '}'))
        return true;
    do {
        if (!decode_member(s, c, depth, msg, &seen))
            return false;
    } while (eat(c, ','));
    return eat(c, '}');
}

/* ---- bodies --------------------------------------------------------------- */

typedef struct out_list {
    ProtobufCMessage **items; /* decoded messages */
    size_t n, cap, max;       /* used, allocated, allowed */
} out_list_t;

static void list_free(out_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        protobuf_c_message_free_unpacked(l->items[i], NULL);
    free(l->items);
}

/* One object onto the list. */
static bool take_object(const pbjson_schema_t *s, cursor_t *c, out_list_t *l)
{
    if (l->n == l->max)
        return false;
    ProtobufCMessage **items = nq_array_grow(l->items, &l->cap, l->n + 1, 64, sizeof(*items));
    if (!items)
        return false;
    l->items = items;
    ProtobufCMessage *msg = NULL;
    bool ok = decode_object(s, c, 0, &msg);
    if (msg && !ok)
        protobuf_c_message_free_unpacked(msg, NULL);
    if (ok)
        l->items[l->n++] = msg;
    return ok;
}

static bool at_end(cursor_t *c)
{
    skip_ws(c);
    return c->p == c->end;
}

static bool json_body(const pbjson_schema_t *s, cursor_t *c, out_list_t *l)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == '{')
        return take_object(s, c, l) && at_end(c);
    if (!eat(c, '['))
        return false;
    do {
        if (!take_object(s, c, l))
            return false;
    } while (eat(c, ','));
    return eat(c, ']') && at_end(c);
}

bool pbjson_ndjson_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    *line = *p;
    *p = nl ? nl + 1 : end;
    while (n > 0 && ((*line)[n - 1] == '\r' || (*line)[n - 1] == ' ' || (*line)[n - 1] == '\t'))
        n--;
    *len = n;
    return true;
}

/* One object per non-blank line. */
static bool ndjson_body(const pbjson_schema_t *s, cursor_t *c, out_list_t *l)
{
    const char *p = c->p, *line;
    size_t len;
    while (pbjson_ndjson_line(&p, c->end, &line, &len)) {
        if (len == 0)
            continue;
        cursor_t one = {line, line + len};
        if (!take_object(s, &one, l) || !at_end(&one))
            return false;
    }
    return l->n > 0;
}

int pbjson_fast_decode(const pbjson_schema_t *schema, const char *text, size_t len,
                       pbjson_fast_format_t format, size_t max, ProtobufCMessage ***out, size_t *n)
{
    cursor_t c = {text, text + len};
    out_list_t l = {NULL, 0, 0, max};
    bool ok =
        format == PBJSON_FAST_NDJSON ? ndjson_body(schema, &c, &l) : json_body(schema, &c, &l);
    if (!ok || l.n == 0) {
        list_free(&l);
        return -1;
    }
    *out = l.items;
    *n = l.n;
    return 0;
}
