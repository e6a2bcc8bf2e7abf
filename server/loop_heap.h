/*
 * loop_heap.h: the loop's timer heap, a binary min-heap on when of
 * timers that live in their owners' memory. Private to server/loop*.c.
 */
#ifndef CHATD_LOOP_HEAP_H
#define CHATD_LOOP_HEAP_H

#include <stddef.h>

#include "loop.h"

/* t[i]'s children are t[2i+1] and t[2i+2]; each timer's slot is its
 * index + 1, so that removing or moving one finds it in O(1). */
struct loop_heap {
	struct loop_timer **t;
	size_t n;
	size_t cap;
};

/* Room for one more timer: 0, or -1 with errno ENOMEM. */
int loop_heap_reserve(struct loop_heap *);
/* Add t (not pending) to a heap with room; O(log n). */
void loop_heap_insert(struct loop_heap *, struct loop_timer *t);
/* Take out t, which is pending on this heap; O(log n). */
void loop_heap_remove(struct loop_heap *, struct loop_timer *t);
/* Put t back in order after its when changed; O(log n). */
void loop_heap_update(struct loop_heap *, struct loop_timer *t);
/* Free the array; the timers still in it become not pending. */
void loop_heap_free(struct loop_heap *);

/* The earliest timer, or NULL. */
static inline struct loop_timer *
loop_heap_top(const struct loop_heap *h)
{
	return h->n > 0 ? h->t[0] : NULL;
}

#endif
