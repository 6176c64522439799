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
    /// Aligned columns: the response's one list (or the queried one) as rows.
    Table,
    /// Tab-separated rows, as the AWS CLI's text output.
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
            Format::Text => self.write(text(&value).as_bytes())?,
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
/// on one line (newlines and tabs escaped, so a row stays one line of cells).
fn line(value: &Json) -> String {
    let text = match value {
        Json::Scalar(Value::Null) => String::new(),
        Json::Scalar(Value::String(s)) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    text.replace('\n', "\\n").replace('\t', "\\t")
}

fn is_scalar(value: &Json) -> bool {
    matches!(value, Json::Scalar(_))
}

/// `--output text`, as the AWS CLI writes it: an object's scalars on one tab-separated row,
/// prefixed by the upper-cased name of the list or object it is in; each nested list or object
/// then follows under its own name. In a list of objects every row has the same columns (the
/// scalar keys of all items, a missing one empty). A list of scalars is one row, or one row per
/// value under a name. Keys keep the API's order (the AWS CLI sorts them).
fn text(value: &Json) -> String {
    let mut out = String::new();
    text_into(&mut out, value, None, None);
    out
}

fn text_into(out: &mut String, value: &Json, name: Option<&str>, columns: Option<&[&str]>) {
    match value {
        Json::Object(fields) => {
            let mut row: Vec<String> = name.map(str::to_uppercase).into_iter().collect();
            let nested: Vec<&(String, Json)> = match columns {
                Some(columns) => {
                    row.extend(columns.iter().map(|c| {
                        fields
                            .iter()
                            .find(|(k, v)| k == c && is_scalar(v))
                            .map(|(_, v)| line(v))
                            .unwrap_or_default()
                    }));
                    fields.iter().filter(|(_, v)| !is_scalar(v)).collect()
                }
                None => {
                    row.extend(
                        fields
                            .iter()
                            .filter(|(_, v)| is_scalar(v))
                            .map(|(_, v)| line(v)),
                    );
                    fields.iter().filter(|(_, v)| !is_scalar(v)).collect()
                }
            };
            if row.len() > usize::from(name.is_some()) {
                out.push_str(&row.join("\t"));
                out.push('\n');
            }
            for (key, value) in nested {
                text_into(out, value, Some(key), None);
            }
        }
        Json::Array(items) => {
            let scalars: Vec<&Json> = items.iter().filter(|i| is_scalar(i)).collect();
            if !scalars.is_empty() {
                match name {
                    Some(name) => {
                        for item in scalars {
                            out.push_str(&format!("{}\t{}\n", name.to_uppercase(), line(item)));
                        }
                    }
                    None => {
                        let cells: Vec<String> = scalars.into_iter().map(line).collect();
                        out.push_str(&cells.join("\t"));
                        out.push('\n');
                    }
                }
            }
            let columns = scalar_columns(items);
            for item in items.iter().filter(|i| !is_scalar(i)) {
                text_into(out, item, name, Some(&columns));
            }
        }
        scalar => {
            out.push_str(&line(scalar));
            out.push('\n');
        }
    }
}

/// The keys with a scalar value in any object of `items`, in first-seen order.
fn scalar_columns(items: &[Json]) -> Vec<&str> {
    let mut columns: Vec<&str> = Vec::new();
    for (key, value) in items.iter().filter_map(Json::as_object).flatten() {
        if is_scalar(value) && !columns.contains(&key.as_str()) {
            columns.push(key);
        }
    }
    columns
}

/// The longest nested value a table cell shows whole (as compact JSON); longer ones are
/// summarised as `[N items]` or `{N fields}`.
const CELL_JSON_LIMIT: usize = 40;

/// A table cell: a scalar as plain text, a nested value as compact JSON when short, else
/// summarised.
fn cell(value: &Json) -> String {
    let whole = line(value);
    if is_scalar(value) || whole.chars().count() <= CELL_JSON_LIMIT {
        return whole;
    }
    let (count, noun) = match value {
        Json::Array(items) => (items.len(), "item"),
        Json::Object(fields) => (fields.len(), "field"),
        Json::Scalar(_) => unreachable!("scalars are returned whole"),
    };
    let plural = if count == 1 { "" } else { "s" };
    match value {
        Json::Array(_) => format!("[{count} {noun}{plural}]"),
        _ => format!("{{{count} {noun}{plural}}}"),
    }
}

/// `--output table`. A list is laid out as rows: a list of objects one row per object with a
/// column per key, anything else one `Value` column. An object with exactly one list in it
/// shows that list (under its name), then its other fields as a `Key`/`Value` table; any other
/// object is a `Key`/`Value` table. `--query` picks another list. Nested values in cells are
/// short JSON or summarised (see [`cell`]).
fn table(value: &Json) -> String {
    match value {
        Json::Array(items) => list_grid(items),
        Json::Object(fields) => {
            let mut lists = fields.iter().filter(|(_, v)| matches!(v, Json::Array(_)));
            match (lists.next(), lists.next()) {
                (Some((name, Json::Array(items))), None) => {
                    let mut out = format!("{name}\n");
                    out.push_str(&list_grid(items));
                    let rest: Vec<&(String, Json)> =
                        fields.iter().filter(|(k, _)| k != name).collect();
                    if !rest.is_empty() {
                        out.push_str(&key_value_grid(rest));
                    }
                    out
                }
                _ => key_value_grid(fields.iter().collect()),
            }
        }
        scalar => grid(&["Value".to_owned()], &[vec![cell(scalar)]]),
    }
}

fn list_grid(items: &[Json]) -> String {
    if items.is_empty() {
        return "(no items)\n".to_owned();
    }
    if !items.iter().all(|i| i.as_object().is_some()) {
        let rows: Vec<Vec<String>> = items.iter().map(|v| vec![cell(v)]).collect();
        return grid(&["Value".to_owned()], &rows);
    }
    let objects: Vec<&[(String, Json)]> = items.iter().filter_map(Json::as_object).collect();
    let mut columns: Vec<String> = Vec::new();
    for (key, _) in objects.iter().flat_map(|o| o.iter()) {
        if !columns.contains(key) {
            columns.push(key.clone());
        }
    }
    let rows: Vec<Vec<String>> = objects
        .iter()
        .map(|fields| {
            columns
                .iter()
                .map(|c| {
                    fields
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| cell(v))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    grid(&columns, &rows)
}

fn key_value_grid(fields: Vec<&(String, Json)>) -> String {
    let rows: Vec<Vec<String>> = fields
        .into_iter()
        .map(|(k, v)| vec![k.clone(), cell(v)])
        .collect();
    grid(&["Key".to_owned(), "Value".to_owned()], &rows)
}

fn grid(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
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
    out.push_str(&render(header));
    out.push_str(&border);
    for row in rows {
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
    fn a_response_with_one_list_shows_it_as_columns_then_the_rest() {
        let response = parse(
            r#"{"GroupInfos": [{"GroupId": "a", "Tags": ["x"], "Long": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]},
                               {"GroupId": "b", "Tags": [], "Long": {"Name": "a rather longer name for one cell"}}],
                "GroupNum": 2, "RequestId": "r-1"}"#,
        );
        assert_eq!(
            table(&response),
            "GroupInfos\n\
             +---------+-------+------------+\n\
             | GroupId | Tags  | Long       |\n\
             +---------+-------+------------+\n\
             | a       | [\"x\"] | [20 items] |\n\
             | b       | []    | {1 field}  |\n\
             +---------+-------+------------+\n\
             +-----------+-------+\n\
             | Key       | Value |\n\
             +-----------+-------+\n\
             | GroupNum  | 2     |\n\
             | RequestId | r-1   |\n\
             +-----------+-------+\n"
        );
    }

    #[test]
    fn objects_without_exactly_one_list_are_key_value_tables() {
        let two_lists = parse(r#"{"A": [1], "B": [], "C": {"D": null}}"#);
        assert_eq!(
            table(&two_lists),
            "+-----+------------+\n\
             | Key | Value      |\n\
             +-----+------------+\n\
             | A   | [1]        |\n\
             | B   | []         |\n\
             | C   | {\"D\":null} |\n\
             +-----+------------+\n"
        );
        assert_eq!(table(&parse(r#"{"L": []}"#)), "L\n(no items)\n");
    }

    #[test]
    fn text_rows_follow_the_aws_cli() {
        let response = parse(
            r#"{"Results": [{"Candidates": [{"PersonId": "p1", "Score": 99.5}, {"PersonId": "p2", "Name": "x\ty"}],
                             "RetCode": 0, "Tags": ["a", "b"]}],
                "FaceNum": 1, "RequestId": "r-1"}"#,
        );
        assert_eq!(
            text(&response),
            "1\tr-1\n\
             RESULTS\t0\n\
             CANDIDATES\tp1\t99.5\t\n\
             CANDIDATES\tp2\t\tx\\ty\n\
             TAGS\ta\n\
             TAGS\tb\n"
        );
        assert_eq!(text(&parse(r#"["g1", "g2"]"#)), "g1\tg2\n");
        assert_eq!(text(&parse(r#""one""#)), "one\n");
        assert_eq!(text(&parse(r#"[]"#)), "");
    }
}
