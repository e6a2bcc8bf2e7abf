/*
 * irc_history.c: where IRC meets the history store (history-v1 §3): the
 * CHATHISTORY command and the replay after a JOIN. Not served yet:
 * CHATHISTORY is an unknown command and nothing is replayed. The store
 * (history.h) answers queries by callback; events it returns go through
 * proto_irc_render() like any other, so a split text line replays split.
 */
#include "proto_irc.h"

void
irc_cmd_chathistory(struct irc_session *s, struct irc_msg *m)
{
	(void)m;
	irc_reply1(s, "421", s->verb, "Unknown command");
}

void
irc_history_joined(struct irc_session *s, struct room *r)
{
	(void)s;
	(void)r;
}
