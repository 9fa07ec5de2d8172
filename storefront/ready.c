/*
 * ready.c: see ready.h. A sequentially consistent atomic is plenty: it
 * changes twice in the process's life.
 */
#include <stdatomic.h>

#include "ready.h"

static _Atomic int ready_state = READY_STARTING;

void
ready_set(enum ready_state st)
{
	atomic_store(&ready_state, (int)st);
}

enum ready_state
ready_get(void)
{
	return (enum ready_state)atomic_load(&ready_state);
}

const char *
ready_name(enum ready_state st)
{
	switch (st) {
	case READY_STARTING:
		return "starting";
	case READY_OK:
		return "ok";
	case READY_DRAINING:
		break;
	}
	return "draining";
}
