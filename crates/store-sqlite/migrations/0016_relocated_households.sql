-- The relocation sites' floor task (易地搬迁安置区就业帮扶) reads an area's relocated households
-- with their members: this index holds them alone (a few in a hundred households), so a
-- province's are read without walking its registry.
CREATE INDEX households_relocated ON households (village_code, household_no)
    WHERE relocated = 1 AND dissolved_on IS NULL;
