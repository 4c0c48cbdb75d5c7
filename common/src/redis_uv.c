/* redis_uv.c — hiredis's event hooks on libuv (see redis_uv.h). */
#include "redis_uv.h"

#include <stdlib.h>

typedef struct uv_events {
    redisAsyncContext *ac; /* NULL once hiredis cleaned up */
    uv_poll_t poll;        /* the socket */
    int events;            /* UV_READABLE | UV_WRITABLE wanted */
} uv_events_t;

static void on_socket(uv_poll_t *h, int status, int events)
{
    uv_events_t *e = h->data;
    int ready = status < 0 ? e->events : events;
    if (status < 0)
        e->events = 0; /* libuv stopped the handle */
    if (e->ac && (ready & UV_READABLE))
        redisAsyncHandleRead(e->ac);
    if (e->ac && (ready & UV_WRITABLE))
        redisAsyncHandleWrite(e->ac);
}

/* Only a change is passed on: libuv's uv_poll_start removes the socket from
 * epoll (a system call) before adding it back on the next turn, and hiredis
 * asks to write once per command issued (thousands in a pipeline). */
static void watch(uv_events_t *e, int events)
{
    if (events == e->events)
        return;
    e->events = events;
    if (events)
        uv_poll_start(&e->poll, events, on_socket);
    else
        uv_poll_stop(&e->poll);
}

static void ev_add_read(void *p)
{
    uv_events_t *e = p;
    watch(e, e->events | UV_READABLE);
}

static void ev_del_read(void *p)
{
    uv_events_t *e = p;
    watch(e, e->events & ~UV_READABLE);
}

static void ev_add_write(void *p)
{
    uv_events_t *e = p;
    watch(e, e->events | UV_WRITABLE);
}

static void ev_del_write(void *p)
{
    uv_events_t *e = p;
    watch(e, e->events & ~UV_WRITABLE);
}

static void on_poll_closed(uv_handle_t *h)
{
    free(h->data);
}

static void ev_cleanup(void *p)
{
    uv_events_t *e = p;
    e->ac = NULL;
    uv_close((uv_handle_t *)&e->poll, on_poll_closed);
}

int nq_redis__attach(redisAsyncContext *ac, uv_loop_t *loop)
{
    uv_events_t *e = calloc(1, sizeof(*e));
    if (!e || uv_poll_init_socket(loop, &e->poll, ac->c.fd) != 0) {
        free(e);
        return -1;
    }
    e->ac = ac;
    e->poll.data = e;
    ac->ev.data = e;
    ac->ev.addRead = ev_add_read;
    ac->ev.delRead = ev_del_read;
    ac->ev.addWrite = ev_add_write;
    ac->ev.delWrite = ev_del_write;
    ac->ev.cleanup = ev_cleanup;
    return 0;
}
