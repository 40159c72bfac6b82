//! The capability framework: role families, roles, role levels, skills, the four level
//! descriptors of each skill and the level each role level requires. Pure data and lookups;
//! the DDaT copy shipped in `data/ddat/framework.json` is parsed by [`Framework::from_json`].

use super::Level;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::HashMap;

/// The DDaT framework as shipped in the binary (cleaned from the public site; see data/README.md).
pub const DDAT_JSON: &str = include_str!("../../data/ddat/framework.json");

/// The credit the Open Government Licence asks for, shown wherever framework text appears.
pub const OGL_CREDIT: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub struct $name(pub u32);
        impl $name {
            /// Position in the framework's list (ids are dense, starting at 0).
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id_type!(
    /// A skill, by position in [`Framework::skills`].
    SkillId,
    /// A role family (e.g. "Data"), by position in [`Framework::families`].
    FamilyId,
    /// A role (e.g. "Data engineer"), by position in [`Framework::roles`].
    RoleId,
    /// A role level (e.g. "Lead data engineer"), by position in [`Framework::role_levels`].
    RoleLevelId,
);

/// A skill and what each level of it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    /// Its id.
    pub id: SkillId,
    /// The framework's name, e.g. "Data modelling".
    pub name: String,
    /// What the skill is; `None` where the framework does not define it.
    pub description: Option<String>,
    /// Bullet lines describing Awareness, Working, Practitioner and Expert; `None` where a
    /// level is not defined.
    pub descriptors: [Option<Vec<String>>; 4],
    /// A grouping such as "Technology"; `None` where the framework gives none.
    pub category: Option<String>,
    /// Added by the lead (not part of the framework).
    pub custom: bool,
    /// Retired: hidden from the matrix and analysis, its ratings and history kept (a skill a
    /// framework update removed, or one the lead retired).
    pub retired: bool,
}

impl Skill {
    /// A skill with a name and nothing else yet (framework, active).
    pub fn named(id: SkillId, name: &str) -> Skill {
        Skill {
            id,
            name: name.to_string(),
            description: None,
            descriptors: [None, None, None, None],
            category: None,
            custom: false,
            retired: false,
        }
    }

    /// Whether it belongs to the framework and is in use (not custom, not retired).
    pub fn is_framework(&self) -> bool {
        !self.custom && !self.retired
    }

    /// "framework" or "custom", with " (retired)" when retired.
    pub fn source(&self) -> &'static str {
        match (self.custom, self.retired) {
            (false, false) => "framework",
            (true, false) => "custom",
            (false, true) => "framework (retired)",
            (true, true) => "custom (retired)",
        }
    }

    /// The descriptor bullets for a level, if the framework defines them.
    pub fn descriptor(&self, level: Level) -> Option<&[String]> {
        let index = level.descriptor_index()?;
        self.descriptors[index].as_deref()
    }
}

/// A role family, e.g. "Data" or "Architecture".
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Its id.
    pub id: FamilyId,
    /// Its name.
    pub name: String,
}

/// A role, e.g. "Data engineer"; its levels are ordered by seniority.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// Its id.
    pub id: RoleId,
    /// The family it belongs to.
    pub family: FamilyId,
    /// Its name.
    pub name: String,
    /// What the role does.
    pub description: Option<String>,
    /// Its levels, most junior first.
    pub levels: Vec<RoleLevelId>,
}

/// One skill a role level lists, with the level it requires (`None`: not defined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// The skill.
    pub skill: SkillId,
    /// The level required, where the framework defines one.
    pub level: Option<Level>,
}

