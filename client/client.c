/* client.c: chat's IRC side: the connection's life, one server line in, lines for the user out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "irc.h"
#include "proto.h"
#include "render.h"
#include "text.h"

#define CLIENT_MS_PER_S  1000
#define CLIENT_NS_PER_MS 1000000
#define CLIENT_CHANTYPES "#&"

static int64_t client_wall_ms(void);
static void client_clean_print(struct client *, struct buf *, unsigned);

static int64_t
client_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * CLIENT_MS_PER_S +
	    ts.tv_nsec / CLIENT_NS_PER_MS;
}

void
client_init(struct client *c, const struct client_ops *ops, void *arg)
{
	memset(c, 0, sizeof *c);
	c->ops = ops;
	c->arg = arg;
	c->clock = client_wall_ms;
	members_init(&c->members);
	resume_init(&c->resume);
	buf_init(&c->out);
	buf_init(&c->names);
	buf_init(&c->raw);
	buf_init(&c->taken);
	client_copy(c->want_room, sizeof c->want_room, CLIENT_LOBBY);
	client_copy(c->chantypes, sizeof c->chantypes, CLIENT_CHANTYPES);
}

void
client_free(struct client *c)
{
	numeric_reset(c);
	members_clear(&c->members);
	resume_free(&c->resume);
	buf_free(&c->out);
	buf_free(&c->names);
	buf_free(&c->raw);
	buf_free(&c->taken);
	free(c->password);
	c->password = NULL;
}

int
client_set_password(struct client *c, const char *password)
{
	char *copy = NULL;

	if (password != NULL && (copy = strdup(password)) == NULL)
		return -1;
	free(c->password);
	c->password = copy;
	return 0;
}

void
client_copy(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src != NULL ? src : "");
}

void
client_connected(struct client *c)
{
	numeric_reset(c);
	buf_truncate(&c->out, 0);
	c->phase = CLIENT_REG;
	c->caps = 0;
	c->cap_open = 0;
	c->nick_tries = 0;
	c->server[0] = c->network[0] = '\0';
	client_copy(c->chantypes, sizeof c->chantypes, CLIENT_CHANTYPES);
	c->history_max = 0;
	c->joining[0] = c->leaving[0] = c->parting[0] = '\0';
	c->names_for[0] = '\0';
	c->welcomed = 0;
	c->settled = 0;
	c->finish_token[0] = '\0';
	c->quit_sent = 0;
	c->pass_needed = 0;
	c->reason[0] = '\0';
	/* The room to come back to, and where to resume it from. */
	if (c->room[0] != '\0')
		client_copy(c->want_room, sizeof c->want_room, c->room);
	client_copy(c->resume_room, sizeof c->resume_room,
	    c->registrations > 0 ? c->want_room : "");
	reg_start(c);
}

void
client_disconnected(struct client *c)
{
	/* What was held back is still worth showing, in order. */
	resume_drop(&c->resume);
	replay_release(c);
	numeric_reset(c);
	c->phase = CLIENT_OFF;
	c->caps = 0;
	c->cap_open = 0;
	members_clear(&c->members);
	buf_truncate(&c->out, 0);
}

int
client_ready(const struct client *c)
{
	return c->phase == CLIENT_ON && c->settled;
}

const char *
client_target(const struct client *c)
{
	/* Lines typed after a /join are for the room joined, as the
	 * server will have handled the JOIN first. */
	if (c->joining[0] != '\0')
		return c->joining;
	return c->room[0] != '\0' ? c->room : NULL;
}

void
client_prompt(const struct client *c, char *out, size_t outlen)
{
	if (c->nick[0] != '\0' && c->room[0] != '\0')
		snprintf(out, outlen, "[%s %s]> ", c->room, c->nick);
	else if (c->nick[0] != '\0' || c->room[0] != '\0')
		snprintf(out, outlen, "[%s]> ",
		    c->nick[0] != '\0' ? c->nick : c->room);
	else
		snprintf(out, outlen, "> ");
}

