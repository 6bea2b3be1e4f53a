-- East-west cooperation and paired assistance (协作帮扶台账, DOMAIN §11): a county's indicators
-- per year, program and partner — planned and done (fen for money, else a count) — keyed by
-- the county like every registry table and "year/program/partner/indicator", each change kept
-- in cooperation_history with the change set that made it.
CREATE TABLE cooperation_entries (
    county_code  BIGINT  NOT NULL REFERENCES divisions (code),
    entry_key    TEXT COLLATE "C" NOT NULL,
    year         BIGINT  NOT NULL,
    program      BIGINT  NOT NULL,
    partner      TEXT    NOT NULL,
    indicator    TEXT    NOT NULL,
    planned      BIGINT  NOT NULL,
    done         BIGINT  NOT NULL,
    note         TEXT,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, entry_key)
);
CREATE INDEX cooperation_entries_year ON cooperation_entries (year, county_code);

CREATE TABLE cooperation_history (
    county_code  BIGINT  NOT NULL,
    entry_key    TEXT COLLATE "C" NOT NULL,
    version      BIGINT  NOT NULL,
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, entry_key, version)
);
