/* gateway/webfiles.c — the console's static files in memory. See webfiles.h. */
#include "webfiles.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define GZ_SUFFIX ".gz"

/* MIME type by extension; the text types say their charset. */
static const struct {
    const char *ext;
    const char *type;
} mime_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
};

const char *gw_web_mime(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    for (size_t i = 0; dot && i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
        if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
            return mime_types[i].type;
    return "application/octet-stream";
}

/* ---- loading ------------------------------------------------------------------------ */

typedef struct loader {
    gw_webfiles_t *w;
    size_t cap;
    char *err;
    size_t errlen;
} loader_t;

static int fail(loader_t *l, const char *fmt, const char *what)
{
    snprintf(l->err, l->errlen, fmt, what);
    return -1;
}

static int read_all(const char *file, size_t size, char **out)
{
    FILE *f = fopen(file, "rb");
    char *buf = malloc(size ? size : 1);
    size_t got = f && buf ? fread(buf, 1, size, f) : 0;
    int bad = !f || !buf || got != size || getc(f) != EOF;
    if (f)
        fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static int add_file(loader_t *l, const char *file, const char *url, size_t size)
{
    gw_webfiles_t *w = l->w;
    if (w->n == GW_WEB_MAX_FILES)
        return fail(l, "more than %s files", "512");
    if (w->bytes + size > GW_WEB_MAX_BYTES)
        return fail(l, "more than %s bytes of files", "64 MiB");
    if (w->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        gw_webfile_t *grown = realloc(w->files, cap * sizeof(*grown));
        if (!grown)
            return fail(l, "%s", "out of memory");
        w->files = grown;
        l->cap = cap;
    }
    gw_webfile_t *f = &w->files[w->n];
    memset(f, 0, sizeof(*f));
    f->path = strdup(url);
    if (!f->path || read_all(file, size, &f->body) != 0) {
        free(f->path);
        return fail(l, "cannot read %s", file);
    }
    w->n++;
    w->bytes += size;
    f->len = size;
    return 0;
}

/* Walk dir (URL prefix `url`, "" at the top), adding every regular file. */
static int walk(loader_t *l, const char *dir, const char *url)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail(l, "cannot open the directory %s", dir);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        char file[4096], sub[2048];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(file, sizeof(file), "%s/%s", dir, e->d_name) >= sizeof(file) ||
            (size_t)snprintf(sub, sizeof(sub), "%s/%s", url, e->d_name) >= sizeof(sub))
            rc = fail(l, "path too long under %s", dir);
        else if (lstat(file, &st) != 0)
            rc = fail(l, "cannot stat %s", file);
        else if (S_ISDIR(st.st_mode))
            rc = walk(l, file, sub);
        else if (S_ISREG(st.st_mode))
            rc = add_file(l, file, sub, (size_t)st.st_size);
    }
    closedir(d);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const gw_webfile_t *)a)->path, ((const gw_webfile_t *)b)->path);
}

static gw_webfile_t *find(const gw_webfiles_t *w, const char *path)
{
    gw_webfile_t key = {.path = (char *)path};
    return w->n ? bsearch(&key, w->files, w->n, sizeof(key), by_path) : NULL;
}

static bool has_gz_suffix(const char *path)
{
    size_t len = strlen(path), sl = strlen(GZ_SUFFIX);
    return len > sl && strcmp(path + len - sl, GZ_SUFFIX) == 0;
}

/* Attach each "x.gz" whose "x" was loaded to x as its variant; drop it from the table.
 * A variant's bytes move to its file (its body becomes NULL) while every path stays in
 * place for the searches; the table is compacted after. */
