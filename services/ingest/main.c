/* nq-ingest: wiring only. */
#include "ingest.h"

int main(int argc, char **argv)
{
    nq_service_t svc;
    int rc = nq_service_init(&svc, "nq-ingest", argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    ingest_t *app = ingest_new(&svc);
    nq_service_on_stop(&svc, ingest_stop, app);
    rc = app ? nq_service_run(&svc) : nq_service_abort(&svc);
    ingest_destroy(&app);
    return rc;
}
