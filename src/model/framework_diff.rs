//! What a new release of the framework would change against the one a database holds:
//! skills added, removed and renamed (named in the file's `renamed` map, or found by the same
//! description under a new name), descriptions and descriptors changed, required levels
//! changed, role levels added and removed. Pure; the counts of ratings affected come from the
//! caller.

use super::{Framework, Level, SkillId, search_key};
use std::collections::{BTreeMap, HashMap};

/// One skill renamed: its old name, its new one, and whether the file said so (rather than
/// being found by its unchanged description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The name in the database.
    pub old: String,
    /// The name in the file.
    pub new: String,
    /// Named in the file's `renamed` map.
    pub explicit: bool,
    /// The database's skill.
    pub skill: SkillId,
}

/// A required level that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementChange {
    /// The role level.
    pub role_level: String,
    /// The skill (its name in the file).
    pub skill: String,
    /// Before (`None`: not listed or not defined).
    pub old: Option<Level>,
    /// After.
    pub new: Option<Level>,
}

/// Everything a framework file would change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameworkDiff {
    /// Skills only the file has.
    pub added: Vec<String>,
    /// Skills only the database has, with their ids (their ratings would be kept, retired).
    pub removed: Vec<(String, SkillId)>,
    /// Skills renamed.
    pub renamed: Vec<Renamed>,
    /// Skills (by their name in the file) whose description or descriptors change.
    pub descriptors_changed: Vec<String>,
    /// Required levels that change, for role levels in both.
    pub requirements_changed: Vec<RequirementChange>,
    /// Role levels only the file has.
    pub role_levels_added: Vec<String>,
    /// Role levels only the database has.
    pub role_levels_removed: Vec<String>,
    /// Skills the file lists that are retired here (the lead retired them): they stay so.
    pub still_retired: Vec<String>,
    /// The framework's name, before and after, when the file changes it.
    pub name: Option<(Option<String>, Option<String>)>,
    /// Its version, before and after, when the file changes it.
    pub version: Option<(Option<String>, Option<String>)>,
}

impl FrameworkDiff {
    /// Whether the file changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == FrameworkDiff::default()
    }
}

/// Compares the database's framework (`old`) with a file's (`new`). `renamed` maps old names
/// to new ones, as the file's `renamed` object says. Errors name a rename that cannot be.
pub fn diff(
    old: &Framework,
    new: &Framework,
    renamed: &BTreeMap<String, String>,
) -> Result<FrameworkDiff, String> {
    diff_matched(old, new, renamed).map(|(d, _)| d)
}

