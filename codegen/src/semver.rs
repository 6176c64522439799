//! What a spec change means for the generated crate's version: two resolved models are
//! compared and every difference is classified as a major, minor or patch change, with a
//! changelog entry (keep-a-changelog sections). `cargo xtask regenerate --against <ref>` prints
//! the report and refuses a major change unless one is intended.
//!
//! The classification (also in the README, "What a spec change means for the crate's version"):
//! - **major**: anything that can stop a user's code from compiling or a call that worked from
//!   being sent: an action, field, type, error code, endpoint or paginator removed; a new
//!   required input (also a required member of a type used in requests); a field whose Rust
//!   type changes (type, `required`/`nullable` making it `T` or `Option<T>`, `rust_name`); a
//!   tightened constraint; a region newly required; the API version or default endpoint changed;
//!   a value set removed, or one of its constants removed or renamed, or its kind changed; a
//!   field given a value set, or losing or changing it (its Rust type changes); a `unit:`
//!   removed (its accessor goes) or changed (the accessor's times change).
//! - **minor**: additions: an action, an optional input, an output field, a type, a member, an
//!   error code (the enums are `#[non_exhaustive]`), an endpoint, a paginator; an action newly
//!   deprecated; a value set, a known value of a set (a new constant: the value decoded before,
//!   as an unknown one); a `unit:` on a field (a new `SystemTime` accessor).
//! - **patch**: a loosened constraint, documentation, titles, sites, examples, retry kinds and
//!   idempotence (behaviour of retries, no API change), an action no longer deprecated, an
//!   endpoint's host.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{Action, Constraints, Field, Number, ObjectType, Service, ValueSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        })
    }
}

/// The keep-a-changelog section an entry goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Added,
    Changed,
    Deprecated,
    Removed,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Deprecated => "Deprecated",
            Section::Removed => "Removed",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub level: Level,
    pub section: Section,
    /// One line, naming the item in API terms: "`SearchFaces` input `MaxFaceNum`: ...".
    pub text: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.level, self.text)
    }
}

/// Every difference from `old` to `new` that the crate's users can see, in spec order.
pub fn diff(old: &Service, new: &Service) -> Vec<Change> {
    let mut d = Diff::default();
    d.service(old, new);
    d.changes
}

/// The highest level among `changes`; `None` when nothing changed.
pub fn bump(changes: &[Change]) -> Option<Level> {
    changes.iter().map(|c| c.level).max()
}

/// The changelog entries: a `### <Section>` heading per section that has changes, each
/// change one bullet (major ones marked **Breaking**).
pub fn changelog_entries(changes: &[Change]) -> String {
    let mut by_section: BTreeMap<Section, Vec<&Change>> = BTreeMap::new();
    for c in changes {
        by_section.entry(c.section).or_default().push(c);
    }
    let mut out = String::new();
    for (section, changes) in by_section {
        out.push_str(&format!("### {section}\n\n"));
        for c in changes {
            let mark = if c.level == Level::Major {
                "**Breaking:** "
            } else {
                ""
            };
            out.push_str(&format!("- {mark}{}\n", c.text));
        }
        out.push('\n');
    }
    out
}

/// `changelog` (a keep-a-changelog file, or empty) with `entries` under `## [Unreleased]`: the
/// heading is created when missing, and entries go in after any already there.
pub fn insert_unreleased(changelog: &str, entries: &str) -> String {
    const HEADING: &str = "## [Unreleased]";
    let changelog = if changelog.trim().is_empty() {
        "# Changelog\n\nAll notable changes to this project are documented in this file. The format is\nbased on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and this project adheres\nto [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n".to_owned()
    } else {
        changelog.to_owned()
    };
    let (before, after) = match changelog.find(HEADING) {
        Some(at) => {
            let body_start = at + HEADING.len();
            // The Unreleased section ends at the next release heading.
            let end = changelog[body_start..]
                .find("\n## ")
                .map_or(changelog.len(), |i| body_start + i + 1);
            (
                changelog[..end].trim_end().to_owned(),
                changelog[end..].to_owned(),
            )
        }
        None => {
            // A new section before the first release, or at the end.
            let first = changelog.find("\n## ").map(|i| i + 1);
            let (head, tail) = changelog.split_at(first.unwrap_or(changelog.len()));
            (format!("{}\n\n{HEADING}", head.trim_end()), tail.to_owned())
        }
    };
    let mut out = format!("{before}\n\n{}", entries.trim_end());
    out.push('\n');
    if !after.is_empty() {
        out.push('\n');
        out.push_str(&after);
    }
    out
}

