/* test_v2_slow.c: chatd-v2 §5, the too-slow client's last line, and
 * --max-queue with K and M suffixes measured by it, on the real chatd. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define MAXLINES 20000
#define SLOWCAP  (8 << 20)

/* The length of talk's line i: varied, so the queue never ends on a
 * round number. */
static size_t
pad_of(int i)
{
	return 100 + (size_t)(i * 379 % 1900);
}

struct run {
	char *line[MAXLINES]; /* talk's lines as obs got them, with LF */
	size_t len[MAXLINES];
	int nlines; /* obs got lines 0..nlines-1 before the quit notice */
	long n;     /* N of the last line slow got */
	int first;  /* slow got talk's lines 0..first-1 */
};

/* Send talk's lines first..first+n-1 ("talk-i xxx..."). */
static void
send_lines(struct conn *talk, int first, int n)
{
	char *buf = malloc((size_t)n * 2100), *p = buf;
	int i;

	for (i = first; i < first + n; i++) {
		p += sprintf(p, "talk-%d ", i);
		memset(p, 'x', pad_of(i));
		p += pad_of(i);
		*p++ = '\n';
	}
	ck_assert(conn_send_raw(talk, buf, (size_t)(p - buf)) == 0);
	free(buf);
}

/* 1 if body is talk's line i exactly. */
static int
is_talk(const char *body, size_t blen, int i)
{
	char head[64];
	size_t h = (size_t)snprintf(head, sizeof head, "<talk> talk-%d ", i);
	size_t k;

	if (blen != h + pad_of(i) || memcmp(body, head, h) != 0)
		return 0;
	for (k = h; k < blen; k++)
		if (body[k] != 'x')
			return 0;
	return 1;
}

/*
 * With args, log in obs, slow (which then reads nothing) and talk; talk
 * sends until obs hears slow quit as too slow; then slow reads all it
 * gets. Checks slow's stream: complete lines, talk's lines a prefix of
 * obs's (byte for byte), then the last line. Fills r.
 */
static void
slow_drop(const char *const *args, struct run *r)
{
	struct srv s;
	struct conn *obs, *slow, *talk;
	char line[8192], *buf, *p, *end, *lf;
	size_t n, k;
	int sent = 0, gone = 0, eof, i;

	memset(r, 0, sizeof *r);
	srv_start_ok(&s, args);
	obs = v2_login(s.port, "obs");
	slow = v2_login_rcvbuf(s.port, "slow", 2048);
	talk = v2_login(s.port, "talk");
	v2_sync(obs);
	while (!gone && sent < MAXLINES - 16) {
		send_lines(talk, sent, 16);
		sent += 16;
		while (r->nlines < sent) {
			int len = conn_line(obs, line, sizeof line, V2_WAIT);

			ck_assert_msg(
			    len >= 0, "obs: line %d missing", r->nlines);
			if (strcmp(v2_body(line),
				"-!- slow has quit (too slow)") == 0) {
				gone = 1;
				break;
			}
			ck_assert_msg(is_talk(v2_body(line),
					  strlen(v2_body(line)), r->nlines),
			    "obs: want talk-%d, got %.60s", r->nlines, line);
			r->len[r->nlines] = (size_t)len + 1;
			r->line[r->nlines] = strdup(line);
			r->nlines++;
		}
	}
	ck_assert_msg(gone, "slow was never dropped");
	/* Now slow reads everything, up to the server's close. */
	buf = malloc(SLOWCAP);
	n = v2_raw(slow, buf, SLOWCAP, 3000, 15000, &eof);
	ck_assert_msg(eof, "PRODUCT? slow's connection was not closed");
	ck_assert_msg(n > 0 && buf[n - 1] == '\n',
	    "PRODUCT: slow's stream does not end with a whole line: ...%s",
	    v2_show(buf + (n > 80 ? n - 80 : 0), n > 80 ? 80 : n));
	/* The last line, which must start at a line boundary. */
	for (k = (size_t)n - 1; k > 0 && buf[k - 1] != '\n'; k--)
		;
	p = buf + k;
	ck_assert_msg(
	    sscanf(v2_body(p),
		"-!- error: disconnected: too slow (%ld bytes unsent)",
		&r->n) == 1 &&
		line_body(p) != NULL,
	    "PRODUCT: slow's last line is not the too-slow error, or does not "
	    "start at a line boundary: %s",
	    v2_show(p > buf + 200 ? p - 200 : buf,
		(size_t)(buf + n - (p > buf + 200 ? p - 200 : buf))));
	/* Before it: whole lines; talk's lines are a prefix of obs's. */
	end = p;
	for (p = buf; p < end; p = lf + 1) {
		lf = memchr(p, '\n', (size_t)(end - p));
		ck_assert_msg(lf != NULL, "unterminated line before the last");
		*lf = '\0';
		if (line_body(p) == NULL)
			ck_abort_msg("PRODUCT: slow got a broken line "
				     "(line %d): %.80s",
			    r->first, v2_show(p, strlen(p)));
		if (strncmp(line_body(p), "<talk> ", 7) != 0)
			continue; /* notices from before the flood */
		ck_assert_msg(
		    r->first < r->nlines && strcmp(p, r->line[r->first]) == 0,
		    "PRODUCT: slow's talk line %d differs from obs's: %.80s",
		    r->first, p);
		r->first++;
	}
	ck_assert(srv_log_has(&s, "(slow) disconnected: too slow", V2_WAIT));
	/* The others go on. */
	send_lines(talk, sent, 1);
	ck_assert(conn_expect(obs, "talk-", NULL, 0, V2_WAIT));
	free(buf);
	for (i = 0; i < r->nlines; i++)
		free(r->line[i]);
	conn_close(obs);
	conn_close(slow);
	conn_close(talk);
	srv_stop_ok(&s);
}

