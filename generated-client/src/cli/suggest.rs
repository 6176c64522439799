//! "Did you mean" for a mistyped action: every action ranked by similarity to what was typed,
//! best first, each under its one command-line spelling (`create-group`, not `CreateGroup`).

use super::table::{ActionEntry, ACTIONS};

/// How similar a command must be to be suggested (normalised Damerau-Levenshtein, 0 to 1).
const THRESHOLD: f64 = 0.6;
/// At most this many suggestions.
const LIMIT: usize = 3;

/// The actions most like `typed`, best first. `typed` may be in either spelling: it is
/// compared with both and the better score counts.
pub fn similar_actions(typed: &str) -> Vec<&'static str> {
    let typed = typed.to_lowercase();
    let score = |action: &ActionEntry| {
        let kebab = strsim::normalized_damerau_levenshtein(&typed, action.command);
        let api = strsim::normalized_damerau_levenshtein(&typed, &action.name.to_lowercase());
        kebab.max(api)
    };
    let mut ranked: Vec<(f64, &'static str)> = ACTIONS
        .iter()
        .map(|a| (score(a), a.command))
        .filter(|(s, _)| *s >= THRESHOLD)
        .collect();
    // Stable: equal scores keep the table's (alphabetical) order.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().take(LIMIT).map(|(_, c)| c).collect()
}

/// The message for an unknown action.
pub fn unknown_action(typed: &str) -> String {
    let mut message = format!("unknown action `{typed}`");
    let similar = similar_actions(typed);
    if !similar.is_empty() {
        let quoted: Vec<String> = similar.iter().map(|c| format!("`{c}`")).collect();
        message.push_str(&format!("; did you mean {}?", quoted.join(", ")));
    }
    message.push_str(" (`iai --help` lists every action)");
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intended_action_comes_first_in_one_spelling() {
        let similar = similar_actions("creat-group");
        assert_eq!(similar[0], "create-group");
        assert!(similar.iter().all(|c| !c.chars().any(char::is_uppercase)));
        let mut unique = similar.clone();
        unique.dedup();
        assert_eq!(unique, similar);
        assert_eq!(similar_actions("GetGrupInfo")[0], "get-group-info");
        assert!(similar_actions("zzzz").is_empty());
    }
}
