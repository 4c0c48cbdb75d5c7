/* test_webfiles.c — gateway/webfiles.h: what is loaded (regular files only, never
 * through a symbolic link, .gz copies as variants), what a path answers (nothing
 * outside the table, index.html for client-side routes but not under /api/), and the
 * header rules (MIME, If-None-Match, Accept-Encoding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nq_test.h"
#include "webfiles.h"

static char s_dir[64];

static int write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", s_dir, rel);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* A web root: index.html, js/app.js (+ .gz), vendor/x-1/x.js, a dotfile, and links
 * to a file and a directory outside it. */
static int suite_init(void)
{
    char path[256];
    snprintf(s_dir, sizeof(s_dir), "/tmp/nq-webfiles-XXXXXX");
    if (!mkdtemp(s_dir))
        return -1;
    snprintf(path, sizeof(path), "%s/js", s_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/vendor", s_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/vendor/x-1", s_dir);
    mkdir(path, 0755);
    if (write_file("index.html", "<!doctype html>") || write_file("js/app.js", "export {};") ||
        write_file("js/app.js.gz", "GZ") || write_file("vendor/x-1/x.js", "x") ||
        write_file(".secret", "no"))
        return -1;
    snprintf(path, sizeof(path), "%s/passwd.txt", s_dir);
    if (symlink("/etc/passwd", path) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/etc", s_dir);
    return symlink("/etc", path) == 0 ? 0 : -1;
}

static int suite_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static gw_webfiles_t *load(void)
{
    char err[256];
    gw_webfiles_t *w = gw_webfiles_load(s_dir, err, sizeof(err));
    if (!w)
        fprintf(stderr, "\nload: %s\n", err);
    return w;
}

static void test_loads_regular_files_only(void)
{
    gw_webfiles_t *w = load();
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w->n, 3); /* index.html, js/app.js, vendor/x-1/x.js */
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/passwd.txt"));
    /* a path without an extension is a client-side route: index.html, not the link */
    CU_ASSERT_STRING_EQUAL(gw_webfiles_lookup(w, "/etc/passwd")->path, "/index.html");
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/.secret"));
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/js/app.js.gz"));
    const gw_webfile_t *f = gw_webfiles_lookup(w, "/js/app.js");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(f->len, 10);
    CU_ASSERT_EQUAL(f->gz_len, 2);
    CU_ASSERT_NSTRING_EQUAL(f->gz, "GZ", 2);
    CU_ASSERT_STRING_EQUAL(f->type, "text/javascript; charset=utf-8");
    CU_ASSERT_EQUAL(strlen(f->etag), 34);
    CU_ASSERT_FALSE(f->immutable);
    CU_ASSERT_TRUE(gw_webfiles_lookup(w, "/vendor/x-1/x.js")->immutable);
    gw_webfiles_free(w);
}

static void test_paths(void)
{
    gw_webfiles_t *w = load();
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const gw_webfile_t *index = gw_webfiles_lookup(w, "/index.html");
    CU_ASSERT_PTR_NOT_NULL_FATAL(index);
    CU_ASSERT_PTR_EQUAL(gw_webfiles_lookup(w, "/"), index);
    CU_ASSERT_PTR_EQUAL(gw_webfiles_lookup(w, "/today"), index);
    CU_ASSERT_PTR_EQUAL(gw_webfiles_lookup(w, "/salespeople/sp-1"), index);
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/api"));
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/api/v1/teams"));
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/js/missing.js"));
    CU_ASSERT_PTR_EQUAL(gw_webfiles_lookup(w, "/../etc/passwd"), index);
    CU_ASSERT_PTR_EQUAL(gw_webfiles_lookup(w, "/js/../../etc/passwd"), index);
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "/../passwd.txt"));
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(w, "relative.js"));
    CU_ASSERT_PTR_NULL(gw_webfiles_lookup(NULL, "/"));
    gw_webfiles_free(w);
}

static void test_missing_directory(void)
{
    char err[256];
    CU_ASSERT_PTR_NULL(gw_webfiles_load("/nonexistent/nq-web", err, sizeof(err)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/nq-web"));
}

static void test_headers(void)
{
    CU_ASSERT_STRING_EQUAL(gw_web_mime("/a/b.CSS"), "text/css; charset=utf-8");
    CU_ASSERT_STRING_EQUAL(gw_web_mime("/a.b/c"), "application/octet-stream");
    CU_ASSERT_STRING_EQUAL(gw_web_mime("/x.svg"), "image/svg+xml");
    CU_ASSERT_TRUE(gw_web_etag_match("\"abc\"", "\"abc\""));
    CU_ASSERT_TRUE(gw_web_etag_match("\"x\", W/\"abc\"", "\"abc\""));
    CU_ASSERT_TRUE(gw_web_etag_match("*", "\"abc\""));
    CU_ASSERT_FALSE(gw_web_etag_match("\"abd\"", "\"abc\""));
    CU_ASSERT_FALSE(gw_web_etag_match(NULL, "\"abc\""));
    CU_ASSERT_TRUE(gw_web_accepts_gzip("gzip, deflate, br"));
    CU_ASSERT_TRUE(gw_web_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    CU_ASSERT_TRUE(gw_web_accepts_gzip("*"));
    CU_ASSERT_FALSE(gw_web_accepts_gzip("gzip;q=0"));
    CU_ASSERT_FALSE(gw_web_accepts_gzip("deflate, br"));
    CU_ASSERT_FALSE(gw_web_accepts_gzip("xgzip"));
    CU_ASSERT_FALSE(gw_web_accepts_gzip(NULL));
}

/* 1 to 12 files, each with its .gz: every variant is attached to its file while the
 * earlier ones are being taken out of the table (with 3 pairs, the search for the
 * second file's met the first's removed variant and crashed). */
static void test_many_variants(void)
{
    char dir[64], path[256], cmd[128], err[256];
    snprintf(dir, sizeof(dir), "/tmp/nq-webfiles-many-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    for (size_t n = 1; n <= 12; n++) {
        for (const char *const *ext = (const char *const[]){"", ".gz", NULL}; *ext; ext++) {
            snprintf(path, sizeof(path), "%s/f%02zu.js%s", dir, n, *ext);
            FILE *f = fopen(path, "wb");
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            fputs(**ext ? "GZ" : "export {};", f);
            fclose(f);
        }
        gw_webfiles_t *w = gw_webfiles_load(dir, err, sizeof(err));
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        CU_ASSERT_EQUAL(w->n, n);
        for (size_t i = 0; i < w->n; i++)
            CU_ASSERT(w->files[i].gz && w->files[i].gz_len == 2);
        gw_webfiles_free(w);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static CU_TestInfo tests[] = {
    {"regular files only, no links out, .gz as variants", test_loads_regular_files_only},
    {"a path answers a loaded file or index.html, never /api/", test_paths},
    {"a directory that cannot be read is named", test_missing_directory},
    {"MIME, If-None-Match, Accept-Encoding", test_headers},
    {"many files with .gz variants", test_many_variants},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"webfiles", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
