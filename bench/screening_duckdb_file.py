#!/usr/bin/env python3
"""DuckDB's screening of a department file as it arrives: the registry (households, persons) is
loaded first and not timed, as in ../shared/bench/baseline_duckdb.py; then the medical file is
read from its CSV, joined and filtered with the same SQL (common_sql.SCREENING) and the result
written with COPY ... TO, all timed together. The shared baseline's `screening` phase reads the
medical rows in its import phase instead; zhenxing's screening reads the file, so this is the
like-for-like figure beside it.
usage: screening_duckdb_file.py SHARED_BENCH_DIR DATA_DIR    (prints one JSON line)"""
import json
import os
import sys
import time

shared, data = sys.argv[1], sys.argv[2]
sys.path.insert(0, shared)
import duckdb  # noqa: E402
from common_sql import SCREENING  # noqa: E402

f = lambda n: os.path.join(data, n)
out_dir = os.path.join(data, "out-duckdb-file")
os.makedirs(out_dir, exist_ok=True)
con = duckdb.connect()
con.execute(f"""CREATE TABLE households AS SELECT * FROM read_csv('{f("households.csv")}',
    header=true, columns={{'household_id':'BIGINT','village_code':'VARCHAR',
    'head_name':'VARCHAR','household_size':'INTEGER','per_capita_income':'DOUBLE',
    'ex_poor':'INTEGER','monitor_type':'VARCHAR','risk_types':'VARCHAR',
    'identified_date':'DATE','risk_eliminated':'INTEGER','eliminated_date':'DATE'}})""")
con.execute(f"""CREATE TABLE persons AS SELECT * FROM read_csv('{f("persons.csv")}',
    header=true, columns={{'person_id':'BIGINT','household_id':'BIGINT',
    'id_number':'VARCHAR','name':'VARCHAR','gender':'VARCHAR','birth_date':'DATE',
    'relation':'VARCHAR','health':'VARCHAR'}})""")
t = time.perf_counter()
con.execute(f"""CREATE TABLE medical AS SELECT * FROM read_csv('{f("medical.csv")}',
    header=true, columns={{'id_number':'VARCHAR','oop_amount':'DOUBLE','settle_date':'DATE'}})""")
con.execute(f"CREATE TABLE screening AS {SCREENING}")
con.execute(f"COPY screening TO '{out_dir}/screening.csv' (HEADER)")
elapsed = time.perf_counter() - t
rows = con.execute("SELECT count(*) FROM screening").fetchone()[0]
print(json.dumps({"tool": "duckdb " + duckdb.__version__, "screening_from_file_s": round(elapsed, 3),
                  "screening_rows": rows}))
