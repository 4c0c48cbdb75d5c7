/* redis_build.c — commands built before they are issued (see nq/redis.h): argument
 * vectors, and pipelines formatted back to back in the Redis protocol. No connection:
 * redis.c issues them. */
#include "nq/redis.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/buf.h"

void nq_redis_args_init(nq_redis_args_t *a)
{
    memset(a, 0, sizeof(*a));
}

void nq_redis_args_add(nq_redis_args_t *a, const void *bytes, size_t len)
{
    if (a->failed)
        return;
    if (a->argc == a->cap) {
        size_t cap = a->cap;
        char **argv = nq_array_grow(a->argv, &cap, a->argc + 1, 16, sizeof(*argv));
        if (argv)
            a->argv = argv;
        cap = a->cap;
        size_t *lens = argv ? nq_array_grow(a->lens, &cap, a->argc + 1, 16, sizeof(*lens)) : NULL;
        if (lens)
            a->lens = lens;
        if (!argv || !lens) {
            a->failed = true;
            return;
        }
        a->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        a->failed = true;
        return;
    }
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    a->argv[a->argc] = copy;
    a->lens[a->argc] = len;
    a->argc++;
}

void nq_redis_args_adds(nq_redis_args_t *a, const char *s)
{
    nq_redis_args_add(a, s, strlen(s));
}

void nq_redis_args_addf(nq_redis_args_t *a, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf)) { /* does not fit: fail rather than truncate */
        a->failed = true;
        return;
    }
    nq_redis_args_add(a, buf, (size_t)n);
}

void nq_redis_args_free(nq_redis_args_t *a)
{
    for (size_t i = 0; i < a->argc; i++)
        free(a->argv[i]);
    free(a->argv);
    free(a->lens);
    nq_redis_args_init(a);
}

void nq_redis_pipe_init(nq_redis_pipe_t *p)
{
    *p = (nq_redis_pipe_t){.buf = NQ_BUF_INIT};
}

/* The first allocation of a pipeline's buffer: most transactions fit. */
#define PIPE_FIRST_BYTES 4096

/* Whether p can take more; a failed add to its buffer fails the pipeline. */
static bool pipe_ok(nq_redis_pipe_t *p)
{
    if (p->buf.failed)
        p->failed = true;
    return !p->failed;
}

/* Append "<mark><n>\r\n" (a count or a length header): thousands per
 * apply, so without printf. */
static void pipe_header(nq_redis_pipe_t *p, char mark, size_t n)
{
    char text[NQ_INT_TEXT + 3], *end = text + sizeof(text) - 2;
    memcpy(end, "\r\n", 2);
    char *at = nq_u64_before(end, n);
    *--at = mark;
    nq_buf_add(&p->buf, at, (size_t)(text + sizeof(text) - at));
}

void nq_redis_pipe_cmd(nq_redis_pipe_t *p, nq_redis_cb cb, void *data, size_t argc)
{
    if (!pipe_ok(p))
        return;
    if (p->args_due != 0 || argc == 0) {
        p->failed = true;
        return;
    }
    nq_redis_piped_t *cmds = nq_array_grow(p->cmds, &p->cap_cmds, p->n + 1, 64, sizeof(*cmds));
    if (!cmds || (p->buf.alloc == 0 && nq_buf_grow(&p->buf, PIPE_FIRST_BYTES - 1) != 0)) {
        p->failed = true;
        return;
    }
    p->cmds = cmds;
    pipe_header(p, '*', argc);
    p->cmds[p->n++] = (nq_redis_piped_t){.end = p->buf.len, .cb = cb, .data = data};
    p->args_due = argc;
    pipe_ok(p);
}

void nq_redis_pipe_add(nq_redis_pipe_t *p, const void *bytes, size_t len)
{
    if (!pipe_ok(p))
        return;
    if (p->args_due == 0) {
        p->failed = true;
        return;
    }
    pipe_header(p, '$', len);
    nq_buf_add(&p->buf, bytes, len);
    nq_buf_add(&p->buf, "\r\n", 2);
    if (!pipe_ok(p))
        return;
    p->cmds[p->n - 1].end = p->buf.len;
    p->args_due--;
}

void nq_redis_pipe_adds(nq_redis_pipe_t *p, const char *s)
{
    nq_redis_pipe_add(p, s, strlen(s));
}

void nq_redis_pipe_addll(nq_redis_pipe_t *p, long long v)
{
    char text[NQ_INT_TEXT], *end = text + sizeof(text);
    char *at = nq_i64_before(end, v);
    nq_redis_pipe_add(p, at, (size_t)(end - at));
}

void nq_redis_pipe_free(nq_redis_pipe_t *p)
{
    nq_buf_release(&p->buf);
    free(p->cmds);
    nq_redis_pipe_init(p);
}