fn unit_name(unit: crate::model::TimeUnit) -> &'static str {
    match unit {
        crate::model::TimeUnit::Milliseconds => "milliseconds",
        crate::model::TimeUnit::Seconds => "seconds",
    }
}

#[derive(Default)]
struct Diff {
    changes: Vec<Change>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Input,
    Output,
    /// A member of an object type; `in_requests` when some action's input reaches it.
    Member {
        in_requests: bool,
    },
}

impl Diff {
    fn push(&mut self, level: Level, section: Section, text: String) {
        self.changes.push(Change {
            level,
            section,
            text,
        });
    }

    fn service(&mut self, old: &Service, new: &Service) {
        if old.version != new.version {
            self.push(
                Level::Major,
                Section::Changed,
                format!(
                    "API version {} → {} (every request says which it speaks)",
                    old.version, new.version
                ),
            );
        }
        if old.doc != new.doc || old.title != new.title {
            self.push(
                Level::Patch,
                Section::Changed,
                "service title or documentation".to_owned(),
            );
        }
        for e in &old.endpoints {
            match new.endpoints.iter().find(|n| n.name == e.name) {
                None => self.push(
                    Level::Major,
                    Section::Removed,
                    format!("endpoint `{}`", e.name),
                ),
                Some(n) => {
                    if n.host != e.host {
                        self.push(
                            Level::Patch,
                            Section::Changed,
                            format!("endpoint `{}`: host {} → {}", e.name, e.host, n.host),
                        );
                    }
                    if n.default != e.default && n.default {
                        self.push(
                            Level::Major,
                            Section::Changed,
                            format!("the default endpoint is now `{}`", n.name),
                        );
                    }
                    if n.doc != e.doc {
                        self.push(
                            Level::Patch,
                            Section::Changed,
                            format!("endpoint `{}`: documentation", e.name),
                        );
                    }
                }
            }
        }
        for n in &new.endpoints {
            if !old.endpoints.iter().any(|e| e.name == n.name) {
                self.push(
                    Level::Minor,
                    Section::Added,
                    format!("endpoint `{}` ({})", n.name, n.host),
                );
            }
        }

        for t in &old.types {
            match new.types.iter().find(|n| n.name == t.name) {
                None => self.push(Level::Major, Section::Removed, format!("type `{}`", t.name)),
                Some(n) => {
                    // A new required member must be set by callers if either version is
                    // held by a request.
                    self.object(t, n, t.in_requests || n.in_requests);
                }
            }
        }
        for n in &new.types {
            if !old.types.iter().any(|t| t.name == n.name) {
                self.push(Level::Minor, Section::Added, format!("type `{}`", n.name));
            }
        }

        for v in &old.value_sets {
            match new.value_sets.iter().find(|n| n.name == v.name) {
                None => self.push(
                    Level::Major,
                    Section::Removed,
                    format!("value set `{}`", v.name),
                ),
                Some(n) => self.value_set(v, n),
            }
        }
        for n in &new.value_sets {
            if !old.value_sets.iter().any(|v| v.name == n.name) {
                self.push(
                    Level::Minor,
                    Section::Added,
                    format!("value set `{}`", n.name),
                );
            }
        }

        for a in &old.actions {
            match new.actions.iter().find(|n| n.name == a.name) {
                None => self.push(
                    Level::Major,
                    Section::Removed,
                    format!("action `{}` (`Client::{}`)", a.name, a.snake_name),
                ),
                Some(n) => self.action(a, n),
            }
        }
        for n in &new.actions {
            if !old.actions.iter().any(|a| a.name == n.name) {
                self.push(
                    Level::Minor,
                    Section::Added,
                    format!("action `{}` (`Client::{}`)", n.name, n.snake_name),
                );
            }
        }
    }

