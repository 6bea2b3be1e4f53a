-- A members ledger's rows saying the person has left the household (人口减少: 死亡, 婚出, 户籍迁出,
-- 其他) remove the member; an import counts them (2026-12-05: the registry could only add and
-- update, so the deceased stayed counted and a person married into another household was refused
-- there for good).
ALTER TABLE changesets ADD COLUMN members_removed BIGINT;
