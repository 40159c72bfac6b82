//! Organisation roll-ups: many team databases copied into one organisation database, so a
//! head of profession sees every team's coverage in one place.
//!
//! Team names: every lead names theirs "Data Engineering", so a name two team files hold (or
//! that the organisation database holds from elsewhere) is kept apart as "NAME (FILE)", the
//! team file's name in brackets, and said; `--name FILE:TEAM=NEW` names a file's team
//! itself. Two teams are never merged by accident; `--merge NAME` merges them on purpose
//! (checked first: nobody in two of them, the same targets), recorded as from every file.
//!
//! Each team file is opened for reading only (never locked or changed). Everything is read
//! and checked first (missing, foreign or newer files, a team name that cannot be kept
//! apart, role levels the organisation's framework lacks);
//! only then is each file written, in one transaction per file: the teams earlier roll-ups
//! took from that file are replaced by what it holds now, so running twice gives the same
//! contents. Skills are matched by name; a skill the organisation's framework lacks is added
//! as a custom skill. With a key, member names become pseudonyms and notes are dropped.

use crate::error::{Error, Result};
use crate::model::pseudonym::Key;
use crate::model::{
    Framework, HistoryEntry, Member, MemberEvent, MemberId, RoleLevelId, SkillId, Snapshot, TeamId,
    Timestamp, name_key,
};
use crate::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What one team file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// The team file.
    pub path: PathBuf,
    /// Its teams, by name.
    pub teams: Vec<String>,
    /// Members copied (current and former).
    pub members: usize,
    /// Current ratings copied (the lead's and self-assessments).
    pub ratings: usize,
    /// Teams an earlier roll-up took from this file, replaced.
    pub replaced: usize,
    /// Skills the organisation's framework lacked, added as custom skills.
    pub new_skills: Vec<String>,
    /// Teams named apart in the organisation database: (name in the file, name given), with
    /// why ("--name", or the other file holding the name).
    pub renamed: Vec<(String, String, String)>,
}

/// A team file's team named on the command line: `FILE:TEAM=NEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamName {
    /// The team file, as given or by its file name.
    pub file: String,
    /// The team's name in that file.
    pub team: String,
    /// Its name in the organisation database.
    pub name: String,
}

impl std::str::FromStr for TeamName {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<TeamName, String> {
        let bad = || {
            format!(
                "\"{text}\" is not FILE:TEAM=NEW (e.g. \"north.db:Data Engineering=Data Engineering North\")"
            )
        };
        let (left, name) = text.rsplit_once('=').ok_or_else(bad)?;
        let (file, team) = left.rsplit_once(':').ok_or_else(bad)?;
        let name = crate::model::clean_name("team", name).map_err(|e| e.to_string())?;
        if file.trim().is_empty() || team.trim().is_empty() {
            return Err(bad());
        }
        Ok(TeamName {
            file: file.trim().to_string(),
            team: team.trim().to_string(),
            name,
        })
    }
}

/// A team file, read and checked, ready to write.
struct Source {
    path: PathBuf,
    /// The absolute path, recorded per team and shown.
    key: String,
    /// Which database it is (its database_id; the path for a file too old to have one):
    /// what re-runs match, so a moved or copied file is the same source.
    id: String,
    /// Its modification time, RFC 3339 UTC.
    time: String,
    /// The same, when ratings were last set (the time their copies are recorded at).
    recorded: Timestamp,
    snapshot: Snapshot,
    history: HashMap<MemberId, Vec<HistoryEntry>>,
    events: HashMap<MemberId, Vec<MemberEvent>>,
}

