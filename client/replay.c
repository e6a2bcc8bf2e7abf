/* replay.c: history replies: the messages missed during a reconnect, in order and once; /history's block. */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "irc.h"

static void replay_print_block(struct client *, const struct buf *);
static size_t replay_count_lines(const struct buf *);
static void replay_batch_done(struct client *, struct resume_batch *);

/* Each LF-ended line of block, printed as it is (already clean). */
static void
replay_print_block(struct client *c, const struct buf *block)
{
	const char *p = buf_data(block), *end, *nl;

	if (buf_len(block) == 0)
		return;
	for (end = p + buf_len(block); p < end;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		c->ops->print(c->arg, p, (size_t)(nl - p), 0);
		p = nl + 1;
	}
}

static size_t
replay_count_lines(const struct buf *block)
{
	const char *p = buf_data(block);
	size_t i, n = 0;

	for (i = 0; i < buf_len(block); i++)
		n += p[i] == '\n';
	return n;
}

/* A line of a history batch: shown unless it was printed already, or
 * for /history kept for the block printed at the batch's end. */
int
replay_batch_line(struct client *c, struct irc_msg *m, const char *id)
{
	struct resume_batch *b;
	char msgid[RESUME_MSGID_MAX];

	if ((b = resume_batch_find(&c->resume, id)) == NULL)
		return 0;
	b->count++;
	if (client_tag(m, "msgid", msgid, sizeof msgid))
		client_copy(b->lastid, sizeof b->lastid, msgid);
	if (b->req.kind == RESUME_HISTORY) {
		c->capture = &b->lines;
		view_message(c, m, client_msg_time(c, m));
		c->capture = NULL;
	} else
		view_message(c, m, client_msg_time(c, m));
	return 1;
}

/* The end of a history batch. /history prints its block; missed
 * messages that filled the batch may not be all: ask for the rest. */
static void
replay_batch_done(struct client *c, struct resume_batch *b)
{
	struct resume_req req = b->req;
	size_t count = b->count;
	char ref[RESUME_MSGID_MAX + 8];
	struct ev ev;

	if (req.kind == RESUME_HISTORY) {
		memset(&ev, 0, sizeof ev);
		ev.room = client_room_name(req.room);
		/* The lines there are to show: a CTCP or TAGMSG shows none. */
		ev.num[0] = (long long)replay_count_lines(&b->lines);
		if (ev.num[0] == 0)
			client_say(c, 0, R_NO_HISTORY, &ev);
		else {
			client_say(c, 0, R_HISTORY_HEAD, &ev);
			replay_print_block(c, &b->lines);
			client_say(c, 0, R_HISTORY_END, &ev);
		}
		resume_batch_close(&c->resume, b);
		return;
	}
	snprintf(ref, sizeof ref, "msgid=%s", b->lastid);
	resume_batch_close(&c->resume, b);
	if (req.limit > 0 && count >= req.limit && ref[6] != '\0')
		client_chathistory(
		    c, RESUME_MISSED, "AFTER", req.room, ref, req.limit);
	replay_release(c);
}

void
client_chathistory(struct client *c, enum resume_kind kind, const char *sub,
    const char *room, const char *ref, size_t limit)
{
	char n[24];

	snprintf(n, sizeof n, "%zu", limit);
	if (resume_request(&c->resume, kind, room, limit, c->clock()) == 0)
		client_send(c, "CHATHISTORY",
		    (const char *const[]){ sub, room, ref, n, NULL }, NULL);
}

void
client_resume(struct client *c, const char *room)
{
	char ref[RESUME_MSGID_MAX + 16];
	size_t limit = CLIENT_RESUME_LIMIT;

	if (!(c->caps & CLIENT_CAP_HISTORY) ||
	    !resume_ref(&c->resume, room, ref, sizeof ref))
		return;
	if (c->history_max > 0 && (size_t)c->history_max < limit)
		limit = (size_t)c->history_max;
	client_chathistory(c, RESUME_MISSED, "AFTER", room, ref, limit);
}

/* BATCH +id type [params] and BATCH -id: ours when it is a history
 * reply. Returns 1 when it was. */
int
replay_batch(struct client *c, struct irc_msg *m)
{
	struct resume_batch *b;

	if (m->nparams < 1 || strlen(m->params[0]) < 2)
		return 0;
	if (m->params[0][0] == '+')
		return m->nparams >= 2 &&
		    resume_batch_open(
			&c->resume, m->params[0] + 1, m->params[1]) != NULL;
	if (m->params[0][0] != '-' ||
	    (b = resume_batch_find(&c->resume, m->params[0] + 1)) == NULL)
		return 0;
	replay_batch_done(c, b);
	return 1;
}

/* FAIL CHATHISTORY ..., or a server without the command (421): the
 * oldest request will get no batch. Returns 1 when it was ours. */
int
replay_failed(struct client *c, struct irc_msg *m)
{
	struct resume_req req;
	struct ev ev;
	int fail = strcmp(m->command, "FAIL") == 0;

	if (!(fail && m->nparams >= 2 &&
		strcmp(m->params[0], "CHATHISTORY") == 0) &&
	    !(strcmp(m->command, "421") == 0 && m->nparams >= 2 &&
		strcmp(m->params[1], "CHATHISTORY") == 0))
		return 0;
	if (resume_fail(&c->resume, &req) == -1)
		return 0;
	/* The user asked for /history; a resume was chat's own idea. */
	if (req.kind == RESUME_HISTORY) {
		memset(&ev, 0, sizeof ev);
		ev.room = client_room_name(req.room);
		client_say(c, 0, R_NO_HISTORY, &ev);
	}
	if (!resume_missing(&c->resume))
		c->resume.holding = 0;
	replay_release(c);
	return 1;
}

/* Nothing missing is on its way any more: the held lines, in order. */
void
replay_release(struct client *c)
{
	if (c->releasing)
		return;
	if (!resume_missing(&c->resume))
		c->resume.holding = 0;
	c->releasing = 1;
	while (!c->resume.holding && resume_take(&c->resume, &c->taken))
		client_line(c, buf_data(&c->taken), buf_len(&c->taken));
	c->releasing = 0;
}

void
client_resume_timeout(struct client *c)
{
	if (!resume_overdue(&c->resume, c->clock()))
		return;
	c->resume.holding = 0;
	replay_release(c);
}
