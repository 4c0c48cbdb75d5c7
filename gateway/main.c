/* nq-gateway: wiring only. */
#include "gateway.h"

static const nq_service_app_t app = {gateway_new, gateway_stop, gateway_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-gateway", argc, argv, &app);
}