/// Reads a key file made by `keygen`.
pub fn read_key(path: &Path) -> Result<Key> {
    let bad = |reason: String| Error::Key {
        action: "use",
        reason,
        path: path.to_path_buf(),
    };
    let io = |source| Error::Io {
        action: "read the key file",
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() || meta.len() > 4096 {
        return Err(bad("it is not a capmatrix key file".into()));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    Key::from_text(&text).map_err(bad)
}

/// Makes a key file from the operating system's random source, readable by its owner only.
/// Refuses to replace an existing file.
pub fn keygen(path: &Path) -> Result<()> {
    let bad = |reason: String| Error::Key {
        action: "make",
        reason,
        path: path.to_path_buf(),
    };
    let io = |source| Error::Io {
        action: "write the key file",
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = vec![0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| bad(format!("no random source: {e}")))?;
    let Some(key) = Key::new(bytes) else {
        return Err(bad("the key is too short".into()));
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            bad("the file already exists; a key is never replaced (choose another name)".into())
        } else {
            io(e)
        }
    })?;
    use std::io::Write;
    let written = file
        .write_all(key.to_text().as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io(e));
    }
    Ok(())
}

/// A file's modification time.
fn modified(path: &Path) -> Option<jiff::Timestamp> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
}

fn read_source(path: &Path, scratch: &Path) -> Result<Source> {
    // A pipe or a device would block or never end: only regular files are databases.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(Error::Rollup {
                reason: if m.is_dir() {
                    "it is a folder, not a team database".into()
                } else {
                    "it is not a regular file (a pipe or a device)".into()
                },
                path: path.to_path_buf(),
            });
        }
        _ => {}
    }
    // Read as immutable when nobody has it open; if it changed meanwhile (someone opened and
    // edited it, or a checkpoint rewrote it), read it again the ordinary way, which sees a
    // writer's committed changes consistently.
    let stamp = || {
        let m = std::fs::metadata(path).ok();
        (
            m.as_ref().map(std::fs::Metadata::len),
            m.and_then(|m| m.modified().ok()),
            crate::store::companion(path, "-wal").exists(),
        )
    };
    let before = stamp();
    let mut read = read_all(path, scratch, true);
    if stamp() != before {
        read = read_all(path, scratch, false);
    }
    let (snapshot, history, events, id) = read?;
    let key = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let time = modified(path);
    Ok(Source {
        path: path.to_path_buf(),
        id: id.unwrap_or_else(|| format!("file {key}")),
        key,
        time: time.map_or_else(String::new, |t| format!("{t:.0}")),
        recorded: time.map_or_else(Timestamp::now, |t| Timestamp(t.as_millisecond())),
        snapshot,
        history,
        events,
    })
}

type Read = (
    crate::model::Snapshot,
    HashMap<MemberId, Vec<HistoryEntry>>,
    HashMap<MemberId, Vec<MemberEvent>>,
    Option<String>,
);

/// A team file's matrix, history and events, in one read transaction.
fn read_all(path: &Path, scratch: &Path, quiet: bool) -> Result<Read> {
    let store = Store::open_source(path, scratch, quiet)?;
    store.begin_read()?;
    Ok((
        store.load()?,
        store.all_history()?,
        store.all_events()?,
        store.source_id()?,
    ))
}

/// Rolls team files up into the organisation database at `org` (created when it does not
/// exist, once every team file has been read). Checks everything before writing anything;
/// then one transaction per file. Returns what each file gave.
pub fn rollup(
    org: &Path,
    files: &[PathBuf],
    key: Option<&Key>,
    names: &[TeamName],
    merge: &[String],
) -> Result<Vec<FileSummary>> {
    let org_path = std::fs::canonicalize(org).unwrap_or_else(|_| org.to_path_buf());
    let scratch = tempfile::tempdir().map_err(|source| Error::Io {
        action: "make a temporary folder",
        path: std::env::temp_dir(),
        source,
    })?;
    let mut sources = Vec::with_capacity(files.len());
    let mut seen_files: HashMap<String, &Path> = HashMap::new();
    for path in files {
        if std::fs::canonicalize(path).is_ok_and(|p| p == org_path) {
            return Err(Error::Rollup {
                reason: "it is the organisation database itself".into(),
                path: path.clone(),
            });
        }
        let source = read_source(path, scratch.path())?;
        if let Some(first) = seen_files.insert(source.key.clone(), path) {
            return Err(Error::Rollup {
                reason: format!("the file is named twice (also as {})", first.display()),
                path: path.clone(),
            });
        }
        sources.push(source);
    }

    // Only now, with every team file read and sound, is the organisation database opened
    // (created when it does not exist: removed again if anything is refused).
    let existed = org.exists();
    let mut store = Store::open(org)?;
    let result = plan_and_write(&mut store, &sources, key, (names, merge));
    if result.is_err() && !existed {
        drop(store);
        for f in std::iter::once(org.to_path_buf()).chain(crate::store::companions(org)) {
            let _ = std::fs::remove_file(f);
        }
    }
    result
}

