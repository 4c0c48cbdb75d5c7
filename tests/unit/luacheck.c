/* luacheck.c — see luacheck.h. */
#include "luacheck.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { T_NAME, T_NUM, T_STR, T_OP } tok_kind_t;

typedef struct tok {
    tok_kind_t kind;
    const char *s; /* its text (a string's contents, without quotes) */
    size_t len;
    int line;
} tok_t;

typedef struct toks {
    tok_t *t;
    size_t n, cap;
} toks_t;

/* ---- tokens ------------------------------------------------------------- */

static int push(toks_t *ts, tok_kind_t kind, const char *s, size_t len, int line)
{
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 256;
        tok_t *t = realloc(ts->t, cap * sizeof(*t));
        if (!t)
            return -1;
        ts->t = t;
        ts->cap = cap;
    }
    ts->t[ts->n++] = (tok_t){kind, s, len, line};
    return 0;
}

/* At "[" of a long bracket ("[[", "[=[", ...): its level, else -1. */
static int long_open(const char *p)
{
    int level = 0;
    for (p++; *p == '='; p++)
        level++;
    return *p == '[' ? level : -1;
}

/* After a long bracket of `level` opened: where its closing ends, or NULL. */
static const char *long_close(const char *p, int level, int *line)
{
    for (; *p; p++) {
        if (*p == '\n')
            (*line)++;
        if (*p != ']')
            continue;
        const char *q = p + 1;
        int l = 0;
        while (*q == '=' && l < level)
            q++, l++;
        if (l == level && *q == ']')
            return q + 1;
    }
    return NULL;
}

static int tokenize(const char *p, toks_t *ts)
{
    static const char *const ops[] = {"...", "..", "==", "~=", "<=", ">=", "::"};
    int line = 1;
    while (*p) {
        if (*p == '\n') {
            line++;
            p++;
        } else if (isspace((unsigned char)*p)) {
            p++;
        } else if (p[0] == '-' && p[1] == '-') { /* a comment */
            int level = p[2] == '[' ? long_open(p + 2) : -1;
            if (level >= 0) {
                p = long_close(p + 4 + level, level, &line);
                if (!p)
                    return -1;
            } else {
                p += strcspn(p, "\n");
            }
        } else if (*p == '\'' || *p == '"') {
            const char *start = ++p;
            while (*p && *p != start[-1] && *p != '\n')
                p += *p == '\\' && p[1] ? 2 : 1;
            if (*p != start[-1] || push(ts, T_STR, start, (size_t)(p - start), line) != 0)
                return -1;
            p++;
        } else if (*p == '[' && long_open(p) >= 0) {
            int level = long_open(p), at = line;
            const char *start = p + 2 + level, *end = long_close(start, level, &line);
            if (!end || push(ts, T_STR, start, (size_t)(end - 2 - level - start), at) != 0)
                return -1;
            p = end;
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            const char *start = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            if (push(ts, T_NAME, start, (size_t)(p - start), line) != 0)
                return -1;
        } else if (isdigit((unsigned char)*p)) {
            const char *start = p;
            while (isalnum((unsigned char)*p) || *p == '.')
                p++;
            if (push(ts, T_NUM, start, (size_t)(p - start), line) != 0)
                return -1;
        } else {
            size_t len = 1;
            for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                if (strncmp(p, ops[i], strlen(ops[i])) == 0) {
                    len = strlen(ops[i]);
                    break;
                }
            }
            if (push(ts, T_OP, p, len, line) != 0)
                return -1;
            p += len;
        }
    }
    return 0;
}

static bool is(const toks_t *ts, size_t i, const char *text)
{
    return i < ts->n && ts->t[i].kind != T_STR && ts->t[i].len == strlen(text) &&
           memcmp(ts->t[i].s, text, ts->t[i].len) == 0;
}

static bool opens(const toks_t *ts, size_t i)
{
    return is(ts, i, "(") || is(ts, i, "[") || is(ts, i, "{");
}

