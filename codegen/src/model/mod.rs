//! Stage 2: the resolved, validated model. Emission reads only this, never the raw YAML, so
//! every rule about what a valid spec is lives in `check`.

pub mod check;
pub mod citation;
pub mod names;

pub use check::resolve;

#[derive(Debug, Clone)]
pub struct Service {
    /// Short name used in signing and hosts, e.g. `iai`.
    pub name: String,
    pub title: String,
    pub version: String,
    pub doc: String,
    pub endpoints: Vec<Endpoint>,
    pub types: Vec<ObjectType>,
    /// Closed value sets (types.yaml `value_sets`), in file order.
    pub value_sets: Vec<ValueSet>,
    /// The API 3.0 common codes (spec/common_errors.yaml), sorted by code.
    pub common_errors: Vec<ErrorCode>,
    pub actions: Vec<Action>,
}

impl Service {
    pub fn default_endpoint(&self) -> &Endpoint {
        self.endpoints
            .iter()
            .find(|e| e.default)
            .expect("check ensures one default endpoint")
    }

    /// Environment variable that overrides the endpoint URL, e.g. `TENCENTCLOUD_IAI_ENDPOINT`.
    pub fn endpoint_env(&self) -> String {
        format!("TENCENTCLOUD_{}_ENDPOINT", self.name.to_ascii_uppercase())
    }

    pub fn object(&self, name: &str) -> &ObjectType {
        self.types
            .iter()
            .find(|t| t.name == name)
            .expect("check resolves every type name")
    }
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// snake_case constructor name, e.g. `mainland_china`.
    pub name: String,
    pub host: String,
    pub doc: String,
    pub default: bool,
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    pub name: String,
    pub doc: String,
    /// Endpoint names whose site documents the type; `None`: every endpoint.
    pub sites: Option<Vec<String>>,
    pub fields: Vec<Field>,
    /// Whether any member, directly or through nested types, carries a constraint.
    pub needs_validation: bool,
    /// Held by some request, directly or through other types: writing it to JSON is always
    /// compiled, and a change to its members can break callers (semver).
    pub in_requests: bool,
    /// Held by some response: reading it from JSON is always compiled.
    pub in_responses: bool,
}

impl ObjectType {
    /// Found in requests only: decoding refuses unknown members, as requests do.
    pub fn request_only(&self) -> bool {
        self.in_requests && !self.in_responses
    }
}

/// A documented set of values, generated as a forward-compatible newtype in `crate::types`:
/// the documented values are constants, any other value is kept as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSet {
    pub name: String,
    pub doc: String,
    pub kind: ValueKind,
    pub values: Vec<KnownValue>,
}

/// What a value set's values are on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// JSON integers (`int64` or `uint64` fields); `i64` in Rust.
    Integer,
    String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KnownValue {
    /// The constant, e.g. `MALE`.
    pub name: String,
    pub value: KnownLiteral,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KnownLiteral {
    Integer(i64),
    String(String),
}

impl std::fmt::Display for KnownLiteral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnownLiteral::Integer(v) => write!(f, "{v}"),
            KnownLiteral::String(v) => write!(f, "{v:?}"),
        }
    }
}

/// `unit:` of a timestamp field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Milliseconds,
    Seconds,
}

#[derive(Debug, Clone)]
pub struct Action {
    /// API name, e.g. `GetGroupInfo`.
    pub name: String,
    /// snake_case method and module name, e.g. `get_group_info`.
    pub snake_name: String,
    /// The spec file, as shown in generated headers, e.g. `spec/actions/GetGroupInfo.yaml`.
    pub source: String,
    pub title: String,
    pub doc: String,
    /// Endpoint names whose site offers the action; `None`: every endpoint.
    pub sites: Option<Vec<String>>,
    /// The service marks the action deprecated.
    pub deprecated: bool,
    pub idempotent: bool,
    pub region_required: bool,
    pub input: Vec<Field>,
    /// Groups of optional input fields (indices into `input`) of which a request must set at
    /// least one; a string or list counts as set only when not empty.
    pub at_least_one_of: Vec<Vec<usize>>,
    pub output: Vec<Field>,
    /// The action's own codes first, then the common ones it does not override; sorted by code.
    pub errors: Vec<ErrorCode>,
    pub examples: Vec<Example>,
    pub pagination: Option<Pagination>,
}

impl Action {
    /// The `#[deprecated]` note of the method, request and builder.
    pub fn deprecation_note(&self) -> Option<String> {
        self.deprecated.then(|| {
            format!(
                "the service marks `{}` deprecated; it may stop working without notice",
                self.name
            )
        })
    }

    /// Paragraphs for the action's docs: deprecation and the sites that offer it; empty when
    /// the action is current and offered everywhere.
    pub fn availability(&self) -> String {
        let mut out = String::new();
        if self.deprecated {
            out.push_str("\n\n**Deprecated**: the service marks this action deprecated; it may stop working without notice.");
        }
        if let Some(note) = sites_note(&self.sites, "Offered") {
            out.push_str(&format!(
                "\n\n{note} The client sends it to any endpoint; the service decides."
            ));
        }
        out
    }
}

