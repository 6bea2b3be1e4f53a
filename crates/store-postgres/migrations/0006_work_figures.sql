-- Work figures (DOMAIN §7, §8, §10): assistance-measure coverage, days from clue to approval.

-- Measures (not cancelled) in each household's plan, kept by the store with the plan, so that coverage is a
-- figure like the others (no join to the plans when recomputing).
ALTER TABLE households ADD COLUMN measures INTEGER NOT NULL DEFAULT 0;
UPDATE households SET measures = m.n
FROM (SELECT county_code, household_no, COUNT(*) AS n FROM plan_measures WHERE status <> 4
      GROUP BY county_code, household_no) m
WHERE m.county_code = households.county_code AND m.household_no = households.household_no;

DROP INDEX households_figures;
CREATE INDEX households_figures ON households (village_code) INCLUDE (monitor_category, eliminated,
    elimination_mode, identified_on, persons, safety_net_persons, measures);

-- Of the monitoring objects whose risk is not eliminated, those with at least one measure.
ALTER TABLE area_figures ADD COLUMN covered_households BIGINT NOT NULL DEFAULT 0;
-- The kept figures lack the new column's values: recomputed on first use.
DELETE FROM area_figures;

-- Approved identifications of every area at every level by year of approval and days from the
-- clue (or the opening of the case) to approval: a histogram, so that the median of any area is
-- read without scanning the cases. Kept in the transaction of each approval; rebuilt from the
-- cases with the other figures (on first use after this migration).
CREATE TABLE area_timeliness (
    code  BIGINT  NOT NULL,
    year  INTEGER NOT NULL,
    days  INTEGER NOT NULL,
    cases INTEGER NOT NULL,
    PRIMARY KEY (code, year, days)
);
