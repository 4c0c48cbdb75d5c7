/* curve.c — CURVE keys, links and the in-process ZAP handler. See nq/curve.h. */
#include "nq/curve.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "nq/log.h"

#define N_SVC    6  /* the bits of nq_svc_t */
#define KEY_LEN  32 /* a CURVE key in binary */
#define ZAP_ADDR "inproc://zeromq.zap.01"

const nq_link_row_t nq_links[NQ_LINK_COUNT] = {
    [NQ_LINK_INGEST] = {"ingest", NQ_SVC_INGEST, NQ_SVC_GATEWAY},
    [NQ_LINK_CUSTOMERS] = {"customers", NQ_SVC_CUSTOMERS, NQ_SVC_GATEWAY},
    [NQ_LINK_REPORTING] = {"reporting", NQ_SVC_REPORTING, NQ_SVC_GATEWAY},
    [NQ_LINK_STORED] = {"stored", NQ_SVC_INGEST, NQ_SVC_SCORING | NQ_SVC_CUSTOMERS},
    [NQ_LINK_CHANGES] = {"changes", NQ_SVC_ALERTING, NQ_SVC_SCORING},
    [NQ_LINK_ALERTS] = {"alerts", NQ_SVC_ALERTING, NQ_SVC_GATEWAY},
};

struct nq_curve {
    unsigned svc;                                   /* this process's service */
    nq_zsec_t secs[NQ_LINK_COUNT];                  /* its side of each link */
    bool on[NQ_LINK_COUNT];                         /* it is on that link */
    uint8_t allowed[NQ_LINK_COUNT][N_SVC][KEY_LEN]; /* server: its clients' keys */
    size_t n_allowed[NQ_LINK_COUNT];                /* keys in allowed[link] */
    nq_zsock_t *zap;                                /* the ZAP handler, NULL when not serving */
    uint64_t refused;                               /* clients turned away */
};

unsigned nq_curve_service_of(const char *name)
{
    if (!name || strncmp(name, "nq-", 3) != 0)
        return 0;
    for (unsigned i = 0; i < N_SVC; i++)
        if (strcmp(nq_svc_name(1u << i), name + 3) == 0)
            return 1u << i;
    return 0;
}

/* Read one Z85 key from <dir>/<svc><ext> into out (41 bytes). */
static int read_key(const char *dir, unsigned svc, const char *ext, char *out, char *err,
                    size_t errlen)
{
    char path[512], text[128];
    snprintf(path, sizeof(path), "%s/%s%s", dir, nq_svc_name(svc), ext);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen,
                 "NQ_CURVE_DIR: cannot read %s: %s (nqctl curve-keygen DIR makes "
                 "the keys)",
                 path, strerror(errno));
        return -1;
    }
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    text[n] = '\0';
    uint8_t bin[KEY_LEN];
    bool ok = n == NQ_Z85_KEY_LEN && zmq_z85_decode(bin, text) != NULL;
    if (ok)
        memcpy(out, text, NQ_Z85_KEY_LEN + 1);
    sodium_memzero(text, sizeof(text));
    sodium_memzero(bin, sizeof(bin));
    if (!ok)
        snprintf(err, errlen, "NQ_CURVE_DIR: %s is not a CURVE key (40 characters of Z85)", path);
    return ok ? 0 : -1;
}

/* The client keys of `link` into c->allowed. */
static int load_clients(nq_curve_t *c, const char *dir, nq_link_t link, char *err, size_t errlen)
{
    for (unsigned i = 0; i < N_SVC; i++) {
        unsigned svc = 1u << i;
        char z85[NQ_Z85_KEY_LEN + 1];
        if (!(nq_links[link].clients & svc))
            continue;
        if (read_key(dir, svc, ".pub", z85, err, errlen) != 0)
            return -1;
        zmq_z85_decode(c->allowed[link][c->n_allowed[link]++], z85);
    }
    return 0;
}

nq_curve_t *nq_curve_new(unsigned svc, const char *dir, char *err, size_t errlen)
{
    nq_curve_t *c = calloc(1, sizeof(*c));
    char secret[NQ_Z85_KEY_LEN + 1], public[NQ_Z85_KEY_LEN + 1];
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->svc = svc;
    if (!nq_svc_name(svc)[0] || read_key(dir, svc, ".key", secret, err, errlen) != 0)
        goto out_free;
    if (zmq_curve_public(public, secret) != 0) {
        snprintf(err, errlen, "NQ_CURVE_DIR: %s/%s.key is not a CURVE secret key", dir,
                 nq_svc_name(svc));
        goto out_free;
    }
    for (nq_link_t l = 0; l < NQ_LINK_COUNT; l++) {
        const nq_link_row_t *row = &nq_links[l];
        nq_zsec_t *sec = &c->secs[l];
        if (!(row->server & svc) && !(row->clients & svc))
            continue;
        c->on[l] = true;
        sec->server = (row->server & svc) != 0;
        snprintf(sec->domain, sizeof(sec->domain), "%s", row->name);
        memcpy(sec->public_key, public, sizeof(public));
        memcpy(sec->secret_key, secret, sizeof(secret));
        if (sec->server ? load_clients(c, dir, l, err, errlen) != 0
                        : read_key(dir, row->server, ".pub", sec->server_key, err, errlen) != 0)
            goto out_free;
    }
    sodium_memzero(secret, sizeof(secret));
    return c;

out_free:
    sodium_memzero(secret, sizeof(secret));
    nq_curve_destroy(&c);
    return NULL;
}

