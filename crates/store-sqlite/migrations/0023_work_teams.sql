-- Village-resident work teams (驻村干部花名册, DOMAIN §11): a county's roster of the cadres sent
-- to its villages, keyed by the county like every registry table and the cadre's ID number
-- (one row a cadre a county; a rotation updates it), each change kept in
-- work_team_member_history with the change set that made it.
CREATE TABLE work_team_members (
    county_code  INTEGER NOT NULL,
    id_number    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    phone        TEXT,
    village_code INTEGER NOT NULL REFERENCES divisions (code),
    post         INTEGER NOT NULL,
    unit         TEXT    NOT NULL,
    unit_level   INTEGER NOT NULL,
    from_day     TEXT    NOT NULL,
    until_day    TEXT,
    note         TEXT,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, id_number)
) WITHOUT ROWID;
CREATE INDEX work_team_members_village ON work_team_members (village_code);

CREATE TABLE work_team_member_history (
    county_code  INTEGER NOT NULL,
    id_number    TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, id_number, version)
) WITHOUT ROWID;
