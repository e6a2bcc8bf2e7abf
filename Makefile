# Makefile for chatd (server) and chat (client). See README.md.
#   make                 bin/chatd, bin/chat
#   make test            every unit and integration test (Check)
#   make SAN=1 test      the same under AddressSanitizer + UBSan (bin/san/)
#   make mutate          one-line bugs the tests must catch (docs/TESTING.md)
#   make install PREFIX=/usr/local
#   make CLUSTER=0       without the cluster code (see below)
#
# The cluster build (cluster-v1.md, docs/CLUSTER.md): when pkg-config finds
# hiredis (Debian libhiredis-dev), CLUSTER is 1 and every server/*redis*.c
# file is compiled, with -DCHATD_CLUSTER for all files (the feature macro
# code tests) and hiredis's cflags for those files only; chatd and the
# tests link -lhiredis. CLUSTER=0, or no hiredis, builds the POSIX-only
# chatd with none of that. Changing CLUSTER rebuilds everything.

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

HAVE_HIREDIS := $(shell pkg-config --exists hiredis 2>/dev/null && echo 1 || echo 0)
CLUSTER ?= $(HAVE_HIREDIS)
# Every file with redis in its name is the cluster's: built only with hiredis.
REDIS_SRC = $(wildcard server/*redis*.c tests/*redis*.c tests/*/*redis*.c)
ifeq ($(CLUSTER),1)
ifneq ($(HAVE_HIREDIS),1)
$(error CLUSTER=1 needs hiredis and pkg-config: apt-get install -y libhiredis-dev pkg-config)
endif
CLUSTER_DEFS = -DCHATD_CLUSTER=1
HIREDIS_CFLAGS = $(shell pkg-config --cflags hiredis)
HIREDIS_LIBS = $(shell pkg-config --libs hiredis)
NOT_BUILT =
else
CLUSTER_DEFS =
HIREDIS_CFLAGS =
HIREDIS_LIBS =
NOT_BUILT = $(REDIS_SRC)
endif
built = $(filter-out $(NOT_BUILT),$(1))

O = build/$(VARIANT)
ALL_CFLAGS = $(STD) $(WARN) $(OPT) $(SANITIZER) $(CLUSTER_DEFS) -Icommon \
	-MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SANITIZER) $(LDFLAGS)
ALL_LIBS = $(HIREDIS_LIBS)

# Every object depends on this file, which changes only when the cluster
# setting does, so that switching CLUSTER rebuilds and relinks everything.
CONFIG_STAMP = $(O)/config.stamp
CONFIG_LINE = CLUSTER=$(CLUSTER) $(HIREDIS_CFLAGS) $(HIREDIS_LIBS)

CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) -lutil