const nq_zsec_t *nq_curve_link(const nq_curve_t *c, nq_link_t link)
{
    if (!c)
        return NULL;
    if (link >= NQ_LINK_COUNT || !c->on[link]) {
        nq_log_error("curve", "%s is not on link %d", nq_svc_name(c->svc), (int)link);
        return NULL;
    }
    return &c->secs[link];
}

bool nq_curve_allowed(const nq_curve_t *c, const char *domain, size_t domain_len,
                      const uint8_t *key, size_t key_len)
{
    if (key_len != KEY_LEN)
        return false;
    for (nq_link_t l = 0; l < NQ_LINK_COUNT; l++) {
        const char *name = nq_links[l].name;
        if (!c->on[l] || !c->secs[l].server || strlen(name) != domain_len ||
            memcmp(name, domain, domain_len) != 0)
            continue;
        for (size_t i = 0; i < c->n_allowed[l]; i++)
            if (memcmp(c->allowed[l][i], key, KEY_LEN) == 0)
                return true;
    }
    return false;
}

uint64_t nq_curve_refused(const nq_curve_t *c)
{
    return c ? c->refused : 0;
}

/* One ZAP request (RFC 27), on a REP socket: version, request id, domain,
 * address, routing id, mechanism, then the client's public key. The answer
 * is 200 for a client of the link, 400 for anything else. */
static void on_zap(nq_zsock_t *sock, const uint8_t *const *f, const size_t *len, size_t n,
                   void *app)
{
    nq_curve_t *c = app;
    static const uint8_t empty[1];
    bool ok = n == 7 && len[0] == 3 && memcmp(f[0], "1.0", 3) == 0 && len[5] == 5 &&
              memcmp(f[5], "CURVE", 5) == 0 &&
              nq_curve_allowed(c, (const char *)f[2], len[2], f[6], len[6]);
    if (!ok) {
        c->refused++;
        nq_log_warn("curve_refused",
                    "a client without a key of this link was refused on %.*s "
                    "from %.*s",
                    n > 2 ? (int)(len[2] < 32 ? len[2] : 32) : 0, n > 2 ? (const char *)f[2] : "",
                    n > 3 ? (int)(len[3] < 64 ? len[3] : 64) : 0, n > 3 ? (const char *)f[3] : "");
    }
    const uint8_t *reply[6] = {(const uint8_t *)"1.0",
                               n > 1 ? f[1] : empty,
                               (const uint8_t *)(ok ? "200" : "400"),
                               (const uint8_t *)(ok ? "OK" : "not a client of this link"),
                               empty,
                               empty};
    size_t lens[6] = {3, n > 1 ? len[1] : 0, 3, ok ? 2 : 25, 0, 0};
    nq_zsock_send_raw(sock, reply, lens, 6);
}

int nq_curve_start(nq_curve_t *c, uv_loop_t *loop, void *zctx)
{
    bool serves = false;
    for (nq_link_t l = 0; l < NQ_LINK_COUNT; l++)
        serves |= c->on[l] && c->secs[l].server;
    if (!serves)
        return 0;
    c->zap = nq_zsock_new_raw(loop, zctx, ZMQ_REP, ZAP_ADDR, NQ_ZSOCK_BIND, on_zap, c);
    return c->zap ? 0 : -1;
}

void nq_curve_stop(nq_curve_t *c)
{
    if (c)
        nq_zsock_destroy(&c->zap);
}

void nq_curve_destroy(nq_curve_t **cp)
{
    if (!cp || !*cp)
        return;
    sodium_memzero((*cp)->secs, sizeof((*cp)->secs));
    free(*cp);
    *cp = NULL;
}

/* Write `text` and a newline to a new file `path` with `mode`. */
static int write_new(const char *path, const char *text, mode_t mode, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    size_t n = strlen(text);
    bool ok = fd >= 0 && fchmod(fd, mode) == 0 && write(fd, text, n) == (ssize_t)n &&
              write(fd, "\n", 1) == 1;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return ok ? 0 : -1;
}

int nq_curve_keygen(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
        return -1;
    }
    int made = 0;
    for (unsigned i = 0; i < N_SVC; i++) {
        const char *name = nq_svc_name(1u << i);
        char key_path[512], pub_path[512];
        char public[NQ_Z85_KEY_LEN + 1], secret[NQ_Z85_KEY_LEN + 1];
        snprintf(key_path, sizeof(key_path), "%s/%s.key", dir, name);
        snprintf(pub_path, sizeof(pub_path), "%s/%s.pub", dir, name);
        if (access(key_path, F_OK) == 0)
            continue;
        if (zmq_curve_keypair(public, secret) != 0) {
            snprintf(err, errlen, "cannot make a CURVE key pair: %s", zmq_strerror(errno));
            return -1;
        }
        /* The public key first: a secret key on disk means a complete pair. */
        int rc = write_new(pub_path, public, 0644, err, errlen);
        if (rc == 0)
            rc = write_new(key_path, secret, 0600, err, errlen);
        sodium_memzero(secret, sizeof(secret));
        if (rc != 0)
            return -1;
        made++;
    }
    return made;
}
