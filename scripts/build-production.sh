#!/usr/bin/env bash
# The build the processor deploys: the `production` profile (fat LTO, Cargo.toml) optimised
# with a profile of the program's own work (PGO). An instrumented build first does what the
# processor does all day, on simulated traffic of another seed and period than the
# benchmarks: ingest archives with their Ketendata, compute the indicators, export, and serve
# the dashboards and the API. The final build then uses what it counted: which branches are
# taken, which functions are hot, and which are cold (docs/performance.md, 2026-12-07).
#
#   scripts/build-production.sh      ->  target/pgo/production/ketenzicht
#
# About 13 minutes on 2 cores. Needs what the build needs, plus rustup's `llvm-tools`
# component (installed here) for llvm-profdata. Without PGO: cargo build --profile production.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add llvm-tools > /dev/null
host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT

echo "1/4 instrumented build (target/pgo-generate)"
RUSTFLAGS="-Cprofile-generate=$work/profiles" \
    cargo build --profile production --locked -p ketenzicht --target-dir target/pgo-generate
bin=target/pgo-generate/production/ketenzicht
rm -rf "$work/profiles" # what the build scripts counted while building

echo "2/4 training: simulate, ingest, Ketendata, indicators, export, serve"
"$bin" simulate --scale regio --from 2022-01-01 --to 2022-04-30 --seed 7 --layout archive --out "$work/regio"
gemeenten=$(ls "$work/regio/berichten")
"$bin" orders add --store "$work/store" --datum 2020-01-01 --door pgo \
    --product monitor-stuurinformatie ketendata-iwmo ketendata-ijw --gemeente $gemeenten > /dev/null
# Exit code 1: some input went to quarantine, as the simulator means some to.
ingest() { "$bin" ingest "$@" > /dev/null || [ $? -eq 1 ]; }
ingest "$work/regio" --store "$work/store"
ingest "$work/regio" --store "$work/store" # everything again: duplicates
first=$(echo "$gemeenten" | head -1)
"$bin" indicators --store "$work/store" --to 2022-04-30 --per aanbieder,maand --format json > /dev/null
"$bin" indicators --store "$work/store" --to 2022-04-30 --format csv-excel-nl > /dev/null
"$bin" export --store "$work/store" --gemeente "$first" --format parquet --out "$work/export" > /dev/null
"$bin" export --store "$work/store" --gemeente "$first" --format csv-excel-nl --out "$work/export-csv" > /dev/null
"$bin" demo --dir "$work/demo" --maanden 3 --no-serve > /dev/null
port=18287
"$bin" serve --store "$work/demo/store" --bind 127.0.0.1:$port > /dev/null 2>&1 &
server=$!
url=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf -o /dev/null "$url/login" && break || sleep 0.2; done
jar="$work/cookies"
csrf=$(curl -sf -c "$jar" "$url/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
curl -sf -b "$jar" -c "$jar" -o /dev/null -d "naam=groningen&wachtwoord=demo-groningen-2026&csrf=$csrf" "$url/login"
for _ in $(seq 20); do
    for path in \
        "/?gemeente=0014" "/aanbieders?gemeente=0014" \
        "/api/v1/indicatoren/retour_tijdig?gemeente=0014&per=maand" \
        "/api/v1/indicatoren/start_tijdig?gemeente=0014&per=aanbieder" \
        "/api/v1/indicatoren/wachttijd_toewijzing_start?gemeente=0014&per=aanbieder" \
        "/api/v1/indicatoren/trajectduur?gemeente=0014&per=maand" \
        "/api/v1/indicatoren/toewijzing_zonder_start/items?gemeente=0014" \
        "/openapi.json"; do
        curl -sf -b "$jar" -o /dev/null "$url$path"
    done
done
kill "$server" && wait "$server" 2> /dev/null || true
server=

echo "3/4 merging the profiles"
"$profdata" merge -o "$work/ketenzicht.profdata" "$work/profiles"

echo "4/4 optimised build (target/pgo)"
RUSTFLAGS="-Cprofile-use=$work/ketenzicht.profdata" \
    cargo build --profile production --locked -p ketenzicht --target-dir target/pgo
echo "built: target/pgo/production/ketenzicht"
