-- 请假审批 (DOMAIN §11: leave of the work teams): a request for days off by who checks in (with
-- the area they belonged to then), decided by who may approve above them; an approved leave's
-- working days count as leave, a 请假 word outside any approved leave is flagged. A reference
-- table (small: a row a request), as checkins is.
CREATE TABLE leave_requests (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    area_code     BIGINT NOT NULL REFERENCES divisions (code),
    from_day      TEXT   NOT NULL,
    until_day     TEXT   NOT NULL,
    reason        TEXT   NOT NULL,
    status        BIGINT NOT NULL,
    requested_at  TEXT   NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT
);
CREATE INDEX leave_requests_area ON leave_requests (area_code, from_day);
CREATE INDEX leave_requests_user ON leave_requests (user_id, from_day);
