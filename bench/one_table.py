"""Writes a ledger of one row a person (一表式台账) from the ledger layout of gen_registry.py:
each member's row with its household's columns repeated, without 户主姓名, 家庭人口数 and the
household's 联系电话 (the import derives them from the rows).
usage: python3 bench/one_table.py LEDGER_DIR OUT.csv"""
import csv
import sys

src, out = sys.argv[1], sys.argv[2]
households = open(f"{src}/households.csv", encoding="utf-8-sig", newline="")
persons = open(f"{src}/persons.csv", encoding="utf-8-sig", newline="")
hr, pr = csv.reader(households), csv.reader(persons)
hhead, phead = next(hr), next(pr)
drop = {"户主姓名", "家庭人口数", "联系电话"}
keep = [i for i, h in enumerate(hhead) if h not in drop]
pno = phead.index("户编号")
pkeep = [i for i, h in enumerate(phead) if h != "户编号"]
w = csv.writer(open(out, "w", encoding="utf-8", newline=""))
w.writerow([hhead[i] for i in keep] + [phead[i] for i in pkeep])
hno = hhead.index("户编号")
house = next(hr, None)
rows = 0
for p in pr:
    # persons are written household by household, in the households' order
    while house is not None and house[hno] != p[pno]:
        house = next(hr, None)
    if house is None:
        sys.exit(f"person of an unknown household: {p[pno]}")
    w.writerow([house[i] for i in keep] + [p[i] for i in pkeep])
    rows += 1
print(f"{rows} rows -> {out}")
