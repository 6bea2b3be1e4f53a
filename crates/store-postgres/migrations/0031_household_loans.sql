-- A household's loans on its page (一户一档): read by the county and the household's number.
CREATE INDEX loans_household ON loans (county_code, household_no);
