/*
 * worker-outbox.c: the outbox thread. See worker-outbox.h.
 *
 * The loop sleeps on a condition variable for at most a second; a kick
 * (after a recovery request) wakes it at once. Messages queued by other
 * processes (the console's resend) are found within that second.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "outbox.h"
#include "worker-outbox.h"

#define WO_SCHEDULE_EVERY	15	/* seconds between scheduler runs */
#define WO_BATCH		16

/* The worker's state: one per process, set up by worker_outbox_start. */
static struct {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 started;
	int			 stop;
	int			 kicked;
	const struct ny_config	*cfg;
	struct outbox		*ob;
} wo = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void
wo_wait(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_mutex_lock(&wo.mu);
	while (!wo.stop && !wo.kicked &&
	    pthread_cond_timedwait(&wo.cv, &wo.mu, &ts) == 0)
		;
	wo.kicked = 0;
	pthread_mutex_unlock(&wo.mu);
}

static int
wo_stopping(void)
{
	int s;

	pthread_mutex_lock(&wo.mu);
	s = wo.stop;
	pthread_mutex_unlock(&wo.mu);
	return s;
}

static void *
wo_main(void *arg)
{
	struct db *db = app_connect(wo.cfg);
	int64_t last_sched = 0, now;
	int sent, rc;

	(void)arg;
	while (!wo_stopping()) {
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
		} while (rc == NY_OK && sent == WO_BATCH && !wo_stopping());
		wo_wait();
	}
	db_close(db);
	return NULL;
}

int
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
	};
	int rc;

	if (wo.started)
		return NY_OK;
	if ((rc = outbox_new(&oc, &wo.ob, cause)) != NY_OK)
		return rc;
	wo.cfg = cfg;
	wo.stop = 0;
	if (pthread_create(&wo.thread, NULL, wo_main, NULL) != 0) {
		outbox_free(wo.ob);
		wo.ob = NULL;
		*cause = xstrdup("cannot start the outbox thread");
		return NY_EIO;
	}
	wo.started = 1;
	log_info("outbox worker started", "driver=%s",
	    cfg->whatsapp ? cfg->whatsapp : "log");
	return NY_OK;
}

void
worker_outbox_kick(void)
{
	pthread_mutex_lock(&wo.mu);
	wo.kicked = 1;
	pthread_cond_signal(&wo.cv);
	pthread_mutex_unlock(&wo.mu);
}

void
worker_outbox_stop(void)
{
	if (!wo.started)
		return;
	pthread_mutex_lock(&wo.mu);
	wo.stop = 1;
	pthread_cond_signal(&wo.cv);
	pthread_mutex_unlock(&wo.mu);
	pthread_join(wo.thread, NULL);
	outbox_free(wo.ob);
	wo.ob = NULL;
	wo.started = 0;
}
