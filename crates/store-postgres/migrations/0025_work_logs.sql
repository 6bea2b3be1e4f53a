-- 工作纪实 (DOMAIN §11): the day's work log of who works in a village — what was done, the
-- households visited — one a person a day (a later one the same day replaces it), with the
-- area they belonged to then. A reference table, as checkins (a row a person a day).
CREATE TABLE work_logs (
    user_id    BIGINT  NOT NULL,
    day        TEXT    NOT NULL,
    area_code  BIGINT  NOT NULL REFERENCES divisions (code),
    body       TEXT    NOT NULL,
    households TEXT,
    at         TEXT    NOT NULL,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX work_logs_area ON work_logs (area_code, day);