/// Everything checked and every file's mapping worked out (pure), then one transaction per
/// file. A refusal here comes before the first write.
fn plan_and_write(
    org: &mut Store,
    sources: &[Source],
    key: Option<&Key>,
    (names, merge): (&[TeamName], &[String]),
) -> Result<Vec<FileSummary>> {
    // Team names: unique across the files, and not taken in the organisation database by a
    // team made there or rolled up from another file (a team that moved between two files
    // of this run is fine: its old file no longer holds it and gives it up).
    let org_snapshot = org.load()?;
    let recorded = org.rollup_sources()?;
    let in_run: HashMap<&str, &Source> = sources.iter().map(|s| (s.key.as_str(), s)).collect();
    // A file is the source a team was rolled up from when it is at the recorded path, or
    // when it is the same database (by id) and the recorded path holds no file any more
    // (the file was moved). Two files side by side are two sources, even when one began as
    // a copy of the other (teams handed out from one template).
    // A merged team (--merge) is each of its files' teams.
    let is_source_of = |source: &Source, r: &crate::store::RollupSource| {
        r.source == source.key
            || r.source
                .strip_prefix(MERGED)
                .is_some_and(|keys| keys.split('\n').any(|k| k == source.key))
            || (r.source_id == source.id
                && !in_run.contains_key(r.source.as_str())
                && !Path::new(&r.source).exists())
    };
    let groups = merge_groups(sources, merge)?;
    // A merged team is replaced only with all its files in the run: with some of them, the
    // others' people would drop out of the organisation unsaid.
    for r in &recorded {
        let Some(keys) = r.source.strip_prefix(MERGED) else {
            continue;
        };
        let keys: Vec<&str> = keys.split('\n').collect();
        let Some(&given) = keys.iter().find(|k| in_run.contains_key(*k)) else {
            continue;
        };
        if let Some(missing) = keys.iter().find(|k| !in_run.contains_key(*k)) {
            let team = org_snapshot
                .team(r.team)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            return Err(Error::Rollup {
                reason: format!(
                    "team \"{team}\" was merged from several team files and {missing} is not in this run: roll them up together (with --merge to keep it merged, without to keep the teams apart)"
                ),
                path: PathBuf::from(given),
            });
        }
    }
    let merged = |team: &crate::model::Team| groups.contains_key(&name_key(&team.name));
    let origin: HashMap<TeamId, &crate::store::RollupSource> =
        recorded.iter().map(|r| (r.team, r)).collect();
    // The name each team gets: its own; one --name gives; or, where another file (or the
    // organisation database, from elsewhere) holds the name, "NAME (FILE)".
    let mut given = given_names(sources, names)?;
    // A team is either merged or named, never both (checked before anything is written).
    for (i, source) in sources.iter().enumerate() {
        for team in source.snapshot.teams() {
            if merged(team) && given[i].contains_key(&team.id) {
                return Err(Error::Rollup {
                    reason: format!(
                        "team \"{}\" is both merged (--merge) and named (--name): choose one",
                        team.name
                    ),
                    path: source.path.clone(),
                });
            }
        }
    }
    let held_elsewhere = |source: &Source, name: &str| -> bool {
        let Some(existing) = org_snapshot.team_named(name) else {
            return false;
        };
        match origin.get(&existing.id) {
            Some(r) if is_source_of(source, r) => false,
            // A team that moved between two files of this run: its old file gives it up.
            Some(r) => in_run
                .get(r.source.as_str())
                .is_none_or(|s| s.snapshot.team_named(name).is_some()),
            None => true,
        }
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for (i, source) in sources.iter().enumerate() {
        for team in source.snapshot.teams() {
            if !given[i].contains_key(&team.id) && !merged(team) {
                *count.entry(name_key(&team.name)).or_default() += 1;
            }
        }
    }
    for (i, source) in sources.iter().enumerate() {
        for team in source.snapshot.teams() {
            if given[i].contains_key(&team.id) || merged(team) {
                continue;
            }
            let shared = count.get(&name_key(&team.name)).copied().unwrap_or(0) > 1;
            if !shared && !held_elsewhere(source, &team.name) {
                continue;
            }
            let file = source
                .path
                .file_name()
                .map_or_else(|| source.key.clone(), |f| f.to_string_lossy().into_owned());
            let apart = format!("{} ({file})", team.name);
            let why = if shared {
                "another team file holds the same name".to_string()
            } else {
                "the organisation database holds the name from elsewhere".to_string()
            };
            given[i].insert(team.id, (apart, why));
        }
    }
    // A team renamed in the organisation database keeps that name (unless --name gives one).
    let rules: HashMap<(String, String), String> = org
        .info_prefixed(crate::store::ROLLUP_NAME_RULE)?
        .into_iter()
        .filter_map(|(k, v)| {
            let (source, key) = k
                .strip_prefix(crate::store::ROLLUP_NAME_RULE)?
                .rsplit_once('\t')?;
            Some(((source.to_string(), key.to_string()), v))
        })
        .collect();
    for (i, source) in sources.iter().enumerate() {
        for team in source.snapshot.teams() {
            let given_here = given[i].get(&team.id);
            if merged(team) || given_here.is_some_and(|(_, why)| why == "--name") {
                continue;
            }
            let would = given_here.map_or(team.name.as_str(), |(n, _)| n.as_str());
            if let Some(name) = rules.get(&(source.key.clone(), name_key(would))) {
                let why = "named in the organisation database".to_string();
                given[i].insert(team.id, (name.clone(), why));
            }
        }
    }
    // Every final name once across the run, and free in the organisation database.
    let mut owner: HashMap<String, &Source> = HashMap::new();
    for (i, source) in sources.iter().enumerate() {
        for team in source.snapshot.teams() {
            let name = given[i]
                .get(&team.id)
                .map_or(team.name.as_str(), |(n, _)| n.as_str());
            if merged(team) && !given[i].contains_key(&team.id) {
                // One team from several files, deliberately.
                if held_elsewhere(source, name) {
                    return Err(Error::Rollup {
                        reason: format!(
                            "the organisation database already has a team \"{name}\" from elsewhere; --merge cannot take it"
                        ),
                        path: source.path.clone(),
                    });
                }
                continue;
            }
            if let Some(other) = owner.insert(name_key(name), source) {
                return Err(Error::Rollup {
                    reason: format!(
                        "team \"{name}\" would come from two team files ({} and {}); give them different names with --name FILE:TEAM=NEW, or make them one team with --merge",
                        other.path.display(),
                        source.path.display()
                    ),
                    path: source.path.clone(),
                });
            }
            if held_elsewhere(source, name) {
                return Err(Error::Rollup {
                    reason: format!(
                        "the organisation database already has a team \"{name}\" from elsewhere; name this one with --name FILE:TEAM=NEW"
                    ),
                    path: source.path.clone(),
                });
            }
        }
    }

    // Names: every roll-up into one organisation database pseudonymises with the same key,
    // or none does; a different key would break "the same person, the same pseudonym".
    let mode = key.map_or_else(
        || "plain".to_string(),
        |k| format!("key {}", k.fingerprint()),
    );
    match org.info_value(NAMES_KEY)? {
        Some(before) if before != mode => {
            let reason = match (before.as_str(), key) {
                ("plain", Some(_)) => "earlier roll-ups into this database kept names; \
                    pseudonymise into a new organisation database"
                    .to_string(),
                (_, None) => "earlier roll-ups into this database were pseudonymised: \
                    give --pseudonymise with the same key"
                    .to_string(),
                _ => "earlier roll-ups into this database were pseudonymised with another key: \
                    give the same key file"
                    .to_string(),
            };
            return Err(Error::Rollup {
                reason,
                path: org.path().to_path_buf(),
            });
        }
        _ => {}
    }

    // Role levels and skills by name, worked out for every file before anything is written.
    let mut framework = (*org_snapshot.framework).clone();
    let mut plans = Vec::with_capacity(sources.len());
    // A team is replaced by the first file of the run that gave it (a merged team's files
    // all did): a later file must not delete a team an earlier one has just written.
    let mut claimed = std::collections::HashSet::new();
    for (source, names) in sources.iter().zip(given) {
        let role_levels = map_role_levels(&framework, source)?;
        let (skills, new_skills) = map_skills(&mut framework, source)?;
        let replace = recorded
            .iter()
            .filter(|r| is_source_of(source, r))
            .map(|r| r.team)
            .filter(|&t| claimed.insert(t))
            .collect();
        plans.push(FilePlan {
            skills,
            role_levels,
            new_skills,
            replace,
            names,
        });
    }
    let framework_changed = framework != *org_snapshot.framework;

    if key.is_some() {
        // Names and notes replaced in place must not linger in freed pages.
        org.set_secure_delete()?;
    }
    let mut out = Vec::with_capacity(sources.len());
    let mut merged_ids: HashMap<String, TeamId> = HashMap::new();
    for (i, (source, plan)) in sources.iter().zip(&plans).enumerate() {
        let new_framework = (i == 0 && framework_changed).then_some(&framework);
        out.push(write_source(
            org,
            (new_framework, &mode),
            source,
            plan,
            key,
            (&groups, &mut merged_ids),
        )?);
    }
    Ok(out)
}

/// How a merged team is recorded as its source: this, then its files' paths, one a line.
const MERGED: &str = "merged:\n";

/// One team made of the same-named teams of several files (`--merge NAME`).
struct MergeGroup {
    /// Its name in the organisation database (the first file's spelling).
    name: String,
    /// What it is recorded as coming from: [`MERGED`] and every file's path.
    origin: crate::store::RollupOrigin,
}

/// The teams `--merge` makes one, by name key, each checked before anything is written:
/// at least one file holds it, no person is in two of the files' teams (they would become
/// one person), and the files agree on its targets and review period.
fn merge_groups(sources: &[Source], merge: &[String]) -> Result<HashMap<String, MergeGroup>> {
    let mut out = HashMap::new();
    for name in merge {
        let holding: Vec<(&Source, &crate::model::Team)> = sources
            .iter()
            .filter_map(|s| Some((s, s.snapshot.team_named(name)?)))
            .collect();
        let refuse = |reason: String| Error::Rollup {
            reason,
            path: holding
                .first()
                .map_or_else(|| PathBuf::from(name), |(s, _)| s.path.clone()),
        };
        let Some(&(first, first_team)) = holding.first() else {
            return Err(refuse(format!(
                "--merge \"{name}\": no team file of the run has a team of that name"
            )));
        };
        let mut people: HashMap<String, &Path> = HashMap::new();
        for &(s, team) in &holding {
            let snap = &s.snapshot;
            for m in snap
                .team_members(team.id)
                .into_iter()
                .chain(snap.former_members(team.id))
            {
                if let Some(other) = people.insert(name_key(&m.name), &s.path) {
                    return Err(refuse(format!(
                        "--merge \"{name}\": {} is in the team in both {} and {}; merged, they would be one person (rename one, or keep the teams apart)",
                        m.name,
                        other.display(),
                        s.path.display()
                    )));
                }
            }
            let targets =
                |s: &Source, t: &crate::model::Team| -> BTreeMap<String, crate::model::Target> {
                    s.snapshot
                        .explicit_targets(t.id)
                        .map(|(k, v)| (name_key(&s.snapshot.framework.skill(k).name), v))
                        .collect()
                };
            if targets(s, team) != targets(first, first_team)
                || team.review_months != first_team.review_months
            {
                return Err(refuse(format!(
                    "--merge \"{name}\": {} and {} set different targets or review periods for it; make them agree first",
                    first.path.display(),
                    s.path.display()
                )));
            }
        }
        let paths: Vec<&str> = holding.iter().map(|(s, _)| s.key.as_str()).collect();
        let ids: Vec<&str> = holding.iter().map(|(s, _)| s.id.as_str()).collect();
        out.insert(
            name_key(name),
            MergeGroup {
                name: first_team.name.clone(),
                origin: crate::store::RollupOrigin {
                    source: format!("{MERGED}{}", paths.join("\n")),
                    source_id: format!("{MERGED}{}", ids.join("\n")),
                    source_time: first.time.clone(),
                    pseudonymised: false,
                },
            },
        );
    }
    Ok(out)
}

/// Where `framework_info` records how names were rolled up.
const NAMES_KEY: &str = "rollup_names";

/// A file's ids in the organisation database.
struct FilePlan {
    skills: HashMap<SkillId, SkillId>,
    role_levels: HashMap<RoleLevelId, RoleLevelId>,
    new_skills: Vec<String>,
    /// The teams earlier roll-ups took from this file (at its path, or moved), replaced.
    replace: Vec<TeamId>,
    /// Teams named apart: the name given and why.
    names: HashMap<TeamId, (String, String)>,
}

/// The teams `--name` names, per file: (name, why).
fn given_names(
    sources: &[Source],
    names: &[TeamName],
) -> Result<Vec<HashMap<TeamId, (String, String)>>> {
    let mut out = vec![HashMap::new(); sources.len()];
    for n in names {
        let matches: Vec<usize> = sources
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let given = Path::new(&n.file);
                s.path == given
                    || s.key == n.file
                    || std::fs::canonicalize(given).is_ok_and(|c| c.display().to_string() == s.key)
                    || (given.components().count() == 1 && s.path.file_name() == given.file_name())
            })
            .map(|(i, _)| i)
            .collect();
        let refuse = |reason: String| Error::Rollup {
            reason,
            path: PathBuf::from(&n.file),
        };
        let i = match matches.as_slice() {
            [i] => *i,
            [] => {
                return Err(refuse(
                    "--name names a file that is not one of the team files".into(),
                ));
            }
            _ => {
                return Err(refuse(
                    "--name names a file name several team files have; give its path".into(),
                ));
            }
        };
        let Some(team) = sources[i].snapshot.team_named(&n.team) else {
            return Err(refuse(format!(
                "--name: the file has no team \"{}\"",
                n.team
            )));
        };
        out[i].insert(team.id, (n.name.clone(), "--name".to_string()));
    }
    Ok(out)
}

