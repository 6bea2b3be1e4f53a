-- 电话抽查 (DOMAIN §11: random phone supervision of the work teams): the cadres of a county's
-- roster drawn at random to be called, keyed by the county like every registry table and the
-- check's number there; what the call found, who called and when. A cadre is drawn at most
-- once a day.
CREATE TABLE phone_checks (
    county_code INTEGER NOT NULL,
    check_no    INTEGER NOT NULL,
    id_number   TEXT    NOT NULL,
    drawn_on    TEXT    NOT NULL,
    drawn_by    TEXT    NOT NULL,
    result      INTEGER,
    called_at   TEXT,
    called_by   TEXT,
    note        TEXT,
    PRIMARY KEY (county_code, check_no),
    FOREIGN KEY (county_code, id_number) REFERENCES work_team_members (county_code, id_number)
) WITHOUT ROWID;
CREATE UNIQUE INDEX phone_checks_day ON phone_checks (county_code, id_number, drawn_on);
CREATE INDEX phone_checks_drawn ON phone_checks (drawn_on, county_code);
