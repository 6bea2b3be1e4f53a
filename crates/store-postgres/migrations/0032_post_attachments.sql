-- A post's attachments (政策文件库: the document itself, as PDF, OFD, Word, WPS, Excel or a
-- scan), kept with the post in the same transaction; seen by who sees the post. A reference
-- table, as posts is.
CREATE TABLE post_attachments (
    post_id      BIGINT NOT NULL REFERENCES posts (id),
    seq          BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BYTEA  NOT NULL,
    PRIMARY KEY (post_id, seq)
);
