//! Printing results: `--output json|table|text`, `--query` (JMESPath), and write errors. A
//! closed pipe (`iai ... | head`) ends the command quietly; any other write error is reported.

use std::io::{self, Write};

use serde_json::Value;

use super::error::{CliError, ExitCode};
pub use super::json::Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty JSON, keys in API order.
    Json,
    /// Aligned columns.
    Table,
    /// Plain values, one per line: `Key<TAB>value` for objects, one JSON line per list item.
    Text,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["json", "table", "text"];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "table" => Some(Format::Table),
            "text" => Some(Format::Text),
            _ => None,
        }
    }
}

/// A compiled `--query` expression.
pub struct Query(jmespath::Expression<'static>);

impl Query {
    pub fn compile(expression: &str) -> Result<Query, CliError> {
        jmespath::compile(expression)
            .map(Query)
            .map_err(|e| CliError::usage(format!("invalid --query expression: {e}")))
    }

    fn apply(&self, value: Json) -> Result<Json, CliError> {
        let failed = |e: &dyn std::fmt::Display| CliError::failure(format!("--query failed: {e}"));
        let variable = jmespath::Variable::from_serializable(&value).map_err(|e| failed(&e))?;
        let result = self.0.search(variable).map_err(|e| failed(&e))?;
        // JMESPath objects are sorted maps: a projection's keys come out sorted.
        serde_json::to_value(&*result)
            .map(Json::from)
            .map_err(|e| failed(&e))
    }
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query({})", self.0.as_str())
    }
}

/// Where results go, and how they look.
pub struct Printer<'a> {
    out: &'a mut dyn Write,
    format: Format,
    query: Option<Query>,
    /// Items printed so far by [`Printer::item`].
    items: usize,
    /// `--output table` needs every item to size its columns.
    table_rows: Vec<Json>,
}

impl<'a> Printer<'a> {
    pub fn new(out: &'a mut dyn Write, format: Format, query: Option<Query>) -> Self {
        Printer {
            out,
            format,
            query,
            items: 0,
            table_rows: Vec::new(),
        }
    }

    /// Prints one whole result.
    pub fn value(&mut self, value: Json) -> Result<(), CliError> {
        let value = self.filter(value)?;
        let text = match self.format {
            Format::Json => pretty(&value),
            Format::Table => table(&value),
            Format::Text => text(&value),
        };
        self.write(text.as_bytes())
    }

    /// Raw text, e.g. a dry run's request.
    pub fn raw(&mut self, text: &str) -> Result<(), CliError> {
        self.write(text.as_bytes())
    }

    /// One item of a stream (`--all-pages`); call [`Printer::finish`] after the last.
    pub fn item(&mut self, value: Json) -> Result<(), CliError> {
        let value = self.filter(value)?;
        let first = self.items == 0;
        self.items += 1;
        match self.format {
            Format::Json => {
                let mut text = String::from(if first { "[\n" } else { ",\n" });
                text.push_str(pretty(&value).trim_end());
                self.write(text.as_bytes())?;
            }
            Format::Text => self.write(format!("{}\n", line(&value)).as_bytes())?,
            Format::Table => {
                self.table_rows.push(value);
                return Ok(());
            }
        }
        // Streamed: a reader sees each item when it arrives, not when a buffer fills.
        self.flush()
    }

    pub fn finish(&mut self) -> Result<(), CliError> {
        match self.format {
            Format::Json if self.items == 0 => self.write(b"[]\n")?,
            Format::Json => self.write(b"\n]\n")?,
            Format::Text => {}
            Format::Table => {
                let rows = Json::Array(std::mem::take(&mut self.table_rows));
                self.write(table(&rows).as_bytes())?;
            }
        }
        self.flush()
    }

    pub fn flush(&mut self) -> Result<(), CliError> {
        self.out.flush().map_err(write_error)
    }

