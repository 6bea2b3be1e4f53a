-- A post's attachments (政策文件库: the document itself, as PDF, OFD, Word, WPS, Excel or a
-- scan), kept with the post in the same transaction; seen by who sees the post. A reference
-- table, as posts is.
CREATE TABLE post_attachments (
    post_id      INTEGER NOT NULL REFERENCES posts (id),
    seq          INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB    NOT NULL,
    PRIMARY KEY (post_id, seq)
) WITHOUT ROWID;