static bool closes(const toks_t *ts, size_t i)
{
    return is(ts, i, ")") || is(ts, i, "]") || is(ts, i, "}");
}

/* The token after the bracket opened at i is closed, or ts->n. */
static size_t after_match(const toks_t *ts, size_t i)
{
    int depth = 0;
    for (; i < ts->n; i++) {
        depth += opens(ts, i) ? 1 : closes(ts, i) ? -1 : 0;
        if (depth == 0)
            return i + 1;
    }
    return ts->n;
}

/* ---- key expressions --------------------------------------------------- */

/* Tokens that continue an expression after an operand. */
static bool continues(const toks_t *ts, size_t i)
{
    static const char *const more[] = {"..", "+",  "-", "*", "/",  "%",  "^",   "[",  ".", ":", "(",
                                       "==", "~=", "<", ">", "<=", ">=", "and", "or", "{", "#"};
    for (size_t k = 0; k < sizeof(more) / sizeof(more[0]); k++) {
        if (is(ts, i, more[k]))
            return true;
    }
    return i < ts->n && ts->t[i].kind == T_STR; /* f'x' */
}

/* Whether tokens [i, end) are exactly KEYS[<expression>]. */
static bool keys_ref(const toks_t *ts, size_t i, size_t end)
{
    return is(ts, i, "KEYS") && is(ts, i + 1, "[") && after_match(ts, i + 1) == end;
}

/* Whether the expression starting at i is KEYS[<expression>] and nothing more. */
static bool keys_expr_at(const toks_t *ts, size_t i)
{
    if (!is(ts, i, "KEYS") || !is(ts, i + 1, "["))
        return false;
    size_t end = after_match(ts, i + 1);
    return !continues(ts, end);
}

/* The start of the k-th (0-based) expression of a list starting at i, or
 * ts->n when the list has fewer (commas at depth 0 separate them). */
static size_t nth_expr(const toks_t *ts, size_t i, size_t k)
{
    int depth = 0;
    for (; k > 0 && i < ts->n; i++) {
        depth += opens(ts, i) ? 1 : closes(ts, i) ? -1 : 0;
        if (depth < 0)
            return ts->n;
        if (depth == 0 && is(ts, i, ","))
            k--;
    }
    return i;
}

/* Whether every binding of name `n` (a local, an assignment, a loop
 * variable, a parameter) binds it to KEYS[...], and there is one. */
static bool key_bound(const toks_t *ts, const tok_t *n)
{
    size_t bindings = 0;
    int braces = 0;
    for (size_t i = 0; i < ts->n; i++) {
        braces += is(ts, i, "{") ? 1 : is(ts, i, "}") ? -1 : 0;
        const tok_t *t = &ts->t[i];
        bool same = t->kind == T_NAME && t->len == n->len && memcmp(t->s, n->s, n->len) == 0;
        if (!same)
            continue;
        /* The names of a list "a, b, c" this one is the k-th of. */
        size_t first = i;
        while (first >= 2 && is(ts, first - 1, ",") && ts->t[first - 2].kind == T_NAME)
            first -= 2;
        size_t k = (i - first) / 2, last = i;
        while (is(ts, last + 1, ",") && last + 2 < ts->n && ts->t[last + 2].kind == T_NAME)
            last += 2;
        bool local = first > 0 && is(ts, first - 1, "local");
        bool loop = first > 0 && is(ts, first - 1, "for");
        bool param = first > 0 && is(ts, first - 1, "(") &&
                     ((first > 1 && is(ts, first - 2, "function")) ||
                      (first > 2 && is(ts, first - 3, "function")));
        bool assigned = is(ts, last + 1, "=") && braces == 0 &&
                        !(first > 0 && (is(ts, first - 1, ".") || is(ts, first - 1, ":")));
        if (loop || param || (first > 0 && is(ts, first - 1, "function"))) {
            return false;
        } else if (local || assigned) {
            bindings++;
            if (!is(ts, last + 1, "=") || !keys_expr_at(ts, nth_expr(ts, last + 2, k)))
                return false;
        }
    }
    return bindings > 0;
}

