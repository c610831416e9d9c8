-- Photo contests (issue 14): the photos uploaded with the "Upload a Photo" entry method and the
-- votes for them. The photo's bytes live in `media`, with the chat giveaways' banners; a
-- submission that is not approved is never served from /media (store/gallery.rs).
CREATE TABLE gallery_submissions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id    INTEGER NOT NULL REFERENCES giveaways (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    -- The photo method's entry, the `{entry_id}` of /v2's gallery routes. No foreign key: an
    -- entry can be deleted through /v2, and its photo then leaves the gallery with it.
    entry_id       INTEGER NOT NULL,
    media_id       TEXT    NOT NULL REFERENCES media (id),
    caption        TEXT,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    -- pending, approved or rejected
    status         TEXT    NOT NULL,
    votes          INTEGER NOT NULL DEFAULT 0,
    reviewed_at    INTEGER,
    -- Set when the owner picked its author as the "most voted" winner: the votes it had then.
    picked_votes   INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX gallery_submissions_entry ON gallery_submissions (entry_id);
CREATE UNIQUE INDEX gallery_submissions_media ON gallery_submissions (media_id);
CREATE INDEX gallery_submissions_list ON gallery_submissions (giveaway_id, status, id);

-- One vote per person per photo per day (`day`: the giveaway's local date, YYYY-MM-DD).
CREATE TABLE gallery_votes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id  INTEGER NOT NULL REFERENCES gallery_submissions (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    ip             TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX gallery_votes_once ON gallery_votes (submission_id, participant_id, day);
CREATE INDEX gallery_votes_ip ON gallery_votes (submission_id, ip, day);
CREATE INDEX gallery_votes_voter ON gallery_votes (participant_id, day);
