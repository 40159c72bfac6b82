//! The SQLite store: the only module that holds SQL. Opening (with the checks that refuse
//! files that are not ours, newer or damaged, leaving them untouched), pragmas, the
//! single-writer lock, migrations with a backup beforehand, loading the snapshot, and the
//! writes the core makes inside one IMMEDIATE transaction. Bound parameters only. Never
//! imports egui.

mod lock;
mod schema;

pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

use crate::error::{Error, Result};
use crate::model::history::Timeline;
use crate::model::time::EARLIEST;
use crate::model::{
    Date, EventKind, Family, FamilyId, Framework, HistoryEntry, Level, Member, MemberEvent,
    MemberId, Rating, Requirement, Role, RoleId, RoleLevel, RoleLevelId, Skill, SkillId, Snapshot,
    Source, Target, Team, TeamId, Timestamp,
};
use lock::WriteLock;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Attaches the database path to SQLite errors.
trait AtPath<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> AtPath<T> for rusqlite::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| Error::Sqlite {
            source,
            path: path.to_path_buf(),
        })
    }
}

/// Counts for `capmatrix info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Teams.
    pub teams: i64,
    /// Current members.
    pub members: i64,
    /// Former members (left, kept with their history).
    pub former: i64,
    /// Current members' ratings (the lead's).
    pub ratings: i64,
    /// Former members' ratings, kept with them.
    pub former_ratings: i64,
    /// Current members' own ratings (self-assessments).
    pub own_ratings: i64,
    /// Entries in the rating history (undone ones included; their retractions not).
    pub history: i64,
}

/// Where a rolled-up team came from, as recorded with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupOrigin {
    /// The team file's absolute path.
    pub source: String,
    /// Which database the file is (its database_id, or its path).
    pub source_id: String,
    /// The file's modification time (RFC 3339, UTC).
    pub source_time: String,
    /// Names pseudonymised, notes dropped.
    pub pseudonymised: bool,
}

/// A team copied into an organisation database by `rollup`, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupSource {
    /// The team in this database.
    pub team: TeamId,
    /// The team file's absolute path.
    pub source: String,
    /// Which database the file is (its database_id, or its path when too old to have one).
    pub source_id: String,
    /// The team file's modification time (RFC 3339, UTC).
    pub source_time: String,
    /// Member names are pseudonyms and notes were dropped.
    pub pseudonymised: bool,
}

/// An open capmatrix database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    lock: Option<WriteLock>,
    in_memory: bool,
    /// Opened by [`Store::open_read_only`]: never takes the lock, never writes.
    read_only: bool,
    /// A file of the user's own (not in memory, not someone else's team file): a second
    /// connection may read it, so a large load reads half the ratings on another core.
    parallel_load: bool,
    /// A team file read through an upgraded copy: the schema version the file itself has.
    upgraded_from: Option<i64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What the checks before opening found.
