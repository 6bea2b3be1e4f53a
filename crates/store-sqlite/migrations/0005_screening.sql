-- Department screening (部门筛查预警). `screenings` is a reference table (one row per batch: a
-- department file of one kind, screened under one policy version, with its counts);
-- `screening_results` is a registry table (one row per household that crossed the rule, with the
-- clue it became or joined): the county code is first in its key, as in the PostgreSQL schema.

CREATE TABLE screenings (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    kind_label      TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    file_name       TEXT    NOT NULL,
    area_code       INTEGER,
    policy_province INTEGER NOT NULL,
    policy_year     INTEGER NOT NULL,
    policy_version  INTEGER NOT NULL,
    rule            TEXT    NOT NULL,
    found_on        TEXT    NOT NULL,
    rows_read       INTEGER NOT NULL,
    rows_matched    INTEGER NOT NULL,
    rows_unmatched  INTEGER NOT NULL,
    rows_rejected   INTEGER NOT NULL,
    households      INTEGER NOT NULL,
    hits            INTEGER NOT NULL,
    created         INTEGER NOT NULL,
    attached        INTEGER NOT NULL,
    repeated        INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);

-- A household that crossed the rule in a batch. `fingerprint` is the digest of the household's
-- rows in the file: the same rows screened again (any file, format or encoding) are recognised
-- as a repeat and make no clue. outcome: 1 new clue and case, 2 evidence joined the open clue,
-- 3 clue kept for a monitored household, 4 clue kept beside an open case, 5 repeat.
CREATE TABLE screening_results (
    county_code   INTEGER NOT NULL,
    screening_id  INTEGER NOT NULL REFERENCES screenings (id),
    household_no  TEXT    NOT NULL,
    village_code  INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    outcome       INTEGER NOT NULL,
    clue_id       INTEGER,
    case_id       INTEGER,
    figures_json  TEXT    NOT NULL,
    members_json  TEXT    NOT NULL,
    PRIMARY KEY (county_code, screening_id, household_no),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no),
    FOREIGN KEY (county_code, clue_id) REFERENCES clues (county_code, id)
) WITHOUT ROWID;
-- A household's earlier results of a kind (is this batch a repeat?).
CREATE INDEX screening_results_household ON screening_results (county_code, household_no, kind);
-- A batch's results for an area, in village order (the results page and export).
CREATE INDEX screening_results_village ON screening_results (screening_id, village_code, household_no);
