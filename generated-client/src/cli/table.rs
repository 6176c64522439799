//! The command line reads the generated action table (`crate::action_table`), which the
//! emulator reads too: help, completion, skeletons and parsing all come from the spec, and a new
//! action needs no hand edit.

pub use crate::action_table::ACTIONS;
pub use crate::runtime::action_table::{ActionEntry, ParamInfo, ParamKind};

/// The action a command names: its command-line name (`get-group-info`) or its API name.
pub fn find(name: &str) -> Option<&'static ActionEntry> {
    ACTIONS.iter().find(|a| a.command == name || a.name == name)
}

/// The value placeholder of a parameter in usage lines.
pub fn value_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::String => "STRING",
        ParamKind::Bool => "BOOL",
        ParamKind::Int => "INT",
        ParamKind::Uint => "UINT",
        ParamKind::Float => "NUMBER",
        ParamKind::Image => "@FILE|BASE64",
        ParamKind::Json => "JSON",
    }
}
