/*
 * fuzz_server_check.h: what fuzz_server_body.h checks: every line a peer
 * reads (its shape, and through the delivery model, fuzz_server_model.h,
 * which lines it must read, in which order) and the server's bookkeeping.
 */
#ifndef FUZZ_SERVER_CHECK_H
#define FUZZ_SERVER_CHECK_H

#include "fuzz_server_deliver.h"
#include "fuzz_server_state.h"
#include "telnet.h"

/* Length of a nick at s (n bytes), 0 if there is none. */
static size_t
fzs_nick_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i <= CHAT_NICK_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-'))
			break;
	}
	return i >= 1 && i <= CHAT_NICK_MAX ? i : 0;
}

/* "prefix nick sep" at s: the offset of the text after it, or 0. */
static size_t
fzs_match(const char *s, size_t n, const char *prefix, const char *sep)
{
	size_t p = strlen(prefix), q = strlen(sep), k;

	if (n < p || memcmp(s, prefix, p) != 0)
		return 0;
	if ((k = fzs_nick_len(s + p, n - p)) == 0)
		return 0;
	if (n - p - k < q || memcmp(s + p + k, sep, q) != 0)
		return 0;
	return p + k + q;
}

/* One complete line a client received, without its LF. */
static void
fzs_check_line(struct fzs *f, int who, const char *s, size_t n)
{
	size_t max = f->srv.cfg.max_line, at;
	const char *kind;

	if (n < CHAT_STAMP_LEN || s[0] != '[' || s[3] != ':' || s[6] != ':' ||
	    s[9] != ']' || s[10] != ' ') {
		fzs_fail(f, "client %d: line without a time stamp: %.*s", who,
		    (int)(n > 80 ? 80 : n), s);
		return;
	}
	s += CHAT_STAMP_LEN;
	n -= CHAT_STAMP_LEN;
	if (n >= strlen(CHAT_NOTICE_PREFIX) &&
	    memcmp(s, CHAT_NOTICE_PREFIX, strlen(CHAT_NOTICE_PREFIX)) == 0) {
		fzm_notice(who, s, n);
		if (n > FZS_CLEAN_GROWTH * max + FZS_NOTICE_SLACK)
			fzs_fail(f,
			    "client %d: notice of %zu bytes (max_line "
			    "%zu)",
			    who, n, max);
		return;
	}
	if ((at = fzs_match(s, n, "<", "> ")) != 0)
		kind = "room message";
	else if ((at = fzs_match(s, n, "* ", " ")) != 0)
		kind = "action";
	else if ((at = fzs_match(s, n, "-> *", "* ")) != 0)
		kind = "private message sent";
	else if ((at = fzs_match(s, n, "*", "* ")) != 0)
		kind = "private message";
	else {
		fzs_fail(f, "client %d: line of no known kind: %.*s", who,
		    (int)(n > 80 ? 80 : n), s);
		return;
	}
	fzm_received(who, s, n);
	/* max_line counts the bytes sent; each invalid one arrives as
	 * U+FFFD, three bytes (chatd-v2 §2). */
	if (n - at > FZS_CLEAN_GROWTH * max)
		fzs_fail(f,
		    "client %d: %s text of %zu bytes passed %d x max_line "
		    "%zu",
		    who, kind, n - at, FZS_CLEAN_GROWTH, max);
	else if (text_is_blank(s + at, n - at))
		fzs_fail(f, "client %d: blank %s", who, kind);
}

/* A byte that is neither a control, nor IAC, nor the end of a line. */
static int
fzs_plain(char ch)
{
	unsigned char c = (unsigned char)ch;

	return (c >= 0x20 || c == '\t') && c != 0x7f && c != TELNET_IAC;
}

/* Bytes a client received: controls are checked per byte, the rest per
 * line. */
static void
fzs_received(struct fzs *f, int who, const char *p, size_t n)
{
	struct fzs_peer *pe = &f->peer[who];
	size_t i, run;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		/* Telnet answers (IAC WONT x, IAC DONT x, chatd-v2 §3) carry
		 * any option byte; only a peer that sent IAC gets one. */
		if (pe->iac == 1 && c != TELNET_WONT && c != TELNET_DONT) {
			fzs_fail(f, "client %d: IAC then %#x", who, c);
			return;
		}
		if (pe->iac > 0) {
			pe->iac = (pe->iac + 1) % 3;
			continue;
		}
		if (c == TELNET_IAC) {
			if (!pe->sent_iac) {
				fzs_fail(f,
				    "client %d never sent IAC and received one",
				    who);
				return;
			}
			pe->iac = 1;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			fzs_fail(
			    f, "client %d received control byte %#x", who, c);
			return;
		}
		if (c != '\n') {
			/* The run of bytes that need no check, at once. */
			for (run = i + 1; run < n && fzs_plain(p[run]); run++)
				;
			if (buf_append(&pe->line, p + i, run - i) == -1)
				fzs_fail(f, "out of memory");
			i = run - 1;
			continue;
		}
		/* An empty buffer may have no allocation at all. */
		fzs_check_line(f, who,
		    buf_len(&pe->line) > 0 ? buf_data(&pe->line) : "",
		    buf_len(&pe->line));
		buf_consume(&pe->line, buf_len(&pe->line));
	}
}

