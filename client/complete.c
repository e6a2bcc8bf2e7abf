/* complete.c: Tab completes the nick at the cursor from the room's members. */
#include <stdio.h>
#include <string.h>

#include "complete.h"

void
complete_reset(struct complete *cp)
{
	cp->active = 0;
}

void
complete_tab(struct complete *cp, struct editor *ed, const struct members *m,
    const char *self)
{
	char with[COMPLETE_PREFIX_MAX + sizeof COMPLETE_LINE_START];
	const char *nick;
	size_t start, from;

	if (cp->active && ed->pos == cp->end) {
		cp->idx++;
		from = cp->end;
	} else {
		start = ed->pos;
		while (start > 0 && ed->text[start - 1] != ' ')
			start--;
		if (ed->pos - start >= sizeof cp->prefix) {
			(void)buf_append(&ed->out, "\a", 1);
			return;
		}
		memcpy(cp->prefix, ed->text + start, ed->pos - start);
		cp->prefix[ed->pos - start] = '\0';
		cp->start = start;
		cp->idx = 0;
		from = ed->pos;
	}
	nick = members_match(m, cp->prefix, strlen(cp->prefix), self, cp->idx);
	if (nick == NULL) {
		cp->active = 0;
		(void)buf_append(&ed->out, "\a", 1);
		return;
	}
	snprintf(with, sizeof with, "%s%s", nick,
	    cp->start == 0 ? COMPLETE_LINE_START : " ");
	editor_replace(ed, cp->start, from, with);
	cp->end = ed->pos;
	cp->active = 1;
}
