/* tools/bench_report_json.c — the report as one JSON object (--json). Its keys are
 * what bench/run.sh reads. See bench_report.h. */
#include "bench_report.h"

#include <jansson.h>
#include <stdio.h>

static json_t *json_lat(const bench_lat_t *l)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:I}", "p50", l->ms[0], "p99", l->ms[1], "p99_9",
                     l->ms[2], "max", l->ms[3], "mean", l->ms[4], "requests", (json_int_t)l->count);
}

static json_t *json_scored(const bench_t *b, const bench_summary_t *s)
{
    const bench_counters_t *r = &b->redis;
    if (!s->scored)
        return json_pack("{s:s}", "error", r->error[0] ? r->error : "the load did not end");
    return json_pack("{s:I, s:I, s:f, s:I, s:b, s:o, s:I}", "accepted_delta",
                     (json_int_t)s->accepted_delta, "scored_delta", (json_int_t)s->scored_delta,
                     "events_per_s", s->scored_per_s, "backlog_at_load_end", (json_int_t)s->backlog,
                     "caught_up", r->caught_up, "lag_s",
                     r->caught_up ? json_real(s->lag_s) : json_null(), "behind_at_end",
                     (json_int_t)(r->accepted1 - r->scored2));
}

/* A percentage, or null when unknown (negative). */
static json_t *json_pct(double pct)
{
    return pct < 0 ? json_null() : json_real(pct);
}

static json_t *json_procs(const bench_t *b)
{
    json_t *a = json_array();
    for (size_t i = 0; i < b->procs.n; i++) {
        const bench_proc_t *p = &b->procs.list[i];
        json_array_append_new(
            a, json_pack("{s:s, s:i, s:f, s:f, s:o, s:o, s:b}", "name", p->name, "pid", p->pid,
                         "peak_rss_mib", (double)p->peak_rss_kb / 1024.0, "vmhwm_mib",
                         (double)p->hwm_kb / 1024.0, "cpu_load_pct",
                         json_pct(bench_proc_cpu_pct(p, b->t_ns, 0, 1)), "cpu_catchup_pct",
                         json_pct(bench_proc_cpu_pct(p, b->t_ns, 1, 2)), "exited", p->gone));
    }
    return a;
}

/* What the seed step did, or null when it did not run. */
static json_t *json_seed(const bench_seed_t *sd)
{
    if (!sd->ran)
        return json_null();
    return json_pack("{s:o, s:s, s:I, s:f, s:I, s:I, s:I, s:f, s:b, s:f}", "error",
                     sd->error[0] ? json_string(sd->error) : json_null(), "month", sd->month,
                     "puts", (json_int_t)sd->puts, "put_s", sd->put_s, "events_posted",
                     (json_int_t)sd->events_posted, "events_accepted", (json_int_t)sd->accepted,
                     "retries_503", (json_int_t)sd->retries, "post_s", sd->post_s, "caught_up",
                     sd->caught_up, "scored_wait_s", sd->scored_wait_s);
}

static json_t *json_reads(const bench_t *b, const bench_summary_t *s)
{
    const bench_read_sample_t *sm = &b->sample;
    json_t *sample = sm->taken ? json_pack("{s:s, s:i, s:I, s:O}", "path", sm->path, "status",
                                           sm->status, "bytes", (json_int_t)sm->bytes, "arrays",
                                           sm->arrays ? sm->arrays : json_null())
                               : json_null();
    return json_pack("{s:s, s:f, s:f, s:f, s:o}", "path", b->o.path, "answers_per_s",
                     s->answers_per_s, "ok_per_s", s->ok_per_s, "mean_answer_bytes",
                     s->answer_bytes, "sample", sample);
}

