-- The day each person left a household (减少时间, else the day of the import that removed them):
-- a report as of an earlier day counts them there (2026-12-05: a member who died this year
-- vanished from last year's figures replayed now). Rows kept before this migration take the
-- day from the removal kept in `member_history`.
ALTER TABLE left_members ADD COLUMN left_on TEXT;

UPDATE left_members l SET left_on = (
    SELECT COALESCE(h.after_json::json -> 'removed' ->> 'on', substr(c.at, 1, 10))
    FROM member_history h JOIN changesets c ON c.id = h.changeset_id
    WHERE h.county_code = l.county_code
      AND h.household_no = l.household_no
      AND h.id_number = l.id_number
      AND h.version = l.version
);
