# shellcheck shell=bash
# scripts/bench-cluster.sh: scripts/bench's cluster matrix (sourced by it): one chatd, a cluster node with every client, three nodes, Redis pub/sub.
#
# cluster-v1.md §5: deliveries/s with the senders on one node and the
# receivers spread over three, next to one node's and Redis's own pub/sub.
# For each N, side by side and in alternating order, RUNS runs of:
#   single   a chatd without --cluster, every client on it
#   node1    node 1 of a three-node cluster, every client on it (it still
#            publishes each message, and nodes 2 and 3 still replay it)
#   cluster  the same cluster, the senders on node 1, the receivers dealt
#            out over nodes 1, 2 and 3 (chatbench -p P1,P2,P3)
#   redis    chatbench's Redis target on the cluster's redis-server:
#            N subscribers, S publishers
# chatd is driven over IRC: NICK gives every client its own nick from
# the start, where the text protocol's guest nicks, handed out by each
# node on its own, clash across nodes and are renamed under the
# benchmark. CPU time is taken from /proc at the edges of the timed run
# (chatbench --at-start, --at-end) for every process that does work:
# each node and redis-server; Redis's own time per PUBLISH and per EVAL
# (the history add) comes from INFO commandstats at the same edges.
# Needs from scripts/bench: WORK, RUNS, SIZE, CLUSTER_DELIVERIES, MESSAGES,
# CLUSTER_NS, CHATD_ARGS, CHATBENCH, REDIS_SERVER, the functions of
# bench-servers.sh and field, values, median, spread, ratio, int, log.
# shellcheck disable=SC2034 # FAILED, SENDERS, MSGS: scripts/bench reads them

CLUSTER_NODES=3
CLUSTER_WINDOW=64
CLUSTER_SETTLE=0.5			# chatbench --settle: joins cross nodes late
CLUSTER_LABELS=(single node1 cluster redis)
REDIS_CLI=${REDIS_CLI:-redis-cli}
declare -A CPORTS CPIDS CKIND CREDIS

# The cluster: redis-server (label redis), nodes node-1..3 (labels
# cnode1..3) and a plain chatd (label single), with CHATD_ARGS and -m
# enough for the biggest N. Fills CPORTS (chatbench -p), CPIDS (the
# processes whose CPU counts), CKIND (--target) and CREDIS (the Redis
# port to read commandstats from, or empty) per benchmark label.
start_cluster() {
	local most=64 n i url ports=() pids=()
	for n in $CLUSTER_NS; do ((n + 64 <= most)) || most=$((n + 64)); done
	[[ -n ${PID[redis]:-} ]] || start_redis "$((most * 2 + 64))" || return 1
	url=redis://127.0.0.1:${PORT[redis]}
	for ((i = 1; i <= CLUSTER_NODES; i++)); do
		start_chatd "cnode$i" -m "$most" "${CHATD_ARGS[@]}" \
			--cluster "$url" --node-id "bench$i" || {
			log "scripts/bench: cluster node $i did not start; its log:"
			cat "$WORK/cnode$i.log" >&2
			return 1
		}
		ports+=("${PORT[cnode$i]}")
		pids+=("${PID[cnode$i]}")
	done
	cluster_linked || return 1
	start_chatd single -m "$most" "${CHATD_ARGS[@]}" || {
		log "scripts/bench: chatd did not start; its log:"
		cat "$WORK/single.log" >&2
		return 1
	}
	CPORTS[single]=${PORT[single]} CPIDS[single]=${PID[single]} CKIND[single]=irc CREDIS[single]=
	CPORTS[node1]=${ports[0]} CKIND[node1]=irc
	CPORTS[cluster]=$(IFS=,; echo "${ports[*]}") CKIND[cluster]=irc
	CPIDS[node1]="${pids[*]} ${PID[redis]}"
	CPIDS[cluster]=${CPIDS[node1]}
	CREDIS[node1]=${PORT[redis]} CREDIS[cluster]=${PORT[redis]}
	CPORTS[redis]=${PORT[redis]} CPIDS[redis]=${PID[redis]} CKIND[redis]=redis
	CREDIS[redis]=${PORT[redis]}
	# The hooks run under sh -c: a script of their own.
	cat >"$WORK/snap" <<EOF
#!/bin/sh
# snap OUT REDIS-PORT PID...: CPU ticks of each PID, Redis's PUBLISH and EVAL counters.
out=\$1 rport=\$2
shift 2
{
	for p in "\$@"; do
		echo "cpu \$p \$(sed 's/.*) //' /proc/\$p/stat | awk '{ print \$12 + \$13 }')"
	done
	[ -z "\$rport" ] || "$REDIS_CLI" -h 127.0.0.1 -p "\$rport" info commandstats | tr -d '\r' |
		sed -n 's/^cmdstat_\(publish\|eval\):calls=\([0-9]*\),usec=\([0-9]*\),.*/cmd \1 \2 \3/p'
} >"\$out"
EOF
	chmod +x "$WORK/snap"
}