    /// A known value is a constant: adding one is minor (the value decoded before, as an
    /// unknown one), removing or renaming one is major.
    fn value_set(&mut self, old: &ValueSet, new: &ValueSet) {
        let owner = format!("value set `{}`", old.name);
        if old.kind != new.kind {
            self.push(
                Level::Major,
                Section::Changed,
                format!("{owner}: kind {:?} → {:?}", old.kind, new.kind),
            );
        }
        if old.doc != new.doc {
            self.push(
                Level::Patch,
                Section::Changed,
                format!("{owner}: documentation"),
            );
        }
        for v in &old.values {
            match new.values.iter().find(|n| n.name == v.name) {
                None => self.push(
                    Level::Major,
                    Section::Removed,
                    format!("{owner}: `{}::{}` ({})", old.name, v.name, v.value),
                ),
                Some(n) if n.value != v.value => self.push(
                    Level::Major,
                    Section::Changed,
                    format!(
                        "{owner}: `{}::{}` is {} (was {})",
                        old.name, v.name, n.value, v.value
                    ),
                ),
                Some(n) if n.doc != v.doc => self.push(
                    Level::Patch,
                    Section::Changed,
                    format!("{owner}: `{}::{}`: documentation", old.name, v.name),
                ),
                Some(_) => {}
            }
        }
        for n in &new.values {
            if !old.values.iter().any(|v| v.name == n.name) {
                self.push(
                    Level::Minor,
                    Section::Added,
                    format!("{owner}: `{}::{}` ({})", new.name, n.name, n.value),
                );
            }
        }
    }

    fn object(&mut self, old: &ObjectType, new: &ObjectType, in_requests: bool) {
        let owner = format!("type `{}`", old.name);
        if old.doc != new.doc {
            self.push(
                Level::Patch,
                Section::Changed,
                format!("{owner}: documentation"),
            );
        }
        if old.sites != new.sites {
            self.push(Level::Patch, Section::Changed, format!("{owner}: sites"));
        }
        self.fields(
            &owner,
            "member",
            &old.fields,
            &new.fields,
            Role::Member { in_requests },
        );
    }

