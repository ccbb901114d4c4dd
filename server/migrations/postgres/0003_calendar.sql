-- The working-day calendar, one row per year with an official schedule, kept as the
-- CSV that core's WorkCalendar reads (validated on import and again on load).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    csv  TEXT NOT NULL
);