# Every node has heard of the others (10 s at most).
cluster_linked() {
	local i t=$SECONDS
	for ((i = 1; i <= CLUSTER_NODES; i++)); do
		while (($(grep -c ' cluster: node .* is here$' "$WORK/cnode$i.log") < CLUSTER_NODES - 1)); do
			if ((SECONDS - t > 10)); then
				log "scripts/bench: cluster node $i did not hear of the others; its log:"
				cat "$WORK/cnode$i.log" >&2
				return 1
			fi
			sleep 0.1
		done
	done
	log "cluster: $CLUSTER_NODES nodes linked through redis in $((SECONDS - t)) s"
}

# Wait (at most 30 s) until the chatd under label reports no clients and
# no users, its copies of other nodes' users included, after our SIGUSR1.
cluster_node_idle() {
	local label=$1 pid=${PID[$1]} file=$WORK/$1.log i before line
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		before=$(grep -c ' stats: clients=' "$file" || true)
		kill -USR1 "$pid"
		sleep 0.1
		while (($(grep -c ' stats: clients=' "$file" || true) <= before)); do
			kill -0 "$pid" 2>/dev/null || return 1
			sleep 0.1
		done
		line=$(grep ' stats: clients=' "$file" | tail -n 1)
		[[ $line != *" clients=0 users=0 "* ]] || return 0
		sleep 0.2
	done
	log "scripts/bench: $label still has clients or users after 30 s: ${line#* stats: }"
}

cluster_idle() {
	local i
	cluster_node_idle single || return 1
	for ((i = 1; i <= CLUSTER_NODES; i++)); do
		cluster_node_idle "cnode$i" || return 1
	done
}

# snap_diff START END DELIVERIES SENT: the RESULT fields of the CPU spent
# between two snaps: cpu_ns (all processes, per delivery), cpu_P (each
# process, per delivery), redis_us_msg (redis-server's CPU per message
# sent), pub_us and eval_us (Redis's own time per call), pubs, evals.
snap_diff() {
	awk -v d="$3" -v sent="$4" -v hz="$(getconf CLK_TCK)" -v rpid="${PID[redis]}" '
		FNR == NR && $1 == "cpu" { a[$2] = $3; next }
		FNR == NR && $1 == "cmd" { c[$2] = $3; u[$2] = $4; next }
		$1 == "cpu" { t = ($3 - a[$2]) * 1e9 / hz; tot += t
			printf "cpu_%s=%.1f ", $2, (d > 0 ? t / d : 0)
			if ($2 == rpid && sent > 0) printf "redis_us_msg=%.2f ", t / 1000 / sent }
		$1 == "cmd" { n = $3 - c[$2]; us = $4 - u[$2]
			k = $2 == "publish" ? "pub" : $2
			printf "%ss=%d %s_us=%.2f ", k, n, k, (n > 0 ? us / n : 0) }
		END { printf "cpu_ns=%.1f\n", (d > 0 ? tot / d : 0) }' "$1" "$2"
}

# One chatbench run of label at N, appended to $WORK/results like run_one's.
cluster_run_one() {
	local label=$1 n=$2 s=$3 m=$4 run=$5 out rc=0 line load snap pids
	read -ra pids <<<"${CPIDS[$label]}"
	snap="$WORK/snap-$label-n$n-r$run"
	local args=(--target "${CKIND[$label]}" --port "${CPORTS[$label]}" -n "$n"
		-s "$s" -m "$m" --size "$SIZE" --window "$CLUSTER_WINDOW"
		--timeout "$RUN_TIMEOUT" --setup-timeout "$SETUP_TIMEOUT"
		--server-pid "${pids[0]}"
		--at-start "$WORK/snap $snap.start '${CREDIS[$label]}' ${pids[*]}"
		--at-end "$WORK/snap $snap.end '${CREDIS[$label]}' ${pids[*]}")
	[[ ${CKIND[$label]} == redis ]] || args+=(--settle "$CLUSTER_SETTLE")
	cluster_idle || {
		log "  a chatd died; the ends of their logs:"
		tail -n 5 "$WORK"/single.log "$WORK"/cnode*.log >&2
		FAILED=1
		return
	}
	server_quiet "${PID[redis]}" || true
	out="$WORK/cluster-$label-n$n-r$run.out"
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)
	timeout --kill-after=5 "$((RUN_TIMEOUT + SETUP_TIMEOUT + 30))" \
		"$CHATBENCH" "${args[@]}" >"$out" 2>&1 || rc=$?
	line=$(grep '^RESULT ' "$out" | tail -n 1 || true)
	[[ -n $line ]] || line="RESULT n=$n s=$s status=no-result"
	if [[ -s $snap.start && -s $snap.end ]]; then
		line="$line $(snap_diff "$snap.start" "$snap.end" "$(field deliveries "$line")" "$(field sent "$line")")"
	fi
	echo "$line matrix=cluster label=$label run=$run rc=$rc load=$load" >>"$WORK/results"
	if ((rc != 0)); then
		FAILED=1
		log "  $label N=$n run $run FAILED (exit $rc):"
		sed 's/^/    /' "$out" >&2
	else
		log "  $label N=$n run $run: $(field dps "$line") deliveries/s," \
			"p99 $(field p99_us "$line") us, CPU $(field cpu_ns "$line") ns/delivery" \
			"(redis $(field redis_us_msg "$line") us/message; load $load)"
	fi
}