int
client_name_ok(const char *name, size_t size)
{
	char clean[3 * CLIENT_NICK_MAX + 1];
	size_t n = strlen(name);

	/* What text_clean would change, it would not print as it is. */
	return n > 0 && n < size && n < CLIENT_NICK_MAX &&
	    name[strcspn(name, " ,")] == '\0' &&
	    text_clean(clean, name, n, TEXT_CLEAN_TEXT) == n &&
	    memcmp(clean, name, n) == 0 && strchr(name, '\t') == NULL;
}

void
client_set_room(struct client *c, const char *room)
{
	if (strcmp(c->room, room) == 0)
		return;
	client_copy(c->room, sizeof c->room, room);
	members_clear(&c->members);
	if (c->ops->changed != NULL)
		c->ops->changed(c->arg);
}

void
client_send(struct client *c, const char *command, const char *const *middle,
    const char *text)
{
	const char *params[IRC_PARAMS_MAX] = { NULL };
	char *cut = NULL;
	size_t n = 0, head, room;
	struct ev ev;

	head = strlen(command) + strlen(" :\r\n");
	while (middle != NULL && middle[n] != NULL && n < IRC_PARAMS_MAX - 1) {
		head += 1 + strlen(middle[n]);
		params[n] = middle[n];
		n++;
	}
	/* A line over IRC's 512 bytes would be dropped whole (417): a text
	 * is cut to fit, at a character boundary; without room for one, the
	 * user hears of it and nothing goes. */
	room = head < IRC_LINE_MAX ? IRC_LINE_MAX - head : 0;
	if ((text == NULL && head > IRC_LINE_MAX + 2) ||
	    (text != NULL && room == 0)) {
		memset(&ev, 0, sizeof ev);
		ev.num[0] = IRC_LINE_MAX;
		client_say(c, 1, E_LINE_TOO_LONG, &ev);
		return;
	}
	if (text != NULL && strlen(text) > room &&
	    (cut = strndup(text, irc_utf8_cut(text, strlen(text), room))) !=
		NULL)
		text = cut;
	if (text != NULL)
		params[n++] = text;
	/* A part that breaks IRC's rules (a space in a nick) is not sent. */
	(void)irc_format(&c->out, NULL, NULL, command, n, params,
	    text != NULL ? IRC_FMT_TRAILING : 0);
	free(cut);
}

/* The rendered line in b (stamp, body, no LF) through text_clean, TAB as
 * one space: nothing the server sent can reach the terminal raw. */
static void
client_clean_print(struct client *c, struct buf *b, unsigned flags)
{
	char *clean;
	size_t n, i;

	if ((clean = malloc(3 * buf_len(b) + 1)) == NULL)
		return;
	n = text_clean(clean, buf_data(b), buf_len(b), TEXT_CLEAN_TEXT);
	for (i = 0; i < n; i++)
		if (clean[i] == '\t')
			clean[i] = ' ';
	if (c->capture != NULL) {
		(void)buf_append(c->capture, clean, n);
		(void)buf_append(c->capture, "\n", 1);
	} else {
		if ((flags & CLIENT_L_ERROR) && c->phase != CLIENT_REG)
			c->errors++;
		c->ops->print(c->arg, clean, n, flags);
	}
	free(clean);
}

void
client_show(struct client *c, const struct ev *ev, int self, const char *prefix,
    unsigned flags)
{
	struct buf b;

	buf_init(&b);
	if (ev->kind == EV_ERROR)
		flags |= CLIENT_L_ERROR;
	if (render_stamp(&b, ev->time_ms) == 0 &&
	    (prefix == NULL || buf_append_str(&b, prefix) == 0) &&
	    render_body(&b, ev, self) == 1)
		client_clean_print(c, &b, flags);
	buf_free(&b);
}

void
client_say(
    struct client *c, int error, enum ev_code code, const struct ev *args)
{
	struct ev ev;

	if (args != NULL)
		ev = *args;
	else
		memset(&ev, 0, sizeof ev);
	ev.kind = error ? EV_ERROR : EV_REPLY;
	ev.code = code;
	if (ev.time_ms == 0)
		ev.time_ms = c->clock();
	if (ev.text == NULL)
		ev.text = "";
	client_show(c, &ev, 0, NULL, 0);
}

