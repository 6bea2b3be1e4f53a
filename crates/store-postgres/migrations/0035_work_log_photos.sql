-- 工作纪实's photos (the day's work shown: a meeting, a visit, a site), taken on a phone and
-- shrunk in the browser, kept with the log in the same transaction (a log written again with
-- photos replaces them, without keeps them); seen by who reads the log. A reference table, as
-- work_logs is.
CREATE TABLE work_log_photos (
    user_id      BIGINT NOT NULL,
    day          TEXT   NOT NULL,
    seq          BIGINT NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BYTEA  NOT NULL,
    PRIMARY KEY (user_id, day, seq),
    FOREIGN KEY (user_id, day) REFERENCES work_logs (user_id, day)
);
