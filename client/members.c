/* members.c: who is in the current room, as the server said, for Tab. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "members.h"
#include "text.h"

#define MEMBERS_FIRST_CAP 16

static size_t members_find(const struct members *, const char *);
static int members_fits(const char *, const char *, size_t, const char *);

void
members_init(struct members *m)
{
	memset(m, 0, sizeof *m);
}

void
members_clear(struct members *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->nick[i]);
	free(m->nick);
	members_init(m);
}

/* The index of nick, or m->n. */
static size_t
members_find(const struct members *m, const char *nick)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (text_casecmp(m->nick[i], nick) == 0)
			break;
	return i;
}

int
members_has(const struct members *m, const char *nick)
{
	return members_find(m, nick) < m->n;
}

int
members_add(struct members *m, const char *nick)
{
	char **v;
	size_t cap;

	if (members_has(m, nick))
		return 0;
	if (m->n == m->cap) {
		cap = m->cap > 0 ? m->cap * 2 : MEMBERS_FIRST_CAP;
		if ((v = realloc(m->nick, cap * sizeof *v)) == NULL)
			return -1;
		m->nick = v;
		m->cap = cap;
	}
	if ((m->nick[m->n] = strdup(nick)) == NULL)
		return -1;
	m->n++;
	return 0;
}

void
members_remove(struct members *m, const char *nick)
{
	size_t i = members_find(m, nick);

	if (i == m->n)
		return;
	free(m->nick[i]);
	memmove(m->nick + i, m->nick + i + 1, (m->n - i - 1) * sizeof *m->nick);
	m->n--;
}

void
members_rename(struct members *m, const char *old, const char *new)
{
	size_t i = members_find(m, old);
	char *copy;

	if (i == m->n || (copy = strdup(new)) == NULL)
		return;
	free(m->nick[i]);
	m->nick[i] = copy;
}

static int
members_fits(const char *nick, const char *prefix, size_t len, const char *skip)
{
	return strncasecmp(nick, prefix, len) == 0 &&
	    (skip == NULL || text_casecmp(nick, skip) != 0);
}

/*
 * Without sorting a copy: the idx-th match in order is the match that has
 * exactly idx matches before it. Rooms are small and Tab is a key press.
 */
const char *
members_match(const struct members *m, const char *prefix, size_t len,
    const char *skip, size_t idx)
{
	size_t i, j, n = 0, before;

	for (i = 0; i < m->n; i++)
		n += members_fits(m->nick[i], prefix, len, skip);
	if (n == 0)
		return NULL;
	idx %= n;
	for (i = 0; i < m->n; i++) {
		if (!members_fits(m->nick[i], prefix, len, skip))
			continue;
		before = 0;
		for (j = 0; j < m->n; j++)
			if (j != i &&
			    members_fits(m->nick[j], prefix, len, skip) &&
			    text_casecmp(m->nick[j], m->nick[i]) < 0)
				before++;
		if (before == idx)
			return m->nick[i];
	}
	return NULL;
}