/* ---- commands ------------------------------------------------------------ */

typedef enum {
    K_FIRST,   /* the first argument is the key */
    K_TWO,     /* the first two (RENAME src dst) */
    K_SECOND,  /* the second, after a subcommand (XGROUP SETID key ...) */
    K_ALL,     /* every argument */
    K_NUMKEYS, /* numkeys, then that many keys */
    K_STREAMS, /* after STREAMS: the keys, then as many ids */
} key_spec_t;

/* One command a line (clang-format would pack the rows once there are many). */
/* clang-format off */
static const struct {
    const char *name;
    key_spec_t keys;
} commands[] = {
    {"GET", K_FIRST},
    {"SET", K_FIRST},
    {"INCR", K_FIRST},
    {"INCRBY", K_FIRST},
    {"DEL", K_ALL},
    {"EXISTS", K_ALL},
    {"MGET", K_ALL},
    {"EXPIREAT", K_FIRST},
    {"RENAME", K_TWO},
    {"COPY", K_TWO},
    {"HGET", K_FIRST},
    {"HSET", K_FIRST},
    {"HMGET", K_FIRST},
    {"HGETALL", K_FIRST},
    {"HDEL", K_FIRST},
    {"HINCRBY", K_FIRST},
    {"HSETNX", K_FIRST},
    {"HLEN", K_FIRST},
    {"HEXISTS", K_FIRST},
    {"EXPIRE", K_FIRST},
    {"LLEN", K_FIRST},
    {"RPUSH", K_FIRST},
    {"LTRIM", K_FIRST},
    {"SADD", K_FIRST},
    {"SREM", K_FIRST},
    {"SCARD", K_FIRST},
    {"SMEMBERS", K_FIRST},
    {"SSCAN", K_FIRST},
    {"SISMEMBER", K_FIRST},
    {"SMISMEMBER", K_FIRST},
    {"SINTER", K_ALL},
    {"SUNION", K_ALL},
    {"SINTERCARD", K_NUMKEYS},
    {"SMOVE", K_TWO},
    {"ZADD", K_FIRST},
    {"ZCARD", K_FIRST},
    {"ZINTERCARD", K_NUMKEYS},
    {"ZRANGE", K_FIRST},
    {"ZRANGEBYLEX", K_FIRST},
    {"ZLEXCOUNT", K_FIRST},
    {"ZRANGEBYSCORE", K_FIRST},
    {"ZREVRANGEBYLEX", K_FIRST},
    {"ZREM", K_FIRST},
    {"ZSCORE", K_FIRST},
    {"ZREMRANGEBYSCORE", K_FIRST},
    {"XADD", K_FIRST},
    {"XLEN", K_FIRST},
    {"XRANGE", K_FIRST},
    {"XPENDING", K_FIRST},
    {"XAUTOCLAIM", K_FIRST},
    {"XACK", K_FIRST},
    {"XREADGROUP", K_STREAMS},
    {"XGROUP", K_SECOND},
    {"ZCOUNT", K_FIRST},
    {"PEXPIRE", K_FIRST},
};
/* clang-format on */

typedef struct check {
    const toks_t *ts;
    int problems;
    char *why;
    size_t why_len;
} check_t;

