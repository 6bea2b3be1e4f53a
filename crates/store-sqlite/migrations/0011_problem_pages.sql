-- The rows of a file that were not taken are kept a page of up to 4,000 lines to a row, the
-- page's lines deflated (2026-12-04: a medical insurance bureau's file of the whole population,
-- 2.5 million persons not registered, kept a row a line, made a SQLite file 257 MB larger and
-- took 4.1-4.4 s to write, 20 s on PostgreSQL; the lines repeat their column, reason and code
-- and their row numbers count up: in pages, 23 MB and 1-2 s).
-- `body`: the lines as a JSON array of `[file,] sheet, row, column, value, reason, code`,
-- deflated (zlib) when written by the store; `codes`: how many lines of each code the page holds.
-- The lines kept before are moved into pages here, their JSON not deflated (`body` then begins
-- with `[`); the store reads both. Rowid tables, not WITHOUT ROWID: a page's tens of kilobytes
-- then fill whole overflow pages (in a WITHOUT ROWID table the most a row keeps in its leaf is a
-- quarter of a page, and the rest of a 9 KB row took a 16 KB overflow page of its own).

CREATE TABLE screening_problem_pages (
    screening_id INTEGER NOT NULL REFERENCES screenings (id),
    first_seq    INTEGER NOT NULL,
    codes        TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    PRIMARY KEY (screening_id, first_seq)
);

INSERT INTO screening_problem_pages (screening_id, first_seq, codes, body)
SELECT p.screening_id, MIN(p.seq),
       (SELECT json_group_object(c.code, c.n) FROM
            (SELECT code, COUNT(*) AS n FROM screening_problems q
             WHERE q.screening_id = p.screening_id AND q.seq BETWEEN p.page * 4000 + 1
                                   AND p.page * 4000 + 4000
             GROUP BY code) c),
       CAST(json_group_array(json_array(p.sheet, p.row_no, p.column_name, p.value, p.reason, p.code)
                             ORDER BY p.seq) AS BLOB)
FROM (SELECT *, (seq - 1) / 4000 AS page FROM screening_problems) p
GROUP BY p.screening_id, p.page;

DROP TABLE screening_problems;

CREATE TABLE import_problem_pages (
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    first_seq    INTEGER NOT NULL,
    codes        TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    PRIMARY KEY (changeset_id, first_seq)
);

INSERT INTO import_problem_pages (changeset_id, first_seq, codes, body)
SELECT p.changeset_id, MIN(p.seq),
       (SELECT json_group_object(c.code, c.n) FROM
            (SELECT code, COUNT(*) AS n FROM import_problems q
             WHERE q.changeset_id = p.changeset_id AND q.seq BETWEEN p.page * 4000 + 1
                                   AND p.page * 4000 + 4000
             GROUP BY code) c),
       CAST(json_group_array(json_array(p.file, p.sheet, p.row_no, p.column_name, p.value,
                                        p.reason, p.code) ORDER BY p.seq) AS BLOB)
FROM (SELECT *, (seq - 1) / 4000 AS page FROM import_problems) p
GROUP BY p.changeset_id, p.page;

DROP TABLE import_problems;
