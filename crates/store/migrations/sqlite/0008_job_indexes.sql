-- The queue's indexes hold only the jobs each lookup is after: due jobs for claims, running ones
-- for expired leases, done ones for the purge. A job leaves an index when it changes state, so
-- claims read a short index however many jobs are done, and a new job is one entry, not two.
DROP INDEX jobs_due;
DROP INDEX jobs_lease;
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'pending';
CREATE INDEX jobs_lease ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';
