"""Run wachttijd_toewijzing_start.sql in DuckDB over a store's Ketendata and print the rows as
JSON Lines (the time it took goes to standard error).

    python3 bench/duckdb_wachttijd.py STORE_DIR
"""

import json
import pathlib
import sys
import time

import duckdb

store = pathlib.Path(sys.argv[1])
files = str(store / "lake" / "ketendata" / "regie" / "*" / "*" / "*.parquet")
sql = pathlib.Path(__file__).with_name("wachttijd_toewijzing_start.sql").read_text()
sql = sql.replace("$REGIE", "'" + files.replace("'", "''") + "'")
started = time.perf_counter()
rows = duckdb.sql(sql).fetchall()
elapsed = time.perf_counter() - started
columns = ["gemeente", "wet", "aanbieder", "maand", "n", "gemiddelde", "mediaan", "p80", "p90", "max"]
for row in rows:
    print(json.dumps(dict(zip(columns, row))))
print(f"duckdb {duckdb.__version__}: {len(rows)} rows in {elapsed:.2f} s", file=sys.stderr)
