//! Whether a quoted fragment of the documentation states a constraint's value: the number is
//! in it (`5 MB` and `5M` count as 5 × 1024 × 1024 bytes), every value of a `one_of` is, and
//! every punctuation character an `allowed_chars` admits is (ranges such as `A-Z` are words in
//! the docs: "letters", "英文"). Used by the checker and by the fidelity test.

/// `Ok` when `quote` states `value` for the constraint `key`; `Err` says what is missing.
pub fn check(key: &str, value: &str, quote: &str) -> Result<(), String> {
    match key {
        "one_of" => {
            let missing: Vec<&str> = value.split(", ").filter(|v| !quote.contains(v)).collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("the quote does not name {}", missing.join(", ")))
            }
        }
        "allowed_chars" => {
            let missing: String = punctuation(value).filter(|c| !quote.contains(*c)).collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "the quote does not show the characters `{missing}`"
                ))
            }
        }
        _ => {
            let wanted: f64 = value
                .parse()
                .map_err(|_| format!("`{value}` is not a number"))?;
            if numbers(quote).contains(&wanted) {
                Ok(())
            } else {
                Err(format!("the quote does not state the number {value}"))
            }
        }
    }
}

/// The single characters of an `allowed_chars` class that are neither letters nor digits
/// (`-` too when it is literal).
fn punctuation(class: &str) -> impl Iterator<Item = char> + '_ {
    let chars: Vec<char> = class.chars().collect();
    let mut singles = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            i += 3; // a range `X-Y`
        } else {
            singles.push(chars[i]);
            i += 1;
        }
    }
    singles.into_iter().filter(|c| !c.is_alphanumeric())
}

/// Every number written in `text` (`100.0` is 100; `4,000` is both 4 and 000 and 4000, since
/// `[0,100]` is two numbers), and for a number followed by `MB`/`M` (megabytes) or `KB` also
/// its value in bytes.
pub fn numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut push = |digits: &str, rest: &str| {
        let Ok(n) = digits.parse::<f64>() else {
            return;
        };
        out.push(n);
        let unit = rest.trim_start_matches(' ');
        if unit.starts_with("MB") || unit.starts_with('M') {
            out.push(n * 1024.0 * 1024.0);
        } else if unit.starts_with("KB") {
            out.push(n * 1024.0);
        }
    };
    let is_number_char =
        |c: char, grouped: bool| c.is_ascii_digit() || c == '.' || (grouped && c == ',');
    for grouped in [false, true] {
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
            let tail = &rest[start..];
            let len = tail
                .find(|c: char| !is_number_char(c, grouped))
                .unwrap_or(tail.len());
            let word = tail[..len].trim_end_matches(['.', ',']);
            let after = &tail[word.len()..];
            if grouped {
                if word.contains(',') {
                    push(&word.replace(',', ""), after);
                }
            } else {
                push(word, after);
            }
            rest = &tail[len..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_units_and_separators() {
        assert_eq!(numbers("Maximum value: 10."), [10.0]);
        assert!(numbers("up to 4,000 px").contains(&4000.0));
        assert!(numbers("[0.0,100.0)").starts_with(&[0.0, 100.0]));
        assert!(numbers("[0,100]").starts_with(&[0.0, 100.0]));
        assert!(numbers("[1,60]").starts_with(&[1.0, 60.0]));
        assert!(numbers("cannot exceed 5 MB").contains(&5_242_880.0));
        assert!(numbers("大小不可超过5M。").contains(&5_242_880.0));
    }

    #[test]
    fn a_quote_states_a_limit_or_says_what_is_missing() {
        assert!(check("max", "10", "Maximum value: 10.").is_ok());
        assert!(check("max", "120", "Maximum value: 10.").is_err());
        assert!(check("max_length", "5242880", "cannot exceed 5 MB").is_ok());
        assert!(check("one_of", "2.0, 3.0", "`2.0` and `3.0` are supported").is_ok());
        assert!(check("one_of", "2.0, 3.0", "only `3.0`").is_err());
        assert!(check("allowed_chars", "A-Za-z0-9-%@#&_", "symbols (-%@#&_)").is_ok());
        let err = check("allowed_chars", "A-Za-z0-9-%@#&_", "symbols (-%@)").unwrap_err();
        assert!(err.contains("#&_"), "{err}");
    }
}