enum Existing {
    /// No file, or an empty one: create and seed.
    New,
    /// A capmatrix database at this schema version.
    Ours(i64),
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens a database file, creating and seeding it if it does not exist. Refuses, leaving
    /// the file byte-for-byte untouched, a file that is not a capmatrix database, one written
    /// by a newer capmatrix, or one that fails `PRAGMA quick_check`. Takes the write lock if
    /// no other capmatrix holds it; otherwise the store opens for reading and writes fail with
    /// [`Error::Locked`]. Before migrating an existing database it writes a backup beside it.
    pub fn open(path: &Path) -> Result<Store> {
        let existing = inspect(path)?;
        if let Existing::Ours(version) = existing
            && let Some(reason) = write_refusal(path)
        {
            // A file we may not write opens for reading (a file marked read-only does, even
            // for root, who could write it anyway), unless it first needs its upgrade.
            if version < SCHEMA_VERSION {
                return Err(Error::NeedsUpgrade {
                    reason,
                    path: path.to_path_buf(),
                });
            }
            return Store::open_existing_read_only(path);
        }
        let lock = WriteLock::try_acquire(path)?;
        let needs_migration = !matches!(existing, Existing::Ours(v) if v == SCHEMA_VERSION);
        if needs_migration && lock.is_none() {
            return Err(Error::Locked {
                pid: WriteLock::holder(path),
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open(path).at(path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            lock,
            in_memory: false,
            read_only: false,
            parallel_load: true,
            upgraded_from: None,
        };
        store.configure()?;
        if let Existing::Ours(version) = existing
            && version < SCHEMA_VERSION
        {
            store.backup_before_migration(version)?;
        }
        store.migrate()?;
        Ok(store)
    }

    /// Opens a database for reading only, without the write lock, so that a reader (a
    /// scheduled `check` or `export`) never blocks or fails the person editing. A file that
    /// does not exist yet is created and seeded first (taking the lock for that moment only),
    /// and an older schema is migrated the same way (with its backup); otherwise nothing is
    /// written. Refuses what [`Store::open`] refuses, except that it leaves the structural
    /// check (which reads the whole file) to `check`: a reader meets damage where it reads.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        match inspect_with(path, open_read_only_connection, false)? {
            Existing::Ours(v) if v == SCHEMA_VERSION => {}
            _ => drop(Store::open(path)?),
        }
        Store::open_existing_read_only(path)
    }

    /// Opens an existing, sound database for `check`: a missing or empty file is reported,
    /// never created. Reads only, without the lock.
    pub fn open_for_check(path: &Path) -> Result<Store> {
        let missing = |reason: &str| Error::NotCapmatrix {
            reason: reason.to_string(),
            path: path.to_path_buf(),
        };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoDatabase {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    action: "read the database",
                    path: path.to_path_buf(),
                    source,
                });
            }
            Ok(m) if m.is_file() && m.len() == 0 => {
                return Err(missing("the file is empty"));
            }
            Ok(_) => {}
        }
        match inspect(path)? {
            Existing::Ours(v) if v <= SCHEMA_VERSION => Store::open_existing_read_only(path),
            _ => Err(missing("the file is empty")),
        }
    }

    fn open_existing_read_only(path: &Path) -> Result<Store> {
        let conn = open_read_only_connection(path).at(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .at(path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            lock: None,
            in_memory: false,
            read_only: true,
            parallel_load: true,
            upgraded_from: None,
        })
    }

    /// Starts the read transaction that later reads on this connection share, so that a
    /// reader sees one consistent state however long it runs. In WAL mode a reader never
    /// blocks a writer.
    pub fn begin_read(&self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN DEFERRED; SELECT count(*) FROM sqlite_schema;")
            .at(&self.path)
    }

    /// Why this store cannot be written, if it cannot: the file is read-only or not ours to
    /// write, its folder cannot hold the lock file, or another capmatrix holds the lock.
    pub fn read_only_reason(&self) -> Option<String> {
        if self.in_memory || self.lock.is_some() {
            return None;
        }
        if let Some(reason) = write_refusal(&self.path) {
            return Some(reason.to_string());
        }
        let lock = companion(&self.path, ".lock");
        let folder_read_only = if lock.exists() {
            std::fs::OpenOptions::new().write(true).open(&lock).is_err()
        } else {
            let dir = match self.path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly())
        };
        if folder_read_only {
            return Some("its folder is read-only".to_string());
        }
        if WriteLock::held_elsewhere(&self.path) {
            return Some("open in another capmatrix".to_string());
        }
        None
    }

    /// A fresh, seeded database in memory, for tests and throwaway use.
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().at(&path)?;
        let mut store = Store {
            conn,
            path,
            lock: None,
            in_memory: true,
            read_only: false,
            parallel_load: false,
            upgraded_from: None,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Creates a database at an older schema version, seeded, for migration tests.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i64) -> Result<()> {
        let conn = Connection::open(path).at(path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            lock: None,
            in_memory: true,
            read_only: false,
            parallel_load: false,
            upgraded_from: None,
        };
        store.configure()?;
        store.migrate_to(version)
    }

    fn configure(&mut self) -> Result<()> {
        let p = &self.path;
        // WAL + synchronous=FULL: a committed edit is on disk before commit returns.
        if !self.in_memory {
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
                .at(p)?;
        }
        self.conn.pragma_update(None, "synchronous", "FULL").at(p)?;
        self.conn.pragma_update(None, "foreign_keys", "ON").at(p)?;
        self.conn
            .busy_timeout(std::time::Duration::from_secs(5))
            .at(p)?;
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    fn backup_before_migration(&self, version: i64) -> Result<PathBuf> {
        self.backup_beside(&format!("v{version}"))
    }

    /// Writes a backup beside the database, named `<stem>.<what>-backup-<UTC time>.db`
    /// (before a migration or a framework update). Returns its path; an in-memory database
    /// has none to back up and returns `None`.
    pub fn backup_before(&self, what: &str) -> Result<Option<PathBuf>> {
        if self.in_memory {
            return Ok(None);
        }
        self.backup_beside(what).map(Some)
    }

    fn backup_beside(&self, what: &str) -> Result<PathBuf> {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H%M%SZ")
            .to_string();
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "capmatrix".into());
        // Two in the same second get a number rather than fail.
        let mut dest = self
            .path
            .with_file_name(format!("{stem}.{what}-backup-{stamp}.db"));
        let mut n = 2;
        while dest.exists() {
            dest = self
                .path
                .with_file_name(format!("{stem}.{what}-backup-{stamp}-{n}.db"));
            n += 1;
        }
        self.backup_to(&dest)?;
        Ok(dest)
    }

    fn migrate(&mut self) -> Result<()> {
        self.migrate_to(SCHEMA_VERSION)
    }

    fn migrate_to(&mut self, target: i64) -> Result<()> {
        let p = self.path.clone();
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .at(&p)?;
        for version in current..target {
            let Some(sql) = schema::MIGRATIONS.get(version as usize) else {
                break;
            };
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .at(&p)?;
            // Before 8 drops the history table (and its sqlite_sequence row): the last id
            // AUTOINCREMENT handed out, which may be past the largest left.
            let history_seq = if version == 7 {
                autoincrement_seq(&tx, "rating_history").at(&p)?
            } else {
                0
            };
            tx.execute_batch(sql).at(&p)?;
            if version == 7 {
                tx.execute(
                    "UPDATE id_sequence SET last = max(last, ?1) WHERE name = 'rating_history'",
                    [history_seq],
                )
                .at(&p)?;
            }
            if version == 0 {
                tx.pragma_update(None, "application_id", APPLICATION_ID)
                    .at(&p)?;
                seed_framework(&tx, &Framework::ddat()?).at(&p)?;
            }
            if version == 2 {
                // Databases before version 3 were all seeded from the shipped framework.
                seed_framework_info(&tx, &Framework::ddat()?).at(&p)?;
                normalise_names(&tx).at(&p)?;
            }
            if version == 5 {
                // Before version 6 the framework never changed after seeding: it is the
                // shipped one, whose name and version these are.
                let ddat = Framework::ddat()?;
                for (key, value) in [("name", &ddat.name), ("version", &ddat.version)] {
                    if let Some(value) = value {
                        tx.execute(
                            "INSERT OR IGNORE INTO framework_info (key, value) VALUES (?1, ?2)",
                            params![key, value],
                        )
                        .at(&p)?;
                    }
                }
            }
            tx.pragma_update(None, "user_version", version + 1).at(&p)?;
            tx.commit().at(&p)?;
        }
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this process holds the write lock (a read-only store never does).
    pub fn is_writable(&self) -> bool {
        self.in_memory || self.lock.is_some()
    }

    /// The schema version in the file.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .at(&self.path)
    }

    /// The value of a pragma on this connection, as text (diagnostics and tests):
    /// e.g. `journal_mode`, `synchronous`, `foreign_keys`, `application_id`.
    pub fn pragma_text(&self, name: &str) -> Result<String> {
        self.conn
            .pragma_query_value(None, name, |r| {
                let v: rusqlite::types::Value = r.get(0)?;
                Ok(match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })
            .at(&self.path)
    }

    /// Opens a team database to copy from (`rollup`): for reading only, never locked or
    /// changed. A missing file, a file that is not a capmatrix database and one written by a
    /// newer capmatrix are refused by name. An older one is read through an upgraded copy in
    /// `scratch` (a temporary folder the caller owns).
    ///
    /// With `quiet` false the file is read through an ordinary read-only connection (which
    /// sees a writer's log): for a second reading when the file changed during the first.
    pub fn open_source(path: &Path, scratch: &Path, quiet: bool) -> Result<Store> {
        let open_untouched = if quiet {
            open_untouched
        } else {
            open_read_only_connection
        };
        match inspect_with(path, open_untouched, true)? {
            Existing::New => Err(Error::NoDatabase {
                path: path.to_path_buf(),
            }),
            Existing::Ours(v) if v == SCHEMA_VERSION => Ok(Store {
                conn: open_untouched(path).at(path)?,
                path: path.to_path_buf(),
                lock: None,
                in_memory: false,
                read_only: true,
                parallel_load: false,
                upgraded_from: None,
            }),
            Existing::Ours(version) => {
                let copy = scratch.join("source.db");
                let _ = std::fs::remove_file(&copy);
                let conn = open_untouched(path).at(path)?;
                conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])
                    .at(path)?;
                drop(conn);
                let mut store = Store::open(&copy)?;
                store.path = path.to_path_buf();
                store.parallel_load = false;
                store.upgraded_from = Some(version);
                Ok(store)
            }
        }
    }

    /// Which database a team file is, for roll-ups: its database_id (a copied or moved file
    /// is the same database), or `None` when the file is older than database ids (schema 5)
    /// and has none of its own.
    pub fn source_id(&self) -> Result<Option<String>> {
        if self.upgraded_from.is_some_and(|v| v < 5) {
            return Ok(None);
        }
        Ok(Some(self.database_id()?).filter(|id| !id.is_empty()))
    }

    /// Every member's events (joined, left, moved, role), in recorded order per member.
    pub fn all_events(&self) -> Result<std::collections::HashMap<MemberId, Vec<MemberEvent>>> {
        Ok(by_member(all_events(&self.conn).at(&self.path)?))
    }

    /// The framework alone (cheap: no matrix).
    pub fn load_framework(&self) -> Result<Framework> {
        load_framework(&self.conn).at(&self.path)?
    }

    /// The `framework_info` entries whose keys start with `prefix`, by key.
    pub fn info_prefixed(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        info_prefixed(&self.conn, prefix).at(&self.path)
    }

    /// A value kept in `framework_info` (the framework's name and version, the database's id,
    /// how names were rolled up).
    pub fn info_value(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT value FROM framework_info WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .at(&self.path)
    }

    /// Overwrites deleted content with zeros from now on (pseudonymised roll-ups replace
    /// names and notes: the old text must not stay in free pages).
    pub fn set_secure_delete(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "secure_delete", "ON")
            .at(&self.path)
    }

    /// Whether any team was rolled up with pseudonyms (its notes dropped).
    pub fn is_pseudonymised(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM rollup_team WHERE pseudonymised)",
                [],
                |r| r.get(0),
            )
            .at(&self.path)
    }

    /// Where rolled-up teams came from: team, source file, its modification time, and
    /// whether names were pseudonymised.
    pub fn rollup_sources(&self) -> Result<Vec<RollupSource>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT team_id, source, source_time, pseudonymised, source_id FROM rollup_team
                 ORDER BY source, team_id",
            )
            .at(&self.path)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RollupSource {
                    team: TeamId(r.get(0)?),
                    source: r.get(1)?,
                    source_time: r.get(2)?,
                    pseudonymised: r.get(3)?,
                    source_id: r.get(4)?,
                })
            })
            .at(&self.path)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().at(&self.path)
    }

    /// Counts of teams, members, ratings and history entries.
    pub fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<i64> {
            // Table names come from this function's callers below, never from input.
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .at(&self.path)
        };
        // Former members are few: their ratings are counted through the key's prefix and
        // taken from the whole count, never a join over every rating (and not at all when
        // nobody has left).
        let former = count("member WHERE left_on IS NOT NULL")?;
        let of_former = |table: &str| -> Result<i64> {
            if former == 0 {
                return Ok(0);
            }
            count(&format!(
                "{table} WHERE member_id IN (SELECT id FROM member WHERE left_on IS NOT NULL)"
            ))
        };
        let former_ratings = of_former("rating")?;
        Ok(Counts {
            teams: count("team")?,
            members: count("member WHERE left_on IS NULL")?,
            former,
            ratings: count("rating")? - former_ratings,
            former_ratings,
            own_ratings: count("self_rating")? - of_former("self_rating")?,
            // All entries less the retractions (the partial index counts those at once), and
            // the entries first ratings imply.
            history: count("rating_history")? - count("rating_history WHERE retracts IS NOT NULL")?
                + count("rating WHERE implied_entry IS NOT NULL")?
                + count("self_rating WHERE implied_entry IS NOT NULL")?,
        })
    }

    /// Runs SQLite's full integrity check and the foreign key check; returns the problems
    /// found (empty when the database is sound).
    pub fn check(&self) -> Result<Vec<String>> {
        // One read transaction: every part of the check sees the same state.
        let tx = self.conn.unchecked_transaction().at(&self.path)?;
        let problems = self.check_in(&tx)?;
        tx.finish().at(&self.path)?;
        Ok(problems)
    }

    fn check_in(&self, _tx: &rusqlite::Transaction<'_>) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").at(&self.path)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .at(&self.path)?;
        for row in rows {
            let row = row.at(&self.path)?;
            if row != "ok" {
                problems.push(row);
            }
        }
        for (table, column) in [
            ("rating", "assessed_on"),
            ("rating_history", "assessed_on"),
            ("member", "left_on"),
            ("member_event", "on_date"),
        ] {
            // Table and column names are fixed here, never from input.
            let sql = format!(
                "SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND \
                 {column} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"
            );
            let bad: i64 = self.conn.query_row(&sql, [], |r| r.get(0)).at(&self.path)?;
            if bad > 0 {
                problems.push(format!(
                    "{table}.{column} is not a date in {bad} rows (read as {EARLIEST})"
                ));
            }
        }
        for table in ["rating", "rating_history"] {
            // Table names are fixed here, never from input.
            let sql = format!(
                "SELECT count(*) FROM {table} WHERE skill_id NOT IN (SELECT id FROM skill)"
            );
            let strays: i64 = self.conn.query_row(&sql, [], |r| r.get(0)).at(&self.path)?;
            if strays > 0 {
                problems.push(format!("{strays} rows of {table} refer to a missing skill"));
            }
        }
        if self.schema_version()? >= 9 {
            problems.extend(self.history_id_problems()?);
        }
        problems.extend(self.invalid_text()?);
        let mut stmt = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .at(&self.path)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "row {} of {} refers to a missing {}",
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(2)?
                ))
            })
            .at(&self.path)?;
        for row in rows {
            problems.push(row.at(&self.path)?);
        }
        Ok(problems)
    }

    /// What keeps history entry ids sound since schemas 8 and 9 (no foreign key or unique
    /// index does): every id used once, whether a history row or kept in a rating; none past
    /// `id_sequence`; every retraction naming an entry of its member.
    fn history_id_problems(&self) -> Result<Vec<String>> {
        const IDS: &str = "SELECT id FROM rating_history
            UNION ALL SELECT implied_entry FROM rating WHERE implied_entry IS NOT NULL
            UNION ALL SELECT implied_entry FROM self_rating WHERE implied_entry IS NOT NULL";
        let count = |sql: &str| -> Result<i64> {
            self.conn.query_row(sql, [], |r| r.get(0)).at(&self.path)
        };
        let mut problems = Vec::new();
        let twice = count(&format!(
            "SELECT count(*) FROM (SELECT id FROM ({IDS}) GROUP BY id HAVING count(*) > 1)"
        ))?;
        if twice > 0 {
            problems.push(format!(
                "{twice} rating history ids are used more than once"
            ));
        }
        let past = count(&format!(
            "SELECT count(*) FROM ({IDS}) WHERE id >
               coalesce((SELECT last FROM id_sequence WHERE name = 'rating_history'), 0)"
        ))?;
        if past > 0 {
            problems.push(format!(
                "{past} rating history ids are past id_sequence (new entries would repeat them)"
            ));
        }
        let strays = count(
            "SELECT count(*) FROM rating_history r WHERE r.retracts IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM rating_history h
                             WHERE h.member_id = r.member_id AND h.id = r.retracts)",
        )?;
        if strays > 0 {
            problems.push(format!(
                "{strays} rating history retractions name an entry their member does not have"
            ));
        }
        Ok(problems)
    }

    /// Text values that are not valid UTF-8 (a hand-edited or damaged file), one line per
    /// column with the first row, e.g. "member.name in row 7 (and 2 more) is not valid UTF-8".
    fn invalid_text(&self) -> Result<Vec<String>> {
        let p = &self.path;
        let mut columns = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.name, c.name FROM sqlite_schema m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid",
            )
            .at(p)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .at(p)?;
        for row in rows {
            columns.push(row.at(p)?);
        }
        let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
        let mut problems = Vec::new();
        for (table, column) in columns {
            // Identifiers come from the database's own schema, quoted.
            let sql = format!(
                "SELECT rowid, {c} FROM {t} WHERE typeof({c}) = 'text'",
                c = quote(&column),
                t = quote(&table)
            );
            // A WITHOUT ROWID table (framework_info, requirement, rating) has no rowid: its
            // rows are counted without one.
            let mut stmt = match self.conn.prepare(&sql) {
                Ok(stmt) => stmt,
                Err(_) => self
                    .conn
                    .prepare(&format!(
                        "SELECT NULL, {c} FROM {t} WHERE typeof({c}) = 'text'",
                        c = quote(&column),
                        t = quote(&table)
                    ))
                    .at(p)?,
            };
            let mut rows = stmt.query([]).at(p)?;
            let (mut first, mut count) = (None, 0usize);
            while let Some(r) = rows.next().at(p)? {
                if let rusqlite::types::ValueRef::Text(bytes) = r.get_ref(1).at(p)?
                    && std::str::from_utf8(bytes).is_err()
                {
                    count += 1;
                    first = first.or(Some(r.get::<_, Option<i64>>(0).at(p)?));
                }
            }
            if let Some(row) = first {
                let more = if count > 1 {
                    format!(" (and {} more)", count - 1)
                } else {
                    String::new()
                };
                let at = row.map_or_else(|| "a row".to_string(), |r| format!("row {r}"));
                problems.push(format!("{table}.{column} in {at}{more} is not valid UTF-8"));
            }
        }
        Ok(problems)
    }

    /// Writes a consistent copy of the database to `dest` (which must not exist), while the
    /// database stays in use. The copy is written to a temporary file beside `dest`, flushed
    /// to disk and only then renamed into place, so a full disk or a crash never leaves a
    /// partial file under the backup's name.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let exists = Error::WontOverwrite {
            reason: "the backup file already exists; choose another name".to_string(),
            path: dest.to_path_buf(),
        };
        if std::fs::symlink_metadata(dest).is_ok() {
            return Err(exists);
        }
        let io = |source| Error::Io {
            action: "write the backup",
            path: dest.to_path_buf(),
            source,
        };
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = new_file_builder(".capmatrix-backup-")
            .tempfile_in(dir)
            .map_err(io)?;
        // VACUUM INTO accepts an existing empty file.
        let tmp_text = tmp.path().to_string_lossy().into_owned();
        self.conn
            .execute("VACUUM INTO ?1", [tmp_text])
            .map_err(|source| Error::BackupFailed {
                source,
                path: dest.to_path_buf(),
            })?;
        std::fs::File::open(tmp.path())
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        match tmp.persist_noclobber(dest) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(exists),
            Err(e) => Err(io(e.error)),
        }
    }

    /// Loads the framework and the whole matrix.
    pub fn load(&self) -> Result<Snapshot> {
        // One read transaction for the whole load (unless the caller holds one already).
        let own = self.conn.is_autocommit();
        if own {
            self.conn.execute_batch("BEGIN DEFERRED").at(&self.path)?;
        }
        let loaded = self.load_in_transaction();
        if own && let Err(e) = self.conn.execute_batch("COMMIT") {
            // Never leave the connection inside a transaction.
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(e).at(&self.path);
        }
        loaded
    }

    fn load_in_transaction(&self) -> Result<Snapshot> {
        let framework = Arc::new(load_framework(&self.conn).at(&self.path)??);
        let mut snapshot = Snapshot::new(framework);
        let ratings = if self.parallel_load {
            self.ratings_on_two_cores(&active_skills(&snapshot.framework))?
        } else {
            None
        };
        load_matrix(&self.conn, &mut snapshot, ratings).at(&self.path)?;
        Ok(snapshot)
    }

    /// The lead's ratings, the upper half of the members read by a second connection on
    /// another thread while this one reads the lower half (a 100,000-member file opens in
    /// two thirds of the time on two cores). `None` when there are too few to be worth it,
    /// or when the two connections did not see the same state (a change committed between
    /// their first reads): the caller then reads them all itself.
    fn ratings_on_two_cores(&self, active: &[bool]) -> Result<Option<MemberRatings>> {
        let (lo, hi): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(
                "SELECT min(member_id), max(member_id) FROM rating",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .at(&self.path)?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Ok(None);
        };
        if hi.saturating_sub(lo) < 5_000 {
            return Ok(None);
        }
        let mid = lo + (hi - lo) / 2;
        let seen = data_fingerprint(&self.conn).at(&self.path)?;
        let path = self.path.clone();
        let theirs = active.to_vec();
        let other = std::thread::spawn(move || -> rusqlite::Result<_> {
            let conn = open_read_only_connection(&path)?;
            conn.execute_batch("BEGIN DEFERRED")?;
            let seen = data_fingerprint(&conn)?;
            let upper = load_ratings(&conn, "rating", (mid + 1, i64::MAX), &theirs)?;
            Ok((seen, upper))
        });
        let mut lower =
            load_ratings(&self.conn, "rating", (i64::MIN, mid), active).at(&self.path)?;
        match other.join() {
            Ok(Ok((theirs, upper))) if theirs == seen => {
                lower.extend(upper);
                Ok(Some(lower))
            }
            _ => Ok(None),
        }
    }

    /// A member's rating history, oldest first (optionally one skill only).
    pub fn history(&self, member: MemberId, skill: Option<SkillId>) -> Result<Vec<HistoryEntry>> {
        let mut all = member_history(&self.conn, member).at(&self.path)?;
        if let Some(skill) = skill {
            all.retain(|h| h.skill == skill);
        }
        Ok(all)
    }

    /// Every member's rating history, in recorded order per member (undone entries marked).
    pub fn all_history(&self) -> Result<std::collections::HashMap<MemberId, Vec<HistoryEntry>>> {
        let mut all = by_member(self.in_one_read(all_entries)?);
        // Each member's entries are put in order on their own: the order members are visited
        // in does not matter.
        #[allow(clippy::iter_over_hash_type)]
        for entries in all.values_mut() {
            entries.sort_unstable_by_key(|e| e.id);
        }
        Ok(all)
    }

    /// The database's random id (made when it reached schema 5), written into assessment
    /// packs.
    pub fn database_id(&self) -> Result<String> {
        self.conn
            .query_row(
                "SELECT value FROM framework_info WHERE key = 'database_id'",
                [],
                |r| r.get(0),
            )
            .optional()
            .at(&self.path)
            .map(Option::unwrap_or_default)
    }

    /// Every rating entry (retired skills' too) and member event: what a history export
    /// writes.
    pub fn whole_timeline(&self) -> Result<Timeline> {
        let (entries, events) =
            self.in_one_read(|conn| Ok((entries_of(conn, true)?, all_events(conn)?)))?;
        Ok(Timeline::new(entries, events))
    }

    /// Every rating entry and member event: what as-of views and trends are computed from.
    pub fn timeline(&self) -> Result<Timeline> {
        let (entries, events) =
            self.in_one_read(|conn| Ok((all_entries(conn)?, all_events(conn)?)))?;
        Ok(Timeline::new(entries, events))
    }

    /// Runs reads that must see one state (several statements: history rows, then the
    /// entries ratings hold, then events) in one read transaction, unless one is open.
    fn in_one_read<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return read(&self.conn).at(&self.path);
        }
        let tx = self.conn.unchecked_transaction().at(&self.path)?;
        let value = read(&tx).at(&self.path)?;
        tx.finish().at(&self.path)?;
        Ok(value)
    }

    /// A member's events (joined, left, moved, role), in recorded order.
    pub fn events(&self, member: MemberId) -> Result<Vec<MemberEvent>> {
        member_events(&self.conn, member).at(&self.path)
    }

    /// Runs `f` inside one IMMEDIATE transaction, committing if it returns `Ok`. Fails with
    /// [`Error::Locked`] when another capmatrix holds the write lock.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(Error::ReadOnly {
                reason: write_refusal(&self.path).unwrap_or("it was opened for reading only"),
                path: self.path.clone(),
            });
        }
        if !self.in_memory && self.lock.is_none() {
            // The other process may have gone since we opened.
            self.lock = WriteLock::try_acquire(&self.path)?;
            if self.lock.is_none() {
                return Err(Error::Locked {
                    pid: WriteLock::holder(&self.path),
                    path: self.path.clone(),
                });
            }
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .at(&path)?;
        let value = {
            let writer = Writer::new(&tx, path.clone());
            let value = f(&writer)?;
            writer.flush()?;
            value
        };
        tx.commit().at(&path)?;
        Ok(value)
    }
}

