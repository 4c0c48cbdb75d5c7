/* i18n.c — choosing the answer's language and translating English texts by
 * their templates. See nq/i18n.h. */
#include "nq/i18n.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nq/utf8.h"

#define CAPTURES_MAX 8    /* conversions in one template */
#define TEXT_MAX     1024 /* longest text rendered */
#define NEST_MAX     2    /* %s values translated inside a translation, levels */

/* What one conversion of a template wrote in the text. */
typedef struct capture {
    const char *at; /* start in the text */
    size_t len;     /* bytes */
    char conv;      /* conversion character: 'd', 's', 'g'... */
} capture_t;

int nq_lang_of_tag(const char *tag, size_t len)
{
    static const struct {
        const char *prefix;
        nq_lang_t lang;
    } tags[] = {{"zh", NQ_LANG_ZH}, {"en", NQ_LANG_EN}};
    for (size_t i = 0; tag && len >= 2 && i < sizeof(tags) / sizeof(tags[0]); i++) {
        if (strncasecmp(tag, tags[i].prefix, 2) == 0 &&
            (len == 2 || tag[2] == '-' || tag[2] == '_' || tag[2] == '.'))
            return (int)tags[i].lang;
    }
    return -1;
}

/* The q-value of the parameters [p, end) of one Accept-Language item, in
 * thousandths: 1000 when absent, -1 when malformed. */
static int qvalue(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p != ';')
            continue;
        p += 1 + strspn(p + 1, " \t");
        if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
            continue;
        p += 2;
        if (p >= end || (*p != '0' && *p != '1'))
            return -1;
        int q = (*p++ - '0') * 1000, scale = 100;
        if (p < end && *p == '.') {
            for (p++; p < end && isdigit((unsigned char)*p) && scale > 0; p++, scale /= 10)
                q += (*p - '0') * scale;
        }
        p += strspn(p, " \t");
        return q <= 1000 && (p >= end || *p == ';') ? q : -1;
    }
    return 1000;
}

nq_lang_t nq_lang_accept(const char *accept_language)
{
    nq_lang_t best = NQ_LANG_EN;
    int best_q = 0;
    for (const char *p = accept_language; p && *p;) {
        p += strspn(p, " \t,");
        const char *end = p + strcspn(p, ",");
        size_t n = strcspn(p, ";, \t");
        int lang = n == 1 && *p == '*' ? (int)NQ_LANG_EN : nq_lang_of_tag(p, n);
        int q = qvalue(p + n, end);
        if (lang >= 0 && q > best_q) {
            best = (nq_lang_t)lang;
            best_q = q;
        }
        p = end;
    }
    return best;
}

/* Length of the conversion that starts at p (a '%'), its character in *conv;
 * 0 when p starts none. */
static size_t conv_at(const char *p, char *conv)
{
    size_t n = 1 + strspn(p + 1, "-+ #0123456789.*hlLqjzt");
    if (!p[n] || !strchr("diouxXeEfFgGcsp%", p[n]))
        return 0;
    *conv = p[n];
    return n + 1;
}

size_t nq_i18n_conversions(const char *fmt, char *out, size_t len)
{
    size_t used = 0, count = 0;
    out[0] = '\0';
    for (const char *p = fmt; (p = strchr(p, '%'));) {
        char conv;
        size_t n = conv_at(p, &conv);
        if (n == 0) {
            p++;
            continue;
        }
        const char *hash = conv == 's' ? memchr(p, '#', n) : NULL;
        if (used < len && hash) /* "%#s" is "%s" that nq_i18n_tr translates */
            used += (size_t)snprintf(out + used, len - used, "%.*s%.*s", (int)(hash - p), p,
                                     (int)(n - (size_t)(hash - p) - 1), hash + 1);
        else if (used < len)
            used += (size_t)snprintf(out + used, len - used, "%.*s", (int)n, p);
        count += conv != '%';
        p += n;
    }
    return count;
}

/* Whether printf's conversion `conv` may have written byte c. */
static bool may_write(char conv, char c)
{
    switch (conv) {
    case 'd':
    case 'i':
        return isdigit((unsigned char)c) || c == '-' || c == '+';
    case 'u':
    case 'o':
        return isdigit((unsigned char)c);
    case 'x':
    case 'X':
        return isxdigit((unsigned char)c);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
        return c && strchr("0123456789+-.eEinfaINFA", c);
    default: /* s, c, p */
        return true;
    }
}

/* Whether text s is what template t writes, from capture n on; the captures in
 * caps[n..], their count in *ncap. Each conversion takes the fewest bytes that
 * let the rest match. */
