/*
 * cli-order.h: the operator's order commands of nyota-console (the
 * README's "Admin commands"):
 *
 *   order show REF
 *   order refund REF [--reason TEXT] [--mpesa-code CODE]
 *
 * Options take their value as the next word or after '='. A refund made
 * here is recorded with actor "cli".
 */
#ifndef NY_CLI_ORDER_H
#define NY_CLI_ORDER_H

#include "config.h"

/*
 * Runs the order command in argv (argv[0] is "order"). Returns the exit
 * status: 0 (shown; refunded, or a refund sent and waiting for the
 * provider: a line says which), 1 with a one-line error "nyota: …" on
 * stderr, 2 with the usage on stderr.
 */
int	cli_order_run(const struct ny_config *cfg, int argc, char **argv);

#endif