/// Looks at an existing file without writing to it: is it an SQLite file, is it ours, which
/// version, is it sound.
fn inspect(path: &Path) -> Result<Existing> {
    inspect_with(path, open_read_only_connection, true)
}

/// As [`inspect`], reading through `open`; `quick_check` runs SQLite's structural check,
/// which reads the whole file (0.3 s for 100,000 members): done before anything writes,
/// skipped by readers, which meet damage as an error where they read it.
fn inspect_with(
    path: &Path,
    open: fn(&Path) -> rusqlite::Result<Connection>,
    quick_check: bool,
) -> Result<Existing> {
    let not_ours = |reason: &str| Error::NotCapmatrix {
        reason: reason.to_string(),
        path: path.to_path_buf(),
    };
    let header = match read_header(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::New),
        Err(source) => {
            return Err(Error::Io {
                action: "read the database",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if header.is_empty() {
        return Ok(Existing::New);
    }
    if header.len() < 100 || &header[..16] != SQLITE_MAGIC {
        return Err(not_ours("the file is not an SQLite database"));
    }
    // With a write-ahead log in use the file can be mid-checkpoint; its size is only
    // trusted when there is none.
    let wal_in_use = std::fs::metadata(companion(path, "-wal")).is_ok_and(|m| m.len() > 0);
    if !wal_in_use && let Some(detail) = cut_short(path, &header) {
        return Err(Error::Damaged {
            detail,
            path: path.to_path_buf(),
        });
    }
    let sql = |source| Error::Sqlite {
        source,
        path: path.to_path_buf(),
    };
    let conn = open(path).map_err(sql)?;
    let query = |pragma: &str| -> rusqlite::Result<i64> {
        conn.pragma_query_value(None, pragma, |r| r.get(0))
    };
    let app_id = match query("application_id") {
        Ok(id) => id,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) => {
            return Err(sql(e));
        }
        Err(_) => return Err(not_ours("SQLite cannot read it")),
    };
    let version = query("user_version").map_err(sql)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(sql)?;
    if app_id != APPLICATION_ID {
        if app_id == 0 && version == 0 && objects == 0 {
            return Ok(Existing::New);
        }
        return Err(not_ours(&if app_id == 0 {
            "it is another application's SQLite database".to_string()
        } else {
            format!("it is another application's SQLite database (application id {app_id:#x})")
        }));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
            app: env!("CARGO_PKG_VERSION"),
            path: path.to_path_buf(),
        });
    }
    if !quick_check {
        return Ok(Existing::Ours(version));
    }
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    if verdict != "ok" {
        return Err(Error::Damaged {
            detail: verdict,
            path: path.to_path_buf(),
        });
    }
    Ok(Existing::Ours(version))
}

/// Opens a read-only connection. In a folder where SQLite cannot create the shared-memory
/// file (a read-only folder), and when no write-ahead log is pending (so no writer is
/// active), the file is opened as immutable instead.
fn open_read_only_connection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())) {
        Ok(()) => Ok(conn),
        Err(e) if !companion(path, "-wal").exists() => {
            drop(conn);
            let mut uri = std::ffi::OsString::from("file:");
            uri.push(uri_escape(path));
            uri.push("?immutable=1");
            Connection::open_with_flags(
                std::path::PathBuf::from(uri),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(|_| e)
        }
        Err(e) => Err(e),
    }
}

/// Opens a database someone else owns for reading without leaving anything beside it: when
/// no write-ahead log exists (nobody has it open), as immutable, so SQLite creates no `-wal`
/// or `-shm` file; otherwise (someone is editing it) an ordinary read-only connection, which
/// reads their committed changes from the log that is already there.
fn open_untouched(path: &Path) -> rusqlite::Result<Connection> {
    if companion(path, "-wal").exists() {
        return open_read_only_connection(path);
    }
    let mut uri = std::ffi::OsString::from("file:");
    uri.push(uri_escape(path));
    uri.push("?immutable=1");
    Connection::open_with_flags(
        PathBuf::from(uri),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
}

/// A path as the path part of an SQLite `file:` URI.
fn uri_escape(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

/// `<db><suffix>`, e.g. the `-wal` file beside a database.
pub fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// The files SQLite and capmatrix keep beside a database: `-wal`, `-shm` and `.lock`.
pub fn companions(db: &Path) -> [PathBuf; 3] {
    [
        companion(db, "-wal"),
        companion(db, "-shm"),
        companion(db, ".lock"),
    ]
}

/// A temporary-file builder whose file gets the permissions a new file normally gets (0666
/// less the umask), not tempfile's private 0600, because it is renamed into place as the
/// user's file.
pub fn new_file_builder(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

/// Why this process may not write a database file, if it may not: the file is marked
/// read-only (no write permission for anyone), or the operating system refuses to open it for
/// writing (someone else's file). The probe opens without creating or truncating anything.
fn write_refusal(path: &Path) -> Option<&'static str> {
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Some("the file is read-only");
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Some("you do not have permission to write it")
        }
        _ => None,
    }
}

/// Whether the file is shorter than its header says (a copy cut short, a truncated
/// download), found from the header alone so that nothing is opened or created. The page
/// count in the header is trusted only when SQLite marked it valid (offset 92 equals the
/// change counter at 24).
fn cut_short(path: &Path, header: &[u8]) -> Option<String> {
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28));
    if be32(92) != be32(24) || pages == 0 || page_size < 512 {
        return None;
    }
    let expected = pages * page_size;
    let actual = std::fs::metadata(path).ok()?.len();
    (actual < expected).then(|| {
        format!("the file is cut short: it has {actual} bytes of the {expected} its header gives")
    })
}

