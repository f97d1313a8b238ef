-- 0012-calendar-feed.sql: a user's personal iCalendar feed of deadlines.
--
-- A calendar program fetches the feed without a session, by a secret token
-- in its address (GET /api/calendar.ics?token=...).  The token is stored as
-- its SHA-256, never itself: someone who reads the database cannot read
-- anyone's calendar with what they read.  A user has at most one token in
-- use; making a new one revokes the old (revoked is set, the row is kept).
-- Times are seconds since the epoch.

CREATE TABLE calendar_feed (
	id @id@,
	user_name @text@ NOT NULL,            -- the user (app_user.name) whose feed it is
	token_sha256 @text@ NOT NULL UNIQUE,  -- hex of SHA-256 of the token
	created @int@ NOT NULL,
	revoked @int@                         -- NULL while in use
);

CREATE INDEX calendar_feed_user ON calendar_feed (user_name);
