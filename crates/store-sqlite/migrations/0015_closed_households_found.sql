-- Closed households (销户) are found again: listed by area (户状态：已销户) and by number, a
-- household that moved to another county among them — its number's directory entry went with
-- it, its closed row stayed here (2026-12-05: the county it left could not reach it). Both
-- indexes hold the closed rows alone.
CREATE INDEX households_closed ON households (village_code, household_no)
    WHERE dissolved_on IS NOT NULL;
CREATE INDEX households_closed_no ON households (household_no)
    WHERE dissolved_on IS NOT NULL;