COMMON_OBJ = $(patsubst %.c,$(O)/%.o,$(wildcard common/*.c))
SERVER_OBJ = $(patsubst %.c,$(O)/%.o,$(call built,$(filter-out server/main.c,$(wildcard server/*.c))))
CLIENT_OBJ = $(patsubst %.c,$(O)/%.o,$(filter-out client/main.c,$(wildcard client/*.c)))
REDIS_OBJ = $(patsubst %.c,$(O)/%.o,$(call built,$(REDIS_SRC)))

UNIT_TESTS = $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(call built,$(wildcard tests/unit/*.c)))
INTEG_TESTS = $(patsubst tests/integ/%.c,$(O)/tests/integ/%,$(call built,$(wildcard tests/integ/*.c)))
SCRIPT_TESTS = $(wildcard tests/scripts/*.sh)

.PHONY: all test test-cluster tests install uninstall clean format check-format \
	bench fuzz valgrind valgrind-ci lint soak soak-cluster scale mass mutate FORCE

all: $(BINDIR)/chatd $(BINDIR)/chat

$(CONFIG_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(CONFIG_LINE)' | cmp -s - $@ || echo '$(CONFIG_LINE)' > $@

# The files that include hiredis, and only they, get its flags.
$(REDIS_OBJ): OBJ_CFLAGS = $(HIREDIS_CFLAGS)

$(O)/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(OBJ_CFLAGS) -c -o $@ $<

$(O)/tests/%.o: tests/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(OBJ_CFLAGS) $(CHECK_CFLAGS) -Iserver -Iclient \
		-Itests -c -o $@ $<

$(O)/libcommon.a: $(COMMON_OBJ)
	rm -f $@ && $(AR) rcs $@ $^
$(O)/libserver.a: $(SERVER_OBJ)
	rm -f $@ && $(AR) rcs $@ $^
$(O)/libclient.a: $(CLIENT_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BINDIR)/chatd: $(O)/server/main.o $(O)/libserver.a $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BINDIR)/chat: $(O)/client/main.o $(O)/libclient.a $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

TEST_LIBS = $(O)/libserver.a $(O)/libclient.a $(O)/libcommon.a

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(O)/tests/check_main.o $(TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(ALL_LIBS)

# Support code every integration suite links: tests/*.c but check_main.c.
TEST_SUPPORT = $(patsubst %.c,$(O)/%.o,$(call built,$(filter-out tests/check_main.c,$(wildcard tests/*.c))))

$(O)/tests/integ/%: $(O)/tests/integ/%.o $(O)/tests/check_main.o \
    $(TEST_SUPPORT) $(TEST_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(ALL_LIBS)

tests: all $(UNIT_TESTS) $(INTEG_TESTS)

# Check's variables from the caller's environment (or this command line)
# must not change what runs; check_main.c and tests/run-suites clear the
# rest of CK_*.
unexport CK_RUN_CASE CK_RUN_SUITE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS CK_FORK \
	CK_VERBOSITY CK_DEFAULT_TIMEOUT CK_TIMEOUT_MULTIPLIER CK_TAP_LOG_FILE_NAME \
	CK_XML_LOG_FILE_NAME CK_LOG_FILE_NAME CK_MAX_MSG_SIZE

# tests/run-suites runs every program and script, prints the checks run,
# failed and skipped per suite, and fails on a failure or a suite that ran
# no checks.
# Every integration suite runs once per backend in TEST_IO (CI adds poll).
TEST_IO ?= select epoll

test: tests
	@command -v pkg-config >/dev/null || \
		{ echo "pkg-config and check are needed: apt-get install -y check pkg-config"; exit 1; }
	@CHATD=$(abspath $(BINDIR)/chatd) CHAT=$(abspath $(BINDIR)/chat) \
		bash tests/run-suites "make test" $(UNIT_TESTS) \
		$(foreach io,$(TEST_IO),--io=$(io) $(INTEG_TESTS)) --io= $(SCRIPT_TESTS)

# The Redis and cluster suites alone (the cluster build): CI runs them
# under the sanitizers, which its POSIX-only sanitizer run cannot.
redis_only = $(foreach t,$(1),$(if $(findstring redis,$(notdir $(t))),$(t)))
CLUSTER_UNIT = $(call redis_only,$(UNIT_TESTS))
CLUSTER_INTEG = $(call redis_only,$(INTEG_TESTS))
test-cluster: all $(CLUSTER_UNIT) $(CLUSTER_INTEG)
	@test -n "$(CLUSTER_INTEG)" || { echo "test-cluster: no cluster suites (CLUSTER=0?)"; exit 1; }
	@CHATD=$(abspath $(BINDIR)/chatd) CHAT=$(abspath $(BINDIR)/chat) \
		bash tests/run-suites "make test-cluster" $(CLUSTER_UNIT) \
		$(foreach io,$(TEST_IO),--io=$(io) $(CLUSTER_INTEG))

# Mutation check (scripts/mutate, tests/mutations): each one-line bug of
# the list, built in a scratch copy of the tree, must make one of its
# suites fail. MUTATE_ARGS: --subset K/N, --only ID..., --ci, --list.
MUTATE_ARGS ?=
mutate:
	bash scripts/mutate $(MUTATE_ARGS)

# Benchmark: bin/chatbench (bench/*.c but ceiling.c), bin/chatceiling
# (bench/ceiling.c, the fastest fan-out server we can write, the ceiling to
# read chatd's numbers against) and scripts/bench's matrices: chatd against
# Redis pub/sub and, when installed, ngIRCd and InspIRCd; then (--scale)
# chatd's I/O backends, the ceiling and Redis up to 10,000 clients.
BENCH_OBJ = $(patsubst %.c,$(O)/%.o,$(filter-out bench/ceiling.c,$(wildcard bench/*.c)))

$(BINDIR)/chatbench: $(BENCH_OBJ) $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lm

$(BINDIR)/chatceiling: $(O)/bench/ceiling.o $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

bench: all $(BINDIR)/chatbench $(BINDIR)/chatceiling
	bash scripts/bench
	bash scripts/bench --scale
	@if command -v redis-server >/dev/null; then bash scripts/bench --cluster; \
	else echo "bench: no redis-server, so no cluster figure (apt-get install -y redis-server)"; fi

# Scale (issue 12): bin/chatscale puts SCALE_N plain-text clients (10,000)
# on one chatd --io SCALE_IO (epoll) in 100 rooms of 100 and checks
# delivery, memory per idle client and idle CPU, and that --io select
# refuses that many; it raises the open-file limit for itself and chatd,
# and SKIPs (under CI=true: fails) when it cannot. bin/chatmass measures
# mass joins and mass quits in one room: scripts/mass, a benchmark.
SCALE_N ?= 10000
SCALE_IO ?= epoll
SCALE_OBJ = $(O)/tests/scale/swarm.o $(O)/tests/scale/proc.o

$(BINDIR)/chatscale: $(O)/tests/scale/chatscale.o \
    $(O)/tests/scale/chatscale_main.o $(SCALE_OBJ) $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BINDIR)/chatmass: $(O)/tests/scale/chatmass.o \
    $(O)/tests/scale/mass_wire.o $(SCALE_OBJ) $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

scale: all $(BINDIR)/chatscale
	CHATD=$(abspath $(BINDIR)/chatd) $(BINDIR)/chatscale -n $(SCALE_N) \
		--io $(SCALE_IO)

# The mass-event benchmark (not a test): MASS_N clients in one room.
MASS_N ?= 1000 10000
mass: all $(BINDIR)/chatmass
	CHATD=$(abspath $(BINDIR)/chatd) CHATMASS=$(abspath $(BINDIR)/chatmass) \
		bash scripts/mass --n "$(MASS_N)"

# Fuzzing (clang/libFuzzer): every tests/fuzz/fuzz_*.c is a target with its
# seed corpus in tests/fuzz/NAME/; each runs for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = $(STD) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Icommon -Iserver -Iclient -Itests
# The fuzz targets are POSIX-only builds: no hiredis, no cluster files.
FUZZ_SRC = $(wildcard common/*.c) \
	$(filter-out server/main.c $(REDIS_SRC),$(wildcard server/*.c)) \
	$(filter-out client/main.c,$(wildcard client/*.c))
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) $(wildcard common/*.h server/*.h client/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC)

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t); mkdir -p build/fuzz/corpus/$$n; \
		echo "== $$n for $(FUZZ_SECONDS)s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=build/fuzz/$$n- \
			build/fuzz/corpus/$$n tests/fuzz/$$n || exit 1; \
	done

# Soak: bin/chatsoak (soak/*.c) drives one chatd with a mix of good and bad
# clients for SOAK_SECONDS and checks nothing was lost or leaked.
SOAK_SECONDS ?= 60
SOAK_OBJ = $(patsubst %.c,$(O)/%.o,$(wildcard soak/*.c))

$(BINDIR)/chatsoak: $(SOAK_OBJ) $(O)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

soak: all $(BINDIR)/chatsoak
	CHATD=$(abspath $(BINDIR)/chatd) CHATSOAK=$(abspath $(BINDIR)/chatsoak) \
		bash scripts/soak --seconds $(SOAK_SECONDS)

# The same mix over three chatd nodes linked through a redis-server of its
# own (scripts/soak --cluster; needs the cluster build and redis-server).
soak-cluster: all $(BINDIR)/chatsoak
	CHATD=$(abspath $(BINDIR)/chatd) CHATSOAK=$(abspath $(BINDIR)/chatsoak) \
		bash scripts/soak --cluster --seconds $(SOAK_SECONDS)

# Every integration suite with chatd and chat under valgrind memcheck: no
# errors, no definitely or indirectly lost bytes (logs in build/valgrind/).
# VALGRIND_SUITES="test_basic ..." runs only those; make valgrind-ci runs
# the ones CI has time for (about a third of the time of all of them: each
# area of the code once, in both protocols, the client and Redis).
VALGRIND_SUITES ?=
VALGRIND_TESTS = $(if $(strip $(VALGRIND_SUITES)),$(filter \
	$(addprefix $(O)/tests/integ/,$(VALGRIND_SUITES)),$(INTEG_TESTS)),$(INTEG_TESTS))
VALGRIND_CI_SUITES = test_basic test_commands test_access test_limits \
	test_history_text test_mass test_fdlimits test_irc_mixed \
	test_irc_commands test_irc_chan test_irc_cap test_irc_history \
	test_v2_telnet test_v2_topic_kick test_client_chatd test_client_tty \
	test_redis_link test_redis_link_faults test_history_redis \
	test_history_redis_store

valgrind-ci:
	$(MAKE) valgrind VALGRIND_SUITES="$(VALGRIND_CI_SUITES)"

valgrind: tests
	@command -v valgrind >/dev/null || { echo "apt-get install -y valgrind"; exit 1; }
	@rm -rf build/valgrind; mkdir -p build/valgrind; fail=0; \
	VALGRIND=1 VALGRIND_BINDIR=$(abspath $(BINDIR)) \
		VALGRIND_LOGDIR=$(abspath build/valgrind) \
		CHATD=$(abspath tests/valgrind/chatd) \
		CHAT=$(abspath tests/valgrind/chat) \
		bash tests/run-suites "make valgrind" $(VALGRIND_TESTS) || fail=1; \
	for f in build/valgrind/*.log; do \
		[ -s "$$f" ] || continue; echo "== $$f"; cat "$$f"; fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "make valgrind: FAILED"; exit 1; fi; \
	echo "make valgrind: no errors, no leaks"

# Static analysis: cppcheck and clang's analyzer over every C file.
# variableScope is off: declarations go at the top of a function (style(9)).
QUEUE_H = $(firstword $(wildcard /usr/include/sys/queue.h /usr/include/*/sys/queue.h))
# The cluster files are checked when they are built, with hiredis's flags.
LINT_SRC = $(call built,$(wildcard common/*.c server/*.c client/*.c bench/*.c soak/*.c \
	tests/*.c tests/*/*.c))