    fn filter(&self, value: Json) -> Result<Json, CliError> {
        match &self.query {
            Some(query) => query.apply(value),
            None => Ok(value),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out.write_all(bytes).map_err(write_error)
    }
}

/// A closed pipe stops the command with success and no message; other errors are reported.
pub fn write_error(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::new(ExitCode::Ok, "")
    } else {
        CliError::caused(ExitCode::Failure, "cannot write the output", &e)
    }
}

fn pretty(value: &Json) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// A scalar as plain text (strings unquoted, null empty); anything else as compact JSON, all
/// on one line.
fn line(value: &Json) -> String {
    let text = match value {
        Json::Scalar(Value::Null) => String::new(),
        Json::Scalar(Value::String(s)) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    text.replace('\n', "\\n")
}

fn text(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Object(fields) => {
            for (key, value) in fields {
                out.push_str(&format!("{key}\t{}\n", line(value)));
            }
        }
        Json::Array(items) => {
            for item in items {
                out.push_str(&line(item));
                out.push('\n');
            }
        }
        scalar => {
            out.push_str(&line(scalar));
            out.push('\n');
        }
    }
    out
}

/// A list of objects becomes one row per object; an object becomes key/value rows; anything
/// else one column.
fn table(value: &Json) -> String {
    let (header, rows): (Vec<String>, Vec<Vec<String>>) = match value {
        Json::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.as_object().is_some()) =>
        {
            let objects: Vec<&[(String, Json)]> =
                items.iter().filter_map(Json::as_object).collect();
            let mut columns: Vec<String> = Vec::new();
            for (key, _) in objects.iter().flat_map(|o| o.iter()) {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
            let rows = objects
                .iter()
                .map(|fields| {
                    columns
                        .iter()
                        .map(|c| {
                            fields
                                .iter()
                                .find(|(k, _)| k == c)
                                .map(|(_, v)| line(v))
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect();
            (columns, rows)
        }
        Json::Array(items) => (
            vec!["Value".to_owned()],
            items.iter().map(|v| vec![line(v)]).collect(),
        ),
        Json::Object(fields) => (
            vec!["Key".to_owned(), "Value".to_owned()],
            fields
                .iter()
                .map(|(k, v)| vec![k.clone(), line(v)])
                .collect(),
        ),
        scalar => (vec!["Value".to_owned()], vec![vec![line(scalar)]]),
    };
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let border = {
        let parts: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        format!("+{}+\n", parts.join("+"))
    };
    let render = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {c}{} ", " ".repeat(w - c.chars().count())))
            .collect();
        format!("|{}|\n", parts.join("|"))
    };
    let mut out = border.clone();
    out.push_str(&render(&header));
    out.push_str(&border);
    for row in &rows {
        out.push_str(&render(row));
    }
    out.push_str(&border);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn objects_keep_their_key_order() {
        let value = parse(r#"{"b":1,"a":{"d":[true,null],"c":"x"}}"#);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"b":1,"a":{"d":[true,null],"c":"x"}}"#
        );
    }

    #[test]
    fn tables_align_lists_of_objects() {
        let rows = parse(r#"[{"GroupId": "a", "Num": 10}, {"GroupId": "bbb", "Tag": null}]"#);
        assert_eq!(
            table(&rows),
            "+---------+-----+-----+\n\
             | GroupId | Num | Tag |\n\
             +---------+-----+-----+\n\
             | a       | 10  |     |\n\
             | bbb     |     |     |\n\
             +---------+-----+-----+\n"
        );
    }

    #[test]
    fn text_is_tab_separated_for_objects_and_one_line_per_item() {
        assert_eq!(
            text(&parse(r#"{"Tags": ["x"], "GroupId": "a"}"#)),
            "Tags\t[\"x\"]\nGroupId\ta\n"
        );
        assert_eq!(text(&parse(r#"["a", {"b": 1}]"#)), "a\n{\"b\":1}\n");
    }
}
