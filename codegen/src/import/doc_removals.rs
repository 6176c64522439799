//! Upstream text that does not apply to this client, removed from every imported doc. The
//! rules are data, declared with their reasons in `spec/declared_differences.yaml`
//! (`doc_removals`), so import applies them and the fidelity test checks them: a spec doc is
//! the official doc with exactly these removals.

use std::path::Path;

use serde::Deserialize;

/// One declared removal.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocRemoval {
    pub removal: String,
    pub reason: String,
    /// Drop every line that contains all of these strings.
    #[serde(default)]
    pub drop_lines_containing: Vec<String>,
    /// Remove this prefix from every line that starts with it.
    #[serde(default)]
    pub strip_line_prefix: Option<String>,
}

pub const DECLARED_DIFFERENCES_FILE: &str = "declared_differences.yaml";

/// The `doc_removals` of `<spec_dir>/declared_differences.yaml`; none when the file or the key
/// is absent.
pub fn load(spec_dir: &Path) -> Result<Vec<DocRemoval>, String> {
    let path = spec_dir.join(DECLARED_DIFFERENCES_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let value: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    match value.get("doc_removals") {
        None => Ok(Vec::new()),
        Some(list) => serde_yaml::from_value(list.clone())
            .map_err(|e| format!("{}: doc_removals: {e}", path.display())),
    }
}

/// `text` with the removals applied, line by line in order; then the runs of blank lines they
/// leave become one blank line, and the text is trimmed.
pub fn apply(text: &str, removals: &[DocRemoval]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let mut line = line.to_owned();
        let mut dropped = false;
        for r in removals {
            if !r.drop_lines_containing.is_empty()
                && r.drop_lines_containing
                    .iter()
                    .all(|s| line.contains(s.as_str()))
            {
                dropped = true;
                break;
            }
            if let Some(rest) = r
                .strip_line_prefix
                .as_deref()
                .and_then(|p| line.strip_prefix(p))
            {
                line = rest.to_owned();
            }
        }
        let blank = line.trim().is_empty();
        if dropped || (blank && lines.last().is_some_and(|l: &String| l.trim().is_empty())) {
            continue;
        }
        lines.push(if blank { String::new() } else { line });
    }
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removals() -> Vec<DocRemoval> {
        vec![
            DocRemoval {
                removal: "signature".into(),
                reason: "r".into(),
                drop_lines_containing: vec!["SignatureMethod".into(), "TC3-HMAC-SHA256".into()],
                strip_line_prefix: None,
            },
            DocRemoval {
                removal: "quote".into(),
                reason: "r".into(),
                drop_lines_containing: vec![],
                strip_line_prefix: Some(">".into()),
            },
        ]
    }

    #[test]
    fn boilerplate_and_stray_markers_go_and_the_notes_stay() {
        let upstream = "Searches.\n\n>     \n- Please use the signature algorithm v3, that is, set the parameter `SignatureMethod` to `TC3-HMAC-SHA256`.\n\n>     \n- You cannot search across versions.";
        assert_eq!(
            apply(upstream, &removals()),
            "Searches.\n\n- You cannot search across versions."
        );
        assert_eq!(
            apply("Copies.\n>- Note: versions matter.", &removals()),
            "Copies.\n- Note: versions matter."
        );
        assert_eq!(apply("Plain text.", &removals()), "Plain text.");
    }
}