# Both run one job per CPU: lint is in CI's time budget.
NPROC := $(shell nproc 2>/dev/null || echo 2)
LINT_CLANG = clang --analyze $(STD) $(CLUSTER_DEFS) $(HIREDIS_CFLAGS) \
	-Icommon -Iserver -Iclient -Itests $(CHECK_CFLAGS) \
	-Xclang -analyzer-output=text -o /dev/null

lint:
	cppcheck -j $(NPROC) --enable=warning,style,performance,portability --std=c11 \
		-D_POSIX_C_SOURCE=200809L $(CLUSTER_DEFS) --inline-suppr \
		--suppress=variableScope \
		--include=$(QUEUE_H) --error-exitcode=1 -q \
		-Icommon -Iserver -Iclient -Itests $(LINT_SRC)
	@printf '%s\n' $(LINT_SRC) | xargs -P $(NPROC) -I{} sh -c \
		'out=$$($(LINT_CLANG) "$$1" 2>&1); [ -z "$$out" ] || { echo "$$out"; exit 1; }' \
		sh {} && echo "make lint: cppcheck and clang --analyze clean"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BINDIR)/chatd $(BINDIR)/chat $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/chatd.1 docs/chat.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/chatd $(DESTDIR)$(PREFIX)/bin/chat \
		$(DESTDIR)$(MANDIR)/man1/chatd.1 $(DESTDIR)$(MANDIR)/man1/chat.1

SOURCES = $(wildcard common/*.[ch] server/*.[ch] client/*.[ch] bench/*.[ch] soak/*.[ch] \
	tests/*.[ch] \
	tests/*/*.[ch])

format:
	clang-format -i $(SOURCES)

check-format:
	clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
