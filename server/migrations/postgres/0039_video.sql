-- Short video clips (issue 19): a medium may be a video (MP4 or WebM, at most 30 s).
ALTER TABLE media DROP CONSTRAINT media_kind_check;
ALTER TABLE media ADD CONSTRAINT media_kind_check CHECK (kind IN ('image', 'audio', 'video'));
