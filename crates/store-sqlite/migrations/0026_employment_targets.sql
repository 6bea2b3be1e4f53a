-- 务工就业目标 (DOMAIN §11: migrant workers against the annual target): the persons a county is
-- to have in work in a year, set it by the province and the city, keyed by the county like
-- every registry table and its year ("2026"), each change kept in employment_target_history
-- with the change set that made it.
CREATE TABLE employment_targets (
    county_code  INTEGER NOT NULL REFERENCES divisions (code),
    target_key   TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    persons      INTEGER NOT NULL,
    note         TEXT,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, target_key)
) WITHOUT ROWID;
CREATE INDEX employment_targets_year ON employment_targets (year, county_code);

CREATE TABLE employment_target_history (
    county_code  INTEGER NOT NULL,
    target_key   TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, target_key, version)
) WITHOUT ROWID;
