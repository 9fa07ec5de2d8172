/*
 * ready.h: the storefront's readiness, as /healthz and nyota_ready tell
 * it: starting until the workers run, ok while it serves, draining from
 * SIGTERM until it exits (a load balancer or Caddy stops sending buyers
 * here, and the SSE pages reconnect to the next process).
 *
 * One atomic value: main.c moves it forward, any thread reads it.
 */
#ifndef NY_READY_H
#define NY_READY_H

enum ready_state {
	READY_STARTING,		/* before the workers run */
	READY_OK,		/* serving */
	READY_DRAINING,		/* SIGTERM seen: finishing what is in flight */
};

/* Moves the state (main.c only). */
void		 ready_set(enum ready_state st);
/* The state now, from any thread. */
enum ready_state ready_get(void);
/* "starting", "ok" or "draining": the word /healthz answers with. */
const char	*ready_name(enum ready_state st);

#endif