/// The first 100 bytes of a file (SQLite's header), or fewer if the file is shorter.
fn read_header(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)?
        .take(100)
        .read_to_end(&mut header)?;
    Ok(header)
}

fn join_lines(lines: Option<&Vec<String>>) -> Option<String> {
    lines.map(|l| l.join("\n"))
}

fn split_lines(text: Option<String>) -> Option<Vec<String>> {
    text.map(|t| t.split('\n').map(str::to_string).collect())
}

fn level_from_sql(n: Option<i64>) -> Option<Level> {
    n.and_then(Level::from_number)
}

/// Names written before schema 3 were compared by a plain lower case: two that are one name
/// now (José composed and decomposed, "Data  Platform" with two spaces) would hide each
/// other. Each team and member name is normalised ([`crate::model::repair_name`]); where two
/// become the same, the later one (by id) gets " (2)", " (3)"... so nobody is merged or lost.
/// The backup taken before the migration keeps the names as they were.
fn normalise_names(conn: &Connection) -> rusqlite::Result<()> {
    use crate::model::{name_key, repair_name};
    use std::collections::HashSet;
    // (table, id, group, name): teams are one group; members are grouped by team.
    let mut rows: Vec<(&str, i64, i64, String)> = Vec::new();
    let mut stmt = conn.prepare("SELECT id, name FROM team ORDER BY id")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (id, name) = row?;
        rows.push(("team", id, 0, name));
    }
    let mut stmt = conn.prepare("SELECT id, team_id, name FROM member ORDER BY team_id, id")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        let (id, team, name) = row?;
        rows.push(("member", id, team, name));
    }
    let mut taken: HashSet<(&str, i64, String)> = HashSet::new();
    let mut changes = Vec::new();
    for (table, id, group, name) in rows {
        let base = repair_name(&name);
        let mut fixed = base.clone();
        let mut n = 2;
        while !taken.insert((table, group, name_key(&fixed))) {
            fixed = format!("{base} ({n})");
            n += 1;
        }
        if fixed != name {
            changes.push((table, id, fixed));
        }
    }
    // Two passes, so that no interim name collides with one not yet changed: first a
    // placeholder unique by id, then the final name. Table names are fixed above.
    for (table, id, _) in &changes {
        conn.execute(
            &format!("UPDATE {table} SET name = char(1) || id WHERE id = ?1"),
            [id],
        )?;
    }
    for (table, id, fixed) in &changes {
        conn.execute(
            &format!("UPDATE {table} SET name = ?1 WHERE id = ?2"),
            params![fixed, id],
        )?;
    }
    Ok(())
}

fn seed_framework_info(conn: &Connection, f: &Framework) -> rusqlite::Result<()> {
    if let Some(role) = f.central_role() {
        conn.execute(
            "INSERT OR REPLACE INTO framework_info (key, value) VALUES ('central_role', ?1)",
            [&f.role(role).name],
        )?;
    }
    Ok(())
}

fn seed_framework(conn: &Connection, f: &Framework) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "INSERT INTO skill (id, name, description, awareness, working, practitioner, expert)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &f.skills {
        let [a, w, p, e] = &s.descriptors;
        stmt.execute(params![
            s.id.0,
            s.name,
            s.description,
            join_lines(a.as_ref()),
            join_lines(w.as_ref()),
            join_lines(p.as_ref()),
            join_lines(e.as_ref())
        ])?;
    }
    let mut stmt = conn.prepare("INSERT INTO family (id, name) VALUES (?1, ?2)")?;
    for fam in &f.families {
        stmt.execute(params![fam.id.0, fam.name])?;
    }
    let mut stmt = conn
        .prepare("INSERT INTO role (id, family_id, name, description) VALUES (?1, ?2, ?3, ?4)")?;
    for r in &f.roles {
        stmt.execute(params![r.id.0, r.family.0, r.name, r.description])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO role_level (id, role_id, name, description, rank, is_lead, senior_civil_service)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut req = conn
        .prepare("INSERT INTO requirement (role_level_id, skill_id, level) VALUES (?1, ?2, ?3)")?;
    for l in &f.role_levels {
        stmt.execute(params![
            l.id.0,
            l.role.0,
            l.name,
            l.description,
            l.rank,
            l.lead,
            l.senior_civil_service
        ])?;
        for q in &l.requires {
            req.execute(params![l.id.0, q.skill.0, q.level.map(Level::number)])?;
        }
    }
    Ok(())
}

/// Writes a whole framework over the one stored, by id (ids never move: a new skill or
/// role level has a new id). Names are unique, so every name is first moved aside; skills
/// past the framework's end (an added skill undone) are deleted.
fn write_framework(conn: &Connection, f: &Framework) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM requirement", [])?;
    for table in ["skill", "role_level", "role", "family"] {
        // Fixed table names, never input.
        conn.execute(&format!("UPDATE {table} SET name = char(1) || id"), [])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO skill (id, name, description, awareness, working, practitioner, expert,
                            category, custom, retired)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
           description = excluded.description, awareness = excluded.awareness,
           working = excluded.working, practitioner = excluded.practitioner,
           expert = excluded.expert, category = excluded.category, custom = excluded.custom,
           retired = excluded.retired",
    )?;
    for s in &f.skills {
        let [a, w, p, e] = &s.descriptors;
        stmt.execute(params![
            s.id.0,
            s.name,
            s.description,
            join_lines(a.as_ref()),
            join_lines(w.as_ref()),
            join_lines(p.as_ref()),
            join_lines(e.as_ref()),
            s.category,
            s.custom,
            s.retired
        ])?;
    }
    // Rows past the framework's end (added, then undone, unused: see `Core`) go, last first
    // in dependency order once the rows kept are written.
    let mut stmt = conn.prepare(
        "INSERT INTO family (id, name) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    )?;
    for fam in &f.families {
        stmt.execute(params![fam.id.0, fam.name])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO role (id, family_id, name, description) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET family_id = excluded.family_id, name = excluded.name,
           description = excluded.description",
    )?;
    for r in &f.roles {
        stmt.execute(params![r.id.0, r.family.0, r.name, r.description])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO role_level (id, role_id, name, description, rank, is_lead,
                                 senior_civil_service, retired)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET role_id = excluded.role_id, name = excluded.name,
           description = excluded.description, rank = excluded.rank, is_lead = excluded.is_lead,
           senior_civil_service = excluded.senior_civil_service, retired = excluded.retired",
    )?;
    let mut req = conn
        .prepare("INSERT INTO requirement (role_level_id, skill_id, level) VALUES (?1, ?2, ?3)")?;
    for l in &f.role_levels {
        stmt.execute(params![
            l.id.0,
            l.role.0,
            l.name,
            l.description,
            l.rank,
            l.lead,
            l.senior_civil_service,
            l.retired
        ])?;
        for q in l.requires.iter().chain(&l.dormant) {
            req.execute(params![l.id.0, q.skill.0, q.level.map(Level::number)])?;
        }
    }
    for (table, len) in [
        ("skill", f.skills.len()),
        ("role_level", f.role_levels.len()),
        ("role", f.roles.len()),
        ("family", f.families.len()),
    ] {
        // Fixed table names, never input.
        conn.execute(&format!("DELETE FROM {table} WHERE id >= ?1"), [len as i64])?;
    }
    let central = f.central_role().map(|r| f.role(r).name.clone());
    for (key, value) in [
        ("central_role", central.as_ref()),
        ("name", f.name.as_ref()),
        ("version", f.version.as_ref()),
    ] {
        match value {
            Some(v) => conn.execute(
                "INSERT OR REPLACE INTO framework_info (key, value) VALUES (?1, ?2)",
                params![key, v],
            )?,
            None => conn.execute("DELETE FROM framework_info WHERE key = ?1", [key])?,
        };
    }
    Ok(())
}

