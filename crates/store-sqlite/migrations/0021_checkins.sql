-- 驻村考勤 (DOMAIN §11): each working day's word of those who work in a village — at work,
-- on leave, away on duty — one a person a day (a later word replaces it), with the area they
-- belonged to then. A reference table (small: a row a person a day).
CREATE TABLE checkins (
    user_id   INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    area_code INTEGER NOT NULL REFERENCES divisions (code),
    kind      INTEGER NOT NULL,
    note      TEXT,
    at        TEXT    NOT NULL,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX checkins_area ON checkins (area_code, day);
