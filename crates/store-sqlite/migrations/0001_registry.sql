-- The registry. Every registry table has the county code in its primary key (and in every
-- foreign key between registry tables), so that the PostgreSQL schema, which mirrors this one,
-- can be distributed by county. Codes are integers (620102001001); money is integer fen; dates
-- are text: 'YYYY-MM-DD', or 'YYYY-MM' when a ledger gave only the month. A member's sex and
-- birth date are not stored: they are part of the ID number.

-- Settings of the database itself.
CREATE TABLE meta (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE divisions (
    code        INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    parent_code INTEGER REFERENCES divisions (code),
    edition     INTEGER NOT NULL
);
CREATE INDEX divisions_parent ON divisions (parent_code);

-- Who changed the registry and when: an import, or an edit. Every registry row and every
-- history entry names the change set that wrote it.
CREATE TABLE changesets (
    id                   INTEGER PRIMARY KEY,
    at                   TEXT    NOT NULL,
    finished_at          TEXT,
    actor                TEXT    NOT NULL,
    user_id              INTEGER,
    scope_code           INTEGER,
    kind                 TEXT    NOT NULL,
    households_file      TEXT,
    members_file         TEXT,
    households_inserted  INTEGER,
    households_updated   INTEGER,
    households_unchanged INTEGER,
    members_inserted     INTEGER,
    members_updated      INTEGER,
    members_unchanged    INTEGER,
    rejected             INTEGER
);

CREATE TABLE households (
    county_code             INTEGER NOT NULL,
    household_no            TEXT    NOT NULL,
    village_code            INTEGER NOT NULL REFERENCES divisions (code),
    natural_village         TEXT,
    address                 TEXT,
    phone                   TEXT,
    head_name               TEXT    NOT NULL,
    size                    INTEGER NOT NULL,
    household_type          INTEGER NOT NULL,
    relocated               INTEGER NOT NULL DEFAULT 0,
    relocation_site         TEXT,
    no_labour               INTEGER NOT NULL DEFAULT 0,
    housing_unsafe          INTEGER NOT NULL DEFAULT 0,
    school_dropout          INTEGER NOT NULL DEFAULT 0,
    uninsured               INTEGER NOT NULL DEFAULT 0,
    water_unsafe            INTEGER NOT NULL DEFAULT 0,
    income_year             INTEGER,
    wage_income             INTEGER,
    business_income         INTEGER,
    property_income         INTEGER,
    transfer_income         INTEGER,
    production_cost         INTEGER,
    declared_per_capita     INTEGER,
    claims_income           INTEGER,
    compliant_out_of_pocket INTEGER,
    per_capita_income       INTEGER,
    monitor_category        INTEGER,
    risk_mask               INTEGER NOT NULL DEFAULT 0,
    identified_on           TEXT,
    eliminated              INTEGER NOT NULL DEFAULT 0,
    eliminated_on           TEXT,
    elimination_mode        INTEGER,
    version                 INTEGER NOT NULL,
    changeset_id            INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, household_no)
) WITHOUT ROWID;
CREATE INDEX households_village ON households (village_code, household_no);

CREATE TABLE members (
    county_code               INTEGER NOT NULL,
    household_no              TEXT    NOT NULL,
    id_number                 TEXT    NOT NULL,
    member_no                 TEXT,
    name                      TEXT    NOT NULL,
    relation                  INTEGER NOT NULL,
    ethnicity                 TEXT,
    education                 TEXT,
    schooling                 TEXT,
    health                    INTEGER,
    disability_level          INTEGER,
    labour                    INTEGER,
    migrant_place             TEXT,
    migrant_months            INTEGER,
    welfare_job               INTEGER,
    medical_insurance         INTEGER,
    serious_illness_insurance INTEGER,
    pension                   INTEGER,
    dibao                     INTEGER,
    tekun                     INTEGER NOT NULL DEFAULT 0,
    phone                     TEXT,
    version                   INTEGER NOT NULL,
    changeset_id              INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, household_no, id_number),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no)
) WITHOUT ROWID;

-- Directories: the national household number and the ID number are unique across counties.
-- Each is keyed by itself (a distributed deployment shards them by that key) and says which
-- county holds the row.
CREATE TABLE household_ids (
    household_no TEXT    NOT NULL PRIMARY KEY,
    county_code  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE person_ids (
    id_number    TEXT    NOT NULL PRIMARY KEY,
    county_code  INTEGER NOT NULL,
    household_no TEXT    NOT NULL
) WITHOUT ROWID;

-- The previous value of every change, with who and when.
CREATE TABLE household_history (
    county_code  INTEGER NOT NULL,
    household_no TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT    NOT NULL,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, household_no, version)
) WITHOUT ROWID;

CREATE TABLE member_history (
    county_code  INTEGER NOT NULL,
    household_no TEXT    NOT NULL,
    id_number    TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT    NOT NULL,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, household_no, id_number, version)
) WITHOUT ROWID;
