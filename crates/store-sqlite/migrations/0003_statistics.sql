-- Statistics (DOMAIN §10): what each figure is computed from, kept current in the same
-- transaction as every registry change.

-- Members and members in 低保/特困 of each household, kept by the store as members come and go,
-- so figures never scan the members table.
ALTER TABLE households ADD COLUMN persons INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN safety_net_persons INTEGER NOT NULL DEFAULT 0;

-- Recomputing every village's figures reads only this index (in village order), not the rows.
CREATE INDEX households_figures ON households (village_code, monitor_category, eliminated,
    elimination_mode, identified_on, persons, safety_net_persons);

-- Each spell of a household as a monitoring object, from identification to elimination (open
-- while at risk). Figures "as of a date" replay these.
CREATE TABLE monitoring_periods (
    county_code      INTEGER NOT NULL,
    household_no     TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    village_code     INTEGER NOT NULL,
    category         INTEGER NOT NULL,
    risk_mask        INTEGER NOT NULL,
    identified_on    TEXT    NOT NULL,
    eliminated_on    TEXT,
    elimination_mode INTEGER,
    changeset_id     INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, household_no, seq),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no)
) WITHOUT ROWID;
CREATE INDEX monitoring_periods_village ON monitoring_periods (village_code, identified_on);

-- Current figures of every area at every level (villages computed from the registry, the levels
-- above summed from their children). A dashboard reads one row.
CREATE TABLE area_figures (
    code                           INTEGER NOT NULL PRIMARY KEY REFERENCES divisions (code),
    figures_year                   INTEGER NOT NULL,
    households                     INTEGER NOT NULL,
    persons                        INTEGER NOT NULL,
    monitored_households           INTEGER NOT NULL,
    monitored_persons              INTEGER NOT NULL,
    eliminated_households          INTEGER NOT NULL,
    eliminated_persons             INTEGER NOT NULL,
    unstable_households            INTEGER NOT NULL,
    unstable_persons               INTEGER NOT NULL,
    marginal_households            INTEGER NOT NULL,
    marginal_persons               INTEGER NOT NULL,
    sudden_households              INTEGER NOT NULL,
    sudden_persons                 INTEGER NOT NULL,
    eliminated_assisted_households INTEGER NOT NULL,
    eliminated_natural_households  INTEGER NOT NULL,
    new_households                 INTEGER NOT NULL,
    new_persons                    INTEGER NOT NULL,
    safety_net_households          INTEGER NOT NULL
) WITHOUT ROWID;

-- What the division tree does not say about a village: whether it is an ex-poor village (脱贫村),
-- whose share of not-eliminated monitoring persons is checked against the policy ratio.
CREATE TABLE village_attributes (
    village_code     INTEGER NOT NULL PRIMARY KEY REFERENCES divisions (code),
    ex_poor_village  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Dispatch reports (调度): a dated snapshot of an area's figures, frozen once issued.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    area_code    INTEGER NOT NULL REFERENCES divisions (code),
    as_of        TEXT    NOT NULL,
    issued_at    TEXT    NOT NULL,
    issued_by    TEXT    NOT NULL,
    content_json TEXT    NOT NULL
);
CREATE INDEX reports_area ON reports (area_code, as_of);

-- Databases made before this migration: count the members and replay each monitoring object's
-- current spell (the figures themselves are recomputed on first use).
UPDATE households SET
    persons = (SELECT COUNT(*) FROM members m
               WHERE m.county_code = households.county_code AND m.household_no = households.household_no),
    safety_net_persons = (SELECT COUNT(*) FROM members m
               WHERE m.county_code = households.county_code AND m.household_no = households.household_no
                 AND (m.dibao IS NOT NULL OR m.tekun = 1));
INSERT INTO monitoring_periods (county_code, household_no, seq, village_code, category, risk_mask,
                                identified_on, eliminated_on, elimination_mode, changeset_id)
SELECT county_code, household_no, 1, village_code, monitor_category, risk_mask, identified_on,
       CASE WHEN eliminated = 1 THEN eliminated_on END,
       CASE WHEN eliminated = 1 THEN elimination_mode END, changeset_id
FROM households WHERE monitor_category IS NOT NULL AND identified_on IS NOT NULL;
