/* nq-reporting: wiring only. */
#include "reporting.h"

static const nq_service_app_t app = {reporting_new, reporting_stop, reporting_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-reporting", argc, argv, &app);
}
