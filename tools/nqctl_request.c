/* nqctl_request.c — the commands that are one request: get, put, send
 * (the request's body read from a file or stdin). See nqctl.h. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "nq/buf.h"
#include "nqctl.h"
#include "nqctl_http.h"

#define MAX_INPUT (64 << 20)

/* ------------------------------------------------------------------- input */

/* Read FILE ("-" = stdin) whole. Returns the malloc'd bytes (*len set), or
 * NULL after saying why. */
static char *read_file(const char *file, size_t *len)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, strerror(errno));
        return NULL;
    }
    nq_buf_t text = NQ_BUF_INIT;
    const char *why = NULL;
    for (size_t got = 1; !why && got > 0;) {
        if (text.len >= MAX_INPUT)
            why = M_FILE_TOO_BIG;
        else if (nq_buf_avail(&text) == 0 && nq_buf_grow(&text, 65536) != 0)
            why = M_OUT_OF_MEMORY;
        size_t room = nq_buf_avail(&text), left = MAX_INPUT - text.len;
        got = why ? 0 : fread(text.buf + text.len, 1, room < left ? room : left, f);
        nq_buf_setlen(&text, text.len + got);
        why = why ? why : ferror(f) ? M_READ_ERROR : NULL;
    }
    if (f != stdin)
        fclose(f);
    char *bytes = why ? NULL : nq_buf_detach(&text, len);
    if (!bytes) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, msg_tr(why ? why : M_OUT_OF_MEMORY));
        nq_buf_release(&text);
    }
    return bytes;
}

/* Read FILE and check it is a JSON object (or, when allow_array, an array).
 * Returns the text to send as is, or NULL after saying why. */
static char *read_json(const char *file, bool allow_array, size_t *len)
{
    json_error_t err;
    char *text = read_file(file, len);
    json_t *j = text ? json_loadb(text, *len, JSON_DECODE_ANY, &err) : NULL;
    if (text && !j)
        fprintf(stderr, msg_tr(M_JSON_ERROR), file, err.line, err.column, err.text);
    else if (j && !json_is_object(j) && !(allow_array && json_is_array(j)))
        fprintf(stderr, msg_tr(allow_array ? M_JSON_NOT_OBJECT_OR_ARRAY : M_JSON_NOT_OBJECT), file);
    else if (j)
        goto out;
    free(text);
    text = NULL;
out:
    json_decref(j);
    return text;
}

static bool valid_path_arg(const char *path)
{
    if (path[0] == '/')
        return true;
    fprintf(stderr, "%s", msg_tr(M_PATH_SLASH));
    return false;
}

int cmd_get(ctl_t *ctl, char **argv)
{
    if (!valid_path_arg(argv[0]))
        return CTL_USAGE;
    return ctl_call_and_print(ctl, "GET", argv[0], NULL, 0);
}

int cmd_put(ctl_t *ctl, char **argv)
{
    size_t len;
    if (!valid_path_arg(argv[0]))
        return CTL_USAGE;
    char *body = read_json(argv[1], false, &len);
    if (!body)
        return CTL_INPUT;
    int rc = ctl_call_and_print(ctl, "PUT", argv[0], body, len);
    free(body);
    return rc;
}

int cmd_send(ctl_t *ctl, char **argv)
{
    size_t len;
    outcome_t o;
    char *body = read_json(argv[0], true, &len);
    if (!body)
        return CTL_INPUT;
    int rc = ctl_post_events(ctl, body, len, true, &o);
    free(body);
    if (rc != CTL_OK)
        return rc;
    printf(msg_tr(M_SEND_COUNTS), (long long)o.accepted, (long long)o.duplicate,
           (long long)o.conflict, (long long)o.rejected);
    return o.conflict || o.rejected ? CTL_REFUSED : CTL_OK;
}
