/*
 * test_fanout.c: unit tests for server/fanout.c, the core's sink: an
 * event is rendered once per variant present among its recipients, the
 * bytes of a room event exist once (in the room's stream) however many
 * queues point at them, the actor's own view is rendered for it alone,
 * neighbours hear once, users without an endpoint are skipped. Two fake
 * renderers count their calls; the connections are real but never
 * written (their queues are read in place).
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "check_main.h"
#include "conn.h"
#include "fanout.h"
#include "log.h"
#include "loop.h"

#define NUSERS 1000
#define VAR_A  FANOUT_TEXT
#define VAR_B  (FANOUT_IRC + 2)

static struct loop *F_loop;
static struct conn_set F_set;
static struct fanout F;
static struct chat F_chat;
static struct endpoint F_ep[NUSERS];
static struct user *F_u[NUSERS];
static int F_fd = -1, F_other = -1;

/* Calls per variant, [0] for others' view, [1] for the actor's. */
static int calls[FANOUT_VARIANTS][2];
/* A variant whose renderer gives nothing, for others or for self. */
static int nothing[FANOUT_VARIANTS][2];

static const char *const kinds[EV_NKINDS] = { "MSG", "JOIN", "PART", "QUIT",
	"NICK", "TOPIC", "KICK", "MODE", "REPLY", "ERROR" };

static int
render(struct buf *out, const struct ev *ev, int self, unsigned v)
{
	ck_assert_uint_lt(v, FANOUT_VARIANTS);
	calls[v][self != 0]++;
	if (nothing[v][self != 0])
		return 0;
	return buf_printf(out, "%s%s:%s:%s:%.*s\n", v == VAR_A ? "A" : "B",
		   self ? "-self" : "", kinds[ev->kind],
		   ev->nick != NULL ? ev->nick : "-", (int)ev->len,
		   ev->text != NULL ? ev->text : "") == 0 ?
	    1 :
	    -1;
}

static const struct conn_ops no_ops = { 0 };

static void
setup(void)
{
	struct conn_limits lim = { 64 << 20, 0, 0 };
	int sv[2];

	log_set_level(LOG_ERROR);
	memset(calls, 0, sizeof calls);
	memset(nothing, 0, sizeof nothing);
	ck_assert_ptr_nonnull(F_loop = loop_new(LOOP_POLL));
	conn_set_init(&F_set, F_loop, &lim);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	F_fd = sv[1];
	F_other = sv[0];
	fanout_init(&F);
	chat_init(&F_chat, &fanout_sink, &F, NULL);
	ck_assert_uint_eq(page_stats.pages, 0);
}

static void
teardown(void)
{
	chat_free(&F_chat);
	conn_set_free(&F_set);
	fanout_free(&F);
	loop_free(F_loop);
	close(F_fd);
	close(F_other);
	/* Every page went with the queues and rooms that held it. */
	ck_assert_uint_eq(page_stats.pages, 0);
	ck_assert_uint_eq(page_stats.bytes, 0);
}

/* User i, "uI", of variant v, on a connection of its own (a dup of one
 * socket: never written here). */
static struct user *
user_at(int i, unsigned v)
{
	char nick[16];
	int fd = dup(F_fd);

	ck_assert_int_ne(fd, -1);
	F_ep[i].variant = v;
	F_ep[i].conn = conn_new(&F_set, fd, "test", 512, &no_ops, NULL);
	ck_assert_ptr_nonnull(F_ep[i].conn);
	F_u[i] = chat_user_new(&F_chat, (unsigned)i, &F_ep[i]);
	ck_assert_ptr_nonnull(F_u[i]);
	snprintf(nick, sizeof nick, "u%d", i);
	ck_assert_int_eq(chat_claim_nick(&F_chat, F_u[i], nick), 0);
	chat_enter(&F_chat, F_u[i]);
	return F_u[i];
}

static void
join(int i, const char *room)
{
	ck_assert_int_eq(chat_join(&F_chat, F_u[i], room, 0), 0);
}

/* From now on the renderers render (joins before this queued nothing). */
static void
render_on(void)
{
	fanout_set_render(&F, VAR_A, 1, render);
	fanout_set_render(&F, VAR_B, 1, render);
	memset(calls, 0, sizeof calls);
	memset(&F.stats, 0, sizeof F.stats);
}

