//! capmatrix: a local, private skills matrix for team leads.
//!
//! A lead rates the people in their team against the skills of a capability framework (the UK
//! Government's DDaT framework ships built in), sees how well the team covers each skill, and
//! spots the gaps. Everything lives in one SQLite file.
//!
//! Data flows one way: the [`store`] loads a [`model::Snapshot`]; screens and commands read the
//! snapshot and express every change as a [`core::Action`]; [`core::Core::apply`] writes the
//! action through the store in one transaction and updates the snapshot in place.
//!
//! - [`model`]: the pure domain (levels, framework, matrix, coverage and gap analysis);
//! - [`store`]: SQLite, the only module with SQL;
//! - [`core`]: applies actions, undo and redo;
//! - [`demo`]: generated demonstration teams;
//! - [`cli`]: the command line;
//! - [`io`]: file formats (CSV, workbooks, the heatmap picture), pure; [`transfer`]: files in
//!   and out; [`palette`]: the colours shared by the window, workbooks and pictures;
//! - [`error`]: the error type; [`problem`]: problems found in an input file, by line and
//!   column.

pub mod app;
pub mod cli;
pub mod core;
pub mod demo;
pub mod error;
pub mod io;
pub mod model;
pub mod palette;
pub mod problem;
pub mod rollup;
pub mod store;
pub mod transfer;
pub mod ui;

pub use error::{Error, Result};
