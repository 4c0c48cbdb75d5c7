/* satjson.c — satisfaction and training figures as JSON. See satjson.h. */
#include "satjson.h"

static json_t *time_json(int64_t ms)
{
    char buf[40];
    if (nq_time_format(ms, buf, sizeof(buf)) < 0)
        return json_null();
    return json_string(buf);
}

static json_t *opt_int(bool has, int64_t v)
{
    return has ? json_integer((json_int_t)v) : json_null();
}

static json_t *opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *gw_satisf_json(const nq_period_t *p, const nq_satisf_t *s)
{
    int64_t avg, nps;
    bool has_avg = nq_satisf_avg(s, &avg), has_nps = nq_satisf_nps(s, &nps);
    return json_pack(
        "{s:s, s:o, s:I, s:o, s:I, s:I, s:o, s:o}", "period", p->key, "avg_rating",
        has_avg ? json_real((double)avg / 100) : json_null(), "ratings", (json_int_t)s->ratings,
        "nps", has_nps ? json_real((double)nps / 10) : json_null(), "nps_answers",
        (json_int_t)s->answers, "nps_net", (json_int_t)s->net, "promoters",
        opt_int(s->has_split, s->promoters), "detractors", opt_int(s->has_split, s->detractors));
}

json_t *gw_satisf_compare_json(const nq_period_t *p, const nq_satisf_t *cur, const nq_period_t *pp,
                               const nq_satisf_t *prev)
{
    json_t *o = gw_satisf_json(p, cur), *before = gw_satisf_json(pp, prev);
    int64_t a1, a0, n1, n0;
    bool avg = nq_satisf_avg(cur, &a1) && nq_satisf_avg(prev, &a0);
    bool nps = nq_satisf_nps(cur, &n1) && nq_satisf_nps(prev, &n0);
    json_t *change = json_pack("{s:o, s:o}", "avg_rating",
                               avg ? json_real((double)(a1 - a0) / 100) : json_null(), "nps",
                               nps ? json_real((double)(n1 - n0) / 10) : json_null());
    if (!o || !before || !change) {
        json_decref(o);
        json_decref(before);
        json_decref(change);
        return NULL;
    }
    json_object_set_new(o, "previous", before);
    json_object_set_new(o, "change", change);
    return o;
}

json_t *gw_comment_json(const Nq__Activity *ev)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "at", time_json(ev->occurred_at),
                     "salesperson_id", opt_str(ev->salesperson_id), "customer_id",
                     opt_str(ev->customer_id), "rating", opt_int(ev->has_rating, ev->rating), "nps",
                     opt_int(ev->has_nps, ev->nps), "channel", opt_str(ev->channel), "text",
                     opt_str(ev->text), "event_id", opt_str(ev->event_id));
}

json_t *gw_course_json(const Nq__Activity *ev)
{
    /* seconds -> hours, 2 decimals, half up */
    json_t *hours = ev->has_duration_s && ev->duration_s >= 0
                        ? json_real((double)((ev->duration_s + 18) / 36) / 100)
                        : json_null();
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "at", time_json(ev->occurred_at), "course",
                     opt_str(ev->course), "score", opt_int(ev->has_score, ev->score), "hours",
                     hours, "event_id", opt_str(ev->event_id));
}
