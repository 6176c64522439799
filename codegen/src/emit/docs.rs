//! Spec prose → `#[doc]` attributes. Upstream docs are Markdown-ish; they must never turn into
//! doctests, so indentation outside code fences is dropped and untagged fences become `text`.
//! They must not trip rustdoc either: brackets such as `[0,100]` would be read as broken
//! intra-doc links and bare URLs are not links, so brackets are escaped (except Markdown links
//! and the `` [`Name`] `` links the generator writes) and bare URLs are wrapped in `<>`.

use proc_macro2::TokenStream;
use quote::quote;

pub fn doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner (`//!`) documentation for a module.
pub fn module_doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #![doc = #lines] )* }
}

fn sanitize(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.trim()
        .lines()
        .map(|line| {
            let line = if in_fence {
                line.trim_end()
            } else {
                line.trim()
            };
            if let Some(tag) = line.trim_start().strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                if opening && tag.trim().is_empty() {
                    return " ```text".to_owned();
                }
                return format!(" {}", line.trim_start());
            }
            if line.is_empty() {
                String::new()
            } else if in_fence {
                format!(" {line}")
            } else {
                format!(" {}", escape_prose(line))
            }
        })
        .collect()
}

/// One line of prose with its brackets and bare URLs made safe for rustdoc; code spans are
/// left alone.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            // A code span, verbatim up to its closing backtick (or the end of the line).
            let end = rest[1..].find('`').map_or(rest.len(), |i| i + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if c == '[' {
            let close = rest.find(']');
            match close {
                // `[text](url)`: a Markdown link, kept whole.
                Some(close) if rest[close + 1..].starts_with('(') => {
                    let end = rest[close..]
                        .find(')')
                        .map_or(rest.len(), |i| close + i + 1);
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
                // `` [`Name`] ``: an intra-doc link the generator wrote.
                Some(close) if rest[1..].starts_with('`') => {
                    out.push_str(&rest[..=close]);
                    rest = &rest[close + 1..];
                }
                _ => {
                    out.push_str("\\[");
                    rest = &rest[1..];
                }
            }
        } else if c == ']' {
            out.push_str("\\]");
            rest = &rest[1..];
        } else if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !out.ends_with('<')
        {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_never_becomes_a_doctest() {
        assert_eq!(
            sanitize("a\n\n    indented\n```\nx\n```"),
            vec![" a", "", " indented", " ```text", " x", " ```"]
        );
    }

    #[test]
    fn prose_cannot_make_broken_links() {
        assert_eq!(
            escape_prose(
                "Range: [0,100]. See [Billing](https://x.com/a?b=1) or (https://y.com/c)."
            ),
            "Range: \\[0,100\\]. See [Billing](https://x.com/a?b=1) or (<https://y.com/c>)."
        );
        assert_eq!(
            escape_prose("Use [`Client::new`] with `[raw]` and <https://z.com>"),
            "Use [`Client::new`] with `[raw]` and <https://z.com>"
        );
        assert_eq!(escape_prose("a ] b [ c"), "a \\] b \\[ c");
    }

    #[test]
    fn fenced_code_keeps_its_indentation() {
        assert_eq!(
            sanitize("```json\n{\n  \"a\": 1\n}\n  ```\n    after"),
            vec![" ```json", " {", "   \"a\": 1", " }", " ```", " after"]
        );
    }
}