/* The core's bookkeeping: nicks, rooms and memberships agree. */
static void
fzs_observe_core(struct fzs *f)
{
	struct chat *chat = &f->srv.chat;
	struct member *m;
	struct user *u;
	struct room *r;
	int n = 0, members, ops;

	TAILQ_FOREACH(u, &chat->users, entry) {
		if (u->held && chat_nick_holder(chat, u->nick) != u)
			fzs_fail(f, "nick %s does not find its user", u->nick);
		if (u->visible)
			n++;
		members = 0;
		TAILQ_FOREACH(m, &u->rooms, in_user) {
			members++;
			if (m->user != u)
				fzs_fail(f, "a membership of %s is another's",
				    u->nick);
		}
		if (members != u->nrooms)
			fzs_fail(f, "%s counts %d rooms, is in %d", u->nick,
			    u->nrooms, members);
	}
	if (n != chat->nusers)
		fzs_fail(f, "nusers %d, %d visible", chat->nusers, n);
	n = 0;
	TAILQ_FOREACH(r, &chat->rooms, entry) {
		n++;
		members = ops = 0;
		TAILQ_FOREACH(m, &r->members, in_room) {
			members++;
			ops += m->op;
			if (m->room != r || chat_member(m->user, r) != m)
				fzs_fail(
				    f, "a member of #%s is elsewhere", r->name);
		}
		if (members != r->count || members == 0)
			fzs_fail(f, "#%s counts %d, has %d members", r->name,
			    r->count, members);
		if (ops != r->nops || ops == 0)
			fzs_fail(f, "#%s counts %d operators, has %d", r->name,
			    r->nops, ops);
		if (chat_find_room(chat, r->name) != r)
			fzs_fail(f, "#%s is not found by name", r->name);
	}
	if (n != chat->nrooms)
		fzs_fail(f, "nrooms %d, list holds %d", chat->nrooms, n);
}

/* The server's own bookkeeping, and which of our clients still exist. */
static void
fzs_observe(struct fzs *f)
{
	struct server *srv = &f->srv;
	const struct text_session *s;
	struct conn *c;
	int n = 0, i, found;
	size_t in_max = CHATD_READ_CHUNK + srv->cfg.max_line + 2;

	TAILQ_FOREACH(c, &srv->conns.all, entry) {
		n++;
		if (conn_queued(c) > srv->cfg.max_queue)
			fzs_fail(f, "client %u queues %zu bytes, max_queue %zu",
			    c->id, conn_queued(c), srv->cfg.max_queue);
		if (buf_len(&c->in.buf) > in_max)
			fzs_fail(f, "client %u holds %zu input bytes", c->id,
			    buf_len(&c->in.buf));
		if ((s = c->owner) == NULL || s->gone)
			continue;
		/* Signed in implies in exactly one room; not signed in,
		 * in none and seen by nobody. */
		if (s->authed && s->user->nrooms != 1 && conn_is_open(c))
			fzs_fail(f, "client %u is in %d rooms", c->id,
			    s->user->nrooms);
		if (!s->authed && (s->user->nrooms != 0 || s->user->visible))
			fzs_fail(f, "client %u is seen without /pass", c->id);
	}
	if (n != srv->conns.count)
		fzs_fail(f, "count %d, list holds %d", srv->conns.count, n);
	fzs_observe_core(f);
	/* Pointers are only compared until found in the list: no client is
	 * created after the start, so a freed address cannot come back. */
	for (i = 0; i < f->npeers; i++) {
		struct fzs_peer *pe = &f->peer[i];

		if (pe->c == NULL)
			continue;
		found = 0;
		TAILQ_FOREACH(c, &srv->conns.all, entry)
			if (c == pe->c)
				found = 1;
		if (!found)
			pe->c = NULL;
		else
			pe->blocked = pe->c->blocked;
	}
}

#endif
