-- Rural construction (乡村建设台账, DOMAIN §11): a county's items (village plans, toilets, sewage,
-- demonstration villages: where, how many planned and done, how far) and the targets set it
-- per task and year, both keyed by the county like every registry table, each change kept in
-- their history with the change set that made it. A target's key is "year/task".
CREATE TABLE construction_items (
    county_code  INTEGER NOT NULL,
    item_no      TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    task         TEXT    NOT NULL,
    area_code    INTEGER NOT NULL REFERENCES divisions (code),
    name         TEXT    NOT NULL,
    planned      INTEGER NOT NULL,
    done         INTEGER NOT NULL,
    stage        INTEGER NOT NULL,
    completed_on TEXT,
    note         TEXT,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, item_no)
) WITHOUT ROWID;
CREATE INDEX construction_items_year_area ON construction_items (year, area_code);

CREATE TABLE construction_item_history (
    county_code  INTEGER NOT NULL,
    item_no      TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, item_no, version)
) WITHOUT ROWID;

CREATE TABLE construction_targets (
    county_code  INTEGER NOT NULL REFERENCES divisions (code),
    target_key   TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    task         TEXT    NOT NULL,
    quantity     INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, target_key)
) WITHOUT ROWID;

CREATE TABLE construction_target_history (
    county_code  INTEGER NOT NULL,
    target_key   TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, target_key, version)
) WITHOUT ROWID;
