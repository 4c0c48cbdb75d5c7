/* nq-customers: wiring only. */
#include "customers.h"

static const nq_service_app_t app = {customers_new, customers_stop, customers_free};

int main(int argc, char **argv)
{
    return nq_service_main("nq-customers", argc, argv, &app);
}
