//! Where each key of a YAML file is, so that problems found after parsing can still name a line.
//!
//! Paths look like `input[0].constraints.max_length`: mapping keys joined by `.`, sequence
//! items as `[i]`. The YAML parser's event stream gives a position for every node.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default, Clone)]
pub struct Locator {
    positions: HashMap<String, Position>,
    /// Keys that appear twice in one mapping, with the position of the second one.
    pub duplicate_keys: Vec<(String, Position)>,
}

impl Locator {
    /// Indexes `source`; a file the YAML parser rejects yields an empty index (serde_yaml
    /// reports that error with its own position).
    pub fn index(source: &str) -> Locator {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        if parser.load(&mut builder, false).is_err() {
            return Locator::default();
        }
        builder.locator
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(pos) = self.positions.get(path) {
                return Some(*pos);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, next: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    keys_seen: Vec<Vec<String>>,
    locator: Locator,
}

impl Builder {
    /// Called at the start of every node; returns its path, or `None` if the node is a key.
    fn node_path(&mut self, mark: Marker, scalar: Option<&str>) -> Option<String> {
        let pos = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence { path, next }) => {
                let item = format!("{path}[{next}]");
                *next += 1;
                self.locator.positions.insert(item.clone(), pos);
                Some(item)
            }
            Some(Frame::Mapping { path, key }) => match key.take() {
                Some(k) => Some(join(path, &k)),
                None => {
                    let k = scalar.unwrap_or("?").to_owned();
                    let full = join(path, &k);
                    let seen = self.keys_seen.last_mut().expect("one key list per mapping");
                    if seen.contains(&k) {
                        self.locator.duplicate_keys.push((full.clone(), pos));
                    } else {
                        seen.push(k.clone());
                        self.locator.positions.insert(full, pos);
                    }
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.node_path(mark, Some(&value));
            }
            Event::Alias(_) => {
                self.node_path(mark, None);
            }
            Event::MappingStart(..) => {
                let path = self.node_path(mark, None).unwrap_or_default();
                self.stack.push(Frame::Mapping { path, key: None });
                self.keys_seen.push(Vec::new());
            }
            Event::SequenceStart(..) => {
                let path = self.node_path(mark, None).unwrap_or_default();
                self.stack.push(Frame::Sequence { path, next: 0 });
            }
            Event::MappingEnd => {
                self.stack.pop();
                self.keys_seen.pop();
            }
            Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "action: X\ninput:\n  - name: A\n    type: string\n  - name: B\n    constraints:\n      max_length: 3\n";

    #[test]
    fn finds_keys_and_items() {
        let loc = Locator::index(DOC);
        assert_eq!(loc.find("action"), Some(Position { line: 1, column: 1 }));
        assert_eq!(
            loc.find("input[1].name"),
            Some(Position { line: 5, column: 5 })
        );
        assert_eq!(
            loc.find("input[1].constraints.max_length"),
            Some(Position { line: 7, column: 7 })
        );
        // Falls back to the nearest ancestor.
        assert_eq!(
            loc.find("input[0].type.nothing"),
            Some(Position { line: 4, column: 5 })
        );
    }

    #[test]
    fn reports_duplicate_keys() {
        let loc = Locator::index("a: 1\nb: 2\na: 3\n");
        assert_eq!(
            loc.duplicate_keys,
            vec![("a".to_owned(), Position { line: 3, column: 1 })]
        );
    }
}
