-- Projects of 衔接资金 (项目台账, DOMAIN §11): a county's ledger, keyed by its county like every
-- registry table (a distributed store places a county's projects with its households), each
-- change kept in project_history with the change set that made it.
CREATE TABLE projects (
    county_code            INTEGER NOT NULL,
    project_no             TEXT    NOT NULL,
    year                   INTEGER NOT NULL,
    name                   TEXT    NOT NULL,
    area_code              INTEGER NOT NULL REFERENCES divisions (code),
    category               TEXT    NOT NULL,
    stage                  INTEGER NOT NULL,
    planned_fund           INTEGER NOT NULL,
    allocated              INTEGER NOT NULL,
    spent                  INTEGER NOT NULL,
    started_on             TEXT,
    completed_on           TEXT,
    accepted_on            TEXT,
    beneficiary_households INTEGER,
    poor_households        INTEGER,
    note                   TEXT,
    version                INTEGER NOT NULL,
    changeset_id           INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, project_no)
) WITHOUT ROWID;
CREATE INDEX projects_year_area ON projects (year, area_code);

CREATE TABLE project_history (
    county_code  INTEGER NOT NULL,
    project_no   TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, project_no, version)
) WITHOUT ROWID;
