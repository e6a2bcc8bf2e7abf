# shellcheck shell=bash
# scripts/bench-servers.sh: starts and stops the servers scripts/bench measures (sourced by it).
#
# Each start_* function starts one server on 127.0.0.1 on a free port, waits
# (bounded) until it is ready, and records it under a label: PORT[label],
# PID[label], KIND[label] (chatbench --target), BATCH[label] (chatbench
# --setup-batch) and, for chatd, LOG[label] (the name of its log in WORK). Everything started is stopped by stop_all. Needs from the
# caller: WORK (a private directory), log(), and the CHATD, CHATCEILING,
# REDIS_SERVER, NGIRCD and INSPIRCD program paths.

# shellcheck disable=SC2034 # scripts/bench reads them
declare -A PORT PID KIND BATCH LOG NOTE
STARTED=()

stop_pid() {
	local pid=$1 i
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

stop_all() {
	local label
	for label in "${STARTED[@]}"; do
		stop_pid "${PID[$label]:-}"
	done
}

# A port nothing listens on (ss when there is one; a start that fails to
# bind is retried on another port anyway).
random_port() {
	local port try
	for ((try = 0; try < 20; try++)); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! command -v ss >/dev/null ||
			[[ -z $(ss -Htln "sport = :$port" 2>/dev/null) ]]; then
			echo "$port"
			return
		fi
	done
	echo "$port"
}

# wait_log FILE REGEX PID: until FILE has a line matching REGEX (5 s at most,
# and not once PID has exited); prints the first match's captured port.
wait_log() {
	local file=$1 re=$2 pid=$3 i out
	for ((i = 0; i < 50; i++)); do
		out=$(sed -n "s/$re/\\1/p" "$file" 2>/dev/null | head -n 1)
		[[ -z $out ]] || { echo "$out"; return 0; }
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# can_connect PORT: something accepts TCP connections there.
can_connect() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# record LABEL KIND PORT PID BATCH [CHATD-LOG]
record() {
	local label=$1 kind=$2 port=$3 pid=$4 batch=$5
	[[ -z ${6:-} ]] || LOG[$label]=$6
	# shellcheck disable=SC2034 # scripts/bench reads them
	PORT[$label]=$port
	PID[$label]=$pid
	# shellcheck disable=SC2034
	KIND[$label]=$kind
	# shellcheck disable=SC2034
	BATCH[$label]=$batch
	STARTED+=("$label")
}

# start_chatd LABEL ARGS...: a chatd with these options on a free port; 1
# (with its log kept) when it refuses them or does not start.
start_chatd() {
	local label=$1 pid port
	shift
	: >"$WORK/$label.log"
	"$CHATD" -p 0 -b 127.0.0.1 "$@" 2>>"$WORK/$label.log" &
	pid=$!
	if ! port=$(wait_log "$WORK/$label.log" \
		'.* listening on 127\.0\.0\.1:\([0-9][0-9]*\)$' "$pid"); then
		stop_pid "$pid"
		return 1
	fi
	record "$label" chatd "$port" "$pid" 64 "$label"
	log "$label: pid $pid, 127.0.0.1:$port (chatd $*)"
}

# Wait (at most 30 s) until the chatd under label has let go of the last
# run's clients (SIGUSR1 stats), so the next run neither hits -m nor shares
# the loop with their quits. Only a stats line logged after our signal
# counts: a chatd still busy telling 10,000 quits answers late, and the
# line of an earlier call would say clients=0. 1 when it is gone.
chatd_idle() {
	local label=$1 pid=${PID[$1]} i before n=""
	local file=$WORK/${LOG[$label]}.log
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		before=$(grep -c ' stats: clients=' "$file" || true)
		kill -USR1 "$pid"
		sleep 0.2
		while (($(grep -c ' stats: clients=' "$file" || true) <= before)); do
			kill -0 "$pid" 2>/dev/null || return 1
			((++i < 150)) || break 2
			sleep 0.2
		done
		n=$(sed -n 's/.* stats: clients=\([0-9]*\) .*/\1/p' "$file" |
			tail -n 1)
		[[ $n != 0 ]] || return 0
	done
	log "scripts/bench: $label still reports clients=$n after 30 s"
}

# The CPU ticks (utime + stime) a process has used.
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo -1; return; }
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split the fields on purpose
	set -- $stat
	echo $((${12} + ${13}))
}

# Wait (at most 30 s) until a server has used no CPU for half a second:
# an IRC server may still be sending the last run's N*(N-1)/2 QUITs.
server_quiet() {
	local pid=$1 i a b quiet=0
	a=$(cpu_ticks "$pid")
	for ((i = 0; i < 120; i++)); do
		sleep 0.25
		b=$(cpu_ticks "$pid")
		((b >= 0)) || return 1
		if ((b == a)); then
			((++quiet < 2)) || return 0
		else
			quiet=0
		fi
		a=$b
	done
	log "scripts/bench: pid $pid still busy after 30 s"
}

# probe_irc PORT: the server answers NICK/USER with a 001 welcome.
probe_irc() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "NICK x\r\nUSER x 0 * :x\r\n" >&3
		while IFS= read -r -t 3 line <&3; do
			case $line in *" 001 "*) exit 0 ;; esac
		done
		exit 1' probe "$1" 2>/dev/null
}

