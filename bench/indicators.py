"""Benchmark of the indicators (issue 5): every indicator over a store, and the waiting time
from toewijzing to start computed by ketenzicht and by DuckDB SQL over the same Ketendata, in
the same run, with a check that both give the same rows. Prints a Markdown table.

    python3 bench/indicators.py STORE_DIR --to 2024-12-31 [--from 2024-01-01] [--bin target/release/ketenzicht]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import duckdb

HERE = pathlib.Path(__file__).parent


def run(cmd):
    """Run a command; return (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{cmd[0]} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("--to", required=True)
    ap.add_argument("--from", dest="van")
    ap.add_argument("--bin", default="target/release/ketenzicht")
    ap.add_argument("--gemeente", action="append", default=[], help="only these gemeenten (repeat)")
    args = ap.parse_args()
    store = pathlib.Path(args.store)
    base = [args.bin, "indicators", "--store", str(store), "--to", args.to]
    if args.van:
        base += ["--from", args.van]
    for g in args.gemeente:
        base += ["--gemeente", g]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        secs, mb = run(base + ["--format", "json", "--out", str(out / "all.json")])
        report = json.loads((out / "all.json").read_text())
        items = sum(r["n"] for i in report["indicatoren"] for r in i["rijen"])
        rows.append(("ketenzicht: all 22 indicators, per gemeente, wet, maand", secs, mb, f"{items:,} items"))

        per = "gemeente,wet,aanbieder,maand"
        secs, mb = run(base + ["--indicator", "wachttijd_toewijzing_start", "--per", per, "--format", "json", "--out", str(out / "w.json")])
        ours = json.loads((out / "w.json").read_text())["indicatoren"][0]["rijen"]
        rows.append(("ketenzicht: wachttijd_toewijzing_start", secs, mb, f"{len(ours):,} rows"))

        regie = store / "lake" / "ketendata" / "regie"
        globs = [str(regie / f"gemeente={g}" / "*" / "*.parquet") for g in args.gemeente] or [str(regie / "*" / "*" / "*.parquet")]
        sql = (HERE / "wachttijd_toewijzing_start.sql").read_text().replace("$REGIE", "[" + ", ".join(repr(g) for g in globs) + "]")
        if args.van:
            sql = sql.replace("WHERE volgorde = 1", f"WHERE begindatum >= DATE '{args.van}' AND volgorde = 1")
        con = duckdb.connect()
        started = time.perf_counter()
        duck = con.sql(sql).fetchall()
        secs = time.perf_counter() - started
        columns = ["gemeente", "wet", "aanbieder", "maand", "n", "gemiddelde", "mediaan", "p80", "p90", "max"]
        duck = [dict(zip(columns, r)) for r in duck]
        rows.append((f"DuckDB {duckdb.__version__} SQL in this process (query + fetch only)", secs, None, f"{len(duck):,} rows"))
        same = duck == ours
        # The same work as ketenzicht's command: a process that starts, reads, computes and
        # writes the rows to a JSON file.
        script = f"import duckdb; duckdb.sql({json.dumps('COPY (' + sql + ') TO ' + repr(str(out / 'duck.json')) + ' (FORMAT json)')})"
        secs, mb = run([sys.executable, "-c", script])
        rows.append((f"DuckDB {duckdb.__version__} as a process (start, query, write JSON)", secs, mb, f"{len(duck):,} rows"))
    print("| what | time | peak RSS | size |")
    print("|---|---|---|---|")
    for what, secs, mb, size in rows:
        print(f"| {what} | {secs:.2f} s | {'' if mb is None else f'{mb:.0f} MB'} | {size} |")
    print()
    print("same rows from ketenzicht and DuckDB:", "yes" if same else "NO")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
