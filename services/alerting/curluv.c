/* curluv.c — libcurl's multi interface on a libuv loop. See curluv.h. */
#include "curluv.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX 2048 /* bytes of an answer kept */

struct curluv {
    uv_loop_t *loop;   /* borrowed */
    CURLM *multi;      /* the requests */
    uv_timer_t *timer; /* libcurl's timeout (heap: closes after we are freed) */
    size_t pending;    /* requests in flight */
    struct req *reqs;  /* requests in flight, a list */
};

/* One socket libcurl watches. */
typedef struct sock {
    uv_poll_t poll; /* first: the handle's close callback frees the struct */
    curl_socket_t fd;
    curluv_t *cu;
} sock_t;

/* One request. */
typedef struct req {
    struct req *prev, *next; /* in curluv.reqs */
    curluv_t *cu;
    CURL *easy;
    struct curl_slist *headers; /* HTTP headers, or an e-mail's recipients */
    char *body;                 /* copy of what is sent */
    size_t len, sent;           /* its length; an e-mail's bytes read by libcurl so far */
    char answer[ANSWER_MAX];    /* the answer's first bytes */
    size_t answer_len;
    char error[CURL_ERROR_SIZE];
    curluv_cb cb;
    void *data;
} req_t;

static void req_free(req_t *r)
{
    if (r->cu) { /* on the list */
        if (r->prev)
            r->prev->next = r->next;
        else
            r->cu->reqs = r->next;
        if (r->next)
            r->next->prev = r->prev;
        r->cu->pending--;
    }
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r);
}

static void check_done(curluv_t *cu)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(cu->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode res = msg->data.result;
        req_t *r = NULL;
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(cu->multi, easy);
        curl_easy_cleanup(easy);
        if (res != CURLE_OK && !r->error[0])
            snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(res));
        r->answer[r->answer_len] = '\0';
        r->cb(res == CURLE_OK ? status : 0, r->answer, res == CURLE_OK ? "" : r->error, r->data);
        req_free(r);
    }
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    sock_t *s = (sock_t *)p;
    int flags = 0, running;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    curluv_t *cu = s->cu;
    curl_multi_socket_action(cu->multi, s->fd, flags, &running);
    check_done(cu);
}

static void on_sock_closed(uv_handle_t *h)
{
    free(h);
}

