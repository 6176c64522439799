//! Stage 1: the spec as written. `raw` mirrors the YAML files (unknown keys rejected), `load`
//! reads a spec directory, `locate` maps a key path back to its line and column.

pub mod load;
pub mod locate;
pub mod raw;

pub use load::{load, SpecFile, SpecFiles};
