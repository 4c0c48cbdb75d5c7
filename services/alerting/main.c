/* nq-alerting: wiring only. */
#include "alerting.h"

static const nq_service_app_t app = {alerting_new, alerting_stop, alerting_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-alerting", argc, argv, &app);
}
