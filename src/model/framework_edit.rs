//! Changes to the framework a database holds, as pure functions from one framework to the
//! next: the lead's own (custom) skills added, edited, retired and restored, a custom skill's
//! required level per role level, and a new release of the framework merged in with skill ids
//! kept (renamed skills keep their ratings; removed ones are retired, not deleted).
//!
//! Ids stay dense and never move: new skills and role levels are appended.

use super::framework_diff::{FrameworkDiff, diff_matched};
use super::{
    Family, FamilyId, Framework, Level, Requirement, Role, RoleId, RoleLevel, RoleLevelId, Skill,
    SkillId, clean_name, search_key,
};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashMap};

/// What a lead says about a skill of their own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkillText {
    /// Its name.
    pub name: String,
    /// A grouping such as "Technology".
    pub category: Option<String>,
    /// What the skill is.
    pub description: Option<String>,
    /// Bullet lines for Awareness, Working, Practitioner and Expert.
    pub descriptors: [Option<Vec<String>>; 4],
}

impl SkillText {
    /// The text of an existing skill.
    pub fn of(skill: &Skill) -> SkillText {
        SkillText {
            name: skill.name.clone(),
            category: skill.category.clone(),
            description: skill.description.clone(),
            descriptors: skill.descriptors.clone(),
        }
    }

    /// A skill with just a name.
    pub fn named(name: &str) -> SkillText {
        SkillText {
            name: name.to_string(),
            ..SkillText::default()
        }
    }
}