/// The organisation's role level for each of a file's, by name; a role level in use that
/// the organisation's framework lacks is refused.
fn map_role_levels(
    framework: &Framework,
    source: &Source,
) -> Result<HashMap<RoleLevelId, RoleLevelId>> {
    let snap = &source.snapshot;
    for m in snap.all_members().into_iter().chain(snap.all_former()) {
        if let Some(rl) = m.role_level {
            let name = &snap.framework.role_level(rl).name;
            if framework.role_level_named(name).is_none() {
                return Err(Error::Rollup {
                    reason: format!(
                        "role level \"{name}\" is not in the organisation database's framework; \
                         update it first (capmatrix framework update)"
                    ),
                    path: source.path.clone(),
                });
            }
        }
    }
    Ok(snap
        .framework
        .role_levels
        .iter()
        .filter_map(|rl| Some((rl.id, framework.role_level_named(&rl.name)?)))
        .collect())
}

/// Maps a file's skills onto the organisation's by name, adding the ones it lacks as custom
/// skills. A skill the organisation retired is refused (its ratings would vanish), as is a
/// new name the organisation's skills already hold in another spelling.
fn map_skills(
    framework: &mut Framework,
    source: &Source,
) -> Result<(HashMap<SkillId, SkillId>, Vec<String>)> {
    let refuse = |reason: String| Error::Rollup {
        reason,
        path: source.path.clone(),
    };
    let mut map = HashMap::new();
    let mut added = Vec::new();
    for s in source
        .snapshot
        .framework
        .skills
        .iter()
        .filter(|s| !s.retired)
    {
        let id = match framework.skill_named(&s.name) {
            Some(id) if framework.skill(id).retired => {
                return Err(refuse(format!(
                    "skill \"{}\" is retired in the organisation database; restore it there \
                     first (capmatrix skills restore)",
                    s.name
                )));
            }
            Some(id) => id,
            None => {
                let text = crate::model::framework_edit::SkillText {
                    name: s.name.clone(),
                    category: s.category.clone(),
                    description: s.description.clone(),
                    descriptors: s.descriptors.clone(),
                };
                let (next, id) = crate::model::framework_edit::add_custom_skill(framework, text)
                    .map_err(|e| refuse(format!("skill \"{}\": {e}", s.name)))?;
                *framework = next;
                added.push(s.name.clone());
                id
            }
        };
        map.insert(s.id, id);
    }
    Ok((map, added))
}

