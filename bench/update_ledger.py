"""An updated ledger for benchmarks: the ledger layout of gen_registry.py with one household in
ten given 100 yuan more per-capita income and one member in twenty a changed health state, as a
county's monthly ledger changes. usage: update_ledger.py LEDGER_DIR OUT_DIR"""
import csv
import os
import sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def rewrite(name, change):
    with open(os.path.join(src, name), newline="", encoding="utf-8") as f, open(
        os.path.join(out, name), "w", newline="", encoding="utf-8"
    ) as g:
        r, w = csv.reader(f), csv.writer(g)
        header = next(r)
        w.writerow(header)
        for i, row in enumerate(r):
            change(header, i, row)
            w.writerow(row)


def household(header, i, row):
    if i % 10 == 0:
        k = header.index("人均纯收入（元）")
        row[k] = f"{float(row[k]) + 100:.2f}"


def member(header, i, row):
    if i % 20 == 0:
        k = header.index("健康状况")
        row[k] = "健康" if row[k] == "长期慢性病" else "长期慢性病"


rewrite("households.csv", household)
rewrite("persons.csv", member)
