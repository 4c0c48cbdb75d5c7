/* channel_mail.c — the e-mail channel. See channel_mail.h. */
#include "channel_mail.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAIL_LINE_B64   76   /* base64 characters per body line */
#define MAIL_WORD_BYTES 45   /* bytes of text per encoded word (60 base64 characters) */
#define MAIL_HEAD_MAX   4096 /* bytes of the headers */

/* ---- checking the fields ---------------------------------------------------- */

static bool domain_ok(const char *d, size_t n)
{
    if (n == 0 || d[0] == '.' || d[0] == '-' || d[n - 1] == '.' || d[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)d[i]) && d[i] != '.' && d[i] != '-')
            return false;
    }
    return true;
}

/* local@domain: 1–64 bytes of the dot-atom characters, then a host name. */
static bool address_ok(const char *a)
{
    static const char atext[] = "!#$%&'*+/=?^_`{|}~.-";
    const char *at = a ? strchr(a, '@') : NULL;
    if (!at || at == a || at - a > 64 || strlen(a) > CHANNEL_ADDR_MAX || strchr(at + 1, '@'))
        return false;
    for (const char *p = a; p < at; p++) {
        if (!isalnum((unsigned char)*p) && !strchr(atext, *p))
            return false;
    }
    return domain_ok(at + 1, strlen(at + 1));
}

/* smtp://host[:port] or smtps://host[:port], an optional "/" at the end and nothing else. */
static bool smtp_url_ok(const char *u)
{
    size_t skip = strncmp(u, "smtp://", 7) == 0 ? 7 : strncmp(u, "smtps://", 8) == 0 ? 8 : 0;
    if (!skip)
        return false;
    const char *host = u + skip, *end = host + strcspn(host, ":/");
    if (!domain_ok(host, (size_t)(end - host)))
        return false;
    if (*end == ':') {
        char *after;
        long port = strtol(end + 1, &after, 10);
        if (after == end + 1 || port < 1 || port > 65535 || !isdigit((unsigned char)end[1]))
            return false;
        end = after;
    }
    return *end == '\0' || strcmp(end, "/") == 0;
}

static const char *string_of(const json_t *body, const char *name, nq_field_errors_t *errs)
{
    json_t *v = json_object_get(body, name);
    if (v && !json_is_string(v)) {
        nq_field_errors_add(errs, name, "must be a string");
        return NULL;
    }
    return v ? json_string_value(v) : NULL;
}

static void parse_to(const json_t *to, channel_t *ch, nq_field_errors_t *errs)
{
    size_t i;
    json_t *a;
    if (!json_is_array(to) || json_array_size(to) < 1 || json_array_size(to) > CHANNEL_TO_MAX) {
        nq_field_errors_add(errs, "to", "is required: a list of 1 to %d e-mail addresses",
                            CHANNEL_TO_MAX);
        return;
    }
    json_array_foreach (to, i, a) {
        if (!json_is_string(a) || !address_ok(json_string_value(a))) {
            nq_field_errors_add(errs, "to", "entry %zu is not an e-mail address (name@host)",
                                i + 1);
            return;
        }
        snprintf(ch->mail_to[ch->n_to++], sizeof(ch->mail_to[0]), "%s", json_string_value(a));
    }
}

void channel_mail_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs)
{
    const char *smtp = string_of(body, "smtp", errs);
    const char *from = string_of(body, "from", errs);
    const char *user = string_of(body, "username", errs);
    const char *secret = string_of(body, "secret", errs);
    json_t *plain = json_object_get(body, "allow_plaintext");
    if (!smtp || strlen(smtp) > CHANNEL_URL_MAX || !smtp_url_ok(smtp))
        nq_field_errors_add(errs, "smtp",
                            "is required: smtps://host[:port] (TLS) or smtp://host[:port] "
                            "(STARTTLS), with no user, path or query");
    else
        snprintf(ch->webhook, sizeof(ch->webhook), "%s", smtp);
    if (!from || !address_ok(from))
        nq_field_errors_add(errs, "from", "is required: an e-mail address (name@host)");
    else
        snprintf(ch->mail_from, sizeof(ch->mail_from), "%s", from);
    parse_to(json_object_get(body, "to"), ch, errs);
    if (user &&
        (!*user || strlen(user) > CHANNEL_USER_MAX || !nq_valid_text(user, CHANNEL_USER_MAX)))
        nq_field_errors_add(errs, "username", "must be 1 to 128 printable characters");
    else if (user)
        snprintf(ch->username, sizeof(ch->username), "%s", user);
    if (secret &&
        (strlen(secret) > CHANNEL_SECRET_MAX || !nq_valid_text(secret, CHANNEL_SECRET_MAX)))
        nq_field_errors_add(errs, "secret", "must be at most 256 printable characters");
    else if (secret && *secret && !*ch->username)
        nq_field_errors_add(errs, "secret", "a password needs a username");
    else if (secret)
        snprintf(ch->secret, sizeof(ch->secret), "%s", secret);
    if (plain && !json_is_boolean(plain))
        nq_field_errors_add(errs, "allow_plaintext", "must be true or false");
    ch->plaintext = json_is_true(plain);
    if (ch->plaintext && strncmp(ch->webhook, "smtps://", 8) == 0)
        nq_field_errors_add(errs, "allow_plaintext", "an smtps:// server is always TLS");
}

