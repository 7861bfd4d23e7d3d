#!/usr/bin/env bash
# Runs a benchmark profile and writes its JMH JSON to jmh/results/<profile>-<date>.json.
#
#   jmh/run.sh quick            # about 3 minutes on a 2-core machine: the main comparison, get and put
#   jmh/run.sh full             # about 25 minutes: the peer comparison, every parameter
#   jmh/run.sh features         # about 15 minutes: migration, hot keys, batching, indexes (one JSON per class)
#   jmh/run.sh quick -prof stack   # extra arguments go to JMH as they are
#
# Builds jmh/target/benchmarks.jar first when it is missing or older than a source file. Starts
# the JVM with @jmh/target/jvm.flags (the root pom's slotgrid.jvm.flags, filtered at build time);
# JMH forks inherit the host JVM's flags. The build and the run each hold the machine's benchmark
# lock ($SLOTGRID_LOCK, default /tmp/slotgrid-mvn.lock) so that no other CPU-heavy job disturbs them.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

profile="${1:-}"
[[ $# -gt 0 ]] && shift
lock="${SLOTGRID_LOCK:-/tmp/slotgrid-mvn.lock}"
jar=jmh/target/benchmarks.jar

locked() {
    if command -v flock >/dev/null; then
        flock "$lock" "$@"
    else
        "$@"
    fi
}

case "$profile" in
    quick)
        # KeySlot at one length; get and put on one thread, uniform keys, every implementation.
        selection=('KeySlotBenchmark' 'MapBenchmark\.(get|put)_1t$'
                   -p keyLength=24 -p tagged=false -p keys=uniform
                   -f 1 -wi 2 -w 1s -i 3 -r 1s)
        ;;
    full)
        # Everything: 24 KeySlot, 108 MapBenchmark and 10 GetCostBenchmark trials.
        selection=('KeySlotBenchmark' 'MapBenchmark' 'GetCostBenchmark'
                   -f 1 -wi 2 -w 1s -i 3 -r 1s)
        ;;
    features)
        # The feature benchmarks, each with the settings docs/benchmarks.md publishes; run below.
        selection=()
        ;;
    *)
        echo "usage: jmh/run.sh quick|full|features [extra JMH arguments]" >&2
        exit 2
        ;;
esac

if [[ ! -f $jar ]] || [[ -n "$(find pom.xml {spi,slot-table,hot-key,grid-core,jmh}/{pom.xml,src/main} -newer "$jar" -type f -print -quit)" ]]; then
    echo "building $jar" >&2
    locked mvn -B -q -pl jmh -am package -DskipTests
fi

mkdir -p jmh/results
stamp="$(date -u +%Y-%m-%dT%H%MZ)"
if [[ $profile == features ]]; then
    jmh=(java @jmh/target/jvm.flags -jar "$jar")
    # issue 3: the 95/5 mix with and without continuous migration; 2 forks, 2 s iterations
    locked "${jmh[@]}" MigrationBenchmark -f 2 -wi 3 -i 5 -r 2s -prof gc -rf json \
        -rff "jmh/results/migration-$stamp.json" "$@"
    # issue 6: node-load skew without and with hot-key handling; the cost of detection on gets (10 forks:
    # a single-threaded get is bimodal by JVM launch here, see docs/benchmarks.md)
    locked "${jmh[@]}" 'HotKeyBenchmark.skew_3t' -rf json -rff "jmh/results/hotkey-skew-$stamp.json" "$@"
    locked "${jmh[@]}" 'HotKeyBenchmark.get_1t' -p detection=off,on -p handling=off -p workload=celebrity -f 10 -wi 3 -i 3 \
        -rf json -rff "jmh/results/hotkey-detection-$stamp.json" "$@"
    # issue 6: request batching on and off (asynchronous gets in windows of 32)
    locked "${jmh[@]}" CoalescingBenchmark -prof gc -rf json -rff "jmh/results/coalescing-$stamp.json" "$@"
    # issue 7: exact-match latency LOCAL vs GLOBAL on 3 and 8 nodes, write cost per index kind
    locked "${jmh[@]}" IndexQueryBenchmark -prof gc -rf json -rff "jmh/results/index-$stamp.json" "$@"
    exit 0
fi
out="jmh/results/$profile-$stamp.json"
echo "writing $out" >&2
# -prof gc: allocation per operation (gc.alloc.rate.norm) beside every score.
locked java @jmh/target/jvm.flags -jar "$jar" "${selection[@]}" -prof gc -rf json -rff "$out" "$@"
python3 jmh/report.py check "$out"