    fn action(&mut self, old: &Action, new: &Action) {
        let name = &old.name;
        let owner = format!("`{name}`");
        match (old.deprecated, new.deprecated) {
            (false, true) => self.push(
                Level::Minor,
                Section::Deprecated,
                format!("action {owner}: the service marks it deprecated"),
            ),
            (true, false) => self.push(
                Level::Patch,
                Section::Changed,
                format!("action {owner} is no longer deprecated"),
            ),
            _ => {}
        }
        if old.title != new.title || old.doc != new.doc {
            self.push(
                Level::Patch,
                Section::Changed,
                format!("{owner}: documentation"),
            );
        }
        if old.sites != new.sites {
            self.push(
                Level::Patch,
                Section::Changed,
                format!(
                    "{owner}: offered on {} (was {})",
                    sites(&new.sites),
                    sites(&old.sites)
                ),
            );
        }
        if old.idempotent != new.idempotent {
            let now = if new.idempotent {
                "idempotent: failures after sending are now retried"
            } else {
                "no longer idempotent: failures after sending are no longer retried"
            };
            self.push(Level::Patch, Section::Changed, format!("{owner}: {now}"));
        }
        match (old.region_required, new.region_required) {
            (false, true) => self.push(
                Level::Major,
                Section::Changed,
                format!("{owner}: a region is now required; calls without one fail"),
            ),
            (true, false) => self.push(
                Level::Patch,
                Section::Changed,
                format!("{owner}: a region is no longer required"),
            ),
            _ => {}
        }
        match (&old.pagination, &new.pagination) {
            (None, Some(_)) => self.push(
                Level::Minor,
                Section::Added,
                format!("{owner}: `into_paginator()`"),
            ),
            (Some(_), None) => self.push(
                Level::Major,
                Section::Removed,
                format!("{owner}: `into_paginator()`"),
            ),
            (Some(o), Some(n))
                if (&o.offset, &o.limit, &o.items, &o.total, o.default_limit)
                    != (&n.offset, &n.limit, &n.items, &n.total, n.default_limit) =>
            {
                self.push(
                    Level::Patch,
                    Section::Changed,
                    format!("{owner}: how pages are followed"),
                );
            }
            _ => {}
        }
        let groups = |a: &Action| -> BTreeSet<Vec<String>> {
            a.at_least_one_of
                .iter()
                .map(|g| g.iter().map(|&i| a.input[i].api_name.clone()).collect())
                .collect()
        };
        let (old_groups, new_groups) = (groups(old), groups(new));
        for g in new_groups.difference(&old_groups) {
            self.push(
                Level::Major,
                Section::Changed,
                format!("{owner}: one of {} must now be set", g.join(", ")),
            );
        }
        for g in old_groups.difference(&new_groups) {
            self.push(
                Level::Patch,
                Section::Changed,
                format!("{owner}: no longer needs one of {} set", g.join(", ")),
            );
        }
        self.fields(&owner, "input", &old.input, &new.input, Role::Input);
        self.fields(&owner, "output", &old.output, &new.output, Role::Output);

        for e in &old.errors {
            match new.errors.iter().find(|n| n.code == e.code) {
                None => self.push(
                    Level::Major,
                    Section::Removed,
                    format!(
                        "{owner}: error code `{}` (`{name}Error::{}`)",
                        e.code, e.variant
                    ),
                ),
                Some(n) => {
                    if n.retry != e.retry {
                        self.push(
                            Level::Patch,
                            Section::Changed,
                            format!(
                                "{owner}: error code `{}` retried as {} (was {})",
                                e.code,
                                retry(n.retry),
                                retry(e.retry)
                            ),
                        );
                    }
                    if n.doc != e.doc || n.sites != e.sites {
                        self.push(
                            Level::Patch,
                            Section::Changed,
                            format!("{owner}: error code `{}`: documentation", e.code),
                        );
                    }
                }
            }
        }
        for n in &new.errors {
            if !old.errors.iter().any(|e| e.code == n.code) {
                self.push(
                    Level::Minor,
                    Section::Added,
                    format!(
                        "{owner}: error code `{}` (`{name}Error::{}`)",
                        n.code, n.variant
                    ),
                );
            }
        }
        let examples = |a: &Action| -> Vec<(String, String, String)> {
            a.examples
                .iter()
                .map(|e| (e.title.clone(), e.input_json.clone(), e.output_json.clone()))
                .collect()
        };
        if examples(old) != examples(new) {
            self.push(Level::Patch, Section::Changed, format!("{owner}: examples"));
        }
    }

