/* main.c: chat, the terminal client of chatd (and any IRC server): options, connection, then the session. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "net.h"
#include "proto.h"
#include "session.h"
#include "text.h"

#define CHAT_EXIT_USAGE   2
#define CHAT_PORT_MAX     65535
#define CHAT_PASSWORD_ENV "CHAT_PASSWORD"
#define CHAT_PASSWORD_MAX CHAT_MAX_LINE
#define CHAT_GUEST        "guest"
#define OPT_NO_RECONNECT  256
#define OPT_NO_BELL       257

static const char chat_usage[] =
    "usage: chat [-hV] [-n NICK] [-r ROOM] [-P PASSWORD-FILE] [-e LINE]... "
    "[--no-reconnect] [--no-bell] [HOST[:PORT] | HOST PORT]";

static const char chat_help[] =
    "  -n, --nick NICK            the nickname (default: $USER, or guest)\n"
    "  -r, --room ROOM            the room to join (default: #lobby)\n"
    "  -P, --password-file FILE   send the password in FILE (or "
    "$" CHAT_PASSWORD_ENV ")\n"
    "  -e, --exec LINE            send LINE (repeatable), then quit\n"
    "      --no-reconnect         exit when the connection drops\n"
    "      --no-bell              no bell for messages to you\n"
    "  -h, --help                 this help\n"
    "  -V, --version              print the version\n"
    "HOST defaults to " CHAT_DEFAULT_HOST ", PORT to " CHAT_DEFAULT_PORT_STR
    "; HOST may be [v6-address] or unix:/path.\n";

static const struct option chat_longopts[] = { { "nick", required_argument,
						   NULL, 'n' },
	{ "room", required_argument, NULL, 'r' },
	{ "password-file", required_argument, NULL, 'P' },
	{ "exec", required_argument, NULL, 'e' },
	{ "no-reconnect", no_argument, NULL, OPT_NO_RECONNECT },
	{ "no-bell", no_argument, NULL, OPT_NO_BELL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };

static void usage_error(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* One line saying what is wrong, one with the usage; exit 2. */
static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("chat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s\n", chat_usage);
	exit(CHAT_EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	struct session_opts o;
	char host[NET_ADDRSTRLEN];
	char port[NET_ADDRSTRLEN];
	char room[CHAT_ROOM_MAX + 2], user[CHAT_IRC_USER_MAX + 1];
	char **exec;
	char password[CHAT_PASSWORD_MAX + 2];
	long long portnum;
	const char *cause = "unknown error", *pwfile = NULL, *login;
	int ch, fd;

	memset(&o, 0, sizeof o);
	o.reconnect = 1;
	o.bell = 1;
	if ((exec = calloc((size_t)argc, sizeof *exec)) == NULL) {
		fprintf(stderr, "chat: %s\n", strerror(errno));
		return 1;
	}
	opterr = 0;
	while ((ch = getopt_long(
		    argc, argv, ":n:r:P:e:hV", chat_longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (!text_nick_valid(optarg))
				usage_error(
				    "invalid nickname %s (1-%d "
				    "characters: a letter, then letters, "
				    "digits, _ or -)",
				    optarg, CHAT_NICK_MAX);
			o.nick = optarg;
			break;
		case 'r':
			if (!text_room_valid(optarg))
				usage_error(
				    "invalid room name %s (1-%d "
				    "characters: letters, digits, _ or -)",
				    optarg, CHAT_ROOM_MAX);
			snprintf(
			    room, sizeof room, "#%s", text_room_name(optarg));
			o.room = room;
			break;
		case 'P':
			pwfile = optarg;
			break;
		case 'e':
			exec[o.nexec++] = optarg;
			break;
		case OPT_NO_RECONNECT:
			o.reconnect = 0;
			break;
		case OPT_NO_BELL:
			o.bell = 0;
			break;
		case 'h':
			printf("%s\n%s", chat_usage, chat_help);
			free(exec);
			return 0;
		case 'V':
			printf("chat %s\n", CHAT_VERSION);
			free(exec);
			return 0;
		case ':':
			usage_error(
			    "option %s needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	snprintf(host, sizeof host, "%s", CHAT_DEFAULT_HOST);
	port[0] = '\0';
	if (argc > 2)
		usage_error("too many arguments");
	if (argc >= 1 &&
	    net_split_hostport(argv[0], host, sizeof host, port, sizeof port) ==
		-1)
		usage_error("invalid address %s", argv[0]);
	if (argc == 2) {
		if (port[0] != '\0' ||
		    strncmp(host, "unix:", strlen("unix:")) == 0)
			usage_error(
			    "the port is given twice: %s %s", argv[0], argv[1]);
		snprintf(port, sizeof port, "%s", argv[1]);
	}
	if (port[0] == '\0')
		snprintf(port, sizeof port, "%s", CHAT_DEFAULT_PORT_STR);
	if (strncmp(host, "unix:", strlen("unix:")) != 0 &&
	    conf_number(port, 1, CHAT_PORT_MAX, &portnum) == -1)
		usage_error("invalid port %s", port);

	if (pwfile != NULL) {
		if (conf_first_line(pwfile, password, sizeof password) == -1) {
			fprintf(stderr, "chat: cannot read %s: %s\n", pwfile,
			    errno == EINVAL ? "first line too long" :
					      strerror(errno));
			free(exec);
			return 1;
		}
		o.password = password;
	} else
		o.password = getenv(CHAT_PASSWORD_ENV);
	o.exec = exec;
	if (o.nexec > 0)
		o.mode = SESSION_EXEC;
	else if (isatty(STDIN_FILENO))
		o.mode = SESSION_TTY;
	else
		o.mode = SESSION_PIPE;
	o.colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	/* The nick and username of the person at the keyboard, if IRC takes
	 * them; chatd's rules are the strictest, so they serve for all. */
	if ((login = getenv("USER")) == NULL || *login == '\0')
		login = NULL;
	if (o.nick == NULL)
		o.nick = login != NULL && text_nick_valid(login) ? login :
								   CHAT_GUEST;
	if (login == NULL)
		login = o.nick;
	text_irc_username(user, login, strlen(login));
	o.user = user;
	o.host = host;
	o.port = port;

	if ((fd = net_connect(host, port, &cause)) == -1) {
		if (strncmp(host, "unix:", strlen("unix:")) == 0)
			fprintf(stderr, "chat: cannot connect to %s: %s\n",
			    host, cause);
		else
			fprintf(stderr,
			    "chat: cannot connect to %s port %s: "
			    "%s\n",
			    host, port, cause);
		free(exec);
		return 1;
	}
	ch = session_run(fd, &o);
	free(exec);
	return ch;
}