/* What user i's queue holds, as a string (static). */
static const char *
queued(int i)
{
	static char out[1 << 16];
	const struct outq *q = &F_ep[i].conn->out;
	const struct seg *s;
	size_t k, at = 0;

	for (k = 0; k < q->count; k++) {
		s = &q->segs[(q->head + k) & (q->cap - 1)];
		ck_assert_uint_lt(at + s->len, sizeof out);
		memcpy(out + at, s->pg->data + s->off, s->len);
		at += s->len;
	}
	ck_assert_uint_eq(at, q->bytes);
	out[at] = '\0';
	return out;
}

static struct page *
first_page(int i)
{
	const struct outq *q = &F_ep[i].conn->out;

	ck_assert_uint_gt(q->count, 0);
	return q->segs[q->head].pg;
}

/* 1000 users, both variants, one room: one rendering per variant, the
 * actor's view apart; the bytes once per variant, shared by 999 queues. */
START_TEST(test_room_renders_once_per_variant)
{
	struct page *pa, *pb;
	size_t bytes0;
	int i;

	for (i = 0; i < NUSERS; i++) {
		user_at(i, i % 2 ? VAR_B : VAR_A);
		join(i, "big");
	}
	render_on();
	bytes0 = page_stats.bytes;
	ck_assert_int_eq(
	    chat_say(&F_chat, F_u[0], "big", "hello", 5, 0, NULL), 0);
	ck_assert_int_eq(calls[VAR_A][0], 1);
	ck_assert_int_eq(calls[VAR_B][0], 1);
	ck_assert_int_eq(calls[VAR_A][1], 1);
	ck_assert_int_eq(calls[VAR_B][1], 0);
	ck_assert_uint_eq(F.stats.renders, 3);
	ck_assert_uint_eq(F.stats.deliveries, NUSERS);
	ck_assert_str_eq(queued(0), "A-self:MSG:u0:hello\n");
	for (i = 1; i < NUSERS; i++)
		ck_assert_str_eq(
		    queued(i), i % 2 ? "B:MSG:u0:hello\n" : "A:MSG:u0:hello\n");
	/* One page per variant, every queue of that variant in it. */
	pa = first_page(2);
	pb = first_page(1);
	ck_assert_ptr_ne(pa, pb);
	for (i = 1; i < NUSERS; i++)
		ck_assert_ptr_eq(first_page(i), i % 2 ? pb : pa);
	ck_assert_uint_eq(pa->ref, 1 + NUSERS / 2 - 1);
	ck_assert_uint_eq(pb->ref, 1 + NUSERS / 2);
	/* About one copy per variant and the actor's: not one per user. */
	ck_assert_uint_le(page_stats.bytes - bytes0, 3 * OUTQ_PAGE_MIN);
}
END_TEST

/* A hundred messages: two renderings each; each queue a few segments;
 * the pages hold about one copy per variant of all of it. */
START_TEST(test_room_backlog_shared)
{
	char text[64];
	size_t bytes0, len = 0, maxsegs = 0;
	int i, m;

	for (i = 0; i < NUSERS; i++) {
		user_at(i, i % 2 ? VAR_B : VAR_A);
		join(i, "big");
	}
	render_on();
	bytes0 = page_stats.bytes;
	for (m = 0; m < 100; m++) {
		snprintf(
		    text, sizeof text, "message number %03d of the run", m);
		ck_assert_int_eq(chat_say(&F_chat, F_u[0], "big", text,
				     strlen(text), 0, NULL),
		    0);
		len += strlen("A:MSG:u0:\n") + strlen(text);
	}
	ck_assert_int_eq(calls[VAR_A][0], 100);
	ck_assert_int_eq(calls[VAR_B][0], 100);
	for (i = 1; i < NUSERS; i++) {
		ck_assert_uint_eq(F_ep[i].conn->out.bytes, len);
		if (F_ep[i].conn->out.count > maxsegs)
			maxsegs = F_ep[i].conn->out.count;
	}
	ck_assert_uint_le(maxsegs, 8);
	ck_assert_str_eq(
	    queued(1) + len - 39, "B:MSG:u0:message number 099 of the run\n");
	/* Twice the bytes (two variants) and the actor's, with room for
	 * the pages' growth; a copy per user would be 1000 times that. */
	ck_assert_uint_le(page_stats.bytes - bytes0, 3 * 2 * len + 4096);
}
END_TEST

/* Sharing three rooms with the actor, a user hears of its nick once; its
 * own view goes to the actor alone; who shares nothing hears nothing. */
