-- Rural construction (乡村建设台账, DOMAIN §11): a county's items (village plans, toilets, sewage,
-- demonstration villages: where, how many planned and done, how far) and the targets set it
-- per task and year, both keyed by the county like every registry table, each change kept in
-- their history with the change set that made it. A target's key is "year/task".
CREATE TABLE construction_items (
    county_code  BIGINT  NOT NULL,
    item_no      TEXT COLLATE "C" NOT NULL,
    year         BIGINT  NOT NULL,
    task         TEXT    NOT NULL,
    area_code    BIGINT  NOT NULL REFERENCES divisions (code),
    name         TEXT    NOT NULL,
    planned      BIGINT  NOT NULL,
    done         BIGINT  NOT NULL,
    stage        BIGINT  NOT NULL,
    completed_on TEXT,
    note         TEXT,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, item_no)
);
CREATE INDEX construction_items_year_area ON construction_items (year, area_code);

CREATE TABLE construction_item_history (
    county_code  BIGINT  NOT NULL,
    item_no      TEXT COLLATE "C" NOT NULL,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, item_no, version)
);

CREATE TABLE construction_targets (
    county_code  BIGINT  NOT NULL REFERENCES divisions (code),
    target_key   TEXT COLLATE "C" NOT NULL,
    year         BIGINT  NOT NULL,
    task         TEXT    NOT NULL,
    quantity     BIGINT  NOT NULL,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, target_key)
);

CREATE TABLE construction_target_history (
    county_code  BIGINT  NOT NULL,
    target_key   TEXT COLLATE "C" NOT NULL,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, target_key, version)
);
