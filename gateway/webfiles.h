/* gateway/webfiles.h — the console's static files, read once at start and kept in memory.
 *
 * gw_webfiles_load reads every regular file under a directory (symbolic links and
 * names starting with '.' are skipped, so nothing outside it is ever read) into a table
 * sorted by URL path ("/js/main.js"). "x.gz" next to "x" is x's gzip variant, not a file
 * of its own (the build makes them). Each file gets its MIME type from its extension
 * (unknown: application/octet-stream), a strong ETag (BLAKE2b of the bytes) and whether
 * it may be cached for ever: files under /vendor/ have the version in their directory
 * name.
 *
 * A request is answered from the table only: gw_webfiles_lookup never touches the file
 * system, so no path can reach a file that was not loaded. A path names a file of the
 * table; a path whose last segment has no '.' (a client-side route such as "/today") is
 * index.html, except under /api/ (the API's own 404).
 *
 *   char err[256];
 *   gw_webfiles_t *w = gw_webfiles_load("build/web", err, sizeof(err));
 *   const gw_webfile_t *f = gw_webfiles_lookup(w, "/today");   // index.html
 *   gw_webfiles_free(w);
 */
#ifndef NQ_GATEWAY_WEBFILES_H
#define NQ_GATEWAY_WEBFILES_H

#include <stdbool.h>
#include <stddef.h>

#define GW_WEB_MAX_FILES 512        /* files in the directory at most */
#define GW_WEB_MAX_BYTES (64 << 20) /* their bytes together at most */
#define GW_WEB_ETAG_LEN  36         /* "\"" 32 hex "\"" and the NUL, rounded */

typedef struct gw_webfile {
    char *path;                 /* URL path, "/js/main.js" */
    const char *type;           /* MIME type */
    char *body;                 /* the bytes */
    size_t len;                 /* their count */
    char *gz;                   /* gzip variant, or NULL */
    size_t gz_len;              /* its length */
    char etag[GW_WEB_ETAG_LEN]; /* quoted, strong */
    bool immutable;             /* versioned name: cache for ever */
} gw_webfile_t;

typedef struct gw_webfiles {
    gw_webfile_t *files; /* sorted by path */
    size_t n;
    size_t bytes; /* loaded, variants included */
} gw_webfiles_t;

/* Read the directory. NULL with the reason in err (cannot read it, too many files
 * or bytes, out of memory). An empty directory loads (and answers nothing). */
gw_webfiles_t *gw_webfiles_load(const char *dir, char *err, size_t errlen);

void gw_webfiles_free(gw_webfiles_t *w);

/* The file answering `path` (decoded, without the query), or NULL. */
const gw_webfile_t *gw_webfiles_lookup(const gw_webfiles_t *w, const char *path);

/* MIME type of a file name by its extension. */
const char *gw_web_mime(const char *name);

/* Does If-None-Match (a list of entity tags, or "*") match `etag`? Weak tags
 * (W/"...") compare by their value, as a GET's If-None-Match does. */
bool gw_web_etag_match(const char *if_none_match, const char *etag);

/* Does Accept-Encoding accept gzip (listed, or "*", with a q above 0)? */
bool gw_web_accepts_gzip(const char *accept_encoding);

#endif
