/*
 * resume.h: losing nothing across a reconnect (chat-v2.md §3). The msgids
 * of the messages chat printed (so a line is never printed twice), where
 * to resume from, the CHATHISTORY requests in flight and their batches,
 * and the live lines held back while the missed ones come in, so that
 * everything is printed in order.
 */
#ifndef CHAT_RESUME_H
#define CHAT_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hmap.h"

#define RESUME_SEEN_MAX    1024 /* msgids remembered, the newest */
#define RESUME_MSGID_MAX   64   /* longer ids are not remembered */
#define RESUME_ROOM_MAX    64
#define RESUME_PENDING_MAX 8     /* CHATHISTORY requests in flight */
#define RESUME_BATCHES_MAX 4     /* history batches open at once */
#define RESUME_WAIT_MS     10000 /* a history reply later than this: go on */
#define RESUME_HELD_MAX    (4 * 1024 * 1024) /* bytes of held lines */

enum resume_kind {
	RESUME_MISSED, /* after a reconnect: print what was missed */
	RESUME_HISTORY /* /history: print the batch as a block */
};

struct resume_req {
	enum resume_kind kind;
	char room[RESUME_ROOM_MAX];
	size_t limit;
};

struct resume_batch {
	char id[RESUME_MSGID_MAX];
	struct resume_req req;
	size_t count;                  /* messages in it so far */
	char lastid[RESUME_MSGID_MAX]; /* the msgid of the last of them */
	struct buf lines;              /* RESUME_HISTORY: rendered, LF-ended */
};

struct resume_seen {
	struct hnode node;
	char id[RESUME_MSGID_MAX];
};

struct resume {
	struct hmap map;             /* msgid -> ring entry */
	struct resume_seen *ring;    /* RESUME_SEEN_MAX, allocated on use */
	size_t head, n;              /* the oldest entry, how many */
	char room[RESUME_ROOM_MAX];  /* the room last/last_ms are about */
	char last[RESUME_MSGID_MAX]; /* msgid of the last message printed */
	int64_t last_ms;             /* server time of the last event there */
	struct resume_req req[RESUME_PENDING_MAX];
	size_t nreq;
	struct resume_batch batch[RESUME_BATCHES_MAX];
	size_t nbatch;
	int holding;     /* live lines wait for the missed ones */
	int64_t since;   /* when holding began (ms, any clock) */
	struct buf held; /* held lines, each LF-ended */
};

void resume_init(struct resume *);
void resume_free(struct resume *);

/* Whether a message with this msgid was printed; remember that it was. */
int resume_seen(const struct resume *, const char *msgid);
void resume_add(struct resume *, const char *msgid);

/* A message (msgid may be NULL) was printed from room at time_ms: it is
 * where a resume starts. */
void resume_note(
    struct resume *, const char *room, const char *msgid, int64_t time_ms);
/* This client joined room at time_ms: a different room than the one
 * noted starts afresh. */
void resume_joined(struct resume *, const char *room, int64_t time_ms);
/* The CHATHISTORY reference to resume room from ("msgid=ID" or
 * "timestamp=ISO"): 1 with it in out, 0 when there is none. */
int resume_ref(
    const struct resume *, const char *room, char *out, size_t outlen);

/* A CHATHISTORY request went out; RESUME_MISSED starts holding (now is
 * the time, for resume_overdue). 0, or -1 when too many are in flight. */
int resume_request(struct resume *, enum resume_kind, const char *room,
    size_t limit, int64_t now);
/* Nonzero when a RESUME_MISSED request is in flight. */
int resume_missing(const struct resume *);
/* BATCH +id of type: when it is a chathistory batch, it answers the
 * oldest request; returns the batch, or NULL when it is not ours. */
struct resume_batch *resume_batch_open(
    struct resume *, const char *id, const char *type);
/* The open batch called id, or NULL. */
struct resume_batch *resume_batch_find(struct resume *, const char *id);
/* Close b (resume_batch_find's), freeing what it held. */
void resume_batch_close(struct resume *, struct resume_batch *);
/* The oldest request failed (FAIL, 421): forget it; *req gets it.
 * 0, or -1 when none was in flight. */
int resume_fail(struct resume *, struct resume_req *req);
/* The connection is gone: no reply will come. Holding ends. */
void resume_drop(struct resume *);

/* Hold a live line (len bytes, no LF) until the missed ones are in.
 * 0, or -1 when too much is held (the caller stops holding). */
int resume_hold(struct resume *, const char *line, size_t len);
/* Take the oldest held line into out (replacing what it had, NUL-ended
 * there): 1, or 0 when none is left. */
int resume_take(struct resume *, struct buf *out);
/* Holding since longer than RESUME_WAIT_MS at now. */
int resume_overdue(const struct resume *, int64_t now);

#endif
