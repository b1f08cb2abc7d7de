#!/usr/bin/env bash
# Load benchmark of the server (issue 6): every dashboard API call for one gemeente, at 50 and
# at 200 concurrent connections, with wrk (apt-get install wrk). Prints a Markdown table.
#
#   bench/web.sh STORE_DIR [GEMEENTE] [SECONDS]
#
# The store needs the demo accounts (`ketenzicht demo --no-serve` makes them).
set -euo pipefail
store=$1
gemeente=${2:-0014}
seconds=${3:-10}
bin=${KETENZICHT:-target/release/ketenzicht}
here=$(cd "$(dirname "$0")" && pwd)
port=18199
"$bin" serve --store "$store" --bind 127.0.0.1:$port > /dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 1
jar=$(mktemp)
curl -s -c "$jar" http://127.0.0.1:$port/login -o /tmp/ketenzicht-login.html
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' /tmp/ketenzicht-login.html | sed 's/.*value="//;s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "naam=groningen&wachtwoord=demo-groningen-2026&csrf=$token" http://127.0.0.1:$port/login
session=$(awk '$6 == "ketenzicht_sessie" { print $7 }' "$jar")
echo "| call | connections | p50 ms | p95 ms | p99 ms | requests | errors |"
echo "|---|---|---|---|---|---|---|"
for path in \
    "/api/v1/indicatoren/retour_tijdig?gemeente=$gemeente&per=maand" \
    "/api/v1/indicatoren/retour_tijdig?gemeente=$gemeente&per=bericht" \
    "/api/v1/indicatoren/start_tijdig?gemeente=$gemeente&per=aanbieder" \
    "/api/v1/indicatoren/wachttijd_toewijzing_start?gemeente=$gemeente&per=aanbieder" \
    "/api/v1/indicatoren/trajectduur?gemeente=$gemeente&per=maand" \
    "/api/v1/indicatoren/vot_tijdig?gemeente=$gemeente&per=maand" \
    "/api/v1/indicatoren/retourcodes?gemeente=$gemeente&per=klasse" \
    "/api/v1/indicatoren/toewijzing_zonder_start/items?gemeente=$gemeente" \
    "/?gemeente=$gemeente" \
    "/aanbieders?gemeente=$gemeente"; do
    for c in 50 200; do
        line=$(wrk -t2 -c$c -d${seconds}s -H "Cookie: ketenzicht_sessie=$session" -s "$here/p95.lua" "http://127.0.0.1:$port$path" | tail -1)
        p50=$(sed 's/.*p50=\([0-9.]*\).*/\1/' <<< "$line")
        p95=$(sed 's/.*p95=\([0-9.]*\).*/\1/' <<< "$line")
        p99=$(sed 's/.*p99=\([0-9.]*\).*/\1/' <<< "$line")
        req=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<< "$line")
        err=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<< "$line")
        echo "| \`${path%%\?*}\` ${path#*\?} | $c | $p50 | $p95 | $p99 | $req | $err |"
    done
done