/// As [`diff`], with the skills matched: the database's skill -> the file's.
pub fn diff_matched(
    old: &Framework,
    new: &Framework,
    renamed: &BTreeMap<String, String>,
) -> Result<(FrameworkDiff, HashMap<SkillId, SkillId>), String> {
    let mut out = FrameworkDiff::default();
    // Old skill -> new skill.
    let mut matched: HashMap<SkillId, SkillId> = HashMap::new();
    // The framework's skills here, retired ones included (a skill the lead retired and the
    // file still lists is matched, and stays retired); the lead's own are not the framework's.
    let ours = |id: SkillId| !old.skill(id).custom;
    for (from, to) in renamed {
        // A rename already applied (the same file again) is no change.
        if old.skill_named(from).is_none() && old.skill_named(to).is_some_and(ours) {
            continue;
        }
        let Some(o) = old.skill_named(from).filter(|&o| ours(o)) else {
            return Err(format!(
                "the file renames \"{from}\", which this database's framework does not have"
            ));
        };
        let Some(n) = new.skill_named(to) else {
            return Err(format!(
                "the file renames \"{from}\" to \"{to}\", which the file does not list"
            ));
        };
        if old
            .skills
            .iter()
            .any(|s| s.id != o && search_key(&s.name) == search_key(to))
        {
            return Err(format!(
                "the file renames \"{from}\" to \"{to}\", a skill this database already has"
            ));
        }
        matched.insert(o, n);
        out.renamed.push(Renamed {
            old: old.skill(o).name.clone(),
            new: new.skill(n).name.clone(),
            explicit: true,
            skill: o,
        });
    }
    let taken = |matched: &HashMap<SkillId, SkillId>, n: SkillId| matched.values().any(|&v| v == n);
    for s in old.skills.iter().filter(|s| !s.custom) {
        if matched.contains_key(&s.id) {
            continue;
        }
        if let Some(n) = new.skill_named(&s.name)
            && !taken(&matched, n)
        {
            matched.insert(s.id, n);
        }
    }
    // Same description under a new name: a rename the file did not spell out.
    for s in old.skills.iter().filter(|s| s.is_framework()) {
        if matched.contains_key(&s.id) {
            continue;
        }
        let Some(description) = s.description.as_deref() else {
            continue;
        };
        let candidates: Vec<SkillId> = new
            .skills
            .iter()
            .filter(|n| n.description.as_deref() == Some(description) && !taken(&matched, n.id))
            .filter(|n| old.skill_named(&n.name).is_none())
            .map(|n| n.id)
            .collect();
        if let [n] = candidates[..] {
            matched.insert(s.id, n);
            out.renamed.push(Renamed {
                old: s.name.clone(),
                new: new.skill(n).name.clone(),
                explicit: false,
                skill: s.id,
            });
        }
    }
    for s in old.skills.iter().filter(|s| !s.custom) {
        match matched.get(&s.id) {
            None if s.retired => {}
            None => out.removed.push((s.name.clone(), s.id)),
            Some(&n) if s.retired => out.still_retired.push(new.skill(n).name.clone()),
            Some(&n) => {
                let t = new.skill(n);
                if t.description != s.description
                    || t.descriptors != s.descriptors
                    || t.category != s.category
                {
                    out.descriptors_changed.push(t.name.clone());
                }
            }
        }
    }
    if new.name.is_some() && new.name != old.name {
        out.name = Some((old.name.clone(), new.name.clone()));
    }
    if new.version.is_some() && new.version != old.version {
        out.version = Some((old.version.clone(), new.version.clone()));
    }
    for n in &new.skills {
        if !taken(&matched, n.id) {
            out.added.push(n.name.clone());
        }
    }
    // Role levels, by name; requirements of those in both, by the matched skills.
    let by_new: HashMap<SkillId, SkillId> = matched.iter().map(|(&o, &n)| (n, o)).collect();
    for l in old.role_levels.iter().filter(|l| !l.retired) {
        let Some(nl) = new.role_level_named(&l.name) else {
            out.role_levels_removed.push(l.name.clone());
            continue;
        };
        let nl = new.role_level(nl);
        let mut skills: Vec<SkillId> = l
            .requires
            .iter()
            .map(|q| q.skill)
            .filter(|&s| old.skill(s).is_framework())
            .collect();
        for q in &nl.requires {
            if let Some(&o) = by_new.get(&q.skill)
                && !skills.contains(&o)
            {
                skills.push(o);
            }
        }
        for o in skills {
            // A removed skill's requirements go with it: listed once, as removed; a retired
            // one's are not in use.
            if !matched.contains_key(&o) || old.skill(o).retired {
                continue;
            }
            let before = l.required(o);
            let after = matched.get(&o).and_then(|&n| nl.required(n));
            if before != after {
                let name = matched
                    .get(&o)
                    .map_or(old.skill(o).name.clone(), |&n| new.skill(n).name.clone());
                out.requirements_changed.push(RequirementChange {
                    role_level: l.name.clone(),
                    skill: name,
                    old: before,
                    new: after,
                });
            }
        }
        // Skills new to this level that the database has no match for are "added" above.
    }
    for l in &new.role_levels {
        if old
            .role_level_named(&l.name)
            .is_none_or(|o| old.role_level(o).retired)
        {
            out.role_levels_added.push(l.name.clone());
        }
    }
    Ok((out, matched))
}

/// The `renamed` object of a framework file (old name -> new name), empty when absent.
pub fn renamed_map(text: &str) -> Result<BTreeMap<String, String>, String> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not JSON: {e}"))?;
    match doc.get("renamed") {
        None | Some(serde_json::Value::Null) => Ok(BTreeMap::new()),
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(format!(
                    "\"renamed\": \"{k}\" must map to a skill's new name"
                )),
            })
            .collect(),
        Some(_) => Err("\"renamed\" must be an object of old name: new name".into()),
    }
}