/* ---- stored and shown ------------------------------------------------------- */

static json_t *to_list(const channel_t *ch)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < ch->n_to; i++)
        json_array_append_new(a, json_string(ch->mail_to[i]));
    return a;
}

void channel_mail_store(const channel_t *ch, json_t *o)
{
    json_object_set_new(o, "from", json_string(ch->mail_from));
    json_object_set_new(o, "to", to_list(ch));
    json_object_set_new(o, "username", json_string(ch->username));
    json_object_set_new(o, "allow_plaintext", json_boolean(ch->plaintext));
}

int channel_mail_load(const json_t *j, channel_t *ch)
{
    const char *from = json_string_value(json_object_get(j, "from"));
    const char *user = json_string_value(json_object_get(j, "username"));
    json_t *to = json_object_get(j, "to");
    if (!from || !json_is_array(to) || json_array_size(to) > CHANNEL_TO_MAX)
        return -1;
    snprintf(ch->mail_from, sizeof(ch->mail_from), "%s", from);
    snprintf(ch->username, sizeof(ch->username), "%s", user ? user : "");
    ch->plaintext = json_is_true(json_object_get(j, "allow_plaintext"));
    size_t i;
    json_t *a;
    json_array_foreach (to, i, a) {
        if (json_is_string(a))
            snprintf(ch->mail_to[ch->n_to++], sizeof(ch->mail_to[0]), "%s", json_string_value(a));
    }
    return ch->n_to > 0 ? 0 : -1;
}

void channel_mail_show(const channel_t *ch, json_t *o)
{
    json_object_set_new(o, "smtp", json_string(ch->webhook));
    json_object_del(o, "webhook");
    channel_mail_store(ch, o);
}

/* ---- the message ------------------------------------------------------------ */

void channel_mail_date(int64_t t_ms, char *out, size_t len)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(t_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Bytes of s[0..n) that end on a UTF-8 character's boundary, at most max. */
static size_t whole_chars(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k ? k : max;
}

char *channel_mail_encode_header(const char *text)
{
    size_t n = strlen(text), cap = n / MAIL_WORD_BYTES * 80 + 96 + n * 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n || o == 0;) {
        size_t take = whole_chars(text + i, n - i, MAIL_WORD_BYTES);
        char b64[sodium_base64_ENCODED_LEN(MAIL_WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        o += (size_t)snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=", o ? "\r\n " : "", b64);
        i += take;
        if (take == 0)
            break;
    }
    return out;
}

/* base64 of text in lines of 76, each ended by CRLF; new string or NULL. */
static char *body_base64(const char *text)
{
    size_t n = strlen(text);
    size_t enc = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(enc), *out = malloc(enc + enc / MAIL_LINE_B64 * 2 + 4);
    if (!b64 || !out) {
        free(b64);
        free(out);
        return NULL;
    }
    sodium_bin2base64(b64, enc, (const unsigned char *)text, n, sodium_base64_VARIANT_ORIGINAL);
    size_t o = 0, len = strlen(b64);
    for (size_t i = 0; i < len; i += MAIL_LINE_B64) {
        size_t take = len - i < MAIL_LINE_B64 ? len - i : MAIL_LINE_B64;
        memcpy(out + o, b64 + i, take);
        o += take;
        out[o++] = '\r';
        out[o++] = '\n';
    }
    out[o] = '\0';
    free(b64);
    return out;
}

static void envelope(const channel_t *ch, channel_req_t *out)
{
    out->url = strdup(ch->webhook);
    out->mail_from = strdup(ch->mail_from);
    for (size_t i = 0; i < ch->n_to; i++)
        out->mail_rcpt[i] = strdup(ch->mail_to[i]);
    out->username = ch->username;
    out->password = ch->secret;
    out->require_tls = !ch->plaintext;
}

int channel_mail_build(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                       channel_req_t *out)
{
    static const char *const events[] = {"alert", "digest", "test"};
    char title[512], *md, date[40], to[CHANNEL_TO_MAX * (CHANNEL_ADDR_MAX + 2) + 1] = "";
    if (ch->n_to == 0 || channel_render(m, title, sizeof(title), &md) != 0)
        return -1;
    char *subject = channel_mail_encode_header(title), *body = body_base64(md);
    free(md);
    for (size_t i = 0; i < ch->n_to; i++)
        snprintf(to + strlen(to), sizeof(to) - strlen(to), "%s%s", i ? ", " : "", ch->mail_to[i]);
    channel_mail_date(now_ms, date, sizeof(date));
    size_t cap =
        MAIL_HEAD_MAX + strlen(to) + (subject ? strlen(subject) : 0) + (body ? strlen(body) : 0);
    char *msg = subject && body ? malloc(cap) : NULL;
    if (msg) {
        out->len = (size_t)snprintf(
            msg, cap,
            "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
            "Message-ID: <%s.%" PRId64 "@neiqin>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
            "X-Neiqin-Event: %s\r\n\r\n%s",
            ch->mail_from, to, subject, date, m->n && m->items[0].id ? m->items[0].id : "test",
            now_ms, events[m->kind], body);
    }
    free(subject);
    free(body);
    out->body = msg;
    envelope(ch, out);
    bool ok = msg && out->url && out->mail_from;
    for (size_t i = 0; i < ch->n_to; i++)
        ok = ok && out->mail_rcpt[i];
    return ok ? 0 : -1;
}