fn load_framework(conn: &Connection) -> rusqlite::Result<Result<Framework>> {
    let mut stmt = conn.prepare("SELECT id, name FROM family ORDER BY id")?;
    let families = stmt
        .query_map([], |r| {
            Ok(Family {
                id: FamilyId(r.get(0)?),
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, name, description, awareness, working, practitioner, expert, category,
                custom, retired
         FROM skill ORDER BY id",
    )?;
    let skills = stmt
        .query_map([], |r| {
            Ok(Skill {
                id: SkillId(r.get(0)?),
                name: r.get(1)?,
                description: r.get(2)?,
                descriptors: [
                    split_lines(r.get(3)?),
                    split_lines(r.get(4)?),
                    split_lines(r.get(5)?),
                    split_lines(r.get(6)?),
                ],
                category: r.get(7)?,
                custom: r.get(8)?,
                retired: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let retired: std::collections::HashSet<u32> = skills
        .iter()
        .filter(|s| s.retired)
        .map(|s| s.id.0)
        .collect();
    // Requirements in retired skills are kept aside (`dormant`), out of analysis.
    let mut requires: BTreeMap<u32, (Vec<Requirement>, Vec<Requirement>)> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT r.role_level_id, r.skill_id, r.level FROM requirement r
         JOIN skill s ON s.id = r.skill_id ORDER BY r.role_level_id, lower(s.name)",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let skill: u32 = r.get(1)?;
        let q = Requirement {
            skill: SkillId(skill),
            level: level_from_sql(r.get(2)?),
        };
        let entry = requires.entry(r.get(0)?).or_default();
        if retired.contains(&skill) {
            entry.1.push(q);
        } else {
            entry.0.push(q);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT id, role_id, name, description, rank, is_lead, senior_civil_service, retired
         FROM role_level ORDER BY id",
    )?;
    let role_levels = stmt
        .query_map([], |r| {
            let id: u32 = r.get(0)?;
            Ok(RoleLevel {
                id: RoleLevelId(id),
                role: RoleId(r.get(1)?),
                name: r.get(2)?,
                description: r.get(3)?,
                rank: r.get(4)?,
                lead: r.get(5)?,
                senior_civil_service: r.get(6)?,
                requires: Vec::new(),
                retired: r.get(7)?,
                dormant: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let role_levels: Vec<RoleLevel> = role_levels
        .into_iter()
        .map(|mut l| {
            (l.requires, l.dormant) = requires.remove(&l.id.0).unwrap_or_default();
            l
        })
        .collect();
    let mut stmt = conn.prepare("SELECT id, family_id, name, description FROM role ORDER BY id")?;
    let roles = stmt
        .query_map([], |r| {
            let id = RoleId(r.get(0)?);
            let mut levels: Vec<&RoleLevel> = role_levels.iter().filter(|l| l.role == id).collect();
            levels.sort_by_key(|l| l.rank);
            Ok(Role {
                id,
                family: FamilyId(r.get(1)?),
                name: r.get(2)?,
                description: r.get(3)?,
                levels: levels.iter().map(|l| l.id).collect(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let info = |key: &str| -> rusqlite::Result<Option<String>> {
        conn.query_row(
            "SELECT value FROM framework_info WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()
    };
    let central = info("central_role")?;
    let (name, version) = (info("name")?, info("version")?);
    Ok(
        Framework::new(skills, families, roles, role_levels).and_then(|mut f| {
            if let Some(name) = central {
                f.set_central_role(&name)?;
            }
            f.name = name;
            f.version = version;
            Ok(f)
        }),
    )
}

/// Every member's ratings from `table` (`rating`, the lead's, or `self_rating`), by member.
fn load_ratings(
    conn: &Connection,
    table: &str,
    (from, to): (i64, i64),
    active: &[bool],
) -> rusqlite::Result<MemberRatings> {
    // Retired skills' ratings stay in the file, out of the matrix: filtered here by the flags
    // of the framework the caller loaded (so every connection of one load filters alike).
    // (member, ratings) in member order; each member's ratings arrive in skill order (the
    // primary key's), so their map is built in bulk.
    let mut out: MemberRatings = Vec::new();
    // The table name is one of two fixed names, never input.
    // Level and flag come as one integer, level * 2 + flag (a million ratings: each column
    // read through the driver costs more than SQLite's arithmetic). What only another
    // program can write reads as before: a level out of range is left out, a level that is
    // not a whole number fails the load (the sum is not one either).
    let mut stmt = conn.prepare(&format!(
        "SELECT member_id, skill_id, level * 2 + (interested != 0), note, assessed_on
         FROM {table} WHERE member_id BETWEEN ?1 AND ?2 ORDER BY member_id"
    ))?;
    let mut rows = stmt.query([from, to])?;
    let mut current: Option<(i64, Vec<(SkillId, Rating)>)> = None;
    while let Some(r) = rows.next()? {
        let skill: i64 = r.get(1)?;
        if !usize::try_from(skill).is_ok_and(|s| active.get(s).copied().unwrap_or(false)) {
            continue;
        }
        let packed: i64 = r.get(2)?;
        let Some(level) = level_from_sql(Some(packed >> 1)) else {
            continue;
        };
        let assessed_on = match r.get_ref(4)? {
            rusqlite::types::ValueRef::Text(t) => match iso_date(t) {
                Some(d) => d,
                None => std::str::from_utf8(t).map_or(EARLIEST, date_from_sql),
            },
            _ => EARLIEST,
        };
        let member: i64 = r.get(0)?;
        if current.as_ref().is_none_or(|(m, _)| *m != member)
            && let Some((m, ratings)) = current.replace((member, Vec::with_capacity(16)))
        {
            out.push((m, ratings.into_iter().collect()));
        }
        if let Some((_, ratings)) = current.as_mut() {
            ratings.push((
                SkillId(skill as u32),
                Rating {
                    level,
                    note: r.get(3)?,
                    interested: packed & 1 == 1,
                    assessed_on,
                },
            ));
        }
    }
    if let Some((m, ratings)) = current {
        out.push((m, ratings.into_iter().collect()));
    }
    Ok(out)
}

/// Takes the ratings of `member` from `ratings` (in member order, walked alongside members in
/// id order); ratings of ids with no member are skipped.
fn take_ratings(
    ratings: &mut std::iter::Peekable<std::vec::IntoIter<(i64, BTreeMap<SkillId, Rating>)>>,
    member: i64,
) -> BTreeMap<SkillId, Rating> {
    while ratings.next_if(|(m, _)| *m < member).is_some() {}
    ratings
        .next_if(|(m, _)| *m == member)
        .map(|(_, r)| r)
        .unwrap_or_default()
}

/// (member, item) pairs grouped by member, each member's in the order given.
fn by_member<T>(pairs: Vec<(MemberId, T)>) -> std::collections::HashMap<MemberId, Vec<T>> {
    let mut out: std::collections::HashMap<MemberId, Vec<T>> = Default::default();
    for (m, item) in pairs {
        out.entry(m).or_default().push(item);
    }
    out
}

/// Per skill id, whether the skill is active (not retired) in a framework.
fn active_skills(framework: &Framework) -> Vec<bool> {
    let mut active = Vec::new();
    for s in &framework.skills {
        let i = s.id.index();
        if active.len() <= i {
            active.resize(i + 1, false);
        }
        active[i] = !s.retired;
    }
    active
}

/// Members' ratings by member id, in member order.
type MemberRatings = Vec<(i64, BTreeMap<SkillId, Rating>)>;

/// What a reader's state is, cheaply: a rating change always appends a history entry, a
/// member change an event or a member; two connections that agree on this see the same
/// ratings for the same members.
fn data_fingerprint(conn: &Connection) -> rusqlite::Result<(i64, i64, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT coalesce(max(last), 0) FROM id_sequence WHERE name = 'rating_history'),
                (SELECT coalesce(max(id), 0) FROM member_event),
                (SELECT coalesce(max(id), 0) FROM member),
                (SELECT count(*) FROM member)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

/// Teams, members and their ratings into `snapshot`; `ratings` (the lead's, in member
/// order) when already read.
fn load_matrix(
    conn: &Connection,
    snapshot: &mut Snapshot,
    ratings: Option<MemberRatings>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("SELECT id, name, review_months FROM team ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        snapshot.put_team(Team {
            id: TeamId(r.get(0)?),
            name: r.get(1)?,
            members: Default::default(),
            review_months: r.get(2)?,
        });
    }
    let all = (i64::MIN, i64::MAX);
    let active = active_skills(&snapshot.framework);
    let ratings = match ratings {
        Some(r) => r,
        None => load_ratings(conn, "rating", all, &active)?,
    };
    let mut ratings = ratings.into_iter().peekable();
    let mut self_ratings = load_ratings(conn, "self_rating", all, &active)?
        .into_iter()
        .peekable();
    let count: i64 = conn.query_row("SELECT count(*) FROM member", [], |r| r.get(0))?;
    snapshot.reserve_members(usize::try_from(count).unwrap_or(0));
    let mut stmt =
        conn.prepare("SELECT id, team_id, name, role_level_id, left_on FROM member ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        snapshot.put_member(Member {
            id: MemberId(id),
            team: TeamId(r.get(1)?),
            name: r.get(2)?,
            // A stray id (only possible in a hand-edited file) reads as "no role level".
            role_level: r
                .get::<_, Option<u32>>(3)?
                .map(RoleLevelId)
                .filter(|&rl| snapshot.framework.has_role_level(rl)),
            ratings: take_ratings(&mut ratings, id),
            self_ratings: take_ratings(&mut self_ratings, id),
            left_on: optional_date_at(r, 4)?,
        });
    }
    let mut stmt = conn.prepare("SELECT team_id, source FROM rollup_team")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        snapshot.set_rolled_up(TeamId(r.get(0)?), Some(r.get(1)?));
    }
    let mut stmt = conn.prepare(
        "SELECT team_id, skill_id, level, count FROM team_target
         WHERE skill_id IN (SELECT id FROM skill WHERE retired = 0)",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(level) = level_from_sql(r.get(2)?) {
            snapshot.set_target(
                TeamId(r.get(0)?),
                SkillId(r.get(1)?),
                Some(Target {
                    level,
                    count: r.get(3)?,
                }),
            );
        }
    }
    Ok(())
}

/// A stored date; a malformed one (only in a hand-edited file, reported by `check`) reads as
/// the earliest date, so it shows as due for review rather than stopping the file opening.
/// `YYYY-MM-DD`, as capmatrix stores dates, read without the general parser (a million
/// ratings load 10% faster); anything else is `None`.
fn iso_date(t: &[u8]) -> Option<Date> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *t else {
        return None;
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| i16::from(b - b'0'));
    let year = ((digit(y0)? * 10 + digit(y1)?) * 10 + digit(y2)?) * 10 + digit(y3)?;
    let month = digit(m0)? * 10 + digit(m1)?;
    let day = digit(d0)? * 10 + digit(d1)?;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

fn date_from_sql(text: &str) -> Date {
    text.parse().unwrap_or(EARLIEST)
}

/// The date in column `i`, whatever SQLite holds there (a number or a blob in a hand-edited
/// file reads as the earliest date, as malformed text does).
fn date_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Date> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Text(t) => match iso_date(t) {
            Some(d) => d,
            None => std::str::from_utf8(t).map_or(EARLIEST, date_from_sql),
        },
        _ => EARLIEST,
    })
}

/// As [`date_at`], for a column that may be NULL.
fn optional_date_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Date>> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(date_at(r, i)?),
    })
}

/// The columns of a history entry with when it was undone, `h` being rating_history.
const ENTRY_COLUMNS: &str = "h.id, h.skill_id, h.level, h.note, h.interested, h.assessed_on, h.at,
    (SELECT min(u.at) FROM rating_history u WHERE u.retracts = h.id), h.source";

fn entry_from_row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.get(first)?,
        skill: SkillId(r.get(first + 1)?),
        level: level_from_sql(r.get(first + 2)?),
        note: r.get(first + 3)?,
        interested: r.get(first + 4)?,
        assessed_on: date_at(r, first + 5)?,
        recorded: Timestamp(r.get(first + 6)?),
        undone: r.get::<_, Option<i64>>(first + 7)?.map(Timestamp),
        source: source_at(r, first + 8)?,
    })
}

/// Whose rating a history row is (anything but `self` reads as the lead's).
fn source_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Source> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Text(b"self") => Source::SelfAssessed,
        _ => Source::Lead,
    })
}

/// The entries current ratings imply (schema 9), in [`ENTRY_COLUMNS`]' order, from `r`
/// being `rating` or `self_rating` of `source`.
fn implied_columns(source: Source) -> String {
    format!(
        "r.implied_entry, r.skill_id, r.level, r.note, r.interested, r.assessed_on, r.rated_at,
         NULL, '{}'",
        source.code()
    )
}

fn member_history(conn: &Connection, member: MemberId) -> rusqlite::Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM rating_history h
         WHERE h.member_id = ?1 AND h.retracts IS NULL AND h.skill_id IN (SELECT id FROM skill)
         UNION ALL
         SELECT {} FROM rating r
         WHERE r.member_id = ?1 AND r.implied_entry IS NOT NULL
           AND r.skill_id IN (SELECT id FROM skill)
         UNION ALL
         SELECT {} FROM self_rating r
         WHERE r.member_id = ?1 AND r.implied_entry IS NOT NULL
           AND r.skill_id IN (SELECT id FROM skill)
         ORDER BY 1",
        implied_columns(Source::Lead),
        implied_columns(Source::SelfAssessed)
    ))?;
    stmt.query_map([member.0], |r| entry_from_row(r, 0))?
        .collect()
}

/// Where `framework_info` keeps the names a team of a team file is given in an organisation
/// database (a rolled-up team renamed there): `PREFIX + source + "\t" + name key` -> name,
/// the name key being that of the name the roll-up would give it.
pub const ROLLUP_NAME_RULE: &str = "rollup name\t";