/// A role level, e.g. "Lead data engineer".
#[derive(Debug, Clone, PartialEq)]
pub struct RoleLevel {
    /// Its id.
    pub id: RoleLevelId,
    /// The role it is a level of.
    pub role: RoleId,
    /// Its name.
    pub name: String,
    /// What someone at this level does.
    pub description: Option<String>,
    /// Seniority within the role, 0 = most junior.
    pub rank: u32,
    /// Whether this is the role's lead level, whose requirements are default team targets.
    pub lead: bool,
    /// Whether the level is in the Senior Civil Service.
    pub senior_civil_service: bool,
    /// The skills it lists, in skill-name order.
    pub requires: Vec<Requirement>,
    /// No longer in the framework (a framework update removed it): members keep it, new ones
    /// cannot be given it.
    pub retired: bool,
    /// Requirements in retired skills, kept for when the skill is restored (analysis reads
    /// only `requires`).
    pub dormant: Vec<Requirement>,
}

impl RoleLevel {
    /// The level this role level requires in a skill, if it lists the skill with a defined level.
    pub fn required(&self, skill: SkillId) -> Option<Level> {
        self.requires
            .iter()
            .find(|r| r.skill == skill)
            .and_then(|r| r.level)
    }
}

/// A whole capability framework.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Framework {
    /// Skills, ordered by name; `skills[i].id == SkillId(i)`.
    pub skills: Vec<Skill>,
    /// Families, ordered by name.
    pub families: Vec<Family>,
    /// Roles, ordered by family then name.
    pub roles: Vec<Role>,
    /// Role levels, ordered by role then seniority.
    pub role_levels: Vec<RoleLevel>,
    skill_index: HashMap<String, SkillId>,
    role_level_index: HashMap<String, RoleLevelId>,
    role_index: HashMap<String, RoleId>,
    /// The role the program centres on (DDaT: Data engineer), named by the data.
    central_role: Option<RoleId>,
    /// Skill ids in the order columns show them: the framework's by name, then custom
    /// skills by name.
    order: Vec<SkillId>,
    /// The framework's name, e.g. "Digital and Data Profession Capability Framework".
    pub name: Option<String>,
    /// Its version or release date, e.g. "2025-11-26".
    pub version: Option<String>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Framework {
    /// Builds a framework from its parts, checking that ids are dense and references valid.
    pub fn new(
        skills: Vec<Skill>,
        families: Vec<Family>,
        roles: Vec<Role>,
        role_levels: Vec<RoleLevel>,
    ) -> Result<Framework> {
        let dense = skills.iter().enumerate().all(|(i, s)| s.id.index() == i)
            && families.iter().enumerate().all(|(i, f)| f.id.index() == i)
            && roles.iter().enumerate().all(|(i, r)| r.id.index() == i)
            && role_levels
                .iter()
                .enumerate()
                .all(|(i, l)| l.id.index() == i);
        if !dense {
            return Err(Error::Framework("ids are not dense".into()));
        }
        let refs_ok = roles.iter().all(|r| {
            r.family.index() < families.len()
                && r.levels.iter().all(|l| l.index() < role_levels.len())
        }) && role_levels.iter().all(|l| {
            l.role.index() < roles.len()
                && l.requires
                    .iter()
                    .chain(&l.dormant)
                    .all(|q| q.skill.index() < skills.len())
        });
        if !refs_ok {
            return Err(Error::Framework("a reference points nowhere".into()));
        }
        let mut framework = Framework {
            skills,
            families,
            roles,
            role_levels,
            ..Framework::default()
        };
        for s in &framework.skills {
            if framework.skill_index.insert(key(&s.name), s.id).is_some() {
                return Err(Error::Framework(format!(
                    "skill \"{}\" appears twice",
                    s.name
                )));
            }
        }
        for l in &framework.role_levels {
            if framework
                .role_level_index
                .insert(key(&l.name), l.id)
                .is_some()
            {
                return Err(Error::Framework(format!(
                    "role level \"{}\" appears twice",
                    l.name
                )));
            }
        }
        for r in &framework.roles {
            framework.role_index.insert(key(&r.name), r.id);
        }
        let mut order: Vec<&Skill> = framework.skills.iter().collect();
        order.sort_by_cached_key(|s| (s.custom, s.name.to_lowercase()));
        framework.order = order.iter().map(|s| s.id).collect();
        Ok(framework)
    }

    /// The DDaT framework shipped in the binary.
    ///
    /// ```
    /// let ddat = capmatrix::model::Framework::ddat().unwrap();
    /// assert_eq!(ddat.skills.len(), 188);
    /// let lead = ddat.role_level_named("Lead data engineer").unwrap();
    /// assert_eq!(ddat.role_level(lead).requires.len(), 11);
    /// ```
    pub fn ddat() -> Result<Framework> {
        Framework::from_json(DDAT_JSON)
    }

    /// Parses the project's framework JSON format (see data/README.md).
    pub fn from_json(text: &str) -> Result<Framework> {
        let doc: FileDoc =
            serde_json::from_str(text).map_err(|e| Error::Framework(format!("{e}")))?;
        // Names as the program stores any name: no empty or invisible ones, none over the
        // length limit.
        let name = |kind: &'static str, n: &str| -> Result<()> {
            super::clean_name(kind, n).map(drop).map_err(|e| {
                Error::Framework(format!(
                    "{e} (\"{}\")",
                    n.chars().take(60).collect::<String>()
                ))
            })
        };
        for s in &doc.skills {
            name("skill", &s.name)?;
        }
        for f in &doc.families {
            for r in &f.roles {
                name("role", &r.name)?;
                for l in &r.levels {
                    name("role level", &l.name)?;
                }
            }
        }
        let skills: Vec<Skill> = doc
            .skills
            .into_iter()
            .enumerate()
            .map(|(i, s)| Skill {
                id: SkillId(i as u32),
                name: s.name,
                description: s.description,
                descriptors: s.descriptors,
                category: s.category,
                custom: false,
                retired: false,
            })
            .collect();
        let skill_ids: HashMap<String, SkillId> =
            skills.iter().map(|s| (key(&s.name), s.id)).collect();
        let (mut families, mut roles, mut role_levels) = (Vec::new(), Vec::new(), Vec::new());
        for f in doc.families {
            let family = FamilyId(families.len() as u32);
            families.push(Family {
                id: family,
                name: f.name,
            });
            for r in f.roles {
                let role = RoleId(roles.len() as u32);
                let mut levels = Vec::new();
                for l in r.levels {
                    let id = RoleLevelId(role_levels.len() as u32);
                    let mut requires = Vec::new();
                    for q in l.requires {
                        let Some(&skill) = skill_ids.get(&key(&q.skill)) else {
                            return Err(Error::Framework(format!(
                                "role level \"{}\" requires unknown skill \"{}\"",
                                l.name, q.skill
                            )));
                        };
                        let level = match q.level.as_deref() {
                            None => None,
                            Some(text) => Some(Level::parse(text).ok_or_else(|| {
                                Error::Framework(format!("\"{text}\" is not a level"))
                            })?),
                        };
                        requires.push(Requirement { skill, level });
                    }
                    levels.push(id);
                    role_levels.push(RoleLevel {
                        id,
                        role,
                        name: l.name,
                        description: l.description,
                        rank: l.rank,
                        lead: l.lead,
                        senior_civil_service: l.senior_civil_service,
                        requires,
                        retired: false,
                        dormant: Vec::new(),
                    });
                }
                roles.push(Role {
                    id: role,
                    family,
                    name: r.name,
                    description: r.description,
                    levels,
                });
            }
        }
        let mut framework = Framework::new(skills, families, roles, role_levels)?;
        if let Some(name) = doc.central_role {
            framework.set_central_role(&name)?;
        }
        framework.name = doc.name;
        framework.version = doc.version;
        Ok(framework)
    }

    /// The framework in the format [`Framework::from_json`] reads (data/README.md): skills,
    /// then families with their roles and role levels, the central role named. Reading it
    /// back gives the same framework.
    pub fn to_json(&self) -> String {
        use serde_json::json;
        let level_name = |l: Option<Level>| l.map(|l| l.name());
        let families: Vec<serde_json::Value> = self
            .families
            .iter()
            .map(|f| {
                let roles: Vec<serde_json::Value> = self
                    .roles
                    .iter()
                    .filter(|r| r.family == f.id && self.is_role_active(r.id))
                    .map(|r| {
                        let levels: Vec<serde_json::Value> = r
                            .levels
                            .iter()
                            .filter(|&&id| !self.role_level(id).retired)
                            .map(|&id| {
                                let l = self.role_level(id);
                                let requires: Vec<serde_json::Value> = l
                                    .requires
                                    .iter()
                                    .filter(|q| self.skill(q.skill).is_framework())
                                    .map(|q| {
                                        json!({
                                            "skill": self.skill(q.skill).name,
                                            "level": level_name(q.level),
                                        })
                                    })
                                    .collect();
                                json!({
                                    "name": l.name,
                                    "description": l.description,
                                    "rank": l.rank,
                                    "lead": l.lead,
                                    "senior_civil_service": l.senior_civil_service,
                                    "requires": requires,
                                })
                            })
                            .collect();
                        json!({
                            "name": r.name,
                            "description": r.description,
                            "levels": levels,
                        })
                    })
                    .collect();
                json!({ "name": f.name, "roles": roles })
            })
            .collect();
        let families: Vec<serde_json::Value> = families
            .into_iter()
            .filter(|f| f["roles"].as_array().is_some_and(|r| !r.is_empty()))
            .collect();
        let skills: Vec<serde_json::Value> = self
            .skills
            .iter()
            .filter(|s| s.is_framework())
            .map(|s| {
                let mut skill = json!({
                    "name": s.name,
                    "description": s.description,
                    "descriptors": s.descriptors,
                });
                if let Some(category) = &s.category {
                    skill["category"] = json!(category);
                }
                skill
            })
            .collect();
        let doc = json!({
            "name": self.name,
            "version": self.version,
            "source": "exported from a capmatrix database",
            "licence": OGL_CREDIT,
            "central_role": self
                .central_role()
                .filter(|&r| self.is_role_active(r))
                .map(|r| self.role(r).name.clone()),
            "levels": Level::DESCRIBED.iter().map(|l| l.name()).collect::<Vec<_>>(),
            "skills": skills,
            "families": families,
        });
        // A Value always serialises; fall back to its plain form rather than fail.
        serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string()) + "\n"
    }

    /// Names the central role (see [`Framework::central_role`]).
    pub fn set_central_role(&mut self, name: &str) -> Result<()> {
        let role = self.role_named(name).ok_or_else(|| {
            Error::Framework(format!("the central role \"{name}\" is not a role"))
        })?;
        self.central_role = Some(role);
        Ok(())
    }

    /// The role the program centres on, as the framework data names it (DDaT: Data engineer):
    /// its lead level is the default role level, its levels are listed first and demo teams
    /// are made of it.
    pub fn central_role(&self) -> Option<RoleId> {
        self.central_role
    }

    /// Whether a role has a level in use (not every one retired).
    pub fn is_role_active(&self, role: RoleId) -> bool {
        self.role(role)
            .levels
            .iter()
            .any(|&l| !self.role_level(l).retired)
    }

    /// Every skill (retired ones too) in the order columns show them: the framework's by
    /// name, then custom skills by name.
    pub fn skills_in_order(&self) -> impl Iterator<Item = &Skill> {
        self.order.iter().map(|&id| self.skill(id))
    }

    /// The skills in use (framework and custom, not retired), in list order.
    pub fn active_skills(&self) -> impl Iterator<Item = &Skill> {
        self.skills.iter().filter(|s| !s.retired)
    }

    /// Whether a skill exists and is not retired.
    pub fn is_active(&self, id: SkillId) -> bool {
        self.has_skill(id) && !self.skill(id).retired
    }

    /// "Name version" (e.g. "Digital and Data Profession Capability Framework 2025-11-26"),
    /// or "(unnamed framework)".
    pub fn title(&self) -> String {
        match (&self.name, &self.version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n.clone(),
            (None, Some(v)) => format!("framework {v}"),
            (None, None) => "(unnamed framework)".to_string(),
        }
    }

    /// The same framework with its lookups rebuilt after its lists changed (see the
    /// edits in `framework_edit`).
    pub fn rebuilt(self) -> Result<Framework> {
        let (central, name, version) = (self.central_role, self.name, self.version);
        let mut f = Framework::new(self.skills, self.families, self.roles, self.role_levels)?;
        f.central_role = central.filter(|r| r.index() < f.roles.len());
        f.name = name;
        f.version = version;
        Ok(f)
    }

    /// A skill by id.
    pub fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[id.index()]
    }

    /// A role level by id.
    pub fn role_level(&self, id: RoleLevelId) -> &RoleLevel {
        &self.role_levels[id.index()]
    }

    /// A role by id.
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.index()]
    }

    /// A family by id.
    pub fn family(&self, id: FamilyId) -> &Family {
        &self.families[id.index()]
    }

    /// Whether the id belongs to this framework.
    pub fn has_skill(&self, id: SkillId) -> bool {
        id.index() < self.skills.len()
    }

    /// Whether the id belongs to this framework.
    pub fn has_role_level(&self, id: RoleLevelId) -> bool {
        id.index() < self.role_levels.len()
    }

    /// The skill with this name (case and surrounding spaces ignored).
    pub fn skill_named(&self, name: &str) -> Option<SkillId> {
        self.skill_index.get(&key(name)).copied()
    }

    /// The role level with this name (case and surrounding spaces ignored).
    pub fn role_level_named(&self, name: &str) -> Option<RoleLevelId> {
        self.role_level_index.get(&key(name)).copied()
    }

    /// The role with this name (case and surrounding spaces ignored).
    pub fn role_named(&self, name: &str) -> Option<RoleId> {
        self.role_index.get(&key(name)).copied()
    }

    /// The role's lead level: the level whose requirements are a team's default targets.
    pub fn lead_level(&self, role: RoleId) -> Option<RoleLevelId> {
        let levels = &self.role(role).levels;
        levels
            .iter()
            .copied()
            .find(|&l| self.role_level(l).lead)
            .or_else(|| levels.last().copied())
    }

    /// The lead level of the framework's central role (for DDaT, Lead data engineer): the
    /// default for examples and new members.
    pub fn central_role_level(&self) -> Option<RoleLevelId> {
        self.lead_level(self.central_role()?)
    }

    /// The level a role level requires in a skill (`None`: not listed or not defined).
    pub fn required(&self, role_level: RoleLevelId, skill: SkillId) -> Option<Level> {
        self.role_level(role_level).required(skill)
    }

    /// The role level found by name, or an error listing the choices (the role's levels when
    /// the name contains a role's name, otherwise the data engineer levels and a pointer to
    /// `skills`).
    pub fn find_role_level(&self, name: &str) -> Result<RoleLevelId> {
        if let Some(id) = self.role_level_named(name) {
            return Ok(id);
        }
        let wanted = key(name);
        let role = self
            .roles
            .iter()
            .filter(|r| wanted.contains(&key(&r.name)))
            .max_by_key(|r| r.name.len())
            .or_else(|| self.central_role().map(|r| self.role(r)));
        let hint = role.map(|r| {
            let names: Vec<&str> = r
                .levels
                .iter()
                .map(|&l| self.role_level(l).name.as_str())
                .collect();
            format!("{} levels are: {}", r.name, names.join(", "))
        });
        Err(Error::NotFound {
            kind: "role level",
            name: name.trim().to_string(),
            hint,
        })
    }

    /// The skill found by name, or an error suggesting the nearest name.
    pub fn find_skill(&self, name: &str) -> Result<SkillId> {
        if let Some(id) = self.skill_named(name) {
            return Ok(id);
        }
        let hint = nearest(name, self.skills.iter().map(|s| s.name.as_str()))
            .map(|n| format!("did you mean \"{n}\"?"));
        Err(Error::NotFound {
            kind: "skill",
            name: name.trim().to_string(),
            hint,
        })
    }
}

