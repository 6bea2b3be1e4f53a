-- The rows of a batch's file that did not enter it, kept with the batch (2026-12-04: the report
-- went back to whoever uploaded the file and was gone after; a province batch has ~33,000
-- persons not registered, which the department needs back to check). One line per problem: rows
-- that could not be read (per column), persons not registered or registered outside the batch's
-- area, households that could not be judged. Values as the report showed them (ID numbers
-- masked): no personal data of persons outside the registry is kept. `screenings.problems` is
-- how many were kept (NULL: a batch screened before they were).
ALTER TABLE screenings ADD COLUMN problems BIGINT;
CREATE TABLE screening_problems (
    screening_id BIGINT  NOT NULL REFERENCES screenings (id),
    seq          BIGINT  NOT NULL,
    sheet        TEXT,
    row_no       BIGINT  NOT NULL,
    column_name  TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    code         TEXT    NOT NULL,
    PRIMARY KEY (screening_id, seq)
);