/// Offset/limit paging: which request and response fields drive the generated paginator.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request fields (rust names) holding the offset and the page size.
    pub offset: String,
    pub limit: String,
    /// The response's list of items (rust name) and its element type.
    pub items: String,
    pub item_type: Type,
    /// The response field with the total number of items, when there is one (rust name).
    pub total: Option<String>,
    /// Page size the API uses when `limit` is not set.
    pub default_limit: u64,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire, e.g. `GroupId`.
    pub api_name: String,
    /// Rust identifier text (a keyword is emitted as a raw identifier), e.g. `group_id`.
    pub rust_name: String,
    pub doc: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub constraints: Constraints,
    /// The value set (by name) whose values the field holds: its Rust type replaces the
    /// element type (`i64`, `u64` or `String`).
    pub value_set: Option<String>,
    /// A timestamp's unit: the field gets a `SystemTime` accessor beside the raw value.
    pub unit: Option<TimeUnit>,
    /// Endpoint names whose site documents the member; `None`: every endpoint.
    pub sites: Option<Vec<String>>,
}

impl Field {
    /// Present in every value (`T`), or possibly absent (`Option<T>`).
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    String,
    Bool,
    Int64,
    Uint64,
    Float,
    /// A base64 string on the wire; `crate::Image` in Rust (raw bytes are encoded when sent).
    Image,
    List(Box<Type>),
    Object(String),
}

/// As written in the spec: `list<string>`, `FaceRect`.
impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Bool => f.write_str("bool"),
            Type::Int64 => f.write_str("int64"),
            Type::Uint64 => f.write_str("uint64"),
            Type::Float => f.write_str("float"),
            Type::Image => f.write_str("image"),
            Type::List(inner) => write!(f, "list<{inner}>"),
            Type::Object(name) => f.write_str(name),
        }
    }
}

impl Type {
    /// The innermost element type: `list<list<T>>` → `T`.
    pub fn element(&self) -> &Type {
        match self {
            Type::List(inner) => inner.element(),
            other => other,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub allowed_chars: Option<CharClass>,
    pub one_of: Option<Vec<String>>,
    pub min: Option<Number>,
    pub max: Option<Number>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// Where each limit comes from, by constraint key (`max_length`, ...), in spec order.
    pub sources: Vec<(String, LimitSource)>,
}

impl Constraints {
    /// No limit is set (sources say nothing about the value).
    pub fn is_empty(&self) -> bool {
        Constraints {
            sources: Vec::new(),
            ..self.clone()
        } == Constraints::default()
    }
}

/// Why a limit is in the spec (spec/README.md, "Constraints").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitSource {
    /// The words of the official documentation that state it, in the doc of `doc_of`
    /// (`Action.Field` or `Type.Member`) or, when `None`, of the field itself.
    Cited {
        quote: String,
        doc_of: Option<String>,
    },
    /// A rule of `declared_differences.yaml` gives the reason.
    Declared { rule: String },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// Allowed characters, from the spec's `A-Za-z0-9-_` syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharClass {
    pub source: String,
    /// Inclusive ranges; a single character is a range of one.
    pub ranges: Vec<(char, char)>,
}

impl CharClass {
    /// Words for error messages: `A-Z, a-z, 0-9 and any of "-%@#&_"`.
    pub fn describe(&self) -> String {
        let ranges: Vec<String> = self
            .ranges
            .iter()
            .filter(|(lo, hi)| lo != hi)
            .map(|(lo, hi)| format!("{lo}-{hi}"))
            .collect();
        let singles: String = self
            .ranges
            .iter()
            .filter(|(lo, hi)| lo == hi)
            .map(|(c, _)| *c)
            .collect();
        match (ranges.is_empty(), singles.is_empty()) {
            (false, false) => format!("{} and any of {singles:?}", ranges.join(", ")),
            (false, true) => ranges.join(", "),
            (true, _) => format!("any of {singles:?}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// e.g. `FailedOperation.RequestLimitExceeded`.
    pub code: String,
    /// e.g. `FailedOperationRequestLimitExceeded`.
    pub variant: String,
    pub doc: String,
    /// How the client may retry the code; `None`: never.
    pub retry: Option<RetryKind>,
    /// Endpoint names whose per-action list has the code; `None`: every endpoint.
    pub sites: Option<Vec<String>>,
    /// An API 3.0 common code the action does not override: it is held by the `Common`
    /// variant, whose kinds are generated once for every action.
    pub common: bool,
}

pub use crate::spec::raw::RetryKind;

/// "Offered only on the `mainland_china` endpoint." for a subset of the endpoints (`what` is
/// "Offered" or "Documented"); `None` when every endpoint has it.
pub fn sites_note(sites: &Option<Vec<String>>, what: &str) -> Option<String> {
    let sites = sites.as_ref()?;
    let named: Vec<String> = sites.iter().map(|s| format!("`{s}`")).collect();
    let plural = if named.len() == 1 {
        "endpoint"
    } else {
        "endpoints"
    };
    Some(format!(
        "{what} only on the {} {plural} ([`Endpoint::{}`](crate::Endpoint::{})).",
        named.join(" and "),
        sites[0],
        sites[0]
    ))
}

#[derive(Debug, Clone)]
pub struct Example {
    pub title: String,
    /// The output is an error envelope (`{"Error": {...}}`): the example shows a failure.
    pub is_error: bool,
    pub doc: Option<String>,
    /// Compact JSON of the request parameters.
    pub input_json: String,
    /// Compact JSON of the `Response` object.
    pub output_json: String,
}