/// The candidate closest to `name` by edit distance (case-insensitive), if reasonably close.
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = key(name);
    candidates
        .map(|c| (edit_distance(&wanted, &key(c)), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[derive(Deserialize)]
struct FileDoc {
    #[serde(default)]
    central_role: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    skills: Vec<FileSkill>,
    families: Vec<FileFamily>,
}

#[derive(Deserialize)]
struct FileSkill {
    name: String,
    #[serde(default)]
    category: Option<String>,
    description: Option<String>,
    descriptors: [Option<Vec<String>>; 4],
}

#[derive(Deserialize)]
struct FileFamily {
    name: String,
    roles: Vec<FileRole>,
}

#[derive(Deserialize)]
struct FileRole {
    name: String,
    description: Option<String>,
    levels: Vec<FileLevel>,
}

#[derive(Deserialize)]
struct FileLevel {
    name: String,
    description: Option<String>,
    rank: u32,
    lead: bool,
    senior_civil_service: bool,
    requires: Vec<FileRequirement>,
}

#[derive(Deserialize)]
struct FileRequirement {
    skill: String,
    level: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddat_catalogue_has_the_published_counts() {
        let f = Framework::ddat().unwrap();
        assert_eq!(f.families.len(), 8);
        assert_eq!(f.roles.len(), 52);
        assert_eq!(f.role_levels.len(), 205);
        assert_eq!(f.skills.len(), 188);
    }

    #[test]
    fn undefined_values_are_none_never_text() {
        let f = Framework::ddat().unwrap();
        let bad = |t: &str| {
            let t = t.trim().to_lowercase();
            t.is_empty() || t == "missing" || t == "not in use" || t.contains("not defined")
        };
        for s in &f.skills {
            assert!(!bad(&s.name));
            assert!(!s.description.as_deref().is_some_and(bad), "{}", s.name);
            for d in s.descriptors.iter().flatten() {
                assert!(!d.is_empty());
                assert!(
                    d.iter().all(|line| !bad(line) && !line.starts_with("- ")),
                    "{}",
                    s.name
                );
            }
        }
        for l in &f.role_levels {
            assert!(!bad(&l.name));
            assert!(!l.description.as_deref().is_some_and(bad));
        }
        let dev = f.find_skill("Data development process").unwrap();
        assert_eq!(f.skill(dev).description, None);
        assert!(f.skill(dev).descriptor(Level::Awareness).is_none());
        assert!(f.skill(dev).descriptor(Level::Working).is_some());
    }

    #[test]
    fn data_engineer_levels_are_in_seniority_order_with_lead_marked() {
        let f = Framework::ddat().unwrap();
        let role = f.role_named("data engineer").unwrap();
        let names: Vec<&str> = f
            .role(role)
            .levels
            .iter()
            .map(|&l| f.role_level(l).name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Data engineer",
                "Senior data engineer",
                "Lead data engineer",
                "Head of data engineering"
            ]
        );
        assert_eq!(f.family(f.role(role).family).name, "Data");
        let lead = f.lead_level(role).unwrap();
        assert_eq!(f.role_level(lead).name, "Lead data engineer");
    }

    #[test]
    fn lookups_ignore_case_and_suggest() {
        let f = Framework::ddat().unwrap();
        assert!(f.skill_named("  data MODELLING ").is_some());
        let err = f.find_skill("Data modeling").unwrap_err().to_string();
        assert!(err.contains("did you mean \"Data modelling\"?"), "{err}");
        let err = f
            .find_role_level("Lead data enginer")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Data engineer levels are: Data engineer, Senior data engineer, Lead data engineer, Head of data engineering"), "{err}");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
