/*
 * worker-outbox.c: the outbox thread. See worker-outbox.h.
 *
 * The loop sleeps (wake.h) for at most WO_TICK_MS; a kick (after a
 * recovery request, a free order's code) wakes it at once. Messages queued
 * by other processes (the console's resend) are found within that second.
 */
#include <pthread.h>
#include <stdlib.h>

#include "app.h"
#include "log.h"
#include "outbox.h"
#include "wake.h"
#include "worker-outbox.h"

#define WO_SCHEDULE_EVERY	15	/* seconds between scheduler runs */
#define WO_BATCH		16
#define WO_TICK_MS		1000	/* longest sleep between two looks */

/* The worker's state: one per process, set up by worker_outbox_start. */
static struct {
	pthread_t		 thread;
	struct wake		 kick;
	int			 started;
	const struct ny_config	*cfg;
	struct outbox		*ob;
} wo = { .kick = WAKE_INITIALIZER };

/*
 * The thread: the scheduler every WO_SCHEDULE_EVERY seconds, then what is
 * due drained in batches, then a sleep until kicked or WO_TICK_MS passed;
 * until stopped.
 */
static void *
wo_main(void *arg)
{
	struct db *db = app_connect(wo.cfg);
	int64_t last_sched = 0, now;
	unsigned seen = 0;
	int sent;
	enum ny_err rc;

	(void)arg;
	while (!wake_is_stopped(&wo.kick)) {
		now = ny_now();
		if (now - last_sched >= WO_SCHEDULE_EVERY) {
			if ((rc = outbox_schedule(db, now, NULL)) != NY_OK)
				log_warn("outbox scheduler failed", "err=\"%s\"",
				    ny_strerror(rc));
			last_sched = now;
		}
		/* Drain what is due, then wait. */
		do {
			rc = outbox_step(wo.ob, db, ny_now(), WO_BATCH, &sent);
			if (rc != NY_OK)
				log_warn("outbox step failed", "err=\"%s\"",
				    ny_strerror(rc));
		} while (rc == NY_OK && sent == WO_BATCH &&
		    !wake_is_stopped(&wo.kick));
		wake_wait(&wo.kick, &seen, WO_TICK_MS);
	}
	db_close(db);
	return NULL;
}

enum ny_err
worker_outbox_start(const struct ny_config *cfg, char **cause)
{
	struct outbox_conf oc = {
		.driver = cfg->whatsapp,
		.base_url = cfg->base_url,
		.data_dir = cfg->data_dir,
		.api_url = cfg->whatsapp_api_url,
		.token = cfg->whatsapp_token,
		.phone_id = cfg->whatsapp_phone_id,
		.template_name = cfg->whatsapp_template,
		.smtp_url = cfg->smtp_url,
		.mail_from = cfg->mail_from,
	};
	enum ny_err rc;

	if (wo.started)
		return NY_OK;
	if ((rc = outbox_new(&oc, &wo.ob, cause)) != NY_OK)
		return rc;
	wo.cfg = cfg;
	wake_start(&wo.kick);
	if (pthread_create(&wo.thread, NULL, wo_main, NULL) != 0) {
		outbox_free(wo.ob);
		wo.ob = NULL;
		*cause = xstrdup("cannot start the outbox thread");
		return NY_EIO;
	}
	wo.started = 1;
	log_info("outbox worker started", "driver=%s mail=%s",
	    cfg->whatsapp ? cfg->whatsapp : "log",
	    cfg->smtp_url && *cfg->smtp_url ? "smtp" : "log");
	return NY_OK;
}

void
worker_outbox_kick(void)
{
	wake_signal(&wo.kick);
}

void
worker_outbox_stop(void)
{
	if (!wo.started)
		return;
	wake_stop(&wo.kick);
	pthread_join(wo.thread, NULL);
	outbox_free(wo.ob);
	wo.ob = NULL;
	wo.started = 0;
}