fn tidy(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn tidy_lines(lines: Option<Vec<String>>) -> Option<Vec<String>> {
    let lines: Vec<String> = lines?
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// Refuses a skill name already used by another skill (ignoring case and accents), naming
/// it and saying whether it is the framework's, custom or retired.
fn check_skill_name_free(fw: &Framework, name: &str, except: Option<SkillId>) -> Result<()> {
    let wanted = search_key(name);
    match fw
        .skills
        .iter()
        .find(|s| Some(s.id) != except && search_key(&s.name) == wanted)
    {
        Some(s) if s.custom => Err(Error::Skill(format!(
            "there is already a custom skill named \"{}\"{}",
            s.name,
            if s.retired {
                " (retired: restore it with `capmatrix skills restore`)"
            } else {
                ""
            }
        ))),
        Some(s) => Err(Error::Skill(format!(
            "\"{name}\" is the name of the framework skill \"{}\"{}; a custom skill needs a name of its own",
            s.name,
            if s.retired { " (retired)" } else { "" }
        ))),
        None => Ok(()),
    }
}

fn cleaned(text: SkillText) -> Result<SkillText> {
    let name = clean_name("skill", &text.name)?;
    let category = match tidy(text.category) {
        Some(c) => Some(clean_name("category", &c)?),
        None => None,
    };
    Ok(SkillText {
        name,
        category,
        description: tidy(text.description),
        descriptors: text.descriptors.map(tidy_lines),
    })
}

/// `fw` with a new custom skill appended; returns its id.
pub fn add_custom_skill(fw: &Framework, text: SkillText) -> Result<(Framework, SkillId)> {
    let text = cleaned(text)?;
    check_skill_name_free(fw, &text.name, None)?;
    let id = SkillId(fw.skills.len() as u32);
    let mut next = fw.clone();
    next.skills.push(Skill {
        id,
        name: text.name,
        description: text.description,
        descriptors: text.descriptors,
        category: text.category,
        custom: true,
        retired: false,
    });
    Ok((next.rebuilt()?, id))
}

/// `fw` with several custom skills (names only, in `category`) appended in order.
pub fn add_custom_skills(
    fw: &Framework,
    names: &[String],
    category: Option<&str>,
) -> Result<(Framework, Vec<SkillId>)> {
    let mut next = fw.clone();
    let mut ids = Vec::new();
    for name in names {
        let (f, id) = add_custom_skill(
            &next,
            SkillText {
                category: category.map(str::to_string),
                ..SkillText::named(name)
            },
        )?;
        next = f;
        ids.push(id);
    }
    Ok((next, ids))
}

/// `fw` with a custom skill's name, category, description and descriptors changed. A
/// framework skill's text comes from the framework: only its category may change.
pub fn edit_skill(fw: &Framework, skill: SkillId, text: SkillText) -> Result<Framework> {
    let old = known(fw, skill)?;
    let text = cleaned(text)?;
    if !old.custom
        && (text.name != old.name
            || text.description != old.description
            || text.descriptors != old.descriptors)
    {
        return Err(Error::Skill(format!(
            "\"{}\" is a framework skill: its name and descriptors come from the framework \
             (a framework update changes them); only its category can be set",
            old.name
        )));
    }
    check_skill_name_free(fw, &text.name, Some(skill))?;
    let mut next = fw.clone();
    let s = &mut next.skills[skill.index()];
    s.name = text.name;
    s.category = text.category;
    s.description = text.description;
    s.descriptors = text.descriptors;
    // Requirements are kept in skill-name order.
    settle_requirements(&mut next);
    next.rebuilt()
}

fn known(fw: &Framework, skill: SkillId) -> Result<&Skill> {
    if fw.has_skill(skill) {
        Ok(fw.skill(skill))
    } else {
        Err(Error::UnknownId {
            kind: "skill",
            id: i64::from(skill.0),
        })
    }
}

/// `fw` with a skill retired (hidden, ratings kept) or restored.
pub fn set_retired(fw: &Framework, skill: SkillId, retired: bool) -> Result<Framework> {
    known(fw, skill)?;
    let mut next = fw.clone();
    next.skills[skill.index()].retired = retired;
    settle_requirements(&mut next);
    Ok(next)
}

/// `fw` with each role level's requirements in retired skills put aside (see
/// [`super::RoleLevel::dormant`]).
pub fn settled(mut fw: Framework) -> Framework {
    settle_requirements(&mut fw);
    fw
}

/// Puts each role level's requirements in retired skills aside (`dormant`) and brings back
/// those whose skill is in use again, in skill-name order.
fn settle_requirements(fw: &mut Framework) {
    let names: Vec<String> = fw.skills.iter().map(|s| s.name.to_lowercase()).collect();
    let retired: Vec<bool> = fw.skills.iter().map(|s| s.retired).collect();
    for l in &mut fw.role_levels {
        let mut all: Vec<Requirement> = l.requires.drain(..).chain(l.dormant.drain(..)).collect();
        // One requirement per skill (the first: the one in use).
        let mut seen = std::collections::HashSet::new();
        all.retain(|q| seen.insert(q.skill));
        let (mut active, dormant): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|q| !retired[q.skill.index()]);
        active.sort_by(|a, b| names[a.skill.index()].cmp(&names[b.skill.index()]));
        l.requires = active;
        l.dormant = dormant;
    }
}

/// `fw` with the level a role level requires in a custom skill set (`None`: not required).
pub fn set_custom_requirement(
    fw: &Framework,
    role_level: RoleLevelId,
    skill: SkillId,
    level: Option<Level>,
) -> Result<Framework> {
    let s = known(fw, skill)?;
    if !s.custom {
        return Err(Error::Skill(format!(
            "\"{}\" is a framework skill: what each role level requires comes from the framework",
            s.name
        )));
    }
    if s.retired {
        return Err(Error::Skill(format!(
            "the skill \"{}\" is retired; restore it first",
            s.name
        )));
    }
    if !fw.has_role_level(role_level) {
        return Err(Error::UnknownId {
            kind: "role level",
            id: i64::from(role_level.0),
        });
    }
    let mut next = fw.clone();
    let requires = &mut next.role_levels[role_level.index()].requires;
    requires.retain(|q| q.skill != skill);
    if let Some(level) = level {
        requires.push(Requirement {
            skill,
            level: Some(level),
        });
    }
    settle_requirements(&mut next);
    Ok(next)
}

/// A framework release merged into the database's framework: what changes, and the
/// framework after it.
#[derive(Debug, Clone)]
pub struct Update {
    /// What changes (as `framework diff` lists it).
    pub diff: FrameworkDiff,
    /// The framework after the update, ids kept.
    pub framework: Framework,
    /// Whether it differs from the database's at all (a role level's description or a
    /// version alone is a change the diff lists briefly or not at all).
    pub changed: bool,
}

/// Merges a framework release (`file`, with its `renamed` map) into the database's framework
/// `old`: matched skills (same name, renamed, or a retired skill of the same name coming back)
/// keep their ids and take the file's name and text; skills the file drops are retired; new
/// ones are appended. Role levels are matched by name the same way, with their roles and
/// families; those the file drops are retired (members keep them). Custom skills stay as they
/// are, with their requirements; a file adding a skill under a custom skill's name is refused.
pub fn merge(
    old: &Framework,
    file: &Framework,
    renamed: &BTreeMap<String, String>,
) -> Result<Update> {
    let (d, matched) = diff_matched(old, file, renamed).map_err(Error::Skill)?;
    // File skill -> database id.
    let mut ids: HashMap<SkillId, SkillId> = matched.iter().map(|(&o, &n)| (n, o)).collect();
    let ids_before: std::collections::HashSet<SkillId> = ids.keys().copied().collect();
    let mut next = old.clone();
    for (_, id) in &d.removed {
        next.skills[id.index()].retired = true;
    }
    for n in &file.skills {
        let id = match ids.get(&n.id) {
            Some(&id) => id,
            None => {
                // A retired framework skill of this name comes back; a custom one is in the way.
                let clash = old
                    .skills
                    .iter()
                    .find(|s| search_key(&s.name) == search_key(&n.name) && !s.is_framework());
                match clash {
                    Some(s) if s.custom => {
                        return Err(Error::Skill(format!(
                            "the file adds the skill \"{}\", the name of a custom skill in this \
                             database; rename the custom skill first (capmatrix skills rename)",
                            n.name
                        )));
                    }
                    Some(s) => s.id,
                    None => {
                        let id = SkillId(next.skills.len() as u32);
                        next.skills.push(Skill::named(id, &n.name));
                        id
                    }
                }
            }
        };
        ids.insert(n.id, id);
        // A skill retired here (by the lead) stays retired; its text follows the file.
        let retired = ids_before.contains(&n.id) && next.skills[id.index()].retired;
        let s = &mut next.skills[id.index()];
        s.name = n.name.clone();
        s.description = n.description.clone();
        s.descriptors = n.descriptors.clone();
        s.category = n.category.clone();
        s.custom = false;
        s.retired = retired;
    }
    // Families and roles by name (appended when new).
    let mut family_ids: HashMap<FamilyId, FamilyId> = HashMap::new();
    for f in &file.families {
        let id = match next.families.iter().find(|o| o.name == f.name) {
            Some(o) => o.id,
            None => {
                let id = FamilyId(next.families.len() as u32);
                next.families.push(Family {
                    id,
                    name: f.name.clone(),
                });
                id
            }
        };
        family_ids.insert(f.id, id);
    }
    let mut role_ids: HashMap<RoleId, RoleId> = HashMap::new();
    for r in &file.roles {
        let id = match next.roles.iter().find(|o| o.name == r.name) {
            Some(o) => o.id,
            None => {
                let id = RoleId(next.roles.len() as u32);
                next.roles.push(Role {
                    id,
                    family: family_ids[&r.family],
                    name: r.name.clone(),
                    description: None,
                    levels: Vec::new(),
                });
                id
            }
        };
        let role = &mut next.roles[id.index()];
        role.family = family_ids[&r.family];
        role.description = r.description.clone();
        role_ids.insert(r.id, id);
    }
    // Role levels by name; the file's requirements, plus the database's own for custom skills.
    let mut seen = vec![false; next.role_levels.len()];
    for l in &file.role_levels {
        let role = role_ids[&l.role];
        let id = match next.role_level_named(&l.name) {
            Some(id) => id,
            None => {
                let id = RoleLevelId(next.role_levels.len() as u32);
                next.role_levels.push(RoleLevel {
                    id,
                    role,
                    name: l.name.clone(),
                    description: None,
                    rank: 0,
                    lead: false,
                    senior_civil_service: false,
                    requires: Vec::new(),
                    retired: false,
                    dormant: Vec::new(),
                });
                seen.push(false);
                id
            }
        };
        seen[id.index()] = true;
        // The file's requirements replace the framework's (in use or set aside); the lead's
        // own skills' stay.
        let custom: Vec<Requirement> = next.role_levels[id.index()]
            .requires
            .iter()
            .chain(&next.role_levels[id.index()].dormant)
            .filter(|q| next.skills[q.skill.index()].custom)
            .copied()
            .collect();
        next.role_levels[id.index()].dormant.clear();
        let mut requires: Vec<Requirement> = l
            .requires
            .iter()
            .map(|q| Requirement {
                skill: ids[&q.skill],
                level: q.level,
            })
            .chain(custom)
            .collect();
        let names: Vec<String> = next.skills.iter().map(|s| s.name.to_lowercase()).collect();
        requires.sort_by(|a, b| names[a.skill.index()].cmp(&names[b.skill.index()]));
        let rl = &mut next.role_levels[id.index()];
        rl.role = role;
        rl.description = l.description.clone();
        rl.rank = l.rank;
        rl.lead = l.lead;
        rl.senior_civil_service = l.senior_civil_service;
        rl.requires = requires;
        rl.retired = false;
    }
    for (i, seen) in seen.into_iter().enumerate() {
        if !seen {
            next.role_levels[i].retired = true;
        }
    }
    settle_requirements(&mut next);
    // Each role's levels, most junior first (retired ones kept at their place).
    for r in 0..next.roles.len() {
        let mut levels: Vec<&RoleLevel> = next
            .role_levels
            .iter()
            .filter(|l| l.role.index() == r)
            .collect();
        levels.sort_by_key(|l| (l.rank, l.id));
        next.roles[r].levels = levels.iter().map(|l| l.id).collect();
    }
    next.name = file.name.clone().or(next.name);
    next.version = file.version.clone().or(next.version);
    let central = file
        .central_role()
        .map(|r| file.role(r).name.clone())
        .or_else(|| old.central_role().map(|r| old.role(r).name.clone()));
    let mut next = next.rebuilt()?;
    if let Some(name) = central {
        next.set_central_role(&name)?;
    }
    Ok(Update {
        diff: d,
        changed: next != *old,
        framework: next,
    })
}
