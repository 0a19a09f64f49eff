//! From a JSON pointer back to the file, line and column it came from.
//!
//! Nothing is recorded per value: the map keeps each file's text and where in the document
//! its values went, and parses the text again and walks its tree along a pointer only when
//! a diagnostic asks for a location. A pointer is answered as if every value had recorded
//! the span of its key and of its value, later files overriding earlier ones, with the
//! nearest enclosing value standing in for one that has no span.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use toml_edit::{ArrayOfTables, Item, Table};

use crate::diagnostic::{FileId, Location};

/// Maps JSON pointers (`/organisations/2/id`) to their place in the source files.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// In the order the values were merged into the document: a later layer wins.
    layers: Vec<Layer>,
    pub(super) root_file: FileId,
}

/// The values one parsed file put into the document.
#[derive(Debug, Clone)]
struct Layer {
    file: FileId,
    tree: Arc<Tree>,
    mount: Mount,
    /// Pointer prefixes the layer is restricted to (sections taken from the defaults).
    within: Vec<String>,
}

/// A file's TOML tree, parsed when a location inside the file is first asked for: the
/// trees of a large operation take several times the memory of its values, and most
/// checks ask for no location at all.
#[derive(Debug)]
pub(super) struct Tree {
    text: Arc<str>,
    table: OnceLock<Option<Table>>,
}

impl Tree {
    pub(super) fn new(text: Arc<str>) -> Arc<Self> {
        Arc::new(Tree {
            text,
            table: OnceLock::new(),
        })
    }

    fn table(&self) -> Option<&Table> {
        self.table
            .get_or_init(|| {
                let document = toml_edit::Document::parse(&*self.text).ok()?;
                Some(document.into_table())
            })
            .as_ref()
    }
}

/// Which of a file's values the layer covers, and at which pointers.
#[derive(Debug, Clone)]
pub(super) enum Mount {
    /// Every top-level key, at the same pointer as in the file.
    Root,
    /// One top-level key (escaped for a pointer) and everything below it.
    Key(String),
    /// The elements of one top-level list, appended after `offset` elements of the
    /// document's list of the same name.
    Append { key: String, offset: usize },
}

/// A value of a TOML tree, as a pointer segment steps into it.
#[derive(Debug, Clone, Copy)]
enum Node<'a> {
    Table(&'a Table),
    Tables(&'a ArrayOfTables),
    Value(&'a toml_edit::Value),
}

/// Where one value came from: the span of its key and of its value.
#[derive(Debug, Clone)]
struct Origin {
    file: FileId,
    key: Option<Range<usize>>,
    value: Option<Range<usize>>,
}

impl SourceMap {
    pub(super) fn new(root_file: FileId) -> Self {
        SourceMap {
            layers: Vec::new(),
            root_file,
        }
    }

    /// Adds the values of `file` (whose text `tree` holds) that `mount` names; they
    /// override whatever earlier layers said about the same pointers.
    pub(super) fn push(&mut self, file: FileId, tree: Arc<Tree>, mount: Mount) {
        self.layers.push(Layer {
            file,
            tree,
            mount,
            within: Vec::new(),
        });
    }

    /// The value at `pointer`, or failing that the nearest enclosing value that has a span.
    pub fn value(&self, pointer: &str) -> Option<Location> {
        self.find(pointer, |o| o.value.clone().or_else(|| o.key.clone()))
    }

    /// The key of the entry at `pointer` (for unknown or misspelt keys).
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.find(pointer, |o| o.key.clone().or_else(|| o.value.clone()))
    }

    /// Takes over the origins under `prefix` from `other`, as coming from `file`.
    pub fn adopt(&mut self, other: &SourceMap, prefix: &str, file: FileId) {
        for layer in &other.layers {
            let mut within = layer.within.clone();
            within.push(prefix.to_owned());
            self.layers.push(Layer {
                file,
                within,
                ..layer.clone()
            });
        }
    }

    fn find(
        &self,
        pointer: &str,
        pick: impl Fn(&Origin) -> Option<Range<usize>>,
    ) -> Option<Location> {
        let steps = steps(pointer);
        // The origin of each pointer on the way down, from the last layer that has one.
        let mut origins: Vec<Option<Origin>> = vec![None; steps.len()];
        for layer in &self.layers {
            layer.trace(pointer, &steps, |depth, origin| {
                origins[depth] = Some(origin)
            });
        }
        let found = origins.iter().rev().flatten().find_map(|origin| {
            pick(origin).map(|span| Location {
                file: origin.file,
                span,
            })
        });
        Some(found.unwrap_or(Location {
            file: self.root_file,
            span: 0..0,
        }))
    }
}

/// A pointer's segments, each with where the pointer up to and including it ends. A
/// pointer that does not start with `/` has none (nothing is recorded there).
fn steps(pointer: &str) -> Vec<(&str, usize)> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Vec::new();
    };
    let mut end = 0;
    rest.split('/')
        .map(|segment| {
            end += 1 + segment.len();
            (segment, end)
        })
        .collect()
}