run_cluster() {
	local n s m r label order
	start_cluster || exit 1
	log "== matrix cluster: ${CLUSTER_LABELS[*]}; N = $CLUSTER_NS; window $CLUSTER_WINDOW"
	for n in $CLUSTER_NS; do
		s=$(senders "$n" cluster)
		m=$(DELIVERIES=$CLUSTER_DELIVERIES messages "$n" "$s" cluster)
		SENDERS["cluster$n"]=$s
		MSGS["cluster$n"]=$m
		log "N=$n S=$s M=$m"
		for ((r = 1; r <= RUNS; r++)); do
			order=("${CLUSTER_LABELS[@]}")
			if ((r % 2 == 0)); then
				order=()
				for label in "${CLUSTER_LABELS[@]}"; do order=("$label" "${order[@]}"); done
			fi
			for label in "${order[@]}"; do
				cluster_run_one "$label" "$n" "$s" "$m" "$r"
			done
		done
	done
}

# The process of pid's column: n1, n2, n3 or redis.
cluster_col() { # LABEL N KEY
	local v
	v=$(med cluster "$1" "$2" "$3")
	[[ $v == - ]] && echo - || printf '%.0f\n' "$v"
}

print_cluster() {
	local n label d c i fmt="%5s %4s %6s  %-8s %10s %8s %8s %6s %6s | %7s %6s %6s %6s %6s | %7s %7s %7s\n"
	local cols
	echo
	echo "cluster: chatd alone (single), one cluster node with every client (node1), three" \
		"nodes with the senders on node 1 and the receivers dealt out over all three (cluster)," \
		"and Redis pub/sub (redis); IRC clients, $SIZE-byte messages, window $CLUSTER_WINDOW," \
		"median of $RUNS run(s); latency in ms; CPU in ns per delivery: every process" \
		"that works (total) and each one; redis us/msg = redis-server's CPU per message" \
		"posted; pub us, eval us = Redis's own time per PUBLISH and per EVAL (history add)"
	# shellcheck disable=SC2059
	printf "$fmt" N S M target "d/s" p50 p99 loss spread total n1 n2 n3 redis \
		"r us/msg" "pub us" "eval us"
	for n in $CLUSTER_NS; do
		for label in "${CLUSTER_LABELS[@]}"; do
			d=$(int "$(med cluster "$label" "$n" dps)")
			cols=()
			if [[ $label == single ]]; then
				cols=("$(cluster_col single "$n" "cpu_${PID[single]}")" - - -)
			elif [[ $label == redis ]]; then
				cols=(- - - "$(cluster_col redis "$n" "cpu_${PID[redis]}")")
			else
				for ((i = 1; i <= CLUSTER_NODES; i++)); do
					cols+=("$(cluster_col "$label" "$n" "cpu_${PID[cnode$i]}")")
				done
				cols+=("$(cluster_col "$label" "$n" "cpu_${PID[redis]}")")
			fi
			# shellcheck disable=SC2059
			printf "$fmt" "$n" "${SENDERS[cluster$n]}" "${MSGS[cluster$n]}" "$label" "$d" \
				"$(ms "$(med cluster "$label" "$n" p50_us)")" \
				"$(ms "$(med cluster "$label" "$n" p99_us)")" \
				"$(values cluster "$label" "$n" loss | sum)" \
				"$(values cluster "$label" "$n" dps | spread)" \
				"$(int "$(med cluster "$label" "$n" cpu_ns)")" "${cols[@]}" \
				"$(med cluster "$label" "$n" redis_us_msg)" \
				"$(med cluster "$label" "$n" pub_us)" "$(med cluster "$label" "$n" eval_us)"
		done
		c=$(med cluster cluster "$n" dps)
		echo "      ratios (d/s): cluster / single $(ratio "$c" "$(med cluster single "$n" dps)")," \
			"cluster / node1 $(ratio "$c" "$(med cluster node1 "$n" dps)")," \
			"node1 / single $(ratio "$(med cluster node1 "$n" dps)" "$(med cluster single "$n" dps)")," \
			"cluster / redis $(ratio "$c" "$(med cluster redis "$n" dps)");" \
			"CPU per delivery cluster / single $(ratio "$(med cluster cluster "$n" cpu_ns)" "$(med cluster single "$n" cpu_ns)")"
	done
	echo "chatd options: ${CHATD_ARGS[*]}; nodes: --cluster redis://127.0.0.1:${PORT[redis]} --node-id bench1..$CLUSTER_NODES"
}
