-- The kind of every request (issue 17): 民生 (livelihood, the default and every ticket
-- so far), 发展 (development: an enterprise's, with its name and unified social credit
-- code) or 执法 (enforcement: filed by streets and departments). Queues and reports
-- filter by it.
ALTER TABLE tickets ADD COLUMN kind TEXT NOT NULL DEFAULT 'livelihood'
    CHECK (kind IN ('livelihood', 'development', 'enforcement'));
ALTER TABLE tickets ADD COLUMN enterprise_name TEXT;
ALTER TABLE tickets ADD COLUMN credit_code TEXT;
