/*
 * console.h: the SSH console server (`nyota-console serve`, the default
 * command). Implemented by tui/serve.c.
 */
#ifndef NY_CONSOLE_H
#define NY_CONSOLE_H

#include "config.h"

/*
 * Runs the SSH listener until SIGINT/SIGTERM. Returns the process exit
 * status.
 */
int	console_serve(const struct ny_config *cfg);

#endif
