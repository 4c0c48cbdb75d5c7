/* tools/bench_report.c — the summary of a run and its text report. See bench_report.h. */
#include "bench_report.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void lat_of(const bench_hist_t *h, bench_lat_t *out)
{
    static const double qs[] = {50.0, 99.0, 99.9, 100.0};
    for (size_t i = 0; i < 4; i++)
        out->ms[i] = (double)bench_hist_percentile(h, qs[i]) / 1000.0;
    out->ms[4] = h->count ? (double)(h->sum / h->count) / 1000.0 : 0;
    out->count = h->count;
}

void bench_summarize(const bench_t *b, bench_summary_t *s)
{
    const bench_counters_t *r = &b->redis;
    const uint64_t *t = b->t_ns;
    memset(s, 0, sizeof(*s));
    s->load_s =
        bench_since_s(t[BENCH_AT_START], b->answers ? b->t_last_ack_ns : t[BENCH_AT_LOAD_END]);
    s->accepted_per_s = s->load_s > 0 ? (double)b->totals.accepted / s->load_s : 0;
    s->answers_per_s = s->load_s > 0 ? (double)b->answers / s->load_s : 0;
    s->ok_per_s = s->load_s > 0 ? (double)b->ok_answers / s->load_s : 0;
    s->answer_bytes = b->answers ? (double)b->answer_bytes / (double)b->answers : 0.0;
    lat_of(&b->hist, &s->ack);
    lat_of(&b->hist_due, &s->due);
    lat_of(&b->probe.hist, &s->fresh);
    lat_of(&b->probe.poll_hist, &s->poll);
    s->scored = r->error[0] == '\0' && b->load_done;
    s->accepted_delta = r->accepted1 - r->accepted0;
    s->scored_delta = r->scored2 - r->scored0;
    s->backlog = r->accepted1 - r->scored1;
    s->lag_s = r->caught_up ? bench_since_s(b->t_last_ack_ns, r->caught_ns) : 0;
    double scored_s =
        bench_since_s(t[BENCH_AT_START], r->caught_up ? r->caught_ns : t[BENCH_AT_END]);
    s->scored_per_s = scored_s > 0 ? (double)s->scored_delta / scored_s : 0;
    double load_wall = bench_since_s(t[BENCH_AT_START], t[BENCH_AT_LOAD_END]);
    s->bench_cpu_pct =
        load_wall > 0 ? 100.0 * (b->self_cpu_s[1] - b->self_cpu_s[0]) / load_wall : 0;
}

static const char *rate_text(const bench_t *b, char *buf, size_t len)
{
    if (b->o.rate == 0)
        return "flat out";
    snprintf(buf, len, "%lld %s/s", (long long)b->o.rate,
             b->mode == MODE_READ ? "reads" : "events");
    return buf;
}

static void print_lat(const char *label, const bench_lat_t *l, const char *what)
{
    printf("%-13s p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, mean %.3f ms (%llu %s)\n",
           label, l->ms[0], l->ms[1], l->ms[2], l->ms[3], l->ms[4], (unsigned long long)l->count,
           what);
}

static void print_seed(const bench_seed_t *sd)
{
    if (!sd->ran)
        return;
    printf("setup         %lld PUTs (team, salespeople, targets of %s) in %.2f s; %lld events "
           "posted, %lld accepted in %.2f s (%lld 503s retried); scoring %s after %.2f s\n",
           (long long)sd->puts, sd->month, sd->put_s, (long long)sd->events_posted,
           (long long)sd->accepted, sd->post_s, (long long)sd->retries,
           sd->caught_up ? "caught up" : "NOT caught up", sd->scored_wait_s);
    if (sd->error[0])
        printf("setup FAILED  %s\n", sd->error);
}

static void print_events(const bench_t *b, const bench_summary_t *s)
{
    const bench_counters_t *r = &b->redis;
    printf("events        %lld accepted, %lld duplicate, %lld conflict, %lld rejected"
           " (%llu answers without counts)\n",
           (long long)b->totals.accepted, (long long)b->totals.duplicate,
           (long long)b->totals.conflict, (long long)b->totals.rejected,
           (unsigned long long)b->uncounted);
    printf("accepted      %.0f events/s\n", s->accepted_per_s);
    print_lat("ack latency", &s->ack, "requests");
    if (b->o.rate)
        print_lat("from due", &s->due, "requests");
    if (!s->scored) {
        printf("scored        not measured: %s\n", r->error[0] ? r->error : "the load did not end");
    } else {
        printf("scored        %lld of %lld accepted (nq:stats deltas), %.0f events/s; backlog "
               "when the load ended: %lld events\n",
               (long long)s->scored_delta, (long long)s->accepted_delta, s->scored_per_s,
               (long long)s->backlog);
        if (r->caught_up)
            printf("scoring lag   %.3f s (scored caught up with accepted after the last ack)\n",
                   s->lag_s);
        else
            printf("scoring lag   NOT caught up %lld s after the load: %lld events behind\n",
                   (long long)b->o.scored_wait_s, (long long)(r->accepted1 - r->scored2));
    }
}