    fn fields(&mut self, owner: &str, what: &str, old: &[Field], new: &[Field], role: Role) {
        for f in old {
            let at = format!("{owner} {what} `{}`", f.api_name);
            let Some(n) = new.iter().find(|n| n.api_name == f.api_name) else {
                self.push(Level::Major, Section::Removed, at);
                continue;
            };
            if f.ty != n.ty {
                self.push(
                    Level::Major,
                    Section::Changed,
                    format!("{at}: type {} → {}", f.ty, n.ty),
                );
            }
            if f.rust_name != n.rust_name {
                self.push(
                    Level::Major,
                    Section::Changed,
                    format!("{at}: Rust name `{}` → `{}`", f.rust_name, n.rust_name),
                );
            }
            if f.is_optional() != n.is_optional() {
                let (from, to) = if n.is_optional() {
                    ("required", "optional")
                } else {
                    ("optional", "required")
                };
                self.push(
                    Level::Major,
                    Section::Changed,
                    format!("{at}: {from} → {to} (its Rust type changes)"),
                );
            } else if f.required != n.required || f.nullable != n.nullable {
                self.push(
                    Level::Patch,
                    Section::Changed,
                    format!("{at}: `required`/`nullable` (its Rust type is unchanged)"),
                );
            }
            if f.value_set != n.value_set {
                let set = |v: &Option<String>| {
                    v.as_ref()
                        .map_or_else(|| format!("the raw `{}`", f.ty), |v| format!("`{v}`"))
                };
                self.push(
                    Level::Major,
                    Section::Changed,
                    format!(
                        "{at}: holds {} (was {}; its Rust type changes)",
                        set(&n.value_set),
                        set(&f.value_set)
                    ),
                );
            }
            match (f.unit, n.unit) {
                (None, Some(unit)) => self.push(
                    Level::Minor,
                    Section::Added,
                    format!(
                        "{at}: a timestamp in {}, with `{}()` returning `SystemTime`",
                        unit_name(unit),
                        crate::model::names::time_accessor(n)
                    ),
                ),
                (Some(_), None) => self.push(
                    Level::Major,
                    Section::Removed,
                    format!(
                        "{at}: the `SystemTime` accessor `{}()`",
                        crate::model::names::time_accessor(f)
                    ),
                ),
                (Some(a), Some(b)) if a != b => self.push(
                    Level::Major,
                    Section::Changed,
                    format!(
                        "{at}: a timestamp in {} (was {}; `{}()` gives other times)",
                        unit_name(b),
                        unit_name(a),
                        crate::model::names::time_accessor(n)
                    ),
                ),
                _ => {}
            }
            self.constraints(&at, &f.constraints, &n.constraints);
            if f.doc != n.doc {
                self.push(
                    Level::Patch,
                    Section::Changed,
                    format!("{at}: documentation"),
                );
            }
            if f.sites != n.sites {
                self.push(
                    Level::Patch,
                    Section::Changed,
                    format!(
                        "{at}: documented on {} (was {})",
                        sites(&n.sites),
                        sites(&f.sites)
                    ),
                );
            }
        }
        for n in new {
            if old.iter().any(|f| f.api_name == n.api_name) {
                continue;
            }
            let at = format!("{owner} {what} `{}`", n.api_name);
            let must_set = match role {
                Role::Input => !n.is_optional(),
                Role::Member { in_requests } => in_requests && !n.is_optional(),
                Role::Output => false,
            };
            if must_set {
                self.push(
                    Level::Major,
                    Section::Changed,
                    format!("{at}: new and required"),
                );
            } else {
                let kind = if role == Role::Input {
                    " (optional)"
                } else {
                    ""
                };
                self.push(Level::Minor, Section::Added, format!("{at}{kind}"));
            }
        }
    }

    /// A limit added or narrowed is major (a value that was accepted is refused); one removed
    /// or widened is a patch.
    fn constraints(&mut self, at: &str, old: &Constraints, new: &Constraints) {
        let mut tightened = Vec::new();
        let mut loosened = Vec::new();
        let mut compare = |key: &str, old: Option<f64>, new: Option<f64>, upper: bool| {
            let text = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| v.to_string());
            let line = format!("{key} {} → {}", text(old), text(new));
            match (old, new) {
                (None, None) => {}
                (None, Some(_)) => tightened.push(line),
                (Some(_), None) => loosened.push(line),
                (Some(o), Some(n)) if o == n => {}
                (Some(o), Some(n)) => {
                    if (n < o) == upper {
                        tightened.push(line)
                    } else {
                        loosened.push(line)
                    }
                }
            }
        };
        let u = |v: Option<u64>| v.map(|v| v as f64);
        let num = |v: Option<Number>| {
            v.map(|v| match v {
                Number::Int(i) => i as f64,
                Number::Uint(u) => u as f64,
                Number::Float(f) => f,
            })
        };
        compare("min_length", u(old.min_length), u(new.min_length), false);
        compare("max_length", u(old.max_length), u(new.max_length), true);
        compare("min", num(old.min), num(new.min), false);
        compare("max", num(old.max), num(new.max), true);
        compare("min_items", u(old.min_items), u(new.min_items), false);
        compare("max_items", u(old.max_items), u(new.max_items), true);