start_redis() {
	local maxclients=$1 try port pid
	for ((try = 0; try < 5; try++)); do
		port=$(random_port)
		: >"$WORK/redis.log"
		"$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' \
			--appendonly no --daemonize no --maxclients "$maxclients" \
			--logfile "$WORK/redis.log" &
		pid=$!
		if wait_log "$WORK/redis.log" '.*\(Ready\) to accept connections.*' \
			"$pid" >/dev/null; then
			record redis redis "$port" "$pid" 64
			log "redis: pid $pid, 127.0.0.1:$port ($("$REDIS_SERVER" --version | cut -d' ' -f3), maxclients $maxclients)"
			return 0
		fi
		stop_pid "$pid"
	done
	log "scripts/bench: redis-server did not start; its log:"
	cat "$WORK/redis.log" >&2
	return 1
}

start_ceiling() {
	local pid port
	: >"$WORK/ceiling.log"
	"$CHATCEILING" -p 0 >>"$WORK/ceiling.log" 2>&1 &
	pid=$!
	if ! port=$(wait_log "$WORK/ceiling.log" \
		'^chatceiling: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$' "$pid"); then
		log "scripts/bench: chatceiling did not start; its log:"
		cat "$WORK/ceiling.log" >&2
		stop_pid "$pid"
		return 1
	fi
	record ceiling lines "$port" "$pid" 64
	log "ceiling: pid $pid, 127.0.0.1:$port (bin/chatceiling)"
}

# ngIRCd with every limit we can lift: no penalty time (MaxPenaltyTime = 0
# turns command penalties off), user mode F on every client (10 instead of 3
# commands per client per pass, no throttling), no connection caps, no DNS,
# ident or PAM, and no snippets from /etc/ngircd/conf.d.
start_ngircd() {
	local dir=$WORK/ngircd try port pid
	mkdir -p "$dir/conf.d"
	for ((try = 0; try < 5; try++)); do
		port=$(random_port)
		cat >"$dir/ngircd.conf" <<EOF
[Global]
	Name = bench.ngircd
	Info = chatbench
	AdminInfo1 = chatbench
	AdminInfo2 = loopback
	AdminEMail = bench@localhost
	Listen = 127.0.0.1
	Ports = $port
	MotdPhrase = "bench"
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 16
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
	DefaultUserModes = F
	IncludeDir = $dir/conf.d
EOF
		: >"$dir/ngircd.log"
		"$NGIRCD" -n -f "$dir/ngircd.conf" >>"$dir/ngircd.log" 2>&1 &
		pid=$!
		if wait_log "$dir/ngircd.log" '.*Now listening on \[127\.0\.0\.1\]:\([0-9]*\).*' \
			"$pid" >/dev/null && can_connect "$port"; then
			# ngIRCd listens with a backlog of 10: set up 8 at a time.
			record ngircd irc "$port" "$pid" 8
			log "ngircd: pid $pid, 127.0.0.1:$port ($("$NGIRCD" --version | head -n 1 | cut -d- -f1))"
			return 0
		fi
		stop_pid "$pid"
	done
	log "scripts/bench: ngircd did not start; its log:"
	cat "$dir/ngircd.log" >&2
	return 1
}

# InspIRCd refuses to run as root: as root it runs as the user chatbench
# (created here when missing), under setpriv so that its PID is ours.
inspircd_user() {
	if (($(id -u) != 0)); then
		return 0
	fi
	id chatbench >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin chatbench >/dev/null ||
		{ log "scripts/bench: cannot create the user chatbench for inspircd"; return 1; }
	chmod 711 "$WORK"
}

# InspIRCd with a connect class that never throttles: no clone limits,
# send and receive queues far above the run's needs, a penalty threshold
# no run reaches (and fakelag off, so reaching it would show as a
# disconnect), no DNS or ident; a deep accept queue, no modules.
start_inspircd() {
	local dir=$WORK/inspircd try port pid asuser=()
	inspircd_user || return 1
	mkdir -p "$dir"
	echo bench >"$dir/motd.txt"
	(($(id -u) != 0)) ||
		asuser=(setpriv --reuid=chatbench --regid=chatbench --clear-groups --)
	for ((try = 0; try < 5; try++)); do
		port=$(random_port)
		cat >"$dir/inspircd.conf" <<EOF
<server name="bench.inspircd" description="chatbench" network="bench">
<admin name="chatbench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$port" type="clients">
<connect name="bench" allow="*" timeout="120" pingfreq="600"
         hardsendq="64M" softsendq="64M" recvq="1M"
         threshold="1000000" commandrate="1000000000" fakelag="no"
         localmax="100000" globalmax="100000" limit="100000"
         maxchans="20" maxconnwarn="no" resolvehostnames="no" useident="no">
<files motd="$dir/motd.txt">
<dns server="127.0.0.1" timeout="1">
<pid file="$dir/inspircd.pid">
<performance netbuffersize="65536" somaxconn="4096" softlimit="100000"
             clonesonconnect="no" quietbursts="yes">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$dir/ircd.log">
EOF
		[[ ${#asuser[@]} -eq 0 ]] || chown -R chatbench "$dir"
		: >"$dir/inspircd.out"
		"${asuser[@]}" "$INSPIRCD" --config="$dir/inspircd.conf" --nofork \
			>>"$dir/inspircd.out" 2>&1 &
		pid=$!
		if wait_log "$dir/inspircd.out" '.*\(is now running\).*' "$pid" \
			>/dev/null && can_connect "$port"; then
			# It completes registrations once a second: big batches.
			record inspircd irc "$port" "$pid" 1024
			log "inspircd: pid $pid, 127.0.0.1:$port ($("$INSPIRCD" --version 2>&1 | head -n 1))"
			return 0
		fi
		stop_pid "$pid"
	done
	log "scripts/bench: inspircd did not start; its output:"
	cat "$dir/inspircd.out" >&2
	return 1
}