static void print_reads(const bench_t *b, const bench_summary_t *s)
{
    const bench_read_sample_t *sm = &b->sample;
    if (sm->taken) {
        printf("sample        GET %s -> %d, %zu bytes", sm->path, sm->status, sm->bytes);
        const char *key;
        json_t *v;
        json_object_foreach (sm->arrays, key, v) {
            printf(", %s: %lld", key, (long long)json_integer_value(v));
        }
        printf("\n");
    }
    printf("reads         %.0f answers/s, %.0f of them 2xx; mean answer %.0f bytes\n",
           s->answers_per_s, s->ok_per_s, s->answer_bytes);
    print_lat("latency", &s->ack, "reads");
    if (b->o.rate)
        print_lat("from due", &s->due, "reads");
}

static void print_probe(const bench_t *b, const bench_summary_t *s)
{
    const bench_probe_t *p = &b->probe;
    printf("probe         %llu markers visible, %llu late (> %lld ms), %llu posts not acknowledged,"
           " %llu reads unreadable; %llu posts, %llu KPI reads\n",
           (unsigned long long)p->visible, (unsigned long long)p->late,
           (long long)b->o.probe_wait_ms, (unsigned long long)p->post_failed,
           (unsigned long long)p->poll_failed, (unsigned long long)p->posts,
           (unsigned long long)p->polls);
    print_lat("freshness", &s->fresh, "markers, ack -> visible");
    print_lat("probe read", &s->poll, "KPI reads");
}

static void print_procs(const bench_t *b)
{
    if (b->procs.n == 0)
        return;
    printf("%-16s %8s %14s %11s %10s %13s\n", "process", "pid", "peak RSS MiB", "VmHWM MiB",
           "cpu load", "cpu catch-up");
    for (size_t i = 0; i < b->procs.n; i++) {
        const bench_proc_t *p = &b->procs.list[i];
        char cpu[2][16];
        for (int k = 0; k < 2; k++) {
            double pct = bench_proc_cpu_pct(p, b->t_ns, k, k + 1);
            if (pct < 0)
                snprintf(cpu[k], sizeof(cpu[k]), "-");
            else
                snprintf(cpu[k], sizeof(cpu[k]), "%.0f%%", pct);
        }
        printf("%-16s %8d %14.1f %11.1f %10s %13s%s\n", p->name, p->pid,
               (double)p->peak_rss_kb / 1024.0, (double)p->hwm_kb / 1024.0, cpu[0], cpu[1],
               p->gone ? "  (exited)" : "");
    }
}

/* "answers       200: 12, 503: 1" (or "none"), and a line on the 503s. */
static void print_statuses(const bench_t *b)
{
    printf("answers       ");
    const char *sep = "";
    for (int st = 0; st < BENCH_MAX_STATUS; st++) {
        if (b->by_status[st]) {
            printf("%s%s%d: %llu", sep, st == 0 ? "other " : "", st,
                   (unsigned long long)b->by_status[st]);
            sep = ", ";
        }
    }
    printf("%s\n", *sep ? "" : "none");
    if (b->by_status[503])
        printf("              503 unavailable: %llu (counted, not retried)\n",
               (unsigned long long)b->by_status[503]);
}

void bench_report_text(const bench_t *b, const bench_summary_t *s)
{
    char rate[48];
    if (b->mode == MODE_SEED) {
        printf("nq-bench: seed of team %s (%lld salespeople, %lld events) against %s (run id %s)\n",
               b->o.team, (long long)b->o.salespeople, (long long)b->o.seed_events, b->o.url,
               b->gen.run_id);
        print_seed(&b->seed);
        return;
    }
    char batch[32] = "";
    if (b->mode != MODE_READ)
        snprintf(batch, sizeof(batch), ", batch %lld", (long long)b->o.batch);
    printf("nq-bench: %s, %lld connections%s, %s, %lld s against %s (run id %s)\n",
           bench_mode_names[b->mode], (long long)b->o.connections, batch,
           rate_text(b, rate, sizeof(rate)), (long long)b->o.duration_s, b->o.url, b->gen.run_id);
    print_seed(&b->seed);
    if (b->mode == MODE_READ)
        printf("path          %s\n", b->o.path);
    if (b->abort_reason[0])
        printf("ABORTED       %s\n", b->abort_reason);
    printf("load          %.2f s: %llu requests, %llu events sent, %llu transport errors%s%s\n",
           s->load_s, (unsigned long long)b->requests, (unsigned long long)b->events_sent,
           (unsigned long long)b->net.errors.count, b->net.errors.count ? " - first: " : "",
           b->net.errors.first);
    print_statuses(b);
    if (b->mode == MODE_READ)
        print_reads(b, s);
    else
        print_events(b, s);
    if (b->mode == MODE_FRESHNESS)
        print_probe(b, s);
    printf("nq-bench cpu  %.0f%% of one core during the load\n", s->bench_cpu_pct);
    print_procs(b);
}
