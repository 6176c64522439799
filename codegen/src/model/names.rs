//! Turning API names into Rust names, and the rules they must follow.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use quote::format_ident;

use super::{Action, Field};

/// Every Rust name generated for one action: the one place that turns an action into
/// identifiers (as smithy-rs's symbol provider does), so emitters never format names themselves.
/// Generated code reaches each through its full path (`crate::operation::<module>::<name>`).
#[derive(Debug, Clone)]
pub struct ActionNames {
    /// `get_group_info`: the operation module and the `Client` method.
    pub module: Ident,
    pub method: Ident,
    pub request: Ident,
    pub request_builder: Ident,
    pub response: Ident,
    pub response_builder: Ident,
    pub error: Ident,
    pub fluent_builder: Ident,
}

pub fn action(action: &Action) -> ActionNames {
    let name = &action.name;
    ActionNames {
        module: format_ident!("{}", action.snake_name),
        method: format_ident!("{}", action.snake_name),
        request: format_ident!("{name}Request"),
        request_builder: format_ident!("{name}RequestBuilder"),
        response: format_ident!("{name}Response"),
        response_builder: format_ident!("{name}ResponseBuilder"),
        error: format_ident!("{name}Error"),
        fluent_builder: format_ident!("{name}FluentBuilder"),
    }
}

/// An object type (`FaceRect`) and its builder (`FaceRectBuilder`).
pub fn object_type(name: &str) -> (Ident, Ident) {
    (format_ident!("{name}"), format_ident!("{name}Builder"))
}

/// A field's identifier and setter; keywords become raw identifiers (`r#type`).
pub fn field(field: &Field) -> Ident {
    if is_keyword(&field.rust_name) {
        Ident::new_raw(&field.rust_name, Span::call_site())
    } else {
        format_ident!("{}", field.rust_name)
    }
}

/// A value set's type (`Gender`) in `crate::types`.
pub fn value_set(name: &str) -> Ident {
    format_ident!("{name}")
}

/// A documented value's constant (`MALE`).
pub fn known_value(name: &str) -> Ident {
    format_ident!("{name}")
}

/// Constants of value sets: SCREAMING_SNAKE_CASE ASCII (`MALE`, `V3_0`).
pub fn is_const_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The `SystemTime` accessor of a timestamp field: `creation_timestamp` → `creation_time`;
/// a name not ending in `_timestamp` gets `_system_time` appended (`start_time_system_time`).
pub fn time_accessor(field: &Field) -> Ident {
    let name = match field.rust_name.strip_suffix("_timestamp") {
        Some(base) if !base.is_empty() => format!("{base}_time"),
        _ => format!("{}_system_time", field.rust_name),
    };
    format_ident!("{name}")
}

/// `set_group_id`: the setter of a request field that takes an `Option`.
pub fn option_setter(field: &Field) -> Ident {
    format_ident!("set_{}", field.rust_name)
}

/// An error code's enum variant, as the model resolved it.
pub fn variant(variant: &str) -> Ident {
    format_ident!("{variant}")
}

/// Keywords that can't even be raw identifiers; a field named like this needs `rust_name`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

pub fn cannot_be_raw(name: &str) -> bool {
    NOT_RAW.contains(&name)
}

/// API names: ASCII letters and digits, starting with a letter (`GroupId`, `FaceModelVersion`).
pub fn is_api_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Action and type names: UpperCamelCase ASCII.
pub fn is_type_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A valid snake_case Rust identifier (not checked against keywords).
pub fn is_snake_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// Error code → enum variant: `FailedOperation.RequestLimitExceeded` → `FailedOperationRequestLimitExceeded`.
pub fn error_variant(code: &str) -> String {
    code.split('.')
        .map(|segment| segment.to_upper_camel_case())
        .collect()
}

/// Error codes: dot-separated segments of ASCII letters and digits.
pub fn is_error_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && seg.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= c.len().max(2) / 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(snake("GroupExDescriptions"), "group_ex_descriptions");
        assert_eq!(snake("FaceModelVersion"), "face_model_version");
        assert_eq!(
            error_variant("FailedOperation.RequestLimitExceeded"),
            "FailedOperationRequestLimitExceeded"
        );
        assert_eq!(
            error_variant("RequestLimitExceeded.IPLimitExceeded"),
            "RequestLimitExceededIpLimitExceeded"
        );
        assert_eq!(
            closest("strng", ["string", "bool", "int64"]),
            Some("string")
        );
        assert_eq!(closest("zzzzzz", ["string", "bool"]), None);
        assert!(is_const_name("V3_0") && !is_const_name("Male") && !is_const_name("_X"));
    }
}