fn info_prefixed(conn: &Connection, prefix: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM framework_info WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
    )?;
    let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Every entry, with when it was undone. Two plain scans (the entries, then the retractions
/// into a map) rather than a lookup per entry: a third of a million entries read in a
/// fraction of the time.
fn all_entries(conn: &Connection) -> rusqlite::Result<Vec<(MemberId, HistoryEntry)>> {
    entries_of(conn, false)
}

/// As [`all_entries`], with `retired` the entries of retired skills too (a history export
/// holds every entry).
fn entries_of(conn: &Connection, retired: bool) -> rusqlite::Result<Vec<(MemberId, HistoryEntry)>> {
    let mut undone: std::collections::HashMap<i64, i64> = Default::default();
    let mut stmt =
        conn.prepare("SELECT retracts, at FROM rating_history WHERE retracts IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (entry, at): (i64, i64) = (r.get(0)?, r.get(1)?);
        undone
            .entry(entry)
            .and_modify(|a| *a = (*a).min(at))
            .or_insert(at);
    }
    // Skills are dense ids from 0; a stray (a hand-edited file) is skipped, as on load, and
    // so is a retired skill (out of as-of views and trends, as it is out of the matrix).
    let mut active = Vec::new();
    let mut stmt = conn.prepare("SELECT id, retired FROM skill ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, is_retired): (i64, bool) = (r.get(0)?, r.get(1)?);
        if let Ok(id) = usize::try_from(id) {
            if active.len() <= id {
                active.resize(id + 1, false);
            }
            active[id] = !is_retired || retired;
        }
    }
    // The history rows, then each source's implied entries: in no particular order (the
    // callers order them as they need, per member). Three plain scans, not the view
    // rating_entries: read through its compound query the whole history took 25% longer.
    let mut out = Vec::new();
    for sql in [
        "SELECT member_id, id, skill_id, level, note, interested, assessed_on, at, source
         FROM rating_history WHERE retracts IS NULL ORDER BY member_id, id"
            .to_string(),
        implied_rows(Source::Lead),
        implied_rows(Source::SelfAssessed),
    ] {
        read_entries(conn, &sql, &active, &undone, &mut out)?;
    }
    Ok(out)
}

/// The implied entries of `source`'s current ratings, in [`read_entries`]' columns.
fn implied_rows(source: Source) -> String {
    format!(
        "SELECT member_id, implied_entry, skill_id, level, note, interested, assessed_on,
                rated_at, '{}'
         FROM {} WHERE implied_entry IS NOT NULL",
        source.code(),
        source_table(source)
    )
}

/// Reads entries (member, id, skill, level, note, interested, assessed_on, at, source) of
/// active skills into `out`.
fn read_entries(
    conn: &Connection,
    sql: &str,
    active: &[bool],
    undone: &std::collections::HashMap<i64, i64>,
    out: &mut Vec<(MemberId, HistoryEntry)>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(1)?;
        let skill: i64 = r.get(2)?;
        if !usize::try_from(skill).is_ok_and(|s| active.get(s).copied().unwrap_or(false)) {
            continue;
        }
        out.push((
            MemberId(r.get(0)?),
            HistoryEntry {
                id,
                skill: SkillId(skill as u32),
                level: level_from_sql(r.get(3)?),
                note: r.get(4)?,
                interested: r.get(5)?,
                assessed_on: date_at(r, 6)?,
                recorded: Timestamp(r.get(7)?),
                undone: undone.get(&id).copied().map(Timestamp),
                source: source_at(r, 8)?,
            },
        ));
    }
    Ok(())
}

/// The columns of a member event with when it was undone, `e` being member_event.
const EVENT_COLUMNS: &str = "e.id, e.kind, e.on_date, e.at, e.team_id, e.role_level_id,
    (SELECT min(u.at) FROM member_event u WHERE u.retracts = e.id)";

fn event_from_row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Option<MemberEvent>> {
    let kind: String = r.get(first + 1)?;
    let Some(kind) = EventKind::from_code(&kind) else {
        return Ok(None);
    };
    Ok(Some(MemberEvent {
        id: r.get(first)?,
        kind,
        on: date_at(r, first + 2)?,
        recorded: Timestamp(r.get(first + 3)?),
        team: r.get::<_, Option<i64>>(first + 4)?.map(TeamId),
        role_level: r.get::<_, Option<u32>>(first + 5)?.map(RoleLevelId),
        undone: r.get::<_, Option<i64>>(first + 6)?.map(Timestamp),
    }))
}

fn member_events(conn: &Connection, member: MemberId) -> rusqlite::Result<Vec<MemberEvent>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM member_event e
         WHERE e.member_id = ?1 AND e.kind != 'undo' ORDER BY e.id"
    ))?;
    let rows = stmt.query_map([member.0], |r| event_from_row(r, 0))?;
    rows.filter_map(Result::transpose).collect()
}

fn all_events(conn: &Connection) -> rusqlite::Result<Vec<(MemberId, MemberEvent)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.member_id, {EVENT_COLUMNS} FROM member_event e
         WHERE e.kind != 'undo' ORDER BY e.id"
    ))?;
    let rows = stmt.query_map([], |r| {
        let member = MemberId(r.get(0)?);
        Ok(event_from_row(r, 1)?.map(|e| (member, e)))
    })?;
    rows.filter_map(Result::transpose).collect()
}

/// The writes the core makes, all inside one transaction (see [`Store::write`]).
pub struct Writer<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    path: PathBuf,
    /// Ratings and history entries not yet written: a bulk import sets 100,000 of each, and
    /// writing them 128 rows to a statement takes a fraction of the time of one statement
    /// each. Written before any other statement runs and before the commit, so nothing ever
    /// reads around them.
    pending: RefCell<Pending>,
    /// The id the next history entry gets (ids are assigned here so the rows can wait).
    next_history: std::cell::Cell<Option<i64>>,
    /// The id the next new member gets (SQLite's own choice, one past the largest).
    next_member: std::cell::Cell<Option<i64>>,
    /// The id the next member event gets (never one used before, as for history).
    next_event: std::cell::Cell<Option<i64>>,
}

/// Rows waiting to be written (see [`Writer::flush`]), in the order they are written:
/// members before their events and ratings.
#[derive(Default)]
struct Pending {
    members: Vec<MemberRow>,
    events: Vec<EventRow>,
    ratings: Vec<RatingRow>,
    self_ratings: Vec<RatingRow>,
    history: Vec<HistoryRow>,
}

impl Pending {
    fn clear(&mut self) {
        self.members.clear();
        self.events.clear();
        self.ratings.clear();
        self.self_ratings.clear();
        self.history.clear();
    }

    fn rows(&self) -> usize {
        self.members.len()
            + self.events.len()
            + self.ratings.len()
            + self.self_ratings.len()
            + self.history.len()
    }
}

struct MemberRow {
    id: i64,
    team: i64,
    name: String,
    role_level: Option<u32>,
    left_on: Option<DateText>,
}

struct EventRow {
    id: i64,
    member: i64,
    kind: &'static str,
    on: DateText,
    at: i64,
    team: Option<i64>,
    role_level: Option<u32>,
}

struct RatingRow {
    member: i64,
    skill: u32,
    level: u8,
    note: String,
    interested: bool,
    recorded: i64,
    assessed_on: DateText,
    /// A first rating's history entry id, kept in the row itself (see schema 9); `None`
    /// when the row's entry is a history row or it replaces a rating whose own implied
    /// entry must become one first.
    implied: Option<i64>,
}

struct HistoryRow {
    id: i64,
    member: i64,
    skill: u32,
    level: Option<u8>,
    note: String,
    interested: bool,
    assessed_on: DateText,
    at: i64,
    source: &'static str,
}

/// A date as SQL text (`YYYY-MM-DD`), kept in the row without a heap allocation for the
/// years 0000-9999 (every date the core accepts).
#[derive(Clone)]
enum DateText {
    Iso([u8; 10]),
    Other(String),
}

impl DateText {
    fn of(d: Date) -> DateText {
        match u16::try_from(d.year()) {
            Ok(y) if y <= 9999 => {
                let (m, day) = (d.month() as u8, d.day() as u8);
                let digit = |n: u16| b'0' + (n % 10) as u8;
                DateText::Iso([
                    digit(y / 1000),
                    digit(y / 100),
                    digit(y / 10),
                    digit(y),
                    b'-',
                    b'0' + m / 10,
                    b'0' + m % 10,
                    b'-',
                    b'0' + day / 10,
                    b'0' + day % 10,
                ])
            }
            _ => DateText::Other(d.to_string()),
        }
    }
}

impl rusqlite::ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(match self {
                DateText::Iso(b) => b,
                DateText::Other(s) => s.as_bytes(),
            }),
        ))
    }
}

/// A waiting first rating that a later waiting rating replaces (the same rating set twice
/// in one transaction): its implied entry becomes a waiting history row, since no row will
/// hold it. Costs nothing when no waiting rating replaces one (a first import).
fn superseded_first_ratings(source: Source, rows: &mut [RatingRow], history: &mut Vec<HistoryRow>) {
    let mut replaced: std::collections::HashMap<(i64, u32), usize> = Default::default();
    for (i, r) in rows.iter().enumerate() {
        if r.implied.is_none() {
            replaced.insert((r.member, r.skill), i);
        }
    }
    if replaced.is_empty() {
        return;
    }
    for (i, r) in rows.iter_mut().enumerate() {
        if replaced
            .get(&(r.member, r.skill))
            .is_some_and(|&later| later > i)
            && let Some(id) = r.implied.take()
        {
            history.push(HistoryRow {
                id,
                member: r.member,
                skill: r.skill,
                level: Some(r.level),
                note: r.note.clone(),
                interested: r.interested,
                assessed_on: r.assessed_on.clone(),
                at: r.recorded,
                source: source.code(),
            });
        }
    }
}

/// The last id an AUTOINCREMENT table handed out (0 when none, or when the file has no
/// sqlite_sequence at all: a table made without AUTOINCREMENT by an early build).
fn autoincrement_seq(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    let has_sequence: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence')",
        [],
        |r| r.get(0),
    )?;
    if !has_sequence {
        return Ok(0);
    }
    conn.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0)",
        [table],
        |r| r.get(0),
    )
}

/// The table of current ratings of a source.
fn source_table(source: Source) -> &'static str {
    match source {
        Source::Lead => "rating",
        Source::SelfAssessed => "self_rating",
    }
}

/// Rows per multi-row statement.
const BULK_ROWS: usize = 128;

/// Waiting rows are written once there are this many, so a large import keeps a few
/// hundred kilobytes waiting rather than tens of megabytes.
const FLUSH_AT: usize = 4096;

/// `INSERT INTO <table> (<columns>) VALUES (?,...), ...`: `rows` rows of `columns.len()`.
fn bulk_insert_sql(table: &str, columns: &[&str], rows: usize, tail: &str) -> String {
    let one = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&one);
    }
    sql.push_str(tail);
    sql
}

/// Written after a table's rows: a rating set again (in the same statement or already
/// stored) takes the later values.
const RATING_UPSERT: &str = " ON CONFLICT (member_id, skill_id) DO UPDATE SET
    level = excluded.level, note = excluded.note, interested = excluded.interested,
    rated_at = excluded.rated_at, assessed_on = excluded.assessed_on,
    implied_entry = excluded.implied_entry";

const RATING_COLUMNS: &[&str; 8] = &[
    "member_id",
    "skill_id",
    "level",
    "note",
    "interested",
    "rated_at",
    "assessed_on",
    "implied_entry",
];

const HISTORY_COLUMNS: &[&str; 9] = &[
    "id",
    "member_id",
    "skill_id",
    "level",
    "note",
    "interested",
    "assessed_on",
    "at",
    "source",
];

const MEMBER_COLUMNS: &[&str; 5] = &["id", "team_id", "name", "role_level_id", "left_on"];

const EVENT_INSERT_COLUMNS: &[&str; 7] = &[
    "id",
    "member_id",
    "kind",
    "on_date",
    "at",
    "team_id",
    "role_level_id",
];

