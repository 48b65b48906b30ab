/* SPDX-License-Identifier: MIT */
#include "fake_controller.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_RING 4096u
#define FAKE_MAX_COMMANDS 4096u

struct controller {
	pthread_mutex_t lock;
	struct kiosk_snapshot snap;
	struct kiosk_event ring[FAKE_RING];
	uint64_t next_seq; /* first event is seq 1 */
	void (*listener[4])(void *);
	void *listener_ctx[4];
	size_t listeners;
	pthread_mutex_t llock; /* held while listeners run or the list changes */
	enum command_status result;
	struct command commands[FAKE_MAX_COMMANDS];
	size_t ncommands;
	int snapshots_out;
	bool realtime;
};

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct controller *fake_controller_create(size_t station_count)
{
	struct controller *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->llock, NULL);
	c->next_seq = 1;
	c->snap.station_count = station_count;
	for (size_t i = 0; i < station_count; i++) {
		struct station_snapshot *st = &c->snap.stations[i];
		st->index = (unsigned int)i;
		snprintf(st->name, sizeof(st->name), "Station %zu", i + 1);
		st->state = STATION_IDLE;
		st->program_index = -1;
		st->zone_count = 5;
		st->has_sensor = true;
	}
	return c;
}

void fake_controller_destroy(struct controller *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->llock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void notify(struct controller *c)
{
	pthread_mutex_lock(&c->llock);
	for (size_t i = 0; i < c->listeners; i++)
		c->listener[i](c->listener_ctx[i]);
	pthread_mutex_unlock(&c->llock);
}

static void emit_locked(struct controller *c, const struct kiosk_event *ev)
{
	struct kiosk_event *slot = &c->ring[c->next_seq % FAKE_RING];

	*slot = *ev;
	slot->seq = c->next_seq++;
	if (!slot->wall_ms)
		slot->wall_ms = wall_ms();
}

void fake_controller_emit(struct controller *c, const struct kiosk_event *ev)
{
	pthread_mutex_lock(&c->lock);
	emit_locked(c, ev);
	pthread_mutex_unlock(&c->lock);
	notify(c);
}

void fake_controller_set_state(struct controller *c, unsigned int station, enum station_state state,
                               enum fault_code fault)
{
	pthread_mutex_lock(&c->lock);
	c->snap.stations[station].state = state;
	c->snap.stations[station].fault = fault;
	snprintf(c->snap.stations[station].fault_message,
	         sizeof(c->snap.stations[station].fault_message), "%s",
	         fault == FAULT_NONE ? "" : "test fault");
	c->snap.seq++;
	pthread_mutex_unlock(&c->lock);
	notify(c);
}

void fake_controller_set_pressure(struct controller *c, unsigned int station, double mmhg,
                                  unsigned int remaining_s)
{
	pthread_mutex_lock(&c->lock);
	c->snap.stations[station].zone_mmhg[0] = mmhg;
	c->snap.stations[station].remaining_s = remaining_s;
	c->snap.seq++;
	pthread_mutex_unlock(&c->lock);
	notify(c);
}

void fake_controller_set_result(struct controller *c, enum command_status status)
{
	pthread_mutex_lock(&c->lock);
	c->result = status;
	pthread_mutex_unlock(&c->lock);
}

size_t fake_controller_commands(struct controller *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->ncommands;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void fake_controller_command(struct controller *c, size_t i, struct command *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->commands[i];
	pthread_mutex_unlock(&c->lock);
}

int fake_controller_snapshots_out(struct controller *c)
{
	pthread_mutex_lock(&c->lock);
	int n = c->snapshots_out;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* ---- the controller API the reporter uses ---- */

int controller_submit(struct controller *c, const struct command *cmd)
{
	static const enum event_kind effect[CMD_ACTION_COUNT] = {
	    [CMD_STOP] = EVENT_SESSION_STOPPED,  [CMD_RESET_FAULT] = EVENT_FAULT_RESET,
	    [CMD_CLEANED] = EVENT_CLEANED,       [CMD_OUT_OF_SERVICE] = EVENT_OUT_OF_SERVICE,
	    [CMD_IN_SERVICE] = EVENT_IN_SERVICE,
	};
	struct kiosk_event ev;

	if ((unsigned int)cmd->action >= CMD_ACTION_COUNT || cmd->station >= c->snap.station_count)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->ncommands < FAKE_MAX_COMMANDS)
		c->commands[c->ncommands++] = *cmd;
	if (c->result == CMD_OK && effect[cmd->action]) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = effect[cmd->action];
		ev.station = cmd->station;
		ev.reason = STOP_STAFF;
		emit_locked(c, &ev);
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_COMMAND_RESULT;
	ev.station = cmd->station;
	ev.action = cmd->action;
	ev.source = cmd->source;
	ev.status = c->result;
	memcpy(ev.request_id, cmd->request_id, sizeof(ev.request_id));
	emit_locked(c, &ev);
	pthread_mutex_unlock(&c->lock);
	notify(c);
	return 0;
}

const struct kiosk_snapshot *controller_snapshot_acquire(struct controller *c)
{
	struct kiosk_snapshot *copy = malloc(sizeof(*copy));

	if (!copy)
		return NULL;
	pthread_mutex_lock(&c->lock);
	*copy = c->snap;
	c->snapshots_out++;
	pthread_mutex_unlock(&c->lock);
	return copy;
}

void controller_snapshot_release(struct controller *c, const struct kiosk_snapshot *snap)
{
	if (!snap)
		return;
	pthread_mutex_lock(&c->lock);
	c->snapshots_out--;
	pthread_mutex_unlock(&c->lock);
	free((void *)snap);
}

size_t controller_events_read(struct controller *c, uint64_t *cursor, struct kiosk_event *out,
                              size_t max, uint64_t *lost)
{
	size_t n = 0;

	pthread_mutex_lock(&c->lock);
	uint64_t oldest = c->next_seq > FAKE_RING ? c->next_seq - FAKE_RING : 1;
	if (lost)
		*lost = 0;
	if (*cursor < oldest) {
		if (lost && *cursor > 0)
			*lost = oldest - *cursor;
		*cursor = oldest;
	}
	while (*cursor < c->next_seq && n < max)
		out[n++] = c->ring[(*cursor)++ % FAKE_RING];
	pthread_mutex_unlock(&c->lock);
	return n;
}

int controller_add_listener(struct controller *c, void (*fn)(void *ctx), void *ctx)
{
	int rc = 0;

	pthread_mutex_lock(&c->llock);
	if (c->listeners >= 4) {
		rc = -ENOSPC;
	} else {
		c->listener[c->listeners] = fn;
		c->listener_ctx[c->listeners] = ctx;
		c->listeners++;
	}
	pthread_mutex_unlock(&c->llock);
	return rc;
}

int controller_remove_listener(struct controller *c, void (*fn)(void *ctx), void *ctx)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&c->llock);
	for (size_t i = 0; i < c->listeners; i++) {
		if (c->listener[i] != fn || c->listener_ctx[i] != ctx)
			continue;
		for (size_t k = i + 1; k < c->listeners; k++) {
			c->listener[k - 1] = c->listener[k];
			c->listener_ctx[k - 1] = c->listener_ctx[k];
		}
		c->listeners--;
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&c->llock);
	return rc;
}

void controller_get_stats(struct controller *c, struct controller_stats *out)
{
	pthread_mutex_lock(&c->lock);
	memset(out, 0, sizeof(*out));
	out->realtime = c->realtime;
	pthread_mutex_unlock(&c->lock);
}

void fake_controller_set_realtime(struct controller *c, bool realtime)
{
	pthread_mutex_lock(&c->lock);
	c->realtime = realtime;
	pthread_mutex_unlock(&c->lock);
}
