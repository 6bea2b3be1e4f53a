-- Village-resident work teams (驻村干部花名册, DOMAIN §11): a county's roster of the cadres sent
-- to its villages, keyed by the county like every registry table and the cadre's ID number
-- (one row a cadre a county; a rotation updates it), each change kept in
-- work_team_member_history with the change set that made it.
CREATE TABLE work_team_members (
    county_code  BIGINT  NOT NULL,
    id_number    TEXT COLLATE "C" NOT NULL,
    name         TEXT    NOT NULL,
    phone        TEXT,
    village_code BIGINT  NOT NULL REFERENCES divisions (code),
    post         BIGINT  NOT NULL,
    unit         TEXT    NOT NULL,
    unit_level   BIGINT  NOT NULL,
    from_day     TEXT    NOT NULL,
    until_day    TEXT,
    note         TEXT,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, id_number)
);
CREATE INDEX work_team_members_village ON work_team_members (village_code);

CREATE TABLE work_team_member_history (
    county_code  BIGINT  NOT NULL,
    id_number    TEXT COLLATE "C" NOT NULL,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, id_number, version)
);
