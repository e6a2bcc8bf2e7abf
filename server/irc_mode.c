/* irc_mode.c: IRC's MODE: rooms are always +nt with operators; users always +i. */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "irc.h"
#include "proto_irc.h"
#include "server.h"

/* MODE #room b, e or I (with or without '+'): the end of a list that is
 * always empty. */
static int
irc_mode_list(struct irc_session *s, const char *chan, const char *modes)
{
	static const struct {
		char letter;
		const char *code, *text;
	} lists[] = {
		{ 'b', "368", "End of channel ban list" },
		{ 'e', "349", "End of channel exception list" },
		{ 'I', "347", "End of channel invite list" },
	};
	size_t i;

	if (modes[0] == '+')
		modes++;
	if (modes[0] == '\0' || modes[1] != '\0')
		return 0;
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (modes[0] == lists[i].letter) {
			irc_reply1(s, lists[i].code, chan, lists[i].text);
			return 1;
		}
	return 0;
}

static void
irc_mode_room(struct irc_session *s, struct irc_msg *m)
{
	struct chat *chat = &s->srv->chat;
	char chan[CHAT_ROOM_MAX + 2], when[24], letter[2] = "";
	const char *p, *nick;
	struct member *mb;
	struct room *r;
	size_t arg = 2;
	int give = 1, rv;

	if ((r = irc_room(s, m->params[0])) == NULL) {
		irc_reply1(s, "403", m->params[0], "No such channel");
		return;
	}
	snprintf(chan, sizeof chan, "#%s", r->name);
	if (m->nparams == 1) {
		snprintf(when, sizeof when, "%lld",
		    (long long)(r->created_ms / 1000));
		irc_reply_mid(s, "324", (const char *[]){ chan, "+nt", NULL });
		irc_reply_mid(s, "329", (const char *[]){ chan, when, NULL });
		return;
	}
	if (m->nparams == 2 && irc_mode_list(s, chan, m->params[1]))
		return;
	if ((mb = chat_member(s->user, r)) == NULL) {
		irc_reply1(s, "442", chan, "You're not on that channel");
		return;
	}
	if (!mb->op) {
		irc_reply1(s, "482", chan, "You're not channel operator");
		return;
	}
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			give = *p == '+';
			continue;
		}
		if (*p == 'o') {
			if (arg >= m->nparams)
				continue; /* no nick left: nothing to do */
			nick = m->params[arg++];
			rv = chat_op(chat, s->user, r, nick, give);
			if (rv == E_NOT_IN_ROOM)
				irc_reply(s, "441",
				    (const char *[]){ nick, chan, NULL },
				    "They aren't on that channel");
			else if (rv == E_NOT_OP)
				irc_reply1(s, "482", chan,
				    "You're not channel operator");
			continue;
		}
		/* Every room is +nt, always: +n and +t change nothing. */
		if (give && (*p == 'n' || *p == 't'))
			continue;
		letter[0] = *p;
		letter[1] = '\0';
		irc_reply1(s, "472", letter, "is unknown mode char to me");
	}
}

static void
irc_mode_user(struct irc_session *s, struct irc_msg *m)
{
	struct user *u = chat_find_user(&s->srv->chat, m->params[0]);
	const char *p;

	if (u == NULL) {
		irc_reply1(s, "401", m->params[0], "No such nick/channel");
		return;
	}
	if (u != s->user) {
		irc_reply(s, "502", NULL, "Can't change mode for other users");
		return;
	}
	if (m->nparams == 1) {
		irc_reply_mid(s, "221", (const char *[]){ "+i", NULL });
		return;
	}
	/* Every user is +i, always: i is taken without a word. */
	for (p = m->params[1]; *p != '\0'; p++)
		if (*p != '+' && *p != '-' && *p != 'i') {
			irc_reply(s, "501", NULL, "Unknown MODE flag");
			return;
		}
}

void
irc_cmd_mode(struct irc_session *s, struct irc_msg *m)
{
	if (m->params[0][0] == '#')
		irc_mode_room(s, m);
	else
		irc_mode_user(s, m);
}
