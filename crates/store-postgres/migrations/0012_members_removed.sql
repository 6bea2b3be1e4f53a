-- A members ledger's rows saying the person has left the household (人口减少: 死亡, 婚出, 户籍迁出,
-- 其他) remove the member; an import counts them (2026-12-05: the registry could only add and
-- update, so the deceased stayed counted and a person married into another household was refused
-- there for good).
ALTER TABLE changesets ADD COLUMN members_removed BIGINT;

-- The households a person has left, with the last version of the member written there: a person
-- registered in such a household again counts on from it, so that the member's history there
-- (kept by version) is continued, never overwritten.
CREATE TABLE left_members (
    id_number    TEXT   NOT NULL,
    county_code  BIGINT NOT NULL,
    household_no TEXT   NOT NULL,
    version      BIGINT NOT NULL,
    PRIMARY KEY (id_number, county_code, household_no)
);
