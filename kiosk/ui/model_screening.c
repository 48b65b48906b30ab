/* SPDX-License-Identifier: MIT */
/*
 * The screening as the member sees it: questions in units (one question, a
 * group of a few asked together, or the acknowledgements agreed to at once)
 * and the answers a tap sends.  Nothing here keeps an answer: a tap becomes
 * one CMD_ANSWER per question, in order, and only the question indexes are
 * remembered until the snapshot shows the core took them.
 */
#include <string.h>

#include "core/screening.h"
#include "ui/model.h"

/* The unit question index belongs to. */
static void unit_of(const struct screening_set *set, size_t index, size_t *first, size_t *count,
                    enum unit_kind *kind)
{
	const struct screening_question *q = &set->items[index];
	size_t a = index, b = index + 1;

	if (q->cls == SCREENING_ACKNOWLEDGE) {
		while (a > 0 && set->items[a - 1].cls == SCREENING_ACKNOWLEDGE)
			a--;
		while (b < set->count && set->items[b].cls == SCREENING_ACKNOWLEDGE)
			b++;
		*kind = UNIT_AGREE;
	} else if (q->group[0]) {
		while (a > 0 && strcmp(set->items[a - 1].group, q->group) == 0)
			a--;
		while (b < set->count && strcmp(set->items[b].group, q->group) == 0)
			b++;
		*kind = b - a > 1 ? UNIT_GROUP : UNIT_SINGLE;
	} else {
		*kind = UNIT_SINGLE;
	}
	*first = a;
	*count = b - a;
}

unsigned int model_question_on_screen(const struct ui_model *md, const struct station_snapshot *st)
{
	if (md->pending.active && st && (int)st->index == md->pending.station)
		return md->pending.from;
	return st ? st->screening_index : 0;
}

void model_unit(const struct ui_model *md, const struct station_snapshot *st,
                struct screening_unit *u)
{
	screening_unit_of(md->p.screening, model_question_on_screen(md, st), u);
}

void screening_unit_of(const struct screening_set *set, size_t index, struct screening_unit *u)
{
	memset(u, 0, sizeof(*u));
	u->kind = UNIT_SINGLE;
	if (!set || set->count == 0)
		return;
	if (index >= set->count)
		index = set->count - 1;
	for (size_t i = 0; i < set->count;) {
		size_t first, count;
		enum unit_kind kind;

		unit_of(set, i, &first, &count, &kind);
		if (index >= first && index < first + count) {
			u->kind = kind;
			u->first = first;
			u->count = count;
			u->number = u->total;
		}
		u->total++;
		i = first + count;
	}
}

static void pending_begin(struct ui_model *md, unsigned int from, unsigned int to)
{
	md->pending.active = true;
	md->pending.station = md->station;
	md->pending.from = from;
	md->pending.to = to;
	md->dirty = true;
}

void model_answer_upto(struct ui_model *md, unsigned int to, enum answer_mode mode)
{
	const struct station_snapshot *st = model_station(md, md->station);
	unsigned int from;
	struct command cmd;

	if (!st || md->pending.active || !md->p.screening || to > md->p.screening->count)
		return;
	from = st->screening_index;
	if (to <= from)
		return;
	md->which_open = false;
	pending_begin(md, from, to);
	for (unsigned int q = from; q < to; q++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.action = CMD_ANSWER;
		cmd.station = (unsigned int)md->station;
		cmd.question = q;
		cmd.yes = mode == ANSWER_ALL_YES || (mode == ANSWER_LAST_YES && q + 1 == to);
		if (model_submit(md, &cmd) < 0) {
			md->pending.active = false;
			return;
		}
	}
}

void model_back_to(struct ui_model *md, unsigned int to)
{
	const struct station_snapshot *st = model_station(md, md->station);
	unsigned int from, steps;

	if (!st || md->pending.active)
		return;
	from = st->screening_view == SCREENING_VIEW_NEEDS_APPROVAL
	           ? (unsigned int)st->screening_count
	           : st->screening_index;
	md->which_open = false;
	/* Back from the first question leaves the screening (to the adjust
	 * screen): the state changes, nothing to wait for. */
	if (from == 0) {
		model_submit_simple(md, CMD_SCREENING_BACK, md->station);
		return;
	}
	steps = to < from ? from - to : 1;
	pending_begin(md, from, from - steps);
	for (unsigned int i = 0; i < steps; i++) {
		if (model_submit_simple(md, CMD_SCREENING_BACK, md->station) < 0) {
			md->pending.active = false;
			return;
		}
	}
}

/* Called with every snapshot: the answers arrived, or the flow moved on. */
void model_screening_seen(struct ui_model *md)
{
	const struct station_snapshot *st = model_station(md, md->pending.station);
	bool back = md->pending.to < md->pending.from;

	if (!md->pending.active)
		return;
	if (!st || st->state != STATION_SCREENING || st->screening_view == SCREENING_VIEW_BLOCKED ||
	    (st->screening_view == SCREENING_VIEW_NEEDS_APPROVAL && !back) ||
	    (st->screening_view == SCREENING_VIEW_ASKING &&
	     st->screening_index == md->pending.to)) {
		md->pending.active = false;
		md->dirty = true;
	}
}