static void attach_variants(gw_webfiles_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        gw_webfile_t *f = &w->files[i];
        gw_webfile_t *base = NULL;
        if (has_gz_suffix(f->path)) {
            char plain[2048];
            snprintf(plain, sizeof(plain), "%.*s", (int)(strlen(f->path) - strlen(GZ_SUFFIX)),
                     f->path);
            base = find(w, plain);
        }
        if (base && base->body && !base->gz) {
            base->gz = f->body;
            base->gz_len = f->len;
            f->body = NULL;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->files[i].body)
            w->files[kept++] = w->files[i];
        else
            free(w->files[i].path);
    }
    w->n = kept;
}

static void describe(gw_webfile_t *f)
{
    unsigned char hash[16];
    char hex[33];
    crypto_generichash(hash, sizeof(hash), (const unsigned char *)f->body, f->len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(f->etag, sizeof(f->etag), "\"%s\"", hex);
    f->type = gw_web_mime(f->path);
    f->immutable = strncmp(f->path, "/vendor/", 8) == 0;
}

gw_webfiles_t *gw_webfiles_load(const char *dir, char *err, size_t errlen)
{
    loader_t l = {calloc(1, sizeof(gw_webfiles_t)), 0, err, errlen};
    err[0] = '\0';
    if (!l.w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sodium_init() < 0 || walk(&l, dir, "") != 0) {
        if (!err[0])
            snprintf(err, errlen, "libsodium did not start");
        gw_webfiles_free(l.w);
        return NULL;
    }
    qsort(l.w->files, l.w->n, sizeof(gw_webfile_t), by_path);
    attach_variants(l.w);
    for (size_t i = 0; i < l.w->n; i++)
        describe(&l.w->files[i]);
    return l.w;
}

void gw_webfiles_free(gw_webfiles_t *w)
{
    for (size_t i = 0; w && i < w->n; i++) {
        free(w->files[i].path);
        free(w->files[i].body);
        free(w->files[i].gz);
    }
    if (w)
        free(w->files);
    free(w);
}

/* ---- answering ------------------------------------------------------------------------ */

const gw_webfile_t *gw_webfiles_lookup(const gw_webfiles_t *w, const char *path)
{
    if (!w || !path || path[0] != '/' || strcmp(path, "/api") == 0 ||
        strncmp(path, "/api/", 5) == 0)
        return NULL;
    const gw_webfile_t *f = strcmp(path, "/") == 0 ? NULL : find(w, path);
    if (f)
        return f;
    /* A client-side route: its last segment names no file (no extension). */
    if (strchr(strrchr(path, '/'), '.'))
        return NULL;
    return find(w, "/index.html");
}

/* The next comma-separated item of a header list into buf (blanks trimmed);
 * returns where the rest starts, or NULL at the end. */
static const char *list_next(const char *at, char *buf, size_t len)
{
    at += strspn(at, " \t,");
    if (!*at)
        return NULL;
    size_t n = strcspn(at, ",");
    size_t keep = n < len - 1 ? n : len - 1;
    memcpy(buf, at, keep);
    while (keep > 0 && (buf[keep - 1] == ' ' || buf[keep - 1] == '\t'))
        keep--;
    buf[keep] = '\0';
    return at + n;
}

bool gw_web_etag_match(const char *if_none_match, const char *etag)
{
    char item[128];
    for (const char *at = if_none_match; at && (at = list_next(at, item, sizeof(item)));) {
        const char *tag = strncmp(item, "W/", 2) == 0 ? item + 2 : item;
        if (strcmp(tag, "*") == 0 || strcmp(tag, etag) == 0)
            return true;
    }
    return false;
}

bool gw_web_accepts_gzip(const char *accept_encoding)
{
    char item[64];
    for (const char *at = accept_encoding; at && (at = list_next(at, item, sizeof(item)));) {
        size_t name = strcspn(item, "; \t");
        if (!((name == 4 && strncasecmp(item, "gzip", 4) == 0) || (name == 1 && item[0] == '*')))
            continue;
        const char *q = strstr(item + name, "q=");
        return !q || strtod(q + 2, NULL) > 0;
    }
    return false;
}
