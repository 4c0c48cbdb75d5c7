/* receivers.c — local HTTP receivers of alert deliveries. See receivers.h. */
#include "receivers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "nq_test.h"
#include "testkit.h"

int receiver_start(receiver_t *r)
{
    char port_file[512];
    snprintf(port_file, sizeof(port_file), "%s/rx-%s.port", nq_harness_dir(tk_h), r->name);
    r->pid = fork();
    if (r->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        execl(NQ_RECEIVER_PYTHON, "python3", NQ_RECEIVER, "--kind", r->kind, "--secret", r->secret,
              "--mode", r->mode, "--port-file", port_file, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && r->pid > 0; i++) {
        FILE *f = fopen(port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d %d", &r->port, &r->smtp_port) >= 1;
            fclose(f);
            if (ok) {
                snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%d", r->port);
                r->http = nq_httpc_new(r->url);
                return r->http ? 0 : -1;
            }
        }
        usleep(50000);
    }
    fprintf(stderr, "receiver %s did not start\n", r->name);
    return -1;
}

/* Every message the receiver got: [{ok, why, at, body}]. */
json_t *received(receiver_t *r)
{
    nq_httpc_response_t res;
    json_t *j = NULL;
    if (nq_httpc_request(r->http, "GET", "/_received", NULL, NULL, 0, NULL, &res) == 0)
        j = json_loads(res.body, 0, NULL);
    nq_httpc_response_free(&res);
    return j ? j : json_array();
}

void set_mode(receiver_t *r, const char *mode)
{
    char body[64];
    snprintf(body, sizeof(body), "{\"mode\":\"%s\"}", mode);
    nq_httpc_response_t res;
    nq_httpc_request(r->http, "POST", "/_mode", "application/json", body, strlen(body), NULL, &res);
    nq_httpc_response_free(&res);
}

/* Messages that passed the receiver's checks and contain `text` in their body. */
int count_ok(receiver_t *r, const char *text, double *first_at)
{
    json_t *all = received(r);
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach (all, i, m) {
        char *body = json_dumps(json_object_get(m, "body"), JSON_COMPACT | JSON_ENCODE_ANY);
        if (json_is_true(json_object_get(m, "ok")) && body && strstr(body, text)) {
            if (n++ == 0 && first_at)
                *first_at = json_real_value(json_object_get(m, "at"));
        }
        if (!json_is_true(json_object_get(m, "ok")) && json_is_string(json_object_get(m, "why")) &&
            strncmp(json_string_value(json_object_get(m, "why")), "answered", 8) != 0)
            tk_check(false, "%s refused a message: %s", r->name,
                     json_string_value(json_object_get(m, "why")));
        free(body);
    }
    json_decref(all);
    return n;
}

bool wait_count(receiver_t *r, const char *text, int want, int timeout_ms)
{
    int64_t deadline = tk_mono_ms() + timeout_ms;
    int n = 0;
    while (tk_mono_ms() < deadline) {
        if ((n = count_ok(r, text, NULL)) >= want)
            return true;
        usleep(50000);
    }
    return tk_check(false, "%s: %d messages with \"%s\", want %d", r->name, n, text, want);
}

const char *add_channel(const char *team, receiver_t *r, int rate)
{
    char hook[256], path[128];
    if (strcmp(r->kind, "wecom") == 0)
        snprintf(hook, sizeof(hook), "%s/cgi-bin/webhook/send?key=robot-key", r->url);
    else if (strcmp(r->kind, "dingtalk") == 0)
        snprintf(hook, sizeof(hook), "%s/robot/send?access_token=robot-key", r->url);
    else if (strcmp(r->kind, "feishu") == 0)
        snprintf(hook, sizeof(hook), "%s/open-apis/bot/v2/hook/robot-key", r->url);
    else if (strcmp(r->kind, "email") == 0)
        snprintf(hook, sizeof(hook), "smtp://127.0.0.1:%d", r->smtp_port);
    else
        snprintf(hook, sizeof(hook), "%s/neiqin/alerts", r->url);
    json_t *body = json_pack("{s:s, s:s, s:s}", "kind", r->kind, "name", r->name, "webhook", hook);
    if (strcmp(r->kind, "email") == 0) { /* receiver.py's envelope and login */
        json_object_del(body, "webhook");
        json_object_update_new(body, json_pack("{s:s, s:s, s:[s, s], s:s, s:b}", "smtp", hook,
                                               "from", "alerts@neiqin.test", "to",
                                               "lead@neiqin.test", "sales@neiqin.test", "username",
                                               "robot", "allow_plaintext", 1));
    }
    if (*r->secret)
        json_object_set_new(body, "secret", json_string(r->secret));
    if (rate)
        json_object_set_new(body, "rate_per_min", json_integer(rate));
    snprintf(path, sizeof(path), "/api/v1/teams/%s/channels", team);
    int status;
    json_t *j = tk_api("POST", path, body, &status);
    CU_ASSERT_EQUAL(status, 201);
    snprintf(r->channel, sizeof(r->channel), "%s", tk_str(j, "id"));
    /* the answer never carries the secret or the robot's key */
    char *text = json_dumps(j, JSON_COMPACT);
    CU_ASSERT_PTR_NULL(strstr(text, "robot-key"));
    CU_ASSERT_PTR_NULL(strstr(text, "secret-0123"));
    free(text);
    json_decref(j);
    return r->channel;
}

int receivers_suite_start(const char *const *env, receiver_t *rx, size_t n)
{
    if (tk_start(env) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (receiver_start(&rx[i]) != 0)
            return -1;
    }
    return 0;
}

int receivers_suite_stop(receiver_t *rx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nq_httpc_destroy(&rx[i].http);
        if (rx[i].pid > 0) {
            kill(rx[i].pid, SIGTERM);
            waitpid(rx[i].pid, NULL, 0);
        }
    }
    return tk_stop() == 0 ? 0 : -1;
}
