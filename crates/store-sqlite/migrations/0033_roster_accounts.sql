-- 系统账号: the login name a cadre of the roster checks in with (驻村考勤), linking the roster to
-- the attendance and the phone checks to the day's word. NULL: no account.
ALTER TABLE work_team_members ADD COLUMN account TEXT;