impl Layer {
    /// Calls `found` for each pointer on the way to `pointer` that this layer has a value
    /// at, with the pointer's depth (0 for a top-level key).
    fn trace(&self, pointer: &str, steps: &[(&str, usize)], mut found: impl FnMut(usize, Origin)) {
        let mut found = |depth: usize, key: Option<Range<usize>>, node: Node<'_>| {
            let at = &pointer[..steps[depth].1];
            if self.within.iter().all(|prefix| is_under(at, prefix)) {
                found(
                    depth,
                    Origin {
                        file: self.file,
                        key,
                        value: node.span(),
                    },
                );
            }
        };
        let Some(&(first, _)) = steps.first() else {
            return;
        };
        let covered = match &self.mount {
            Mount::Root => true,
            Mount::Key(key) | Mount::Append { key, .. } => key == first,
        };
        let Some(table) = covered.then(|| self.tree.table()).flatten() else {
            return;
        };
        let (mut node, from) = match &self.mount {
            Mount::Root => (Node::Table(table), 0),
            Mount::Key(key) if key == first => (Node::Table(table), 0),
            Mount::Key(_) => return,
            Mount::Append { key, offset } if key == first => {
                let Some(element) = steps.get(1).and_then(|&(index, _)| {
                    let list = Node::Table(table).child(first)?.1;
                    list.child_at(parse_index(index)?.checked_sub(*offset)?)
                }) else {
                    return;
                };
                found(1, None, element);
                (element, 2)
            }
            Mount::Append { .. } => return,
        };
        for (depth, &(segment, _)) in steps.iter().enumerate().skip(from) {
            let Some((key, child)) = node.child(segment) else {
                return;
            };
            found(depth, key, child);
            node = child;
        }
    }
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Table(t) => t.span(),
            Node::Tables(a) => a.span(),
            Node::Value(v) => v.span(),
        }
    }

    fn of(item: &'a Item) -> Option<Self> {
        match item {
            Item::None => None,
            Item::Value(v) => Some(Node::Value(v)),
            Item::Table(t) => Some(Node::Table(t)),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
        }
    }

    /// The child a pointer segment names, with the span of its key (none for a list's
    /// element).
    fn child(self, segment: &str) -> Option<(Option<Range<usize>>, Node<'a>)> {
        match self {
            Node::Table(t) => {
                let key = unescape(segment)?;
                let child = Node::of(t.get(&key)?)?;
                Some((t.key(&key).and_then(|k| k.span()), child))
            }
            Node::Value(toml_edit::Value::InlineTable(t)) => {
                let key = unescape(segment)?;
                let child = Node::Value(t.get(&key)?);
                Some((t.key(&key).and_then(|k| k.span()), child))
            }
            _ => Some((None, self.child_at(parse_index(segment)?)?)),
        }
    }

    /// The element at `index` of a list (an array or an array of tables).
    fn child_at(self, index: usize) -> Option<Node<'a>> {
        match self {
            Node::Tables(a) => a.get(index).map(Node::Table),
            Node::Value(toml_edit::Value::Array(a)) => a.get(index).map(Node::Value),
            _ => None,
        }
    }
}

/// The key a pointer segment names; `None` for a segment no key escapes to (`~2`).
fn unescape(segment: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !segment.contains('~') {
        return Some(segment.into());
    }
    let key = segment.replace("~1", "/").replace("~0", "~");
    (super::source::escape(&key) == segment).then_some(key.into())
}

/// A list index as a pointer writes it: decimal digits, no sign, no leading zero.
fn parse_index(segment: &str) -> Option<usize> {
    let canonical = segment.bytes().all(|b| b.is_ascii_digit())
        && !segment.is_empty()
        && (segment == "0" || !segment.starts_with('0'));
    canonical.then(|| segment.parse().ok()).flatten()
}

/// Whether `pointer` is `prefix` or lies below it.
fn is_under(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(files: &[(&str, Mount)]) -> SourceMap {
        let mut map = SourceMap::new(0);
        for (file, (text, mount)) in files.iter().enumerate() {
            map.push(file, Tree::new(Arc::from(*text)), mount.clone());
        }
        map
    }

    fn at(map: &SourceMap, pointer: &str) -> (FileId, usize) {
        let location = map.value(pointer).unwrap();
        (location.file, location.span.start)
    }

    #[test]
    fn appended_elements_come_from_their_own_file() {
        let map = map(&[
            ("[[s]]\nid = 1\n", Mount::Root),
            (
                "[[s]]\nid = 2\n",
                Mount::Append {
                    key: "s".into(),
                    offset: 1,
                },
            ),
        ]);
        assert_eq!(at(&map, "/s/0/id"), (0, 11));
        assert_eq!(at(&map, "/s/1/id"), (1, 11));
        // The list itself is the first file's; an element past the end falls back to it.
        assert_eq!(map.key("/s").unwrap().file, 0);
        assert_eq!(at(&map, "/s/2/id").0, 0);
    }

    #[test]
    fn segments_are_read_as_a_pointer_writes_them() {
        let map = map(&[("\"a/b\" = [10, 20]\n", Mount::Root)]);
        assert_eq!(at(&map, "/a~1b/1"), (0, 13));
        // `01` and `+1` name no element: the list stands in.
        assert_eq!(at(&map, "/a~1b/01"), (0, 8));
        assert_eq!(at(&map, "/a~1b/+1"), (0, 8));
        // No key escapes to `~2`, and a pointer must start with `/`.
        assert_eq!(at(&map, "/a~2b"), (0, 0));
        assert_eq!(at(&map, "a~1b"), (0, 0));
    }

    #[test]
    fn adopted_origins_stay_under_their_prefix() {
        let defaults = map(&[("[x]\na = 1\n[y]\nb = 2\n", Mount::Root)]);
        let mut target = map(&[("[x]\nc = 3\n", Mount::Root)]);
        target.adopt(&defaults, "/y", 7);
        assert_eq!(at(&target, "/y/b"), (7, 18));
        assert_eq!(at(&target, "/x/a").0, 0);
    }
}
