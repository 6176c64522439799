//! The shape of the generated action table (`crate::generated::cli::ACTIONS`): everything the
//! command line knows about an action is data here, so help, completion, skeletons and parsing
//! all read the spec and a new action needs no hand edit.

pub use crate::generated::cli::ACTIONS;

/// One action as the command line shows it.
#[derive(Debug)]
pub struct ActionInfo {
    /// API name, e.g. `GetGroupInfo` (also accepted as the command).
    pub name: &'static str,
    /// The subcommand, e.g. `get-group-info`.
    pub command: &'static str,
    pub title: &'static str,
    pub doc: &'static str,
    /// The service marks the action deprecated.
    pub deprecated: bool,
    /// The endpoints (spec names) that offer the action; empty when every endpoint does.
    pub sites: &'static [&'static str],
    /// Whether the spec marks the action safe to repeat.
    pub idempotent: bool,
    pub params: &'static [ParamInfo],
    /// The spec's successful examples.
    pub examples: &'static [ExampleInfo],
    /// Pretty JSON with every parameter and a placeholder value, in API order.
    pub skeleton: &'static str,
    /// For paged actions, the response's list of items (API name); enables `--all-pages`.
    pub paged_items: Option<&'static str>,
}

impl ActionInfo {
    pub fn find(name: &str) -> Option<&'static ActionInfo> {
        ACTIONS.iter().find(|a| a.command == name || a.name == name)
    }
}

#[derive(Debug)]
pub struct ParamInfo {
    pub api_name: &'static str,
    /// The flag without dashes, e.g. `group-id`.
    pub flag: &'static str,
    pub kind: ParamKind,
    /// A list of `kind`: the flag takes several values or is repeated.
    pub list: bool,
    pub required: bool,
    /// The type as the spec writes it, e.g. `list<string>`.
    pub type_name: &'static str,
    /// The spec's constraints in words, e.g. `1 to 64 characters`; empty when none.
    pub constraints: &'static str,
    /// The allowed values, when the spec lists them.
    pub one_of: &'static [&'static str],
    /// The endpoints (spec names) that accept the parameter; empty when every endpoint does.
    pub sites: &'static [&'static str],
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Bool,
    Int,
    Uint,
    Float,
    /// Base64 text, or `@path` to read and encode a file.
    Image,
    /// Objects and nested lists, written as JSON.
    Json,
}

impl ParamKind {
    /// The value placeholder in usage lines.
    pub fn value_name(self) -> &'static str {
        match self {
            ParamKind::String => "STRING",
            ParamKind::Bool => "BOOL",
            ParamKind::Int => "INT",
            ParamKind::Uint => "UINT",
            ParamKind::Float => "NUMBER",
            ParamKind::Image => "@FILE|BASE64",
            ParamKind::Json => "JSON",
        }
    }
}

#[derive(Debug)]
pub struct ExampleInfo {
    pub title: &'static str,
    /// Compact JSON of the request parameters.
    pub input_json: &'static str,
}
