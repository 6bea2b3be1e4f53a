-- Projects of 衔接资金 (项目台账, DOMAIN §11): a county's ledger, keyed by its county like every
-- registry table (a distributed store places a county's projects with its households), each
-- change kept in project_history with the change set that made it.
CREATE TABLE projects (
    county_code            BIGINT NOT NULL,
    project_no             TEXT COLLATE "C" NOT NULL,
    year                   BIGINT NOT NULL,
    name                   TEXT   NOT NULL,
    area_code              BIGINT NOT NULL REFERENCES divisions (code),
    category               TEXT   NOT NULL,
    stage                  BIGINT NOT NULL,
    planned_fund           BIGINT NOT NULL,
    allocated              BIGINT NOT NULL,
    spent                  BIGINT NOT NULL,
    started_on             TEXT,
    completed_on           TEXT,
    accepted_on            TEXT,
    beneficiary_households BIGINT,
    poor_households        BIGINT,
    note                   TEXT,
    version                BIGINT NOT NULL,
    changeset_id           BIGINT NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, project_no)
);
CREATE INDEX projects_year_area ON projects (year, area_code);

CREATE TABLE project_history (
    county_code  BIGINT NOT NULL,
    project_no   TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
    changeset_id BIGINT NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT   NOT NULL,
    PRIMARY KEY (county_code, project_no, version)
);
