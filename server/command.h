/* command.h: what a client's line means: a message or a /command. */
#ifndef CHATD_COMMAND_H
#define CHATD_COMMAND_H

#include <stddef.h>

#include "server.h"

/* Act on one line from c (framed, not yet sanitised; modified in place). */
void cmd_dispatch(struct client *, char *line, size_t len);

/*
 * Split a command line ("/name args...") in place: *name is the name
 * without '/', *args the rest after the spaces that follow the name ("" if
 * none). Returns 0, or -1 if line is not a command (no leading '/', or
 * "//" which escapes a message starting with '/').
 */
int cmd_parse(char *line, char **name, char **args);

#endif
