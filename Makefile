# Makefile for chatd (server) and chat (client). See README.md.
#   make                 bin/chatd, bin/chat
#   make test            every unit and integration test (Check)
#   make SAN=1 test      the same under AddressSanitizer + UBSan (bin/san/)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
STD = -std=c11 -D_POSIX_C_SOURCE=200809L
WARN = -Wall -Wextra -Werror
OPT ?= -O2 -g

ifeq ($(SAN),1)
SANITIZER = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
VARIANT = san
BINDIR = bin/san
else
SANITIZER =
VARIANT = rel
BINDIR = bin
endif

O = build/$(VARIANT)
ALL_CFLAGS = $(STD) $(WARN) $(OPT) $(SANITIZER) -Icommon -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SANITIZER) $(LDFLAGS)

CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) -lutil

COMMON_OBJ = $(patsubst %.c,$(O)/%.o,$(wildcard common/*.c))
SERVER_OBJ = $(patsubst %.c,$(O)/%.o,$(filter-out server/main.c,$(wildcard server/*.c)))
CLIENT_OBJ = $(patsubst %.c,$(O)/%.o,$(filter-out client/main.c,$(wildcard client/*.c)))

UNIT_TESTS = $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(wildcard tests/unit/*.c))
INTEG_TESTS = $(patsubst tests/integ/%.c,$(O)/tests/integ/%,$(wildcard tests/integ/*.c))
SCRIPT_TESTS = $(wildcard tests/scripts/*.sh)

.PHONY: all test tests install uninstall clean format check-format

all: $(BINDIR)/chatd $(BINDIR)/chat

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Iserver -Iclient -Itests -c -o $@ $<

$(O)/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^
$(O)/libserver.a: $(SERVER_OBJ)
	$(AR) rcs $@ $^
$(O)/libclient.a: $(CLIENT_OBJ)
	$(AR) rcs $@ $^

$(BINDIR)/chatd: $(O)/server/main.o $(O)/libserver.a $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BINDIR)/chat: $(O)/client/main.o $(O)/libclient.a $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

TEST_LIBS = $(O)/libserver.a $(O)/libclient.a $(O)/libcommon.a

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(O)/tests/check_main.o $(TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS)

$(O)/tests/integ/%: $(O)/tests/integ/%.o $(O)/tests/check_main.o \
    $(O)/tests/harness.o $(TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS)

tests: all $(UNIT_TESTS) $(INTEG_TESTS)

# Each test program prints Check's summary; the run fails if any failed.
test: tests
	@command -v pkg-config >/dev/null || \
		{ echo "pkg-config and check are needed: apt-get install -y check pkg-config"; exit 1; }
	@fail=0; \
	for t in $(UNIT_TESTS) $(INTEG_TESTS); do \
		echo "== $$t"; \
		CHATD=$(abspath $(BINDIR)/chatd) CHAT=$(abspath $(BINDIR)/chat) \
			$$t || fail=1; \
	done; \
	for s in $(SCRIPT_TESTS); do \
		echo "== $$s"; \
		CHATD=$(abspath $(BINDIR)/chatd) CHAT=$(abspath $(BINDIR)/chat) \
			bash $$s || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "make test: FAILED"; exit 1; fi; \
	echo "make test: all passed"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BINDIR)/chatd $(BINDIR)/chat $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/chatd.1 docs/chat.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/chatd $(DESTDIR)$(PREFIX)/bin/chat \
		$(DESTDIR)$(MANDIR)/man1/chatd.1 $(DESTDIR)$(MANDIR)/man1/chat.1

SOURCES = $(wildcard common/*.[ch] server/*.[ch] client/*.[ch] tests/*.[ch] \
	tests/*/*.[ch])

format:
	clang-format -i $(SOURCES)

check-format:
	clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
