-- Version 2: metric_points' unique key leads with the series id and ends with the project (why:
-- schema.sql). schema.sql, which runs next in the same transaction, builds the new key; while it
-- builds (a minute or so per 100 million points) the collector has not started serving.
DROP INDEX IF EXISTS metric_points_key;
