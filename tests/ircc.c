/* ircc.c: a tiny IRC test client for the IRC conformance suites. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "ircc.h"

#define IRCC_MSG 24576 /* bytes of a failure message */

/* The server of the running test, for its log in failure messages. */
static struct srv *ircc_srv;
/* Or all the servers of a test that runs several (irc_log_servers). */
static struct srv *const *ircc_srvs;
static int ircc_nsrvs;

const char *
irc_escape(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	if (i < n && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

void
irc_fail_at(const char *f, int l, const char *fmt, ...)
{
	char msg[IRCC_MSG];
	va_list ap;
	size_t off;
	int i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: %s\n", f, l, msg);
	for (i = 0; i < ircc_nsrvs; i++) {
		if (ircc_srvs[i] == NULL || ircc_srvs[i]->pid <= 0)
			continue;
		srv_read_log(ircc_srvs[i], 50);
		off = ircc_srvs[i]->loglen > 1500 ?
		    ircc_srvs[i]->loglen - 1500 :
		    0;
		fprintf(stderr, "chatd log of server %d (tail):\n%s\n", i,
		    ircc_srvs[i]->log + off);
	}
	if (ircc_nsrvs == 0 && ircc_srv != NULL && ircc_srv->pid > 0) {
		srv_read_log(ircc_srv, 50);
		off = ircc_srv->loglen > 1500 ? ircc_srv->loglen - 1500 : 0;
		fprintf(stderr, "chatd log (tail):\n%s\n", ircc_srv->log + off);
	}
	ck_abort_msg("%s:%d: %s", f, l, msg);
}

void
irc_log_servers(struct srv *const *s, int n)
{
	ircc_srvs = s;
	ircc_nsrvs = s != NULL ? n : 0;
}

int
irc_wait_ms(void)
{
	return getenv("VALGRIND") != NULL ? 20000 : 3000;
}

int
irc_under_valgrind(const char *test)
{
	if (getenv("VALGRIND") == NULL)
		return 0;
	fprintf(stderr, "%s: timing checks skipped under valgrind\n", test);
	return 1;
}

/* --- the parser --- */

int
irc_parse(struct irc_msg *m, const char *line, size_t len)
{
	char *p, *sp, *t, *semi, *eq;

	if (len >= sizeof m->store)
		len = sizeof m->store - 1;
	memcpy(m->store, line, len);
	m->store[len] = '\0';
	m->ntags = 0;
	m->tagsec = 0;
	m->source = NULL;
	m->command = m->store + len; /* "" */
	m->nparams = 0;
	m->trailing = 0;
	p = m->store;
	if (*p == '@') {
		if ((sp = strchr(p, ' ')) == NULL)
			return -1;
		*sp = '\0';
		m->tagsec = (size_t)(sp - m->store) + 1;
		for (t = p + 1; t != NULL && *t != '\0'; t = semi) {
			if ((semi = strchr(t, ';')) != NULL)
				*semi++ = '\0';
			if (m->ntags == IRC_MAXTAGS)
				continue;
			m->tags[m->ntags].key = t;
			if ((eq = strchr(t, '=')) != NULL) {
				*eq = '\0';
				m->tags[m->ntags].value = eq + 1;
			} else
				m->tags[m->ntags].value = t + strlen(t);
			m->ntags++;
		}
		p = sp + 1;
	}
	while (*p == ' ')
		p++;
	if (*p == ':') {
		m->source = p + 1;
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		*p++ = '\0';
	}
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return -1;
	m->command = p;
	if ((p = strchr(p, ' ')) != NULL)
		*p++ = '\0';
	while (p != NULL && m->nparams < IRC_MAXPARAMS) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p == ':') {
			m->params[m->nparams++] = p + 1;
			m->trailing = 1;
			break;
		}
		m->params[m->nparams++] = p;
		if ((p = strchr(p, ' ')) != NULL)
			*p++ = '\0';
	}
	return 0;
}

const char *
irc_tag(const struct irc_msg *m, const char *key)
{
	int i;

	for (i = 0; i < m->ntags; i++)
		if (strcmp(m->tags[i].key, key) == 0)
			return m->tags[i].value;
	return NULL;
}

static int
ircc_param_match(const char *got, const char *want)
{
	if (strcmp(want, ANY) == 0)
		return 1;
	if (strcmp(want, NUM) == 0) {
		if (*got == '\0')
			return 0;
		for (; *got != '\0'; got++)
			if (!isdigit((unsigned char)*got))
				return 0;
		return 1;
	}
	return strcmp(got, want) == 0;
}

int
irc_match(const struct irc_msg *got, const struct irc_msg *want)
{
	int i;

	if ((want->source == NULL) != (got->source == NULL))
		return 0;
	if (want->source != NULL &&
	    !ircc_param_match(got->source, want->source))
		return 0;
	if (strcmp(got->command, want->command) != 0 ||
	    got->nparams != want->nparams)
		return 0;
	for (i = 0; i < want->nparams; i++)
		if (!ircc_param_match(got->params[i], want->params[i]))
			return 0;
	return 1;
}