START_TEST(test_neighbours_once)
{
	user_at(0, VAR_A); /* the actor */
	user_at(1, VAR_B); /* in the three rooms */
	user_at(2, VAR_A); /* in one */
	user_at(3, VAR_B); /* elsewhere */
	join(0, "r1");
	join(0, "r2");
	join(0, "r3");
	join(1, "r1");
	join(1, "r2");
	join(1, "r3");
	join(2, "r2");
	join(3, "r4");
	render_on();
	ck_assert_int_eq(chat_nick(&F_chat, F_u[0], "alice"), 0);
	ck_assert_str_eq(queued(0), "A-self:NICK:u0:\n");
	ck_assert_str_eq(queued(1), "B:NICK:u0:\n");
	ck_assert_str_eq(queued(2), "A:NICK:u0:\n");
	ck_assert_str_eq(queued(3), "");
	ck_assert_int_eq(calls[VAR_A][0], 1);
	ck_assert_int_eq(calls[VAR_B][0], 1);
	ck_assert_int_eq(calls[VAR_A][1], 1);
	ck_assert_uint_eq(F.stats.deliveries, 3);
	/* The quit too: once each, the actor not at all (it is going). */
	chat_quit(&F_chat, F_u[0], EV_QUIT_REQUEST, "bye");
	ck_assert_str_eq(queued(0), "A-self:NICK:u0:\n");
	ck_assert_ptr_nonnull(strstr(queued(1), "B:QUIT:alice:bye\n"));
	ck_assert_ptr_null(strstr(strstr(queued(1), "QUIT") + 1, "QUIT"));
	ck_assert_ptr_nonnull(strstr(queued(2), "A:QUIT:alice:bye\n"));
	ck_assert_str_eq(queued(3), "");
}
END_TEST

/* The actor's view is its own rendering: nothing of it reaches others,
 * and a variant that echoes nothing (plain text) gets nothing. */
START_TEST(test_self_view)
{
	int i;

	for (i = 0; i < 6; i++) {
		user_at(i, i < 3 ? VAR_A : VAR_B);
		join(i, "dev");
	}
	render_on();
	nothing[VAR_B][1] = 1;
	ck_assert_int_eq(chat_join(&F_chat, user_at(6, VAR_A), "dev", 0), 0);
	ck_assert_str_eq(queued(6), "A-self:JOIN:u6:\n");
	ck_assert_str_eq(queued(0), "A:JOIN:u6:\n");
	ck_assert_str_eq(queued(5), "B:JOIN:u6:\n");
	ck_assert_int_eq(calls[VAR_A][1], 1);
	ck_assert_int_eq(calls[VAR_A][0], 1);
	ck_assert_int_eq(calls[VAR_B][0], 1);
	ck_assert_int_eq(
	    chat_say(&F_chat, F_u[4], "dev", "quiet", 5, 0, NULL), 0);
	ck_assert_int_eq(calls[VAR_B][1], 1);
	ck_assert_str_eq(queued(4), "B:JOIN:u6:\n");
	ck_assert_str_eq(queued(3), "B:JOIN:u6:\nB:MSG:u4:quiet\n");
	ck_assert_str_eq(queued(6), "A-self:JOIN:u6:\nA:MSG:u4:quiet\n");
}
END_TEST

/* A renderer that gives nothing for a variant is asked once per event,
 * not once per member. */
START_TEST(test_nothing_rendered_once)
{
	int i;

	for (i = 0; i < 20; i++) {
		user_at(i, i % 2 ? VAR_B : VAR_A);
		join(i, "dev");
	}
	render_on();
	nothing[VAR_B][0] = 1;
	ck_assert_int_eq(chat_say(&F_chat, F_u[0], "dev", "x", 1, 0, NULL), 0);
	ck_assert_int_eq(calls[VAR_B][0], 1);
	ck_assert_int_eq(calls[VAR_A][0], 1);
	ck_assert_str_eq(queued(1), "");
	ck_assert_str_eq(queued(2), "A:MSG:u0:x\n");
	ck_assert_uint_eq(F.stats.deliveries, 10); /* 9 others, the actor */
}
END_TEST

/* Users without an endpoint, or whose endpoint has no connection, are
 * skipped: their variant is not even rendered. */
