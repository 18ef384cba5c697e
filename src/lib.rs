//! `cme`: case records, policy checks, deadlines and an intranet site for the Children
//! Missing Education teams of English local authorities.
//!
//! The data flows one way: [`load`] (read `cme.toml`, the [`pack`], the [`calendar`] and the
//! case files into the [`model`]) -> [`rules`] (validate) -> compute ([`school_age`],
//! [`risk`], [`deadline`], [`checklist`], gathered in [`state`]) -> present ([`diagnostic`],
//! [`status`]).

pub mod audit;
pub mod calendar;
pub mod check;
pub mod checklist;
pub mod config;
pub mod csv;
pub mod deadline;
pub mod dfe;
pub mod diagnostic;
pub mod disclosure;
pub mod duplicate;
pub mod edit;
pub mod error;
pub mod generate;
pub mod git;
pub mod ladder;
pub mod letter;
pub mod load;
pub mod model;
pub mod pack;
pub mod packs;
pub mod period;
pub mod progress;
pub mod queue;
pub mod report;
pub mod risk;
pub mod rules;
pub mod schema;
pub mod school_age;
pub mod site;
pub mod source;
pub mod state;
pub mod stats;
pub mod status;
pub mod stood;