static json_t *json_probe(const bench_t *b, const bench_summary_t *s)
{
    const bench_probe_t *p = &b->probe;
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
                     "salesperson_id", b->o.probe_sp, "every_ms", (json_int_t)b->o.probe_every_ms,
                     "poll_ms", (json_int_t)b->o.probe_poll_ms, "wait_ms",
                     (json_int_t)b->o.probe_wait_ms, "visible", (json_int_t)p->visible, "late",
                     (json_int_t)p->late, "posts_not_acknowledged", (json_int_t)p->post_failed,
                     "reads_unreadable", (json_int_t)p->poll_failed, "posts", (json_int_t)p->posts,
                     "reads", (json_int_t)p->polls, "acknowledged", (json_int_t)p->acked,
                     "ack_to_visible_ms", json_lat(&s->fresh), "read_ms", json_lat(&s->poll));
}

/* {"200":12,"503":1,"other":2}: the answers by status. */
static json_t *json_statuses(const bench_t *b)
{
    json_t *statuses = json_object();
    for (int st = 0; st < BENCH_MAX_STATUS; st++) {
        char key[16] = "other";
        if (!b->by_status[st])
            continue;
        if (st)
            snprintf(key, sizeof(key), "%d", st);
        json_object_set_new(statuses, key, json_integer((json_int_t)b->by_status[st]));
    }
    return statuses;
}

/* The report of --mode seed: its configuration and the step. */
static json_t *json_seed_report(const bench_t *b)
{
    return json_pack("{s:{s:s, s:s, s:s, s:I, s:I, s:s}, s:o}", "config", "mode", "seed", "url",
                     b->o.url, "team", b->o.team, "salespeople", (json_int_t)b->o.salespeople,
                     "seed_events", (json_int_t)b->o.seed_events, "run_id", b->gen.run_id, "setup",
                     json_seed(&b->seed));
}

/* The report of a load: configuration, counts, latencies, scoring, and the
 * mode's own part (reads, probe). */
static json_t *json_load_report(const bench_t *b, const bench_summary_t *s)
{
    const bench_errors_t *e = &b->net.errors;
    json_t *report = json_pack(
        "{s:{s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s}, s:o, s:f, s:I, s:I, s:I, s:o, s:I, "
        "s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:o, s:o, s:o, s:f, s:o, s:o}",
        "config", "mode", bench_mode_names[b->mode], "url", b->o.url, "connections",
        (json_int_t)b->o.connections, "batch", (json_int_t)b->o.batch, "rate",
        (json_int_t)b->o.rate, "duration_s", (json_int_t)b->o.duration_s, "spread", b->o.spread,
        "run_id", b->gen.run_id, "aborted",
        b->abort_reason[0] ? json_string(b->abort_reason) : json_null(), "load_s", s->load_s,
        "requests", (json_int_t)b->requests, "answers", (json_int_t)b->answers, "events_sent",
        (json_int_t)b->events_sent, "answers_by_status", json_statuses(b), "unavailable_503",
        (json_int_t)b->by_status[503], "events_accepted", (json_int_t)b->totals.accepted,
        "events_duplicate", (json_int_t)b->totals.duplicate, "events_conflict",
        (json_int_t)b->totals.conflict, "events_rejected", (json_int_t)b->totals.rejected,
        "answers_without_counts", (json_int_t)b->uncounted, "transport_errors",
        (json_int_t)e->count, "accepted_per_s", s->accepted_per_s, "first_error",
        e->count ? json_string(e->first) : json_null(), "latency_ms", json_lat(&s->ack),
        "latency_from_due_ms", b->o.rate ? json_lat(&s->due) : json_null(), "bench_cpu_pct",
        s->bench_cpu_pct, "scored", json_scored(b, s), "setup", json_seed(&b->seed));
    if (report && b->mode == MODE_READ)
        json_object_set_new(report, "reads", json_reads(b, s));
    if (report && b->mode == MODE_FRESHNESS)
        json_object_set_new(report, "probe", json_probe(b, s));
    return report;
}

void bench_report_json(const bench_t *b, const bench_summary_t *s)
{
    json_t *report = b->mode == MODE_SEED ? json_seed_report(b) : json_load_report(b, s);
    if (report) {
        json_object_set_new(report, "processes", json_procs(b));
        json_dumpf(report, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(report);
    } else {
        fprintf(stderr, "nq-bench: out of memory building the JSON report\n");
    }
}
