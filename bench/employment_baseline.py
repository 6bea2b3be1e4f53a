# The same GROUP BY the store runs (Store::labour_by_village), straight from Python's sqlite3:
# the floor of the employment report on a province.
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
mig = "((m.migrant_place IS NOT NULL AND TRIM(m.migrant_place) <> '') OR COALESCE(m.migrant_months, 0) > 0)"
wel = "(m.welfare_job = 1)"
q = f"""SELECT h.village_code, CASE WHEN h.household_type = 2 THEN 1 ELSE 0 END, COUNT(*),
SUM(CASE WHEN {mig} THEN 1 ELSE 0 END), SUM(CASE WHEN {wel} THEN 1 ELSE 0 END),
SUM(CASE WHEN {mig} AND {wel} THEN 1 ELSE 0 END)
FROM members m JOIN households h ON h.county_code = m.county_code AND h.household_no = m.household_no
WHERE m.county_code BETWEEN ? AND ? AND h.village_code BETWEEN ? AND ? AND h.dissolved_on IS NULL
AND (h.household_type = 2 OR h.monitor_category IS NOT NULL) AND m.labour IN (1,2,3)
GROUP BY h.village_code, CASE WHEN h.household_type = 2 THEN 1 ELSE 0 END ORDER BY 1, 2"""
lo, hi = 620000000000, 629999999999
for _ in range(3):
    t = time.time()
    rows = c.execute(q, (lo, hi, lo, hi)).fetchall()
    ex = sum(r[2] for r in rows if r[1] == 1)
    print(f"{time.time() - t:.3f} s, {len(rows)} village rows, ex-poor labour {ex}")
