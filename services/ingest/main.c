/* nq-ingest: wiring only. */
#include "ingest.h"

static const nq_service_app_t app = {ingest_new, ingest_stop, ingest_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-ingest", argc, argv, &app);
}
