/*
 * worker-outbox.h: the WhatsApp outbox worker of nyota-storefront. One
 * thread with its own database connection: every second (or when kicked)
 * it queues the scheduled messages that fell due (reminders, automations)
 * and sends due queued messages through the configured driver. All its
 * state is in the messages table, so a restart resumes where it stopped.
 */
#ifndef NY_WORKER_OUTBOX_H
#define NY_WORKER_OUTBOX_H

#include "config.h"

/*
 * Builds the driver from cfg (NYOTA_WHATSAPP …) and starts the thread.
 * cfg must outlive the worker. NY_OK, or NY_EINVAL with *cause (caller
 * frees). Only one worker per process.
 */
enum ny_err worker_outbox_start(const struct ny_config *cfg, char **cause);
/* Asks the worker to look at the queue now. Safe from any thread. */
void	worker_outbox_kick(void);
/* Stops and joins the thread (no-op when not started). */
void	worker_outbox_stop(void);

#endif
