#!/usr/bin/env bash
# Fuzzes the engine's decoders and input pipelines with Jazzer, one target after another, each
# for a bounded time (the long run; `mvn test` only replays the checked-in corpora).
#
#   memberlist-engine/fuzz.sh [SECONDS_PER_TARGET] [TARGET_REGEX]   fuzz (default 60 s, every target)
#   memberlist-engine/fuzz.sh merge [TARGET_REGEX]                  minimise the corpus into the seeds
#
# Targets are the @FuzzTest methods of WireFuzzTest, SecurityFuzzTest and PipelineFuzzTest, named
# Class#method. Each run resumes from the target's checked-in seeds
# (src/test/resources/<package>/<Class>Inputs/<method>/) and its working corpus
# (.cifuzz-corpus/<class>/<method>/, ignored by git), and stops at the first finding. Logs, the
# crashing inputs and summary.md (executions and coverage per target) go to target/fuzz/.
#
# `merge` runs libFuzzer's -merge=1 over seeds and working corpus, on edges only (-use_counters=0,
# which keeps the corpus small), and writes the inputs that cover them all back into the seed
# directories; seeds named go-* (Go's wire vectors) and crash-* (reproducers of fixed findings)
# are always kept as they are.
set -euo pipefail
cd "$(dirname "$0")"
ENGINE=$(pwd)
OUT=$ENGINE/target/fuzz
mkdir -p "$OUT"

TARGETS=(
  wire.WireFuzzTest#ping wire.WireFuzzTest#indirectPing wire.WireFuzzTest#ack wire.WireFuzzTest#nack
  wire.WireFuzzTest#err wire.WireFuzzTest#suspect wire.WireFuzzTest#alive wire.WireFuzzTest#dead
  wire.WireFuzzTest#pushPullHeader wire.WireFuzzTest#userMsgHeader wire.WireFuzzTest#pushNodeState
  wire.WireFuzzTest#compress wire.WireFuzzTest#decodePushPull wire.WireFuzzTest#decodeUserMsgStream
  wire.WireFuzzTest#compound wire.WireFuzzTest#decompressPayload wire.WireFuzzTest#lzw
  wire.WireFuzzTest#label wire.WireFuzzTest#frameLength
  security.SecurityFuzzTest#decryptPayload
  PipelineFuzzTest#ingestPacket PipelineFuzzTest#stream
)

MODE=fuzz
if [[ "${1:-}" == merge ]]; then
  MODE=merge
  shift
  FILTER=${1:-.}
else
  SECS=${1:-60}
  FILTER=${2:-.}
fi

# Test classes and the test class path, built once.
(cd .. && mvn -B -q -pl memberlist-engine test-compile dependency:build-classpath \
  -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test)
CP="$ENGINE/target/test-classes:$ENGINE/target/classes:$(cat "$OUT/classpath.txt")"

jazzer() {
  local class=$1 method=$2
  shift 2
  java -Xmx512m -cp "$CP" com.code_intelligence.jazzer.Jazzer \
    --target_class="$class" --target_method="$method" \
    --instrumentation_includes='dev.memberlist.**:org.msgpack.**' \
    --custom_hook_includes='dev.memberlist.**' \
    -timeout=10 "$@"
}

if [[ $MODE == fuzz ]]; then
  SUMMARY=$OUT/summary.md
  {
    echo "| target | executions | seconds | exec/s | cov | ft | corpus | result |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
  } > "$SUMMARY"
fi

for t in "${TARGETS[@]}"; do
  [[ $t =~ $FILTER ]] || continue
  rel=${t%%#*}
  method=${t##*#}
  class=dev.memberlist.engine.$rel
  simple=${rel##*.}
  pkgdir=$(dirname "src/test/resources/${class//.//}")
  seeds=$ENGINE/$pkgdir/${simple}Inputs/$method
  corpus=$ENGINE/.cifuzz-corpus/$class/$method
  mkdir -p "$seeds" "$corpus"
  log=$OUT/$simple-$method.log

  if [[ $MODE == merge ]]; then
    merged=$(mktemp -d)
    tmpin=$(mktemp -d)
    find "$seeds" -maxdepth 1 -type f ! -name 'go-*' ! -name 'crash-*' -exec cp {} "$tmpin"/ \;
    jazzer "$class" "$method" -merge=1 -use_counters=0 "$merged" "$tmpin" "$corpus" > "$OUT/$simple-$method.merge.log" 2>&1
    find "$seeds" -maxdepth 1 -type f ! -name 'go-*' ! -name 'crash-*' -delete
    cp "$merged"/* "$seeds"/ 2>/dev/null || true
    rm -rf "$merged" "$tmpin"
    echo "$t: $(ls "$seeds" | wc -l) seeds, $(du -sk "$seeds" | cut -f1) KiB"
    continue
  fi

  crashes=$OUT/crashes/$simple-$method
  mkdir -p "$crashes"
  echo "fuzzing $t for ${SECS}s" >&2
  rc=0
  jazzer "$class" "$method" -max_total_time="$SECS" -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "$seeds" > "$log" 2>&1 || rc=$?
  runs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -aoE '[0-9]+' | head -1 || true)
  secs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -aoE '[0-9]+' | tail -1 || true)
  if [[ -z $runs ]]; then
    runs=$(grep -aoE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -aoE '[0-9]+$' || echo "?")
    secs=$SECS
  fi
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -aoE 'cov: [0-9]+' <<< "$last" | grep -aoE '[0-9]+' || echo "?")
  ft=$(grep -aoE 'ft: [0-9]+' <<< "$last" | grep -aoE '[0-9]+' || echo "?")
  corp=$(grep -aoE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<< "$last" | cut -d' ' -f2 || echo "?")
  eps=$(grep -aoE 'exec/s: [0-9]+' <<< "$last" | grep -aoE '[0-9]+' || echo "?")
  if [[ $rc == 0 ]]; then
    result=ok
  else
    result="FINDING (exit $rc): $(ls "$crashes" | head -3 | tr '\n' ' ')"
  fi
  echo "| $t | $runs | $secs | $eps | $cov | $ft | $corp | $result |" >> "$SUMMARY"
  tail -1 "$SUMMARY" >&2
done

if [[ $MODE == fuzz ]]; then
  cat "$SUMMARY"
fi
