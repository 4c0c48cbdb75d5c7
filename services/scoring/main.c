/* nq-scoring: wiring only. */
#include "scorer.h"

static const nq_service_app_t app = {scorer_new, scorer_stop, scorer_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-scoring", argc, argv, &app);
}
