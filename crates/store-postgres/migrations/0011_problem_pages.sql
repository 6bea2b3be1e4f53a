-- The rows of a file that were not taken are kept a page of up to 4,000 lines to a row, the
-- page's lines deflated (2026-12-04: a medical insurance bureau's file of the whole population,
-- 2.5 million persons not registered, kept a row a line, made a SQLite file 257 MB larger and
-- took 4.1-4.4 s to write, 20 s on PostgreSQL; the lines repeat their column, reason and code
-- and their row numbers count up: in pages, 23 MB and 1-2 s).
-- `body`: the lines as a JSON array of `[file,] sheet, row, column, value, reason, code`,
-- deflated (zlib) when written by the store; `codes`: how many lines of each code the page holds.
-- The lines kept before are moved into pages here, their JSON not deflated (`body` then begins
-- with `[`); the store reads both.

CREATE TABLE screening_problem_pages (
    screening_id BIGINT NOT NULL REFERENCES screenings (id),
    first_seq    BIGINT NOT NULL,
    codes        TEXT   NOT NULL,
    body         BYTEA  NOT NULL,
    PRIMARY KEY (screening_id, first_seq)
);

INSERT INTO screening_problem_pages (screening_id, first_seq, codes, body)
SELECT p.screening_id, MIN(p.seq),
       (SELECT json_object_agg(c.code, c.n)::text FROM
            (SELECT code, COUNT(*) AS n FROM screening_problems q
             WHERE q.screening_id = p.screening_id AND q.seq BETWEEN p.page * 4000 + 1
                                   AND p.page * 4000 + 4000
             GROUP BY code) c),
       convert_to(json_agg(json_build_array(p.sheet, p.row_no, p.column_name, p.value, p.reason,
                                            p.code) ORDER BY p.seq)::text, 'UTF8')
FROM (SELECT *, (seq - 1) / 4000 AS page FROM screening_problems) p
GROUP BY p.screening_id, p.page;

DROP TABLE screening_problems;

CREATE TABLE import_problem_pages (
    changeset_id BIGINT NOT NULL REFERENCES changesets (id),
    first_seq    BIGINT NOT NULL,
    codes        TEXT   NOT NULL,
    body         BYTEA  NOT NULL,
    PRIMARY KEY (changeset_id, first_seq)
);

INSERT INTO import_problem_pages (changeset_id, first_seq, codes, body)
SELECT p.changeset_id, MIN(p.seq),
       (SELECT json_object_agg(c.code, c.n)::text FROM
            (SELECT code, COUNT(*) AS n FROM import_problems q
             WHERE q.changeset_id = p.changeset_id AND q.seq BETWEEN p.page * 4000 + 1
                                   AND p.page * 4000 + 4000
             GROUP BY code) c),
       convert_to(json_agg(json_build_array(p.file, p.sheet, p.row_no, p.column_name, p.value,
                                            p.reason, p.code) ORDER BY p.seq)::text, 'UTF8')
FROM (SELECT *, (seq - 1) / 4000 AS page FROM import_problems) p
GROUP BY p.changeset_id, p.page;

DROP TABLE import_problems;
