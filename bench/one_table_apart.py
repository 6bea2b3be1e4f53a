#!/usr/bin/env python3
"""A ledger of one row a person with households whose rows lie apart: the last member row of
each of the first LIMIT households of several members moved to the end of the file (a member
added at the foot of the sheet), the rest as it was.

usage: bench/one_table_apart.py PERSONS.csv OUT.csv LIMIT
  PERSONS.csv  from `zhenxing generate --layout persons` (UTF-8, one header row)
Prints how many households were moved apart.
"""
import csv
import sys


def main() -> None:
    src, out, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, encoding="utf-8-sig", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    key = next(csv.reader([header])).index("户编号")
    keys = [next(csv.reader([r]))[key] for r in rows]
    kept, moved, i = [], [], 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and keys[j + 1] == keys[i]:
            j += 1
        group = rows[i : j + 1]
        if len(group) > 1 and len(moved) < limit:
            moved.append(group[-1])
            group = group[:-1]
        kept.extend(group)
        i = j + 1
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        f.write(header)
        f.writelines(kept)
        f.writelines(moved)
    print(len(moved))


if __name__ == "__main__":
    main()
