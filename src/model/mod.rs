//! The domain, pure: skill levels, the capability framework, teams, members and ratings held in
//! a snapshot, and coverage and gap analysis. Never imports egui, rusqlite or anything that does
//! I/O.

pub mod analysis;
mod framework;
pub mod framework_diff;
pub mod framework_edit;
pub mod history;
mod level;
mod matrix;
mod name;
pub mod pseudonym;
pub mod time;
pub mod whatif;

pub use analysis::{Analysis, Fit, Scope, SkillCoverage};
pub use framework::{
    DDAT_JSON, Family, FamilyId, Framework, OGL_CREDIT, Requirement, Role, RoleId, RoleLevel,
    RoleLevelId, Skill, SkillId, nearest,
};
pub use level::{LEVEL_CHOICES, Level};
pub use matrix::{
    DEFAULT_REVIEW_MONTHS, DEFAULT_TARGET_COUNT, EventKind, HistoryEntry, Member, MemberEvent,
    MemberId, Rating, Snapshot, Source, Target, Team, TeamId,
};
pub use name::{
    MAX_NAME_CHARS, NameProblem, NaturalKey, clean_name, name_key, natural_key, normalize_name,
    plural, quoted, repair_name, search_key,
};
pub use time::{Date, Timestamp};