int64_t
client_msg_time(const struct client *c, const struct irc_msg *m)
{
	struct irc_tag tag;
	char value[64];
	int64_t ms;

	if (irc_tag_find(m->tags, "time", &tag) &&
	    irc_tag_unescape(value, sizeof value, tag.value, tag.valuelen) >=
		0 &&
	    irc_time_parse(value, &ms) == 0)
		return ms;
	return c->clock();
}

int
client_tag(const struct irc_msg *m, const char *key, char *out, size_t outlen)
{
	struct irc_tag tag;

	out[0] = '\0';
	return irc_tag_find(m->tags, key, &tag) &&
	    irc_tag_unescape(out, outlen, tag.value, tag.valuelen) > 0;
}

int
client_is_self(const struct client *c, const char *nick)
{
	return nick != NULL && c->nick[0] != '\0' &&
	    text_casecmp(nick, c->nick) == 0;
}

int
client_is_channel(const struct client *c, const char *name)
{
	return name != NULL && *name != '\0' &&
	    strchr(c->chantypes, *name) != NULL;
}

const char *
client_room_name(const char *name)
{
	return *name == '#' ? name + 1 : name;
}

const char *
client_source_nick(
    const struct client *c, const char *source, char *out, size_t outlen)
{
	size_t n;

	if (source == NULL)
		return NULL;
	n = strcspn(source, "!@");
	/* "irc.example.net", or chatd's "chatd": the server speaking. */
	if (source[n] == '\0' &&
	    (strchr(source, '.') != NULL || c->phase != CLIENT_ON ||
		strcmp(source, c->server) == 0))
		return NULL;
	if (n == 0 || n >= outlen)
		return NULL;
	memcpy(out, source, n);
	out[n] = '\0';
	return out;
}

void
client_line(struct client *c, char *line, size_t len)
{
	struct irc_msg m;
	char id[RESUME_MSGID_MAX];
	int hold = c->resume.holding;

	if (hold) {
		buf_truncate(&c->raw, 0);
		if (buf_append(&c->raw, line, len) == -1)
			hold = 0;
	}
	if (irc_parse(&m, line, len) == -1)
		return;
	if (strcmp(m.command, "PING") == 0) {
		client_send(c, "PONG", NULL, m.nparams > 0 ? m.params[0] : "");
		return;
	}
	if (client_tag(&m, "batch", id, sizeof id) &&
	    replay_batch_line(c, &m, id))
		return;
	if ((strcmp(m.command, "BATCH") == 0 && replay_batch(c, &m)) ||
	    replay_failed(c, &m))
		return;
	if (hold) {
		if (resume_hold(
			&c->resume, buf_data(&c->raw), buf_len(&c->raw)) == 0)
			return;
		/* Too much held: print everything from here on as it comes. */
		c->resume.holding = 0;
		replay_release(c);
	}
	client_dispatch(c, &m, client_msg_time(c, &m));
}

void
client_dispatch(struct client *c, struct irc_msg *m, int64_t time_ms)
{
	if (reg_message(c, m))
		return;
	if (m->command[0] >= '0' && m->command[0] <= '9')
		numeric_reply(c, m, time_ms);
	else
		view_message(c, m, time_ms);
}

void
client_finish(struct client *c)
{
	if (c->phase != CLIENT_ON) {
		client_quit(c, NULL);
		return;
	}
	if (c->finish_token[0] != '\0')
		return;
	snprintf(c->finish_token, sizeof c->finish_token, "chat-done-%lld",
	    (long long)c->clock());
	client_send(c, "PING", NULL, c->finish_token);
}

void
client_quit(struct client *c, const char *reason)
{
	if (c->quit_sent)
		return;
	c->quit_sent = 1;
	if (c->phase == CLIENT_OFF)
		return;
	client_send(
	    c, "QUIT", NULL, reason != NULL && *reason != '\0' ? reason : NULL);
}
