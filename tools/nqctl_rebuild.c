/* nqctl_rebuild.c — the rebuild command: ask the gateway for a rebuild (or
 * follow the one running) and show its progress. See nqctl.h. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "nqctl.h"
#include "nqctl_http.h"

#define REBUILD_PATH    "/api/v1/admin/rebuild"
#define REBUILD_POLL_US 500000

/* GET the rebuild status into *status (caller decrefs). Returns CTL_* . */
static int rebuild_status(ctl_t *ctl, json_t **status)
{
    nq_httpc_response_t r;
    int rc = ctl_call(ctl, "GET", REBUILD_PATH, NULL, 0, &r);
    if (rc != CTL_OK)
        return rc;
    *status = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
    if (!*status)
        fprintf(stderr, msg_tr(M_HTTP_BODY), "GET", REBUILD_PATH, r.status, r.body ? r.body : "");
    nq_httpc_response_free(&r);
    return *status ? CTL_OK : CTL_REFUSED;
}

/* Ask for a rebuild (or follow the one running), then show its progress
 * until it is done or failed. */
int cmd_rebuild(ctl_t *ctl, char **argv)
{
    char body[128] = "";
    if (ctl->from)
        snprintf(body, sizeof(body), "{\"from\":\"%s\"}", ctl->from);
    nq_httpc_response_t r;
    int rc = ctl_call(ctl, "POST", REBUILD_PATH, *body ? body : NULL, strlen(body), &r);
    if (rc != CTL_OK)
        return rc;
    bool running = r.status == 400 && r.body && strstr(r.body, "already running");
    if (!ctl_is_2xx(r.status) && !running) {
        fprintf(stderr, msg_tr(M_REBUILD_REFUSED), r.status, r.body ? r.body : "");
        nq_httpc_response_free(&r);
        return CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    fprintf(stderr, "%s", msg_tr(running ? M_REBUILD_FOLLOWING : M_REBUILD_REQUESTED));
    for (;;) {
        json_t *st = NULL;
        if ((rc = rebuild_status(ctl, &st)) != CTL_OK)
            return rc;
        const char *state = ctl_str_of(st, "state");
        long long scanned = json_integer_value(json_object_get(st, "scanned"));
        long long total = json_integer_value(json_object_get(st, "total"));
        fprintf(stderr, msg_tr(M_REBUILD_PROGRESS), state, scanned, total,
                total > 0 ? 100.0 * (double)scanned / (double)total : 0.0);
        bool done = strcmp(state, "done") == 0, failed = strcmp(state, "failed") == 0;
        if (failed)
            fprintf(stderr, msg_tr(M_REBUILD_FAILED), ctl_str_of(st, "error"));
        else if (done)
            fprintf(stderr, "%s", msg_tr(M_REBUILD_DONE));
        json_decref(st);
        if (done || failed)
            return done ? CTL_OK : CTL_REFUSED;
        usleep(REBUILD_POLL_US);
    }
}