const char *
irc_show(const struct irc_msg *m, char *buf, size_t len)
{
	size_t o;

	irc_escape(m->line, m->len, buf, len > 40 ? len - 40 : len);
	o = strlen(buf);
	snprintf(buf + o, len - o, "  (%d params%s)", m->nparams,
	    m->crlf ? "" : ", no CR before LF");
	return buf;
}

/* --- checks on values --- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long
ircc_days(int y, int mo, int d)
{
	long era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
irc_time_ok(const char *v)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	int y, mo, d, h, mi, s, ms;
	long t;
	size_t i;

	if (strlen(v) != sizeof shape - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)v[i]) :
				      v[i] != shape[i])
			return 0;
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &s,
		&ms) != 7 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;
	t = ircc_days(y, mo, d) * 86400L + h * 3600L + mi * 60L + s;
	return labs(t - (long)time(NULL)) <= 60;
}

int
irc_msgid_ok(const char *v)
{
	size_t n = strlen(v);

	return n >= 1 && n <= 32 &&
	    strspn(v,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_-") == n;
}

int
irc_utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

size_t
irc_utf8_cut(const char *s, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	for (k = max; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
		;
	return k;
}

/* --- the server --- */

/* 1 if line holds word, ignoring ASCII case. */
static int
ircc_has_ci(const char *line, const char *word)
{
	size_t n = strlen(word);

	for (; *line != '\0'; line++)
		if (strncasecmp(line, word, n) == 0)
			return 1;
	return 0;
}

/* Find the port on a log line holding "listening on" and "127.0.0.1:":
 * the IRC-only listener if irc, else the shared one. 0 if none. */
static int
ircc_log_port(const char *log, int irc)
{
	const char *p = log, *eol, *a;
	char line[512];
	size_t n;

	for (; *p != '\0'; p = *eol != '\0' ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		n = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) :
							  sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strstr(line, "listening") == NULL ||
		    (a = strstr(line, "127.0.0.1:")) == NULL)
			continue;
		if (ircc_has_ci(line, "irc") == (irc != 0))
			return atoi(a + strlen("127.0.0.1:"));
	}
	return 0;
}

int
irc_srv_irc_port(struct srv *s)
{
	srv_read_log(s, 0);
	return ircc_log_port(s->log, 1);
}

static void ircc_tmp_cleanup(void);

int
irc_srv_try(struct srv *s, const char *const *args)
{
	const char *argv[64];
	siginfo_t si;
	int n = 0, want_irc = 0, st;
	long end;

	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-b";
	argv[n++] = "127.0.0.1";
	for (; args != NULL && *args != NULL && n < 63; args++) {
		if (strcmp(*args, "--irc-port") == 0)
			want_irc = 1;
		argv[n++] = *args;
	}
	argv[n] = NULL;
	if (srv_spawn(s, argv) == -1)
		return -1;
	ircc_srv = s;
	end = harness_now_ms() + 10000;
	while (harness_now_ms() < end) {
		srv_read_log(s, 50);
		s->port = ircc_log_port(s->log, 0);
		if (s->port > 0 && (!want_irc || irc_srv_irc_port(s) > 0)) {
			/* chatd has read its files: a failed test (which
			 * ends without exit handlers) leaves none behind. */
			ircc_tmp_cleanup();
			return 0;
		}
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)s->pid, &si,
			WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == s->pid) {
			st = srv_stop(s, 0);
			ircc_tmp_cleanup();
			return st == 0 ? 256 : st;
		}
	}
	srv_stop(s, SIGKILL);
	return -1;
}

void
irc_srv_start(struct srv *s, const char *const *args)
{
	char cmd[1024] = "";
	const char *const *a;
	int st;

	for (a = args; a != NULL && *a != NULL; a++)
		snprintf(
		    cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", *a);
	if ((st = irc_srv_try(s, args)) == 0)
		return;
	ircc_srv = NULL;
	ck_abort_msg("chatd -p 0 -b 127.0.0.1%s did not start (%s %d); "
		     "its output:\n%s",
	    cmd, st == -1 ? "no listener within 10 s, status" : "exit status",
	    st, s->log);
}

static char ircc_tmp[4][64];

static void
ircc_tmp_cleanup(void)
{
	int i;

	for (i = 0; i < 4; i++)
		if (ircc_tmp[i][0] != '\0') {
			unlink(ircc_tmp[i]);
			ircc_tmp[i][0] = '\0';
		}
}

const char *
irc_tmpfile(int slot, const char *text)
{
	static int registered;
	int fd;
	size_t n = strlen(text);

	ck_assert(slot >= 0 && slot < 4);
	if (!registered) {
		atexit(ircc_tmp_cleanup);
		registered = 1;
	}
	snprintf(ircc_tmp[slot], sizeof ircc_tmp[slot], "/tmp/ircc-XXXXXX");
	fd = mkstemp(ircc_tmp[slot]);
	ck_assert_msg(fd != -1, "mkstemp failed");
	ck_assert(write(fd, text, n) == (ssize_t)n);
	close(fd);
	return ircc_tmp[slot];
}