impl<'t> Writer<'t> {
    fn new(tx: &'t rusqlite::Transaction<'t>, path: PathBuf) -> Writer<'t> {
        Writer {
            tx,
            path,
            pending: RefCell::default(),
            next_history: std::cell::Cell::new(None),
            next_member: std::cell::Cell::new(None),
            next_event: std::cell::Cell::new(None),
        }
    }

    /// Writes `rows` into `table`, many to a statement; `bind` gives a row's values in the
    /// order of `columns`.
    fn write_rows<'r, R, const N: usize>(
        &self,
        table: &str,
        columns: &[&str; N],
        tail: &str,
        rows: &'r [R],
        bind: fn(&'r R) -> [&'r dyn rusqlite::ToSql; N],
    ) -> Result<()> {
        for chunk in rows.chunks(BULK_ROWS) {
            self.insert_chunk(table, columns, tail, chunk, bind)?;
        }
        Ok(())
    }

    /// One multi-row statement of [`Writer::write_rows`].
    fn insert_chunk<'r, R, const N: usize>(
        &self,
        table: &str,
        columns: &[&str; N],
        tail: &str,
        chunk: &'r [R],
        bind: fn(&'r R) -> [&'r dyn rusqlite::ToSql; N],
    ) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(&bulk_insert_sql(table, columns, chunk.len(), tail))
            .at(&self.path)?;
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * N);
        for r in chunk {
            params.extend(bind(r));
        }
        stmt.execute(rusqlite::params_from_iter(params))
            .at(&self.path)
            .map(drop)
    }

    /// Writes ratings (the lead's or their own). Before a rating replaces a stored one, the
    /// stored one's implied history entry (if it has one) becomes a history row.
    fn write_ratings(&self, source: Source, rows: &[RatingRow]) -> Result<()> {
        fn bind(r: &RatingRow) -> [&dyn rusqlite::ToSql; 8] {
            [
                &r.member,
                &r.skill,
                &r.level,
                &r.note,
                &r.interested,
                &r.recorded,
                &r.assessed_on,
                &r.implied,
            ]
        }
        for chunk in rows.chunks(BULK_ROWS) {
            let mut keys: Vec<(i64, u32)> = chunk
                .iter()
                .filter(|r| r.implied.is_none())
                .map(|r| (r.member, r.skill))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            self.materialize(source, &keys)?;
            self.insert_chunk(
                source_table(source),
                RATING_COLUMNS,
                RATING_UPSERT,
                chunk,
                bind,
            )?;
        }
        Ok(())
    }

    /// Turns the implied history entries of these stored ratings (member, skill) into
    /// history rows, and marks the ratings as having none.
    fn materialize(&self, source: Source, keys: &[(i64, u32)]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let table = source_table(source);
        let values = vec!["(?,?)"; keys.len()].join(",");
        let params: Vec<&dyn rusqlite::ToSql> = keys
            .iter()
            .flat_map(|(m, s)| [m as &dyn rusqlite::ToSql, s])
            .collect();
        let from = format!(
            "FROM (VALUES {values}) AS k CROSS JOIN {table} r
             ON r.member_id = k.column1 AND r.skill_id = k.column2"
        );
        self.write_out(source, (&from, "1"), &params)
    }

    /// Writes the entries held by the ratings found `FROM from WHERE filter` (the rating
    /// table named `r`) to rating_history, and marks those ratings as holding none.
    fn write_out(
        &self,
        source: Source,
        (from, filter): (&str, &str),
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        let table = source_table(source);
        let held = format!("{from} WHERE {filter} AND r.implied_entry IS NOT NULL");
        let n = self
            .tx
            .prepare_cached(&format!(
                "INSERT INTO rating_history
                   (id, member_id, skill_id, level, note, interested, assessed_on, at, source)
                 SELECT r.implied_entry, r.member_id, r.skill_id, r.level, r.note, r.interested,
                        r.assessed_on, r.rated_at, '{}' {held}",
                source.code()
            ))
            .at(&self.path)?
            .execute(rusqlite::params_from_iter(params))
            .at(&self.path)?;
        if n > 0 {
            self.tx
                .prepare_cached(&format!(
                    "UPDATE {table} SET implied_entry = NULL
                     WHERE implied_entry IS NOT NULL AND (member_id, skill_id) IN
                       (SELECT r.member_id, r.skill_id {held})"
                ))
                .at(&self.path)?
                .execute(rusqlite::params_from_iter(params))
                .at(&self.path)?;
        }
        Ok(())
    }

    /// Writes the waiting members and their events (before a statement that may read or
    /// change members).
    fn flush_members(&self) -> Result<()> {
        let (members, events) = {
            let mut pending = self.pending.borrow_mut();
            if pending.members.is_empty() && pending.events.is_empty() {
                return Ok(());
            }
            (
                std::mem::take(&mut pending.members),
                std::mem::take(&mut pending.events),
            )
        };
        self.write_members(&members, &events)
    }

    fn write_members(&self, members: &[MemberRow], events: &[EventRow]) -> Result<()> {
        self.write_rows("member", MEMBER_COLUMNS, "", members, |m| {
            [&m.id, &m.team, &m.name, &m.role_level, &m.left_on]
        })?;
        self.write_rows("member_event", EVENT_INSERT_COLUMNS, "", events, |e| {
            [
                &e.id,
                &e.member,
                &e.kind,
                &e.on,
                &e.at,
                &e.team,
                &e.role_level,
            ]
        })
    }

    /// Writes the waiting rows once there are many.
    fn flush_if_many(&self) -> Result<()> {
        if self.pending.borrow().rows() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes every waiting row, many rows to a statement.
    pub fn flush(&self) -> Result<()> {
        let mut pending = std::mem::take(&mut *self.pending.borrow_mut());
        superseded_first_ratings(Source::Lead, &mut pending.ratings, &mut pending.history);
        superseded_first_ratings(
            Source::SelfAssessed,
            &mut pending.self_ratings,
            &mut pending.history,
        );
        self.write_members(&pending.members, &pending.events)?;
        self.write_ratings(Source::Lead, &pending.ratings)?;
        self.write_ratings(Source::SelfAssessed, &pending.self_ratings)?;
        let last = pending
            .history
            .iter()
            .map(|h| h.id)
            .chain(pending.ratings.iter().filter_map(|r| r.implied))
            .chain(pending.self_ratings.iter().filter_map(|r| r.implied))
            .max();
        if let Some(last) = last {
            self.record_history_id(last)?;
        }
        self.write_rows(
            "rating_history",
            HISTORY_COLUMNS,
            "",
            &pending.history,
            |h| {
                [
                    &h.id,
                    &h.member,
                    &h.skill,
                    &h.level,
                    &h.note,
                    &h.interested,
                    &h.assessed_on,
                    &h.at,
                    &h.source,
                ]
            },
        )?;
        // The emptied lists keep their room for the next rows.
        pending.clear();
        *self.pending.borrow_mut() = pending;
        Ok(())
    }

    /// The transaction, with every waiting row written first.
    fn tx(&self) -> Result<&'t rusqlite::Transaction<'t>> {
        self.flush()?;
        // The statement may add or delete members or events: ask SQLite again afterwards.
        self.next_member.set(None);
        self.next_event.set(None);
        Ok(self.tx)
    }

    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        let mut stmt = self.tx()?.prepare_cached(sql).at(&self.path)?;
        stmt.execute(params).at(&self.path)
    }

    /// As [`Writer::exec`], for a statement that neither reads nor changes ratings or their
    /// history, nor adds members or events (teams, targets, a member's fields): the waiting
    /// ratings can wait on; waiting members are written first.
    fn exec_beside(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        self.flush_members()?;
        let mut stmt = self.tx.prepare_cached(sql).at(&self.path)?;
        stmt.execute(params).at(&self.path)
    }

    /// Inserts a team (with a given id when restoring one) and returns its id.
    pub fn insert_team(&self, id: Option<TeamId>, name: &str) -> Result<TeamId> {
        self.exec_beside(
            "INSERT INTO team (id, name) VALUES (?1, ?2)",
            params![id.map(|t| t.0), name],
        )?;
        Ok(TeamId(self.tx.last_insert_rowid()))
    }

    /// Renames a team.
    pub fn rename_team(&self, id: TeamId, name: &str) -> Result<()> {
        self.exec_beside(
            "UPDATE team SET name = ?2 WHERE id = ?1",
            params![id.0, name],
        )
        .map(drop)
    }

    /// Where a rolled-up team came from: source file, its time, pseudonymised.
    pub fn rollup_of(&self, team: TeamId) -> Result<Option<RollupOrigin>> {
        self.tx()?
            .query_row(
                "SELECT source, source_id, source_time, pseudonymised FROM rollup_team
                 WHERE team_id = ?1",
                [team.0],
                |r| {
                    Ok(RollupOrigin {
                        source: r.get(0)?,
                        source_id: r.get(1)?,
                        source_time: r.get(2)?,
                        pseudonymised: r.get(3)?,
                    })
                },
            )
            .optional()
            .at(&self.path)
    }

    /// The `framework_info` entries whose keys start with `prefix`, by key.
    pub fn info_prefixed(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        info_prefixed(self.tx()?, prefix).at(&self.path)
    }

    /// Sets a value in `framework_info`.
    pub fn set_info(&self, key: &str, value: &str) -> Result<()> {
        self.exec_beside(
            "INSERT INTO framework_info (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )
        .map(drop)
    }

    /// Records where a rolled-up team came from.
    pub fn record_rollup(&self, team: TeamId, origin: &RollupOrigin) -> Result<()> {
        self.exec_beside(
            "INSERT INTO rollup_team (team_id, source, source_id, source_time, pseudonymised)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                team.0,
                origin.source,
                origin.source_id,
                origin.source_time,
                origin.pseudonymised
            ],
        )
        .map(drop)
    }

    /// Deletes a team with its members, their ratings and history, and its targets.
    pub fn delete_team(&self, id: TeamId) -> Result<()> {
        self.exec("DELETE FROM team WHERE id = ?1", [id.0])
            .map(drop)
    }

    /// Inserts a member (with a given id when restoring one) and returns its id.
    pub fn insert_member(
        &self,
        id: Option<MemberId>,
        team: TeamId,
        name: &str,
        role_level: Option<RoleLevelId>,
        left_on: Option<Date>,
    ) -> Result<MemberId> {
        let next = match self.next_member.get() {
            Some(n) => n,
            None => {
                self.flush_members()?;
                self.tx
                    .query_row("SELECT coalesce(max(id), 0) + 1 FROM member", [], |r| {
                        r.get(0)
                    })
                    .at(&self.path)?
            }
        };
        let id = id.map_or(next, |m| m.0);
        self.next_member.set(Some(next.max(id + 1)));
        self.pending.borrow_mut().members.push(MemberRow {
            id,
            team: team.0,
            name: name.to_string(),
            role_level: role_level.map(|r| r.0),
            left_on: left_on.map(DateText::of),
        });
        self.flush_if_many()?;
        Ok(MemberId(id))
    }

    /// Records that a member left on a date, or (`None`) is back.
    pub fn set_left(&self, id: MemberId, left_on: Option<Date>) -> Result<()> {
        self.exec_beside(
            "UPDATE member SET left_on = ?2 WHERE id = ?1",
            params![id.0, left_on.map(|d| d.to_string())],
        )
        .map(drop)
    }

    /// Sets a team's review period in months.
    pub fn set_review_months(&self, team: TeamId, months: u32) -> Result<()> {
        self.exec_beside(
            "UPDATE team SET review_months = ?2 WHERE id = ?1",
            params![team.0, months],
        )
        .map(drop)
    }

    /// Appends a member event and returns its id (a new one when `e.id` is 0, else that id,
    /// as for history entries).
    pub fn append_event(&self, member: MemberId, e: &MemberEvent) -> Result<i64> {
        let next = match self.next_event.get() {
            Some(n) => n,
            None => {
                self.flush_members()?;
                self.next_id_after("member_event")?
            }
        };
        let id = if e.id > 0 { e.id } else { next };
        self.next_event.set(Some(next.max(id + 1)));
        self.pending.borrow_mut().events.push(EventRow {
            id,
            member: member.0,
            kind: e.kind.code(),
            on: DateText::of(e.on),
            at: e.recorded.0,
            team: e.team.map(|t| t.0),
            role_level: e.role_level.map(|r| r.0),
        });
        self.flush_if_many()?;
        Ok(id)
    }

    /// The last history entry id ever used (see `id_sequence`).
    fn last_history_id(&self) -> Result<i64> {
        self.tx
            .query_row(
                "SELECT coalesce((SELECT last FROM id_sequence WHERE name = 'rating_history'), 0)",
                [],
                |r| r.get(0),
            )
            .at(&self.path)
    }

    /// Records that history entry ids up to `last` are used (see `id_sequence`).
    fn record_history_id(&self, last: i64) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO id_sequence (name, last) VALUES ('rating_history', ?1)
                 ON CONFLICT (name) DO UPDATE SET last = max(last, excluded.last)",
            )
            .at(&self.path)?;
        stmt.execute([last]).at(&self.path).map(drop)
    }

    /// The id after every one an AUTOINCREMENT table has used, even by a row since deleted.
    fn next_id_after(&self, table: &str) -> Result<i64> {
        let seq = autoincrement_seq(self.tx, table).at(&self.path)?;
        let max: i64 = self
            .tx
            .query_row(
                &format!("SELECT coalesce(max(id), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )
            .at(&self.path)?;
        Ok(seq.max(max) + 1)
    }

    /// Records that a member event was undone. Fails when the member has no such event.
    pub fn retract_event(&self, member: MemberId, event: i64, at: Timestamp) -> Result<()> {
        let n = self.exec(
            "INSERT INTO member_event (member_id, kind, on_date, at, retracts)
             SELECT member_id, 'undo', on_date, ?3, id FROM member_event
             WHERE id = ?2 AND member_id = ?1 AND kind != 'undo'",
            params![member.0, event, at.0],
        )?;
        if n == 1 {
            Ok(())
        } else {
            Err(Error::UnknownId {
                kind: "member event",
                id: event,
            })
        }
    }

    /// A member's events, in recorded order.
    pub fn events(&self, member: MemberId) -> Result<Vec<MemberEvent>> {
        member_events(self.tx()?, member).at(&self.path)
    }

    /// Renames a member.
    pub fn rename_member(&self, id: MemberId, name: &str) -> Result<()> {
        self.exec_beside(
            "UPDATE member SET name = ?2 WHERE id = ?1",
            params![id.0, name],
        )
        .map(drop)
    }

    /// Changes a member's role level.
    pub fn set_role_level(&self, id: MemberId, role_level: Option<RoleLevelId>) -> Result<()> {
        self.exec_beside(
            "UPDATE member SET role_level_id = ?2 WHERE id = ?1",
            params![id.0, role_level.map(|r| r.0)],
        )
        .map(drop)
    }

    /// Moves a member to another team.
    pub fn move_member(&self, id: MemberId, team: TeamId) -> Result<()> {
        self.exec_beside(
            "UPDATE member SET team_id = ?2 WHERE id = ?1",
            params![id.0, team.0],
        )
        .map(drop)
    }

    /// Deletes a member with their ratings and history.
    pub fn delete_member(&self, id: MemberId) -> Result<()> {
        self.exec("DELETE FROM member WHERE id = ?1", [id.0])
            .map(drop)
    }

    /// Sets a member's current rating in a skill.
    pub fn put_rating(
        &self,
        member: MemberId,
        skill: SkillId,
        rating: &Rating,
        recorded: Timestamp,
    ) -> Result<()> {
        self.put_rating_of(Source::Lead, member, skill, rating, recorded)
    }

    /// Sets a member's current rating (the lead's or their own) in a skill.
    pub fn put_rating_of(
        &self,
        source: Source,
        member: MemberId,
        skill: SkillId,
        rating: &Rating,
        recorded: Timestamp,
    ) -> Result<()> {
        self.push_rating(source, member, skill, rating, recorded, None)
    }

    /// Sets a member's rating (the lead's or their own) and records it in their history;
    /// returns the entry's id. `replaces` says whether they had a rating in the skill (the
    /// core knows): a first rating is stored once, as its current row, which is also its
    /// history entry until a later change makes that a history row (schema 9).
    pub fn record_rating(
        &self,
        source: Source,
        member: MemberId,
        (skill, rating): (SkillId, &Rating),
        recorded: Timestamp,
        replaces: bool,
    ) -> Result<i64> {
        if replaces {
            self.put_rating_of(source, member, skill, rating, recorded)?;
            return self.append_history(
                member,
                &HistoryEntry {
                    id: 0,
                    skill,
                    level: Some(rating.level),
                    note: rating.note.clone(),
                    interested: rating.interested,
                    assessed_on: rating.assessed_on,
                    recorded,
                    undone: None,
                    source,
                },
            );
        }
        let id = self.new_history_id()?;
        self.push_rating(source, member, skill, rating, recorded, Some(id))?;
        Ok(id)
    }

    fn push_rating(
        &self,
        source: Source,
        member: MemberId,
        skill: SkillId,
        rating: &Rating,
        recorded: Timestamp,
        implied: Option<i64>,
    ) -> Result<()> {
        let row = RatingRow {
            member: member.0,
            skill: skill.0,
            level: rating.level.number(),
            note: rating.note.clone(),
            interested: rating.interested,
            recorded: recorded.0,
            assessed_on: DateText::of(rating.assessed_on),
            implied,
        };
        {
            let mut pending = self.pending.borrow_mut();
            match source {
                Source::Lead => pending.ratings.push(row),
                Source::SelfAssessed => pending.self_ratings.push(row),
            }
        }
        self.flush_if_many()
    }

    /// Clears a member's current rating in a skill.
    pub fn delete_rating(&self, member: MemberId, skill: SkillId) -> Result<()> {
        self.delete_rating_of(Source::Lead, member, skill)
    }

    /// Clears a member's current rating (the lead's or their own) in a skill.
    pub fn delete_rating_of(&self, source: Source, member: MemberId, skill: SkillId) -> Result<()> {
        self.flush()?;
        self.materialize(source, &[(member.0, skill.0)])?;
        let sql = match source {
            Source::Lead => "DELETE FROM rating WHERE member_id = ?1 AND skill_id = ?2",
            Source::SelfAssessed => {
                "DELETE FROM self_rating WHERE member_id = ?1 AND skill_id = ?2"
            }
        };
        self.exec(sql, params![member.0, skill.0]).map(drop)
    }

    /// Appends an entry to a member's rating history and returns its id: a new id when
    /// `entry.id` is 0, else that id (a member put back by undo keeps their entries' ids, which
    /// undo steps name; ids are never reused). `undone` is ignored (see `retract_history`).
    pub fn append_history(&self, member: MemberId, entry: &HistoryEntry) -> Result<i64> {
        let id = if entry.id > 0 {
            let next = self.next_history_id()?;
            self.next_history.set(Some(next.max(entry.id + 1)));
            entry.id
        } else {
            self.new_history_id()?
        };
        self.pending.borrow_mut().history.push(HistoryRow {
            id,
            member: member.0,
            skill: entry.skill.0,
            level: entry.level.map(Level::number),
            note: entry.note.clone(),
            interested: entry.interested,
            assessed_on: DateText::of(entry.assessed_on),
            at: entry.recorded.0,
            source: entry.source.code(),
        });
        self.flush_if_many()?;
        Ok(id)
    }

    /// The id the next new history entry gets: never one used before, even by an entry
    /// since deleted.
    fn next_history_id(&self) -> Result<i64> {
        match self.next_history.get() {
            Some(n) => Ok(n),
            None => {
                self.flush()?;
                Ok(self.last_history_id()? + 1)
            }
        }
    }

    /// Hands out a new history entry id.
    fn new_history_id(&self) -> Result<i64> {
        let id = self.next_history_id()?;
        self.next_history.set(Some(id + 1));
        Ok(id)
    }

    /// Records that a history entry was undone: a retraction, kept for audit. Fails when the
    /// member has no such entry (nothing is retracted silently).
    pub fn retract_history(&self, member: MemberId, entry: i64, at: Timestamp) -> Result<()> {
        // The retraction takes the next id; the waiting entries (with ids before it) are
        // written first, and an entry still implied by its rating becomes a history row.
        self.flush()?;
        for source in [Source::Lead, Source::SelfAssessed] {
            self.write_out(
                source,
                (
                    &format!("FROM {} r", source_table(source)),
                    "r.member_id = ?1 AND r.implied_entry = ?2",
                ),
                params![member.0, entry],
            )?;
        }
        self.next_history.set(None);
        let id = self.last_history_id()? + 1;
        let n = self.exec(
            "INSERT INTO rating_history
               (id, member_id, skill_id, level, note, interested, assessed_on, at, retracts, source)
             SELECT ?4, member_id, skill_id, NULL, '', 0, assessed_on, ?3, id, source
             FROM rating_history WHERE member_id = ?1 AND id = ?2 AND retracts IS NULL",
            params![member.0, entry, at.0, id],
        )?;
        if n == 1 {
            self.record_history_id(id)
        } else {
            Err(Error::UnknownId {
                kind: "history entry",
                id: entry,
            })
        }
    }

    /// A member's whole rating history, oldest first.
    pub fn history(&self, member: MemberId) -> Result<Vec<HistoryEntry>> {
        member_history(self.tx()?, member).at(&self.path)
    }

    /// Writes the whole framework over the stored one (see `write_framework`).
    pub fn write_framework(&self, framework: &Framework) -> Result<()> {
        write_framework(self.tx()?, framework).at(&self.path)
    }

    /// Whether anything refers to a skill: a rating (the lead's or their own), a history
    /// entry, a team target or a requirement. Such a skill is never deleted.
    pub fn skill_referenced(&self, skill: SkillId) -> Result<bool> {
        if self.skill_used(skill)? {
            return Ok(true);
        }
        self.tx()?
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM requirement WHERE skill_id = ?1)",
                [skill.0],
                |r| r.get(0),
            )
            .at(&self.path)
    }

    /// Whether any rating, history entry or team target names a skill (requirements aside:
    /// a framework write replaces them).
    pub fn skill_used(&self, skill: SkillId) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM rating WHERE skill_id = ?1)
                OR EXISTS (SELECT 1 FROM self_rating WHERE skill_id = ?1)
                OR EXISTS (SELECT 1 FROM rating_history WHERE skill_id = ?1)
                OR EXISTS (SELECT 1 FROM team_target WHERE skill_id = ?1)";
        self.tx()?
            .query_row(sql, [skill.0], |r| r.get(0))
            .at(&self.path)
    }

    /// Whether any member, current or former, holds or held a role level.
    pub fn role_level_used(&self, role_level: RoleLevelId) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM member WHERE role_level_id = ?1)
                OR EXISTS (SELECT 1 FROM member_event WHERE role_level_id = ?1)";
        self.tx()?
            .query_row(sql, [role_level.0], |r| r.get(0))
            .at(&self.path)
    }

    /// Loads the framework and the whole matrix as this transaction sees them (after a
    /// framework change, whose effect on what is shown reaches every member).
    pub fn load(&self) -> Result<Snapshot> {
        let framework = Arc::new(load_framework(self.tx()?).at(&self.path)??);
        let mut snapshot = Snapshot::new(framework);
        load_matrix(self.tx()?, &mut snapshot, None).at(&self.path)?;
        Ok(snapshot)
    }

    /// Sets (or with `None` removes, back to the default) a team's target for a skill.
    pub fn set_target(&self, team: TeamId, skill: SkillId, target: Option<Target>) -> Result<()> {
        match target {
            Some(t) => self.exec_beside(
                "INSERT INTO team_target (team_id, skill_id, level, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (team_id, skill_id) DO UPDATE SET level = excluded.level, count = excluded.count",
                params![team.0, skill.0, t.level.number(), t.count],
            ),
            None => self.exec_beside(
                "DELETE FROM team_target WHERE team_id = ?1 AND skill_id = ?2",
                params![team.0, skill.0],
            ),
        }
        .map(drop)
    }
}