START_TEST(test_no_endpoint_skipped)
{
	struct user *bare, *loose;
	struct endpoint ep_loose = { NULL, VAR_B, NULL };

	user_at(0, VAR_A);
	bare = chat_user_new(&F_chat, 100, NULL);
	loose = chat_user_new(&F_chat, 101, &ep_loose);
	ck_assert_int_eq(chat_claim_nick(&F_chat, bare, "bare"), 0);
	ck_assert_int_eq(chat_claim_nick(&F_chat, loose, "loose"), 0);
	chat_enter(&F_chat, bare);
	chat_enter(&F_chat, loose);
	join(0, "dev");
	ck_assert_int_eq(chat_join(&F_chat, bare, "dev", 0), 0);
	ck_assert_int_eq(chat_join(&F_chat, loose, "dev", 0), 0);
	render_on();
	ck_assert_int_eq(chat_say(&F_chat, F_u[0], "dev", "x", 1, 0, NULL), 0);
	ck_assert_int_eq(chat_say(&F_chat, bare, "dev", "y", 1, 0, NULL), 0);
	ck_assert_int_eq(calls[VAR_B][0], 0);
	ck_assert_int_eq(calls[VAR_B][1], 0);
	ck_assert_str_eq(queued(0), "A-self:MSG:u0:x\nA:MSG:bare:y\n");
	ck_assert_int_eq(
	    chat_tell(&F_chat, F_u[0], "loose", "p", 1, 0, NULL), 0);
	ck_assert_int_eq(chat_tell(&F_chat, loose, "u0", "q", 1, 0, NULL), 0);
	ck_assert_int_eq(chat_nick(&F_chat, bare, "naked"), 0);
	ck_assert_int_eq(calls[VAR_B][0] + calls[VAR_B][1], 0);
	ck_assert_ptr_nonnull(strstr(queued(0), "A:MSG:loose:q\n"));
	chat_quit(&F_chat, loose, EV_QUIT_CLOSED, NULL);
	chat_quit(&F_chat, bare, EV_QUIT_CLOSED, NULL);
	chat_user_free(&F_chat, loose);
	chat_user_free(&F_chat, bare);
}
END_TEST

/* One recipient: a private copy in its own page, not a room's. */
START_TEST(test_private_is_copied)
{
	user_at(0, VAR_A);
	user_at(1, VAR_A);
	join(0, "dev");
	join(1, "dev");
	render_on();
	ck_assert_int_eq(
	    chat_tell(&F_chat, F_u[0], "u1", "psst", 4, 0, NULL), 0);
	ck_assert_str_eq(queued(1), "A:MSG:u0:psst\n");
	ck_assert_str_eq(queued(0), "A-self:MSG:u0:psst\n");
	ck_assert_ptr_eq(first_page(1), F_ep[1].conn->out.own.cur);
	ck_assert_ptr_eq(first_page(0), F_ep[0].conn->out.own.cur);
}
END_TEST

/* A room's pages go with the room, or with fanout_trim; the queues keep
 * what they point at, and the next event starts a new page. */
START_TEST(test_room_pages_released)
{
	struct page *pg;

	user_at(0, VAR_A);
	user_at(1, VAR_A);
	join(0, "dev");
	join(1, "dev");
	render_on();
	ck_assert_int_eq(chat_say(&F_chat, F_u[0], "dev", "a", 1, 0, NULL), 0);
	pg = first_page(1);
	ck_assert_uint_eq(pg->ref, 2);
	fanout_trim(&F, &F_chat);
	ck_assert_uint_eq(pg->ref, 1); /* only the queue's */
	ck_assert_int_eq(chat_say(&F_chat, F_u[0], "dev", "b", 1, 0, NULL), 0);
	ck_assert_str_eq(queued(1), "A:MSG:u0:a\nA:MSG:u0:b\n");
	ck_assert_uint_eq(F_ep[1].conn->out.count, 2);
	ck_assert_int_eq(
	    chat_part(&F_chat, F_u[0], chat_find_room(&F_chat, "dev"), NULL, 0),
	    0);
	ck_assert_int_eq(
	    chat_part(&F_chat, F_u[1], chat_find_room(&F_chat, "dev"), NULL, 0),
	    0);
	ck_assert_ptr_null(chat_find_room(&F_chat, "dev"));
	ck_assert_str_eq(queued(1),
	    "A:MSG:u0:a\nA:MSG:u0:b\nA:PART:u0:\n"
	    "A:MODE:-:\nA-self:PART:u1:\n");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("fanout");
	TCase *tc = tcase_create("fanout");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_room_renders_once_per_variant);
	tcase_add_test(tc, test_room_backlog_shared);
	tcase_add_test(tc, test_neighbours_once);
	tcase_add_test(tc, test_self_view);
	tcase_add_test(tc, test_nothing_rendered_once);
	tcase_add_test(tc, test_no_endpoint_skipped);
	tcase_add_test(tc, test_private_is_copied);
	tcase_add_test(tc, test_room_pages_released);
	suite_add_tcase(s, tc);
	return s;
}
