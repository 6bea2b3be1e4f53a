-- The rows of a file that were not taken are kept with what read it (2026-12-04: the report went
-- back to whoever sent the file and was gone after — a screening's page showed the first 500, a
-- web import's report lived in the server's memory; a province's medical file has ~33,000
-- persons not registered, which the department needs back to check). One line per problem, in
-- the report's order: a row that could not be read (per column), a row refused, for a screening
-- a person not registered or registered outside the batch's area and a household that could not
-- be judged. Values as the report showed them (ID numbers and phones masked): no more personal
-- data than the report had. `problems` counts the lines kept (NULL: read before they were).

-- A screening batch's (`screening_id`); the batch names its one file.
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

-- An import's (`changeset_id`); an import reads a households and a members file.
ALTER TABLE changesets ADD COLUMN problems BIGINT;
CREATE TABLE import_problems (
    changeset_id BIGINT  NOT NULL REFERENCES changesets (id),
    seq          BIGINT  NOT NULL,
    file         TEXT    NOT NULL,
    sheet        TEXT,
    row_no       BIGINT  NOT NULL,
    column_name  TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    code         TEXT    NOT NULL,
    PRIMARY KEY (changeset_id, seq)
);
