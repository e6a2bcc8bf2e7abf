/*
 * fanout.h: the core's sink. Delivers each event to its recipients'
 * connections: rendered once per protocol variant present among them,
 * and for a room, written once into that room's stream of shared pages
 * that every member's queue points into (outq.h).
 */
#ifndef CHATD_FANOUT_H
#define CHATD_FANOUT_H

#include "buf.h"
#include "chat.h"
#include "event.h"

struct conn;
struct endpoint;

/* What a protocol does with its users' kicks (see chat_sink). */
struct endpoint_ops {
	void (*kicked)(struct endpoint *, const struct ev *);
};

/*
 * Where a user's events go. Protocols embed one in their per-connection
 * state and give the core a pointer to it. A variant names one way of
 * rendering: a protocol and the options its user chose (IRC capabilities).
 */
struct endpoint {
	struct conn *conn; /* NULL: nothing is delivered */
	unsigned variant;
	const struct endpoint_ops *ops;
};

/* Variant 0 is plain text; IRC takes FANOUT_IRC and up. */
#define FANOUT_VARIANTS 16
#define FANOUT_TEXT     0
#define FANOUT_IRC      1

/*
 * Render ev for one variant into out (appending). self: the recipient is
 * the actor. Returns 1 when rendered, 0 when this recipient gets nothing,
 * -1 on error.
 */
typedef int (*fanout_render_fn)(
    struct buf *out, const struct ev *, int self, unsigned variant);

struct fanout_stats {
	uint64_t events;     /* emitted */
	uint64_t renders;    /* renderings made */
	uint64_t deliveries; /* recipients reached */
};

struct fanout {
	fanout_render_fn render[FANOUT_VARIANTS];
	struct buf scratch[FANOUT_VARIANTS]; /* the current event's */
	struct buf own;                      /* one recipient's rendering */
	uint32_t mark;
	struct fanout_stats stats;
};

void fanout_init(struct fanout *);
void fanout_free(struct fanout *);
/* Variants first .. first + n - 1 render with fn. */
void fanout_set_render(
    struct fanout *, unsigned first, unsigned n, fanout_render_fn fn);
/* Let go of idle rooms' pages (once in a while). */
void fanout_trim(struct fanout *, struct chat *);

/* The chat_sink of a fanout (its arg is the struct fanout). */
extern const struct chat_sink fanout_sink;

#endif
