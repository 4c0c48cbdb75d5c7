/* tools/bench_procs.c — /proc sampling of the watched processes. See bench_procs.h. */
#include "bench_procs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_stats.h"

/* Read /proc/<pid>/<file> into buf (NUL-terminated). Returns 0 or -1. */
static int read_proc(int pid, const char *file, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n ? 0 : -1;
}

void bench_procs_sample_rss(bench_procs_t *ps)
{
    char buf[4096];
    for (size_t i = 0; i < ps->n; i++) {
        bench_proc_t *p = &ps->list[i];
        if (p->gone || read_proc(p->pid, "status", buf, sizeof(buf)) != 0) {
            p->gone = true;
            continue;
        }
        int64_t kb = bench_status_kb(buf, "VmRSS");
        if (kb > p->peak_rss_kb)
            p->peak_rss_kb = kb;
        int64_t hwm = bench_status_kb(buf, "VmHWM");
        if (hwm >= 0)
            p->hwm_kb = hwm;
    }
}

void bench_procs_sample_cpu(bench_procs_t *ps, int at)
{
    char buf[1024];
    for (size_t i = 0; i < ps->n; i++) {
        bench_proc_t *p = &ps->list[i];
        p->ticks[at] =
            read_proc(p->pid, "stat", buf, sizeof(buf)) == 0 ? bench_stat_cpu_ticks(buf) : -1;
    }
}

bool bench_procs_gone(const bench_procs_t *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (ps->list[i].gone)
            return true;
    }
    return false;
}

double bench_proc_cpu_pct(const bench_proc_t *p, const uint64_t t_ns[BENCH_AT_COUNT], int from,
                          int to)
{
    static long hz;
    double wall = bench_since_s(t_ns[from], t_ns[to]);
    if (!hz)
        hz = sysconf(_SC_CLK_TCK);
    if (p->ticks[from] < 0 || p->ticks[to] < 0 || wall < 0.05 || hz <= 0)
        return -1;
    return 100.0 * (double)(p->ticks[to] - p->ticks[from]) / (double)hz / wall;
}

double bench_self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void bench_procs_free(bench_procs_t *ps)
{
    free(ps->list);
    ps->list = NULL;
    ps->n = 0;
}

/* Add a process to sample. Returns 0, or -1 with a reason in err. */
static int add_proc(bench_procs_t *ps, const char *name, int pid, char *err, size_t len)
{
    char buf[64];
    if (pid <= 0 || read_proc(pid, "status", buf, sizeof(buf)) != 0) {
        snprintf(err, len, "process %s (pid %d) is not running", name, pid);
        return -1;
    }
    bench_proc_t *grown = realloc(ps->list, (ps->n + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    ps->list = grown;
    bench_proc_t *p = &ps->list[ps->n++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->pid = pid;
    p->hwm_kb = -1;
    for (int at = 0; at < BENCH_AT_COUNT; at++)
        p->ticks[at] = -1;
    return 0;
}

/* Parse a positive pid. */
static int parse_pid(const char *s, size_t len)
{
    long v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > 0 ? (int)v : -1;
}

static int compare_procs(const void *x, const void *y)
{
    return strcmp(((const bench_proc_t *)x)->name, ((const bench_proc_t *)y)->name);
}

/* The processes of every DIR/NAME.pid file. Returns 0, or -1 with a reason. */
static int find_in_dir(bench_procs_t *ps, const char *dir, char *err, size_t len)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, len, "--pids-dir %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char path[4096], text[32] = "";
        if (n <= 4 || strcmp(e->d_name + n - 4, ".pid") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
        if (f)
            fclose(f);
        while (got && (text[got - 1] == '\n' || text[got - 1] == ' '))
            got--;
        e->d_name[n - 4] = '\0';
        rc = add_proc(ps, e->d_name, parse_pid(text, got), err, len);
    }
    closedir(d);
    return rc;
}

int bench_procs_find(bench_procs_t *ps, const char *pids_dir, const char *pids, char *err,
                     size_t len)
{
    if (pids_dir && find_in_dir(ps, pids_dir, err, len) != 0)
        return -1;
    for (const char *s = pids; s && *s;) {
        size_t n = strcspn(s, ",");
        int pid = parse_pid(s, n);
        char name[64] = "?";
        if (pid > 0 && read_proc(pid, "comm", name, sizeof(name)) == 0)
            name[strcspn(name, "\n")] = '\0';
        if (pid < 0) {
            snprintf(err, len, "--pids: '%.*s' is not a pid", (int)n, s);
            return -1;
        }
        if (add_proc(ps, name, pid, err, len) != 0)
            return -1;
        s += n + (s[n] == ',');
    }
    qsort(ps->list, ps->n, sizeof(*ps->list), compare_procs);
    return 0;
}