        // Sets: a value or character no longer allowed is a tightening.
        let set_change = |key: &str,
                          old: Option<BTreeSet<String>>,
                          new: Option<BTreeSet<String>>,
                          tightened: &mut Vec<String>,
                          loosened: &mut Vec<String>| {
            let line = |o: &str, n: &str| format!("{key} {o} → {n}");
            match (old, new) {
                (None, None) => {}
                (None, Some(n)) => tightened.push(line("none", &join(&n))),
                (Some(o), None) => loosened.push(line(&join(&o), "none")),
                (Some(o), Some(n)) if o == n => {}
                (Some(o), Some(n)) => {
                    if o.is_subset(&n) {
                        loosened.push(line(&join(&o), &join(&n)));
                    } else {
                        tightened.push(line(&join(&o), &join(&n)));
                    }
                }
            }
        };
        let chars = |c: &Constraints| {
            c.allowed_chars.as_ref().map(|class| {
                class
                    .ranges
                    .iter()
                    .flat_map(|&(lo, hi)| (lo..=hi).map(|c| c.to_string()))
                    .collect::<BTreeSet<_>>()
            })
        };
        let values = |c: &Constraints| {
            c.one_of
                .as_ref()
                .map(|v| v.iter().cloned().collect::<BTreeSet<_>>())
        };
        set_change(
            "one_of",
            values(old),
            values(new),
            &mut tightened,
            &mut loosened,
        );
        let (old_chars, new_chars) = (chars(old), chars(new));
        if old_chars != new_chars {
            let source = |c: &Constraints| {
                c.allowed_chars
                    .as_ref()
                    .map_or_else(|| "any".to_owned(), |c| c.source.clone())
            };
            let line = format!("allowed_chars {} → {}", source(old), source(new));
            match (old_chars, new_chars) {
                (Some(o), Some(n)) if o.is_subset(&n) => loosened.push(line),
                (Some(_), None) => loosened.push(line),
                _ => tightened.push(line),
            }
        }
        if !tightened.is_empty() {
            self.push(
                Level::Major,
                Section::Changed,
                format!(
                    "{at}: constraint tightened ({}); values accepted before are refused",
                    tightened.join(", ")
                ),
            );
        }
        if !loosened.is_empty() {
            self.push(
                Level::Patch,
                Section::Changed,
                format!(
                    "{at}: constraint loosened ({}); the service checks the rest",
                    loosened.join(", ")
                ),
            );
        }
    }
}

fn join(set: &BTreeSet<String>) -> String {
    let v: Vec<&str> = set.iter().map(String::as_str).collect();
    format!("[{}]", v.join(", "))
}

fn sites(sites: &Option<Vec<String>>) -> String {
    sites
        .as_ref()
        .map_or_else(|| "every endpoint".to_owned(), |s| s.join(", "))
}

fn retry(kind: Option<crate::model::RetryKind>) -> &'static str {
    match kind {
        None => "never",
        Some(crate::model::RetryKind::Throttling) => "throttling",
        Some(crate::model::RetryKind::Transient) => "transient",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_under_unreleased_creating_it_when_missing() {
        let entries = "### Added\n\n- action `X`\n";
        let fresh = insert_unreleased("", entries);
        assert!(fresh.starts_with("# Changelog\n"), "{fresh}");
        assert!(
            fresh.ends_with("## [Unreleased]\n\n### Added\n\n- action `X`\n"),
            "{fresh}"
        );

        let released = "# Changelog\n\n## [0.1.0] - 2026-01-01\n\n- first\n";
        let out = insert_unreleased(released, entries);
        assert_eq!(
            out,
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- action `X`\n\n## [0.1.0] - 2026-01-01\n\n- first\n"
        );

        let pending = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- a bug\n\n## [0.1.0]\n";
        let out = insert_unreleased(pending, entries);
        assert_eq!(
            out,
            "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- a bug\n\n### Added\n\n- action `X`\n\n## [0.1.0]\n"
        );
    }
}
