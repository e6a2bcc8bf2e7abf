/* loop_heap.c: the loop's timer heap; knows deadlines, not callbacks. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "loop.h"
#include "loop_heap.h"

/* The first allocation, in pointers; then it doubles. */
#define LOOP_HEAP_MIN 16

static void loop_heap_put(struct loop_heap *, size_t, struct loop_timer *);
static void loop_heap_up(struct loop_heap *, size_t);
static void loop_heap_down(struct loop_heap *, size_t);

int
loop_heap_reserve(struct loop_heap *h)
{
	struct loop_timer **t;
	size_t cap;

	if (h->n < h->cap)
		return 0;
	cap = h->cap > 0 ? h->cap * 2 : LOOP_HEAP_MIN;
	if (cap > SIZE_MAX / sizeof *t) {
		errno = ENOMEM;
		return -1;
	}
	if ((t = realloc(h->t, cap * sizeof *t)) == NULL)
		return -1;
	h->t = t;
	h->cap = cap;
	return 0;
}

void
loop_heap_insert(struct loop_heap *h, struct loop_timer *t)
{
	assert(t->slot == 0 && h->n < h->cap);
	loop_heap_put(h, h->n++, t);
	loop_heap_up(h, h->n - 1);
}

void
loop_heap_remove(struct loop_heap *h, struct loop_timer *t)
{
	size_t i = t->slot - 1;
	struct loop_timer *last;

	/* Else: pending on another loop, or memory never zeroed. */
	assert(t->slot != 0 && i < h->n && h->t[i] == t);
	last = h->t[--h->n];
	t->slot = 0;
	if (i == h->n)
		return;
	/* The last timer fills the hole and may belong above or below. */
	loop_heap_put(h, i, last);
	loop_heap_update(h, last);
}

void
loop_heap_update(struct loop_heap *h, struct loop_timer *t)
{
	assert(t->slot != 0 && h->t[t->slot - 1] == t);
	loop_heap_up(h, t->slot - 1);
	loop_heap_down(h, t->slot - 1);
}

void
loop_heap_free(struct loop_heap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->t[i]->slot = 0;
	free(h->t);
	h->t = NULL;
	h->n = h->cap = 0;
}

static void
loop_heap_put(struct loop_heap *h, size_t i, struct loop_timer *t)
{
	h->t[i] = t;
	t->slot = i + 1;
}

static void
loop_heap_up(struct loop_heap *h, size_t i)
{
	struct loop_timer *t = h->t[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (h->t[parent]->when <= t->when)
			break;
		loop_heap_put(h, i, h->t[parent]);
		i = parent;
	}
	loop_heap_put(h, i, t);
}

static void
loop_heap_down(struct loop_heap *h, size_t i)
{
	struct loop_timer *t = h->t[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n &&
		    h->t[child + 1]->when < h->t[child]->when)
			child++;
		if (t->when <= h->t[child]->when)
			break;
		loop_heap_put(h, i, h->t[child]);
		i = child;
	}
	loop_heap_put(h, i, t);
}