/* N against q = --max-queue: about a queue's worth, not half or double. */
static void
want_plausible(const struct run *r, long q)
{
	size_t never = 0;
	int i;

	fprintf(stderr, "max-queue %ld: N=%ld, slow got %d of %d lines\n", q,
	    r->n, r->first, r->nlines);
	ck_assert_msg(r->n > q * 6 / 10 && r->n <= q + 2 * 2100,
	    "PRODUCT: --max-queue %ld but N = %ld bytes unsent", q, r->n);
	/* Unsent cannot be more than what slow never got (lines obs got
	 * after slow failed but before its quit was told were never
	 * queued for slow, so it can be less). */
	for (i = r->first; i < r->nlines; i++)
		never += r->len[i];
	ck_assert_msg((size_t)r->n <= never,
	    "PRODUCT: N = %ld, but the lines slow never got make only %zu "
	    "bytes",
	    r->n, never);
}

START_TEST(test_too_slow_last_line)
{
	const char *args[] = { "--max-queue", "65536", "--rate", "0", NULL };
	struct run *r = malloc(sizeof *r);

	slow_drop(args, r);
	want_plausible(r, 65536);
	free(r);
}
END_TEST

START_TEST(test_max_queue_k)
{
	const char *args[] = { "--max-queue", "64K", "--rate", "0", NULL };
	struct run *r = malloc(sizeof *r);

	slow_drop(args, r);
	want_plausible(r, 65536);
	free(r);
}
END_TEST

START_TEST(test_max_queue_m)
{
	const char *args[] = { "--max-queue", "1M", "--rate", "0", NULL };
	struct run *r = malloc(sizeof *r);

	slow_drop(args, r);
	want_plausible(r, 1048576);
	free(r);
}
END_TEST

/* --max-queue 1G: 9 MB for a reader that stops (more than the kernel
 * takes) is nowhere near it. */
START_TEST(test_max_queue_g)
{
	const char *args[] = { "--max-queue", "1G", "--rate", "0", NULL };
	struct srv s;
	struct conn *obs, *slow, *talk;
	int i;

	srv_start_ok(&s, args);
	obs = v2_login(s.port, "obs");
	slow = v2_login_rcvbuf(s.port, "slow", 2048);
	talk = v2_login(s.port, "talk");
	v2_sync(obs);
	for (i = 0; i < 8192; i += 64)
		send_lines(talk, i, 64);
	for (i = 0; i < 8192; i++) {
		char line[4096], want[32];

		ck_assert(conn_line(obs, line, sizeof line, V2_WAIT) >= 0);
		snprintf(want, sizeof want, "<talk> talk-%d ", i);
		ck_assert_msg(strncmp(v2_body(line), want, strlen(want)) == 0,
		    "PRODUCT? --max-queue 1G: got %.60s", line);
	}
	ck_assert(conn_quiet(obs, V2_QUIET));
	conn_close(obs);
	conn_close(slow);
	conn_close(talk);
	srv_stop_ok(&s);
}
END_TEST

/* --max-line is a size option too: 1K is 1024 bytes. */
START_TEST(test_max_line_k)
{
	const char *args[] = { "--max-line", "1K", NULL };
	struct srv s;
	struct conn *a, *b;
	char line[2048], want[2048];

	if (srv_start(&s, args) != 0) {
		srv_stop(&s, SIGKILL);
		ck_abort_msg("PRODUCT? --max-line 1K refused: %s", s.log);
	}
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	v2_sync(a);
	memset(line, 'y', 1024);
	strcpy(line + 1024, "\n");
	snprintf(want, sizeof want, "<alice> %.*s", 1024, line);
	conn_send(a, line);
	v2_next(b, "bob", want);
	memset(line, 'y', 1025);
	strcpy(line + 1025, "\n");
	v2_reply(a, line, "-!- error: line too long (max 1024 bytes), dropped");
	ck_assert(conn_quiet(b, V2_QUIET));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_slow");
	TCase *tc = tcase_create("v2_slow");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_too_slow_last_line);
	tcase_add_test(tc, test_max_queue_k);
	tcase_add_test(tc, test_max_queue_m);
	tcase_add_test(tc, test_max_queue_g);
	tcase_add_test(tc, test_max_line_k);
	suite_add_tcase(s, tc);
	return s;
}
