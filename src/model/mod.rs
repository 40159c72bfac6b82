//! The domain, pure: skill levels, the capability framework, teams, members and ratings held in
//! a snapshot, and coverage and gap analysis. Never imports egui, rusqlite or anything that does
//! I/O.

pub mod analysis;
mod framework;
mod level;
mod matrix;
mod name;

pub use analysis::{Analysis, Fit, Scope, SkillCoverage};
pub use framework::{
    DDAT_JSON, Family, FamilyId, Framework, OGL_CREDIT, Requirement, Role, RoleId, RoleLevel,
    RoleLevelId, Skill, SkillId, nearest,
};
pub use level::{LEVEL_CHOICES, Level};
pub use matrix::{
    DEFAULT_TARGET_COUNT, HistoryEntry, Member, MemberId, Rating, Snapshot, Target, Team, TeamId,
    Timestamp,
};
pub use name::{
    MAX_NAME_CHARS, NameProblem, clean_name, name_key, normalize_name, plural, repair_name,
    search_key,
};