static int on_socket(CURL *easy, curl_socket_t fd, int action, void *userp, void *socketp)
{
    curluv_t *cu = userp;
    sock_t *s = socketp;
    if (action == CURL_POLL_REMOVE) {
        if (s) {
            curl_multi_assign(cu->multi, fd, NULL);
            uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof(*s));
        if (!s || uv_poll_init_socket(cu->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->fd = fd;
        s->cu = cu;
        curl_multi_assign(cu->multi, fd, s);
    }
    int ev = 0;
    if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
        ev |= UV_READABLE;
    if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
        ev |= UV_WRITABLE;
    uv_poll_start(&s->poll, ev, on_poll);
    return 0;
}

static void on_timeout(uv_timer_t *t)
{
    curluv_t *cu = t->data;
    int running;
    curl_multi_socket_action(cu->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(cu);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    curluv_t *cu = userp;
    if (timeout_ms < 0)
        uv_timer_stop(cu->timer);
    else
        uv_timer_start(cu->timer, on_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

curluv_t *curluv_new(uv_loop_t *loop)
{
    static int inited;
    if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    inited = 1;
    curluv_t *cu = calloc(1, sizeof(*cu));
    if (!cu)
        return NULL;
    cu->loop = loop;
    cu->timer = malloc(sizeof(*cu->timer));
    cu->multi = curl_multi_init();
    if (!cu->timer || !cu->multi) {
        free(cu->timer);
        if (cu->multi)
            curl_multi_cleanup(cu->multi);
        free(cu);
        return NULL;
    }
    uv_timer_init(loop, cu->timer);
    cu->timer->data = cu;
    curl_multi_setopt(cu->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(cu->multi, CURLMOPT_SOCKETDATA, cu);
    curl_multi_setopt(cu->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(cu->multi, CURLMOPT_TIMERDATA, cu);
    return cu;
}

static size_t on_write(char *ptr, size_t size, size_t n, void *userdata)
{
    req_t *r = userdata;
    size_t len = size * n, room = ANSWER_MAX - 1 - r->answer_len;
    size_t take = len < room ? len : room;
    memcpy(r->answer + r->answer_len, ptr, take);
    r->answer_len += take;
    return len;
}

/* A request carrying a copy of body[0..len), or NULL. */
static req_t *req_new(const char *body, size_t len, curluv_cb cb, void *data)
{
    req_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cb = cb;
    r->data = data;
    r->len = len;
    r->body = malloc(len + 1);
    r->easy = curl_easy_init();
    if (!r->body || !r->easy) {
        if (r->easy)
            curl_easy_cleanup(r->easy);
        req_free(r);
        return NULL;
    }
    memcpy(r->body, body, len);
    r->body[len] = '\0';
    return r;
}

static bool slist_add(struct curl_slist **list, const char *line)
{
    struct curl_slist *l = curl_slist_append(*list, line);
    if (l)
        *list = l;
    return l != NULL;
}

/* The options every request has, then r on the multi handle. 0 or -1 (r freed). */
static int req_start(curluv_t *cu, req_t *r, const char *url, const char *protocols,
                     long timeout_ms)
{
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    if (curl_multi_add_handle(cu->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        req_free(r);
        return -1;
    }
    r->cu = cu;
    r->next = cu->reqs;
    if (cu->reqs)
        cu->reqs->prev = r;
    cu->reqs = r;
    cu->pending++;
    return 0;
}

int curluv_post(curluv_t *cu, const char *url, char *const *headers, const char *body, size_t len,
                long timeout_ms, curluv_cb cb, void *data)
{
    req_t *r = req_new(body, len, cb, data);
    if (!r)
        return -1;
    bool ok = true;
    for (size_t i = 0; ok && headers && headers[i]; i++)
        ok = slist_add(&r->headers, headers[i]);
    if (!ok || !slist_add(&r->headers, "Expect:")) { /* no 100-continue round trip */
        curl_easy_cleanup(r->easy);
        req_free(r);
        return -1;
    }
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "neiqin-alerting");
    return req_start(cu, r, url, "http,https", timeout_ms);
}

/* libcurl reads the message to send from here. */
static size_t on_read(char *buf, size_t size, size_t n, void *userdata)
{
    req_t *r = userdata;
    size_t room = size * n, left = r->len - r->sent;
    size_t take = left < room ? left : room;
    memcpy(buf, r->body + r->sent, take);
    r->sent += take;
    return take;
}

int curluv_mail(curluv_t *cu, const curluv_mail_t *m, const char *msg, size_t len, long timeout_ms,
                curluv_cb cb, void *data)
{
    req_t *r = req_new(msg, len, cb, data);
    if (!r)
        return -1;
    bool ok = m->rcpt && m->rcpt[0];
    for (size_t i = 0; ok && m->rcpt[i]; i++)
        ok = slist_add(&r->headers, m->rcpt[i]);
    if (!ok) {
        curl_easy_cleanup(r->easy);
        req_free(r);
        return -1;
    }
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, m->from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, r->headers);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, r);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_USE_SSL,
                     m->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    if (m->username && *m->username) {
        curl_easy_setopt(e, CURLOPT_USERNAME, m->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, m->password ? m->password : "");
    }
    return req_start(cu, r, m->url, "smtp,smtps", timeout_ms);
}

size_t curluv_pending(const curluv_t *cu)
{
    return cu ? cu->pending : 0;
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h);
}

void curluv_destroy(curluv_t **cup)
{
    if (!cup || !*cup)
        return;
    curluv_t *cu = *cup;
    *cup = NULL;
    while (cu->reqs) { /* abandoned: their sockets get CURL_POLL_REMOVE */
        req_t *r = cu->reqs;
        curl_multi_remove_handle(cu->multi, r->easy);
        curl_easy_cleanup(r->easy);
        r->cb(0, "", CURLUV_ABANDONED, r->data);
        req_free(r);
    }
    curl_multi_cleanup(cu->multi);
    uv_close((uv_handle_t *)cu->timer, on_timer_closed);
    free(cu);
}