fn write_source(
    org: &mut Store,
    (new_framework, mode): (Option<&Framework>, &str),
    source: &Source,
    plan: &FilePlan,
    key: Option<&Key>,
    (groups, merged_ids): (&HashMap<String, MergeGroup>, &mut HashMap<String, TeamId>),
) -> Result<FileSummary> {
    let snap = &source.snapshot;
    let (skills, role_levels, new_skills) = (&plan.skills, &plan.role_levels, &plan.new_skills);
    let name_of = |m: &Member| match key {
        Some(k) => k.pseudonym(&m.name),
        None => m.name.clone(),
    };
    let keep_note = |note: &str| {
        if key.is_some() {
            String::new()
        } else {
            note.to_string()
        }
    };
    let recorded = source.recorded;
    org.write(|w| {
        if let Some(framework) = new_framework {
            w.write_framework(framework)?;
        }
        w.set_info(NAMES_KEY, mode)?;
        let old = &plan.replace;
        for &t in old {
            w.delete_team(t)?;
        }
        let mut team_ids: HashMap<TeamId, TeamId> = HashMap::new();
        let mut teams: Vec<_> = snap.teams().collect();
        teams.sort_by_key(|t| t.id);
        let mut made: Vec<(String, TeamId)> = Vec::new();
        for team in &teams {
            let group = groups
                .get(&name_key(&team.name))
                .filter(|_| !plan.names.contains_key(&team.id));
            if let Some(&id) = group.and_then(|_| merged_ids.get(&name_key(&team.name))) {
                // A merged team an earlier file of this run wrote: its members join it.
                team_ids.insert(team.id, id);
                continue;
            }
            let name = match group {
                Some(g) => g.name.as_str(),
                None => plan
                    .names
                    .get(&team.id)
                    .map_or(team.name.as_str(), |(n, _)| n.as_str()),
            };
            let id = w.insert_team(None, name)?;
            if group.is_some() {
                made.push((name_key(&team.name), id));
            }
            if team.review_months != crate::model::DEFAULT_REVIEW_MONTHS {
                w.set_review_months(id, team.review_months)?;
            }
            w.record_rollup(
                id,
                &match group {
                    Some(g) => crate::store::RollupOrigin {
                        pseudonymised: key.is_some(),
                        ..g.origin.clone()
                    },
                    None => crate::store::RollupOrigin {
                        source: source.key.clone(),
                        source_id: source.id.clone(),
                        source_time: source.time.clone(),
                        pseudonymised: key.is_some(),
                    },
                },
            )?;
            for (skill, target) in snap.explicit_targets(team.id) {
                if let Some(&s) = skills.get(&skill) {
                    w.set_target(id, s, Some(target))?;
                }
            }
            team_ids.insert(team.id, id);
        }
        let mut members: Vec<&Member> = snap
            .all_members()
            .into_iter()
            .chain(snap.all_former())
            .collect();
        members.sort_by_key(|m| m.id);
        let mut ratings = 0;
        for m in &members {
            let Some(&team) = team_ids.get(&m.team) else {
                continue;
            };
            let role_level = m.role_level.and_then(|rl| role_levels.get(&rl).copied());
            let id = w.insert_member(None, team, &name_of(m), role_level, m.left_on)?;
            for e in source
                .events
                .get(&m.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let copy = MemberEvent {
                    id: 0,
                    team: e.team.and_then(|t| team_ids.get(&t).copied()),
                    role_level: e.role_level.and_then(|rl| role_levels.get(&rl).copied()),
                    ..e.clone()
                };
                let new_id = w.append_event(id, &copy)?;
                if let Some(at) = e.undone {
                    w.retract_event(id, new_id, at)?;
                }
            }
            for e in source
                .history
                .get(&m.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(&skill) = skills.get(&e.skill) else {
                    continue;
                };
                let copy = HistoryEntry {
                    id: 0,
                    skill,
                    note: keep_note(&e.note),
                    ..e.clone()
                };
                let new_id = w.append_history(id, &copy)?;
                if let Some(at) = e.undone {
                    w.retract_history(id, new_id, at)?;
                }
            }
            for (source_kind, set) in [
                (crate::model::Source::Lead, &m.ratings),
                (crate::model::Source::SelfAssessed, &m.self_ratings),
            ] {
                let sorted: BTreeMap<_, _> = set.iter().collect();
                for (skill, r) in sorted {
                    let Some(&s) = skills.get(skill) else {
                        continue;
                    };
                    let copy = crate::model::Rating {
                        note: keep_note(&r.note),
                        ..r.clone()
                    };
                    w.put_rating_of(source_kind, id, s, &copy, recorded)?;
                    ratings += 1;
                }
            }
        }
        let summary = FileSummary {
            path: source.path.clone(),
            teams: teams
                .iter()
                .map(|t| {
                    plan.names
                        .get(&t.id)
                        .map_or_else(|| t.name.clone(), |(n, _)| n.clone())
                })
                .collect(),
            renamed: teams
                .iter()
                .filter_map(|t| {
                    if let Some((n, why)) = plan.names.get(&t.id) {
                        return Some((t.name.clone(), n.clone(), why.clone()));
                    }
                    let g = groups.get(&name_key(&t.name))?;
                    Some((
                        t.name.clone(),
                        g.name.clone(),
                        "merged with the same team of the other files (--merge)".to_string(),
                    ))
                })
                .collect(),
            members: members.len(),
            ratings,
            replaced: old.len(),
            new_skills: new_skills.clone(),
        };
        Ok((summary, made))
    })
    .map(|(summary, made)| {
        merged_ids.extend(made);
        summary
    })
}
