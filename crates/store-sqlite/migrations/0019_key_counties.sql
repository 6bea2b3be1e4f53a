-- Key assistance counties (乡村振兴重点帮扶县, DOMAIN §11): which counties of a province are on
-- the national or the provincial list, as the province loads it (a reference table: small, read
-- by every level's dispatch).
CREATE TABLE key_counties (
    county_code INTEGER PRIMARY KEY REFERENCES divisions (code),
    kind        INTEGER NOT NULL
);
