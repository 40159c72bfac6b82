//! The schema, as numbered migrations. `PRAGMA user_version` holds the number of the last one
//! applied; each runs in its own transaction together with the bump of that number.

/// Marks a file as a capmatrix database (`PRAGMA application_id`): "cpmx" in ASCII.
pub const APPLICATION_ID: i64 = 0x6370_6D78;

/// The migrations, in order: `MIGRATIONS[i]` takes a database from version `i` to `i + 1`.
/// Version 1 also seeds the framework and version 3 its facts (done in code, see
/// `store::migrate`).
pub const MIGRATIONS: &[&str] = &[
    // 1: the framework and the matrix.
    "
    CREATE TABLE family (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE role (
        id          INTEGER PRIMARY KEY,
        family_id   INTEGER NOT NULL REFERENCES family(id),
        name        TEXT NOT NULL UNIQUE,
        description TEXT
    );
    CREATE TABLE role_level (
        id                   INTEGER PRIMARY KEY,
        role_id              INTEGER NOT NULL REFERENCES role(id),
        name                 TEXT NOT NULL UNIQUE,
        description          TEXT,
        rank                 INTEGER NOT NULL,
        is_lead              INTEGER NOT NULL,
        senior_civil_service INTEGER NOT NULL
    );
    -- Descriptors: bullet lines joined by newlines; NULL where the level is not defined.
    CREATE TABLE skill (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        description  TEXT,
        awareness    TEXT,
        working      TEXT,
        practitioner TEXT,
        expert       TEXT
    );
    CREATE TABLE requirement (
        role_level_id INTEGER NOT NULL REFERENCES role_level(id),
        skill_id      INTEGER NOT NULL REFERENCES skill(id),
        level         INTEGER CHECK (level BETWEEN 0 AND 4),
        PRIMARY KEY (role_level_id, skill_id)
    ) WITHOUT ROWID;
    CREATE TABLE team (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE member (
        id            INTEGER PRIMARY KEY,
        team_id       INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        role_level_id INTEGER REFERENCES role_level(id),
        UNIQUE (team_id, name COLLATE NOCASE)
    );
    -- rating and rating_history.skill_id are not foreign keys: skills never change after
    -- seeding, the core checks skill ids, `capmatrix check` reports strays, and the two
    -- extra lookups per rating cost 13% of a large import.
    CREATE TABLE rating (
        member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        skill_id   INTEGER NOT NULL,
        level      INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
        note       TEXT NOT NULL DEFAULT '',
        interested INTEGER NOT NULL DEFAULT 0,
        rated_at   INTEGER NOT NULL,
        PRIMARY KEY (member_id, skill_id)
    ) WITHOUT ROWID;
    -- Every change of a rating; level NULL records a cleared rating.
    CREATE TABLE rating_history (
        id         INTEGER PRIMARY KEY,
        member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        skill_id   INTEGER NOT NULL,
        level      INTEGER CHECK (level BETWEEN 0 AND 4),
        note       TEXT NOT NULL,
        interested INTEGER NOT NULL,
        at         INTEGER NOT NULL
    );
    CREATE TABLE team_target (
        team_id  INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
        skill_id INTEGER NOT NULL REFERENCES skill(id),
        level    INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
        count    INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (team_id, skill_id)
    ) WITHOUT ROWID;
    ",
    // 2: indexes for per-team and per-member reads, and history made append-only.
    "
    CREATE INDEX member_team ON member(team_id);
    CREATE INDEX rating_history_member ON rating_history(member_id, skill_id, id);
    CREATE TRIGGER rating_history_append_only BEFORE UPDATE ON rating_history
    BEGIN
        SELECT RAISE(ABORT, 'rating history is append-only');
    END;
    ",
    // 3: facts about the framework as a whole (its central role), filled in code from the
    // framework the database was seeded with (see `store::migrate`).
    "
    CREATE TABLE framework_info (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ",
    // 4: time. A rating's assessment date (a calendar date, `YYYY-MM-DD`) apart from the
    // instant it was recorded; undo recorded as a retraction of the entry it undoes; members
    // leave rather than vanish, and their joining, leaving, moves and role changes are kept;
    // a review period per team. Existing timestamps become both the assessment date (their
    // UTC date) and the recorded instant; every existing member gets a "joined" event on the
    // date of their earliest history entry (today when they have none).
    "
    ALTER TABLE rating ADD COLUMN assessed_on TEXT NOT NULL DEFAULT '1970-01-01';
    UPDATE rating SET assessed_on = COALESCE(date(rated_at / 1000, 'unixepoch'), '1970-01-01');
    -- Rebuilt with AUTOINCREMENT, so an id is never used twice: undo steps name entries by
    -- id, and a member put back by undo gets their entries back under the same ids.
    CREATE TABLE rating_history_v4 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        member_id   INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        skill_id    INTEGER NOT NULL,
        level       INTEGER CHECK (level BETWEEN 0 AND 4),
        note        TEXT NOT NULL,
        interested  INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        assessed_on TEXT NOT NULL,
        -- A retraction: the entry it undoes (its own level, note and flag mean nothing).
        retracts    INTEGER REFERENCES rating_history(id)
    );
    INSERT INTO rating_history_v4 (id, member_id, skill_id, level, note, interested, at, assessed_on)
        SELECT id, member_id, skill_id, level, note, interested, at,
               COALESCE(date(at / 1000, 'unixepoch'), '1970-01-01')
        FROM rating_history ORDER BY id;
    DROP TABLE rating_history;
    ALTER TABLE rating_history_v4 RENAME TO rating_history;
    CREATE INDEX rating_history_member ON rating_history(member_id, skill_id, id);
    CREATE TRIGGER rating_history_append_only BEFORE UPDATE ON rating_history
    BEGIN
        SELECT RAISE(ABORT, 'rating history is append-only');
    END;
    CREATE INDEX rating_history_retracts ON rating_history(retracts) WHERE retracts IS NOT NULL;
    ALTER TABLE member ADD COLUMN left_on TEXT;
    ALTER TABLE team ADD COLUMN review_months INTEGER NOT NULL DEFAULT 12
        CHECK (review_months BETWEEN 1 AND 120);
    -- What happened to a member: team_id and role_level_id are the state after the event;
    -- kind 'undo' retracts the event `retracts`.
    CREATE TABLE member_event (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        member_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('joined', 'left', 'moved', 'role', 'undo')),
        on_date       TEXT NOT NULL,
        at            INTEGER NOT NULL,
        team_id       INTEGER,
        role_level_id INTEGER,
        retracts      INTEGER REFERENCES member_event(id)
    );
    CREATE INDEX member_event_member ON member_event(member_id, id);
    CREATE INDEX member_event_retracts ON member_event(retracts) WHERE retracts IS NOT NULL;
    CREATE TRIGGER member_event_append_only BEFORE UPDATE ON member_event
    BEGIN
        SELECT RAISE(ABORT, 'member events are append-only');
    END;
    INSERT INTO member_event (member_id, kind, on_date, at, team_id, role_level_id)
        SELECT m.id, 'joined',
               COALESCE((SELECT min(h.assessed_on) FROM rating_history h WHERE h.member_id = m.id),
                        date('now')),
               CAST(strftime('%s', 'now') AS INTEGER) * 1000, m.team_id, m.role_level_id
        FROM member m ORDER BY m.id;
    ",
    // 5: both sides of the conversation. The person's own ratings (self-assessment) beside
    // the lead's (`rating`, which coverage and gaps use); history entries say whose they are.
    "
    CREATE TABLE self_rating (
        member_id   INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        skill_id    INTEGER NOT NULL,
        level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
        note        TEXT NOT NULL DEFAULT '',
        interested  INTEGER NOT NULL DEFAULT 0,
        rated_at    INTEGER NOT NULL,
        assessed_on TEXT NOT NULL,
        PRIMARY KEY (member_id, skill_id)
    ) WITHOUT ROWID;
    ALTER TABLE rating_history ADD COLUMN source TEXT NOT NULL DEFAULT 'lead'
        CHECK (source IN ('lead', 'self'));
    -- A random id for the file, written into assessment packs, so a pack from another
    -- database is recognised and refused.
    INSERT OR IGNORE INTO framework_info (key, value)
        VALUES ('database_id', lower(hex(randomblob(16))));
    ",
    // 6: skills of the lead's own and framework updates. A skill may be custom (added by the
    // lead) and have a category; a skill or role level a framework update removed, or a skill
    // the lead retired, is kept with its ratings and history, marked retired. The framework's
    // name and version go in framework_info (filled in code, see `store::migrate`).
    "
    ALTER TABLE skill ADD COLUMN category TEXT;
    ALTER TABLE skill ADD COLUMN custom INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE skill ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE role_level ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
    ",
    // 7: organisation roll-ups. A team copied from a team database by `rollup` names its
    // source file (absolute path, as last rolled up), the database it is (the file's
    // database_id, so a moved or copied file is the same source; the path for a file too old
    // to have one), that file's modification time, and whether its names were pseudonymised
    // (and notes dropped). Teams made here have no row.
    "
    CREATE TABLE rollup_team (
        team_id       INTEGER PRIMARY KEY REFERENCES team(id) ON DELETE CASCADE,
        source        TEXT NOT NULL,
        source_id     TEXT NOT NULL,
        source_time   TEXT NOT NULL,
        pseudonymised INTEGER NOT NULL
    );
    CREATE INDEX rollup_team_source ON rollup_team(source_id);
    ",
    // 8: rating history stored by member (a table without rowids keyed by member and id)
    // rather than beside an index by member: a large import writes one tree per entry, not
    // two (a tenth of its time). Entry ids are handed out by capmatrix from `id_sequence`,
    // which keeps AUTOINCREMENT's promise (never an id used before, even by an entry since
    // deleted). `retracts` is no longer a foreign key (ids are not unique on their own in
    // the key); the core checks it and `capmatrix check` reports strays (and ids used twice
    // or past the sequence).
    "
    CREATE TABLE id_sequence (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- Raised in code to AUTOINCREMENT's last id, read before this runs (see
    -- `store::migrate_to`: sqlite_sequence may not exist).
    INSERT INTO id_sequence (name, last)
        SELECT 'rating_history', coalesce((SELECT max(id) FROM rating_history), 0);
    CREATE TABLE rating_history_v8 (
        id          INTEGER NOT NULL,
        member_id   INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        skill_id    INTEGER NOT NULL,
        level       INTEGER CHECK (level BETWEEN 0 AND 4),
        note        TEXT NOT NULL,
        interested  INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        assessed_on TEXT NOT NULL,
        retracts    INTEGER,
        source      TEXT NOT NULL DEFAULT 'lead' CHECK (source IN ('lead', 'self')),
        PRIMARY KEY (member_id, id)
    ) WITHOUT ROWID;
    INSERT INTO rating_history_v8
        (id, member_id, skill_id, level, note, interested, at, assessed_on, retracts, source)
        SELECT id, member_id, skill_id, level, note, interested, at, assessed_on, retracts, source
        FROM rating_history ORDER BY member_id, id;
    DROP TABLE rating_history;
    ALTER TABLE rating_history_v8 RENAME TO rating_history;
    CREATE INDEX rating_history_retracts ON rating_history(retracts) WHERE retracts IS NOT NULL;
    CREATE TRIGGER rating_history_append_only BEFORE UPDATE ON rating_history
    BEGIN
        SELECT RAISE(ABORT, 'rating history is append-only');
    END;
    ",
    // 9: a first rating is stored once. A rating set where there was none keeps its history
    // entry's id in `implied_entry`: the row itself is that entry (same level, note, flag,
    // dates and source) until the rating changes, is cleared or undone, when the entry is
    // written to rating_history first and `implied_entry` goes back to NULL. History reads
    // take both. A large first import writes one row per rating instead of two.
    // A rating holding its entry can change only by giving the entry up (setting
    // implied_entry to NULL, after the entry is written to rating_history): anything else
    // would rewrite history, so the triggers refuse it, as rating_history's refuses updates.
    "
    ALTER TABLE rating ADD COLUMN implied_entry INTEGER;
    ALTER TABLE self_rating ADD COLUMN implied_entry INTEGER;
    CREATE TRIGGER rating_entry_kept BEFORE UPDATE ON rating
    WHEN OLD.implied_entry IS NOT NULL AND (NEW.implied_entry IS NOT NULL
        OR NEW.member_id IS NOT OLD.member_id OR NEW.skill_id IS NOT OLD.skill_id
        OR NEW.level IS NOT OLD.level OR NEW.note IS NOT OLD.note
        OR NEW.interested IS NOT OLD.interested OR NEW.rated_at IS NOT OLD.rated_at
        OR NEW.assessed_on IS NOT OLD.assessed_on)
    BEGIN
        SELECT RAISE(ABORT, 'rating history is append-only (this rating holds its entry)');
    END;
    CREATE TRIGGER self_rating_entry_kept BEFORE UPDATE ON self_rating
    WHEN OLD.implied_entry IS NOT NULL AND (NEW.implied_entry IS NOT NULL
        OR NEW.member_id IS NOT OLD.member_id OR NEW.skill_id IS NOT OLD.skill_id
        OR NEW.level IS NOT OLD.level OR NEW.note IS NOT OLD.note
        OR NEW.interested IS NOT OLD.interested OR NEW.rated_at IS NOT OLD.rated_at
        OR NEW.assessed_on IS NOT OLD.assessed_on)
    BEGIN
        SELECT RAISE(ABORT, 'rating history is append-only (this rating holds its entry)');
    END;
    -- Every entry in one place, for anyone reading the file with SQL (the sqlite3 shell,
    -- DuckDB): the history rows and the entries first ratings hold.
    CREATE VIEW rating_entries AS
        SELECT id, member_id, skill_id, level, note, interested, at, assessed_on, retracts,
               source
        FROM rating_history
        UNION ALL
        SELECT implied_entry, member_id, skill_id, level, note, interested, rated_at,
               assessed_on, NULL, 'lead'
        FROM rating WHERE implied_entry IS NOT NULL
        UNION ALL
        SELECT implied_entry, member_id, skill_id, level, note, interested, rated_at,
               assessed_on, NULL, 'self'
        FROM self_rating WHERE implied_entry IS NOT NULL;
    ",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