static void problem(check_t *c, const tok_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(check_t *c, const tok_t *at, const char *fmt, ...)
{
    if (c->problems++ > 0 || !c->why_len)
        return;
    int n = snprintf(c->why, c->why_len, "line %d: ", at->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->why_len)
        vsnprintf(c->why + n, c->why_len - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Check one key argument [i, end) of a call; `many`: the command takes any
 * number of keys there, so unpack(KEYS, ...) is one too. */
static void check_key(check_t *c, size_t i, size_t end, bool many, const char *cmd)
{
    const toks_t *ts = c->ts;
    if (keys_ref(ts, i, end))
        return;
    if (end == i + 1 && ts->t[i].kind == T_NAME && key_bound(ts, &ts->t[i]))
        return;
    if (many && is(ts, i, "unpack") && is(ts, i + 1, "(") && is(ts, i + 2, "KEYS") &&
        after_match(ts, i + 1) == end)
        return;
    const tok_t *t = i < ts->n ? &ts->t[i] : &ts->t[ts->n - 1];
    problem(c, t, "%s: the key argument \"%.*s...\" is not KEYS[...] nor a local bound to one", cmd,
            (int)t->len, t->s);
}

/* Check the call whose "(" is at i. */
static void check_call(check_t *c, size_t open)
{
    const toks_t *ts = c->ts;
    size_t end = after_match(ts, open) - 1; /* its ")" */
    size_t starts[256], n = 0;
    int depth = 0;
    starts[n++] = open + 1;
    for (size_t i = open + 1; i < end && n < 256; i++) {
        depth += opens(ts, i) ? 1 : closes(ts, i) ? -1 : 0;
        if (depth == 0 && is(ts, i, ","))
            starts[n++] = i + 1;
    }
    starts[n] = end + 1; /* each argument ends before the next start's comma */
    const tok_t *name = &ts->t[open + 1];
    if (name->kind != T_STR || starts[1] - 1 != open + 2) {
        problem(c, name, "the command of redis.call must be a string literal");
        return;
    }
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "%.*s", (int)name->len, name->s);
    int k = -1;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcasecmp(commands[i].name, cmd) == 0)
            k = (int)i;
    }
    if (k < 0) {
        problem(c, name, "%s is not in luacheck.c's table: add it with its key arguments", cmd);
        return;
    }
    size_t from = 1, to = 1; /* arguments [from, to] are keys */
    switch (commands[k].keys) {
    case K_FIRST:
        break;
    case K_TWO:
        to = 2;
        break;
    case K_SECOND:
        from = to = 2;
        break;
    case K_ALL:
        to = n - 1;
        break;
    case K_NUMKEYS:
        from = 2;
        to = n > 1 && ts->t[starts[1]].kind == T_NUM ? 1 + (size_t)atoi(ts->t[starts[1]].s) : n - 1;
        break;
    case K_STREAMS:
        for (size_t a = 1; a < n; a++) {
            const tok_t *t = &ts->t[starts[a]];
            if (t->kind == T_STR && t->len == 7 && strncasecmp(t->s, "STREAMS", 7) == 0)
                from = a + 1;
        }
        to = from + (n - from) / 2 - 1;
        break;
    }
    if (to >= n) {
        problem(c, name, "%s: fewer arguments than its keys", cmd);
        return;
    }
    for (size_t a = from; a <= to; a++)
        check_key(c, starts[a], starts[a + 1] - 1, commands[k].keys == K_ALL, cmd);
}

int luacheck_keys(const char *text, char *why, size_t why_len)
{
    toks_t ts = {0};
    if (why_len)
        why[0] = '\0';
    if (tokenize(text, &ts) != 0) {
        free(ts.t);
        if (why_len)
            snprintf(why, why_len, "the text does not tokenise");
        return -1;
    }
    check_t c = {&ts, 0, why, why_len};
    for (size_t i = 0; i + 3 < ts.n; i++) {
        if (is(&ts, i, "redis") && is(&ts, i + 1, ".") &&
            (is(&ts, i + 2, "call") || is(&ts, i + 2, "pcall")) && is(&ts, i + 3, "("))
            check_call(&c, i + 3);
    }
    free(ts.t);
    return c.problems;
}

int luacheck_max_key(const char *text)
{
    toks_t ts = {0};
    int top = 0;
    if (tokenize(text, &ts) == 0) {
        for (size_t i = 0; i + 3 < ts.n; i++) {
            if (is(&ts, i, "KEYS") && is(&ts, i + 1, "[") && ts.t[i + 2].kind == T_NUM &&
                is(&ts, i + 3, "]") && atoi(ts.t[i + 2].s) > top)
                top = atoi(ts.t[i + 2].s);
        }
    }
    free(ts.t);
    return top;
}
