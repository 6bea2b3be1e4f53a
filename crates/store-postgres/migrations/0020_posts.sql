-- Policies and work news (政策文件, 工作动态; DOMAIN §11): what an office publishes to its area.
-- A reference table (small, read by every level): a post is seen by the users of its area and
-- of the areas under it, and by those above it.
CREATE TABLE posts (
    id           BIGSERIAL PRIMARY KEY,
    area_code    BIGINT NOT NULL REFERENCES divisions (code),
    kind         BIGINT NOT NULL,
    title        TEXT   NOT NULL,
    body         TEXT   NOT NULL,
    source       TEXT,
    published_on TEXT   NOT NULL,
    author       TEXT   NOT NULL,
    user_id      BIGINT,
    created_at   TEXT   NOT NULL
);
CREATE INDEX posts_area ON posts (area_code, id);
