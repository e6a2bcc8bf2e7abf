/* irc_cap.c: IRC capability negotiation, CAP LS/LIST/REQ/END (irc-v1 §5). */
#include <stdio.h>
#include <string.h>

#include "irc.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

/* The capabilities, in the order CAP LS lists them. */
static const struct {
	const char *name;
	unsigned bit;
} irc_caps[] = {
	{ "batch", IRC_CAP_BATCH },
	{ "draft/chathistory", IRC_CAP_CHATHISTORY },
	{ "echo-message", IRC_CAP_ECHO },
	{ "message-tags", IRC_CAP_MESSAGE_TAGS },
	{ "multi-prefix", IRC_CAP_MULTI_PREFIX },
	{ "server-time", IRC_CAP_SERVER_TIME },
	{ "userhost-in-names", IRC_CAP_USERHOST },
};
#define IRC_NCAPS (sizeof irc_caps / sizeof irc_caps[0])

static int
irc_cap_offered(const struct irc_session *s, unsigned bit)
{
	return bit != IRC_CAP_CHATHISTORY || s->srv->cfg.history > 0;
}

static void
irc_cap_names(
    const struct irc_session *s, unsigned caps, char *out, size_t outlen)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < IRC_NCAPS; i++)
		if ((caps & irc_caps[i].bit) &&
		    irc_cap_offered(s, irc_caps[i].bit))
			n += (size_t)snprintf(out + n, outlen - n, "%s%s",
			    n > 0 ? " " : "", irc_caps[i].name);
}

/* The bit a REQ entry names, or 0 when it is not offered. */
static unsigned
irc_cap_bit(const struct irc_session *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < IRC_NCAPS; i++)
		if (strlen(irc_caps[i].name) == len &&
		    memcmp(irc_caps[i].name, name, len) == 0)
			return irc_cap_offered(s, irc_caps[i].bit) ?
			    irc_caps[i].bit :
			    0;
	return 0;
}

static void
irc_cap_req(struct irc_session *s, const char *list)
{
	const char *mid[3] = { NULL, NULL, NULL };
	unsigned on = 0, off = 0, bit;
	const char *p = list, *e;
	int ok = 1;

	while (*p != '\0') {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if (e == p)
			break;
		if (*p == '-')
			bit = irc_cap_bit(s, p + 1, (size_t)(e - p - 1));
		else
			bit = irc_cap_bit(s, p, (size_t)(e - p));
		if (bit == 0)
			ok = 0;
		else if (*p == '-')
			off |= bit;
		else
			on |= bit;
		p = e;
	}
	if (ok) {
		s->caps = (s->caps | on) & ~off;
		irc_caps_changed(s);
	}
	mid[0] = ok ? "ACK" : "NAK";
	irc_reply(s, "CAP", mid, "%s", list);
}

void
irc_cmd_cap(struct irc_session *s, struct irc_msg *m)
{
	const char *sub = m->params[0];
	const char *mid[2] = { NULL, NULL };
	char names[256];

	if (text_casecmp(sub, "LS") == 0) {
		irc_cap_names(s, ~0u, names, sizeof names);
		mid[0] = "LS";
		irc_reply(s, "CAP", mid, "%s", names);
		if (!s->registered)
			s->cap_open = 1;
	} else if (text_casecmp(sub, "LIST") == 0) {
		irc_cap_names(s, s->caps, names, sizeof names);
		mid[0] = "LIST";
		irc_reply(s, "CAP", mid, "%s", names);
	} else if (text_casecmp(sub, "REQ") == 0) {
		if (m->nparams < 2) {
			irc_need_more(s, m);
			return;
		}
		irc_cap_req(s, m->params[1]);
		if (!s->registered)
			s->cap_open = 1;
	} else if (text_casecmp(sub, "END") == 0) {
		if (s->registered)
			return;
		s->cap_open = 0;
		irc_try_register(s);
	} else
		irc_reply1(s, "410", sub, "Invalid CAP command");
}