static bool match(const char *t, const char *s, capture_t *caps, size_t n, size_t *ncap)
{
    for (;;) {
        char conv = 0;
        size_t cl = *t == '%' ? conv_at(t, &conv) : 0;
        if (cl && conv != '%') {
            if (n == CAPTURES_MAX)
                return false;
            for (size_t k = conv == 's' || conv == 'p' ? 0 : 1;; k++) {
                if (k > 0 && (!s[k - 1] || !may_write(conv, s[k - 1])))
                    return false;
                if (match(t + cl, s + k, caps, n + 1, ncap)) {
                    caps[n] = (capture_t){s, k, conv};
                    return true;
                }
            }
        }
        if (cl) { /* "%%" writes '%' */
            if (*s != '%')
                return false;
            t += cl;
            s++;
            continue;
        }
        if (!*t) {
            *ncap = n;
            return !*s;
        }
        if (*t != *s)
            return false;
        t++;
        s++;
    }
}

/* Bytes of literal text in template t. */
static size_t literal_len(const char *t)
{
    size_t n = 0;
    while (*t) {
        char conv;
        size_t cl = *t == '%' ? conv_at(t, &conv) : 0;
        n += !cl || conv == '%';
        t += cl ? cl : 1;
    }
    return n;
}

static void put(char *out, size_t len, size_t *used, const char *s, size_t n)
{
    if (*used + n >= len)
        n = *used < len - 1 ? len - 1 - *used : 0;
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
}

static const char *translate(const char *text, char *out, size_t len, int nest);

/* zh_fmt with the captures in place, each "%#s" value translated while nest > 0.
 * Returns 0, or -1 when zh_fmt has more conversions than there are captures. */
static int render(const char *zh_fmt, const capture_t *caps, size_t ncap, char *out, size_t len,
                  int nest)
{
    char buf[TEXT_MAX];
    size_t used = 0, k = 0;
    buf[0] = '\0';
    for (const char *t = zh_fmt; *t;) {
        char conv;
        size_t cl = *t == '%' ? conv_at(t, &conv) : 0;
        if (!cl) {
            put(buf, sizeof(buf), &used, t++, 1);
        } else if (conv == '%') {
            put(buf, sizeof(buf), &used, "%", 1);
            t += cl;
        } else if (k == ncap) {
            return -1;
        } else {
            char value[TEXT_MAX], zh[TEXT_MAX];
            const capture_t *c = &caps[k++];
            snprintf(value, sizeof(value), "%.*s", (int)c->len, c->at);
            bool text = conv == 's' && memchr(t, '#', cl);
            const char *v = text && nest > 0 ? translate(value, zh, sizeof(zh), nest - 1) : value;
            put(buf, sizeof(buf), &used, v, strlen(v));
            t += cl;
        }
    }
    nq_utf8_clean(out, len, buf);
    return 0;
}

int nq_i18n_render(const char *en_fmt, const char *zh_fmt, const char *text, char *out, size_t len)
{
    capture_t caps[CAPTURES_MAX];
    size_t ncap = 0;
    if (!match(en_fmt, text, caps, 0, &ncap))
        return -1;
    return render(zh_fmt, caps, ncap, out, len, 0);
}

/* The Chinese of text by the catalogue template with the most literal text
 * that matches it, or text itself. */
static const char *translate(const char *text, char *out, size_t len, int nest)
{
    const nq_i18n_pair_t *best = NULL;
    capture_t caps[CAPTURES_MAX], try[CAPTURES_MAX];
    size_t ncap = 0, best_lit = 0;
    for (size_t i = 0; i < nq_i18n_zh_count; i++) {
        const nq_i18n_pair_t *p = &nq_i18n_zh_catalogue[i];
        size_t n = 0, lit;
        if (match(p->en, text, try, 0, &n) && (lit = literal_len(p->en)) > best_lit) {
            best = p;
            best_lit = lit;
            ncap = n;
            memcpy(caps, try, n * sizeof(*caps));
        }
    }
    if (best && render(best->zh, caps, ncap, out, len, nest) == 0)
        return out;
    nq_utf8_clean(out, len, text);
    return out;
}

const char *nq_i18n_tr(nq_lang_t lang, const char *text, char *out, size_t len)
{
    if (!text)
        text = "";
    if (lang != NQ_LANG_ZH) {
        nq_utf8_clean(out, len, text);
        return out;
    }
    return translate(text, out, len, NEST_MAX);
}
