/* telnet.c: the telnet commands in a byte stream, removed and answered (chatd-v2 §3); no I/O. */
#include <errno.h>
#include <string.h>

#include "telnet.h"

enum {
	TELNET_DATA,   /* plain bytes */
	TELNET_CMD,    /* after IAC */
	TELNET_OPTION, /* after IAC DO/DONT/WILL/WONT: the option byte */
	TELNET_SUB,    /* inside IAC SB ... */
	TELNET_SUB_IAC /* an IAC inside SB: SE ends it */
};

void
telnet_init(struct telnet *t)
{
	memset(t, 0, sizeof *t);
}

/* Nonzero the first time bit opt of set is asked for (then set). */
static int
telnet_first(unsigned char *set, unsigned char opt)
{
	unsigned char bit = (unsigned char)(1u << (opt & 7));

	if (set[opt >> 3] & bit)
		return 0;
	set[opt >> 3] |= bit;
	return 1;
}

/* Answer IAC verb opt: 0, or -1 when reply cannot grow. */
static int
telnet_answer(struct telnet *t, unsigned char opt, struct buf *reply)
{
	unsigned char ans[3] = { TELNET_IAC, 0, opt };

	if (t->verb == TELNET_DO &&
	    (opt == TELNET_TIMING_MARK || telnet_first(t->refused_do, opt)))
		ans[1] = TELNET_WONT;
	else if (t->verb == TELNET_WILL && telnet_first(t->refused_will, opt))
		ans[1] = TELNET_DONT;
	else
		return 0; /* DONT, WONT, or answered before */
	return buf_append(reply, ans, sizeof ans);
}

/* The state after IAC c, outside SB. */
static unsigned char
telnet_command(struct telnet *t, unsigned char c)
{
	switch (c) {
	case TELNET_DO:
	case TELNET_DONT:
	case TELNET_WILL:
	case TELNET_WONT:
		t->verb = c;
		return TELNET_OPTION;
	case TELNET_SB:
		return TELNET_SUB;
	default: /* one-byte commands, SE outside SB, unknown: dropped */
		return TELNET_DATA;
	}
}

ssize_t
telnet_filter(
    struct telnet *t, char *out, const char *in, size_t len, struct buf *reply)
{
	const unsigned char *u = (const unsigned char *)in;
	const unsigned char *iac;
	size_t i = 0, o = 0, run;
	unsigned char c;

	while (i < len) {
		if (t->state == TELNET_DATA) {
			/* Most input holds no IAC at all: move runs whole. */
			iac = memchr(u + i, TELNET_IAC, len - i);
			run = iac != NULL ? (size_t)(iac - (u + i)) : len - i;
			memmove(out + o, in + i, run);
			o += run;
			i += run;
			if (i == len)
				break;
			i++;
			t->state = TELNET_CMD;
			continue;
		}
		c = u[i++];
		switch (t->state) {
		case TELNET_CMD:
			if (c == TELNET_IAC) {
				out[o++] = (char)c;
				t->state = TELNET_DATA;
			} else {
				t->state = telnet_command(t, c);
			}
			break;
		case TELNET_OPTION:
			t->state = TELNET_DATA;
			if (telnet_answer(t, c, reply) == -1) {
				errno = ENOMEM;
				return -1;
			}
			break;
		case TELNET_SUB:
			if (c == TELNET_IAC)
				t->state = TELNET_SUB_IAC;
			break;
		case TELNET_SUB_IAC:
			if (c == TELNET_SE)
				t->state = TELNET_DATA;
			else if (c == TELNET_IAC)
				t->state = TELNET_SUB;
			else
				t->state = telnet_command(t, c);
			break;
		}
	}
	return (ssize_t)o;
}
