-- Names compare by code point whatever the database's locale, as SQLite's do: the prefix search
-- (`name >= q AND name < q || U+FFFF`, `sql/search.rs`) means the same on every cluster, and the
-- name indexes sort with memcmp instead of the locale's strcoll (a province's members_name:
-- 3.1 s -> 1.5 s on a C.UTF-8 cluster). The two household numbers made without it join the
-- others, which are all "C" (ARCHITECTURE, Invariants).
ALTER TABLE households ALTER COLUMN head_name TYPE TEXT COLLATE "C";
ALTER TABLE members ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE clues ALTER COLUMN household_no TYPE TEXT COLLATE "C";
ALTER TABLE screening_results ALTER COLUMN household_no TYPE TEXT COLLATE "C";
