//! The template engine: Tera with the built-in chapters (each overridable from the
//! country folder), Markdown escaping of every value, and the SOP's own functions and
//! filters (`t`, `duration`, `date`, `num`, `names`).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tera::{Context, Tera};

use super::cite::Citer;
use super::markdown::escape;
use super::text::{Prose, fill_escaped};

pub use crate::library::sop::{CHAPTERS, DIRECTORY, FRONT, template_name};

/// Parses the built-in chapters with the country's overrides (by template name)
/// replacing them. Errors name the template and the line.
pub fn load(overrides: &std::collections::BTreeMap<String, String>) -> Result<Tera, String> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".md"]);
    tera.set_escape_fn(escape);
    // No template may read the environment, the clock or randomness: output must depend
    // on the configuration only.
    for name in ["get_env", "now", "get_random"] {
        tera.register_function(name, move |_: &HashMap<String, Value>| {
            Err(tera::Error::msg(format!(
                "`{name}` is not available in SOP templates: output depends on the configuration only"
            )))
        });
    }
    let templates: Vec<(String, &str)> = CHAPTERS
        .iter()
        .map(|(id, built_in)| (template_name(id), *built_in))
        .chain([(
            DIRECTORY.to_owned(),
            crate::library::sop::DIRECTORY_TEMPLATE,
        )])
        .map(|(name, built_in)| {
            let text = overrides.get(&name).map_or(built_in, String::as_str);
            (name, text)
        })
        .collect();
    tera.add_raw_templates(templates).map_err(|e| {
        let message = describe_error(&e);
        // Point at the country's own file when the broken template is an override.
        match overrides
            .keys()
            .find(|name| message.contains(&format!("'{name}'")))
        {
            Some(name) => format!("templates/{name} (the country folder's override): {message}"),
            None => message,
        }
    })?;
    Ok(tera)
}

/// A Tera error with its causes, which carry the template name and `line:column`.
pub fn describe_error(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!("\n  {cause}"));
        source = cause.source();
    }
    message
}

/// Sentence keys templates asked for that no catalogue has.
pub type Unknown = Arc<Mutex<BTreeSet<String>>>;

/// Renders one chapter for one language.
pub fn render_chapter(tera: &Tera, chapter: &str, context: &Context) -> Result<String, String> {
    tera.render(&template_name(chapter), context)
        .map_err(|e| describe_error(&e))
}

/// A copy of the engine with the functions and filters of one language registered.
pub fn for_language(
    tera: &Tera,
    prose: Arc<Prose>,
    lookups: Arc<Names>,
    unknown: Unknown,
    citer: Arc<Citer>,
) -> Tera {
    let mut tera = tera.clone();
    tera.register_function(
        "t",
        Sentence {
            prose: prose.clone(),
            unknown,
            citer: citer.clone(),
        },
    );
    // `origin(of="consent_ages")`: the source of a section the defaults may fill, or the
    // mark of the operation's choice.
    tera.register_function("origin", SectionOrigin(citer.clone()));
    let c = citer.clone();
    tera.register_function("sources_cited", move |_: &HashMap<String, Value>| {
        Ok(c.sources())
    });
    let c = citer;
    tera.register_function("choices_made", move |_: &HashMap<String, Value>| {
        Ok(c.choices())
    });
    // A duration in words ("3 days") and how often ("every 3 days").
    type InWords = fn(&Prose, crate::config::Duration) -> String;
    let in_words: [(&str, InWords); 2] = [
        ("duration", Prose::duration),
        ("frequency", Prose::frequency),
    ];
    for (name, words) in in_words {
        let p = prose.clone();
        tera.register_filter(name, move |value: &Value, _: &HashMap<String, Value>| {
            let text = value.as_str().unwrap_or_default();
            let duration: crate::config::Duration = text
                .parse()
                .map_err(|e: String| tera::Error::msg(format!("{name}: {e}")))?;
            Ok(Value::String(words(&p, duration)))
        });
    }
    let p = prose.clone();
    tera.register_filter("date", move |value: &Value, _: &HashMap<String, Value>| {
        let text = value.as_str().unwrap_or_default();
        let date: crate::config::Date = text
            .parse()
            .map_err(|e: String| tera::Error::msg(format!("date: {e}")))?;
        Ok(Value::String(p.date(date)))
    });
    let p = prose.clone();
    tera.register_filter("num", move |value: &Value, _: &HashMap<String, Value>| {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(Value::String(p.digits(&text)))
    });
    let p = prose.clone();
    tera.register_filter(
        "country",
        move |value: &Value, _: &HashMap<String, Value>| {
            // Country names come from the SOP catalogue; a country it lacks shows its ISO code.
            let code = value.as_str().unwrap_or_default();
            let name = p
                .lookup(&format!("country.{code}"))
                .map_or_else(|| code.to_owned(), |found| found.text.to_owned());
            Ok(Value::String(name))
        },
    );
    let p = prose.clone();
    tera.register_filter(
        "language_names",
        move |value: &Value, _: &HashMap<String, Value>| {
            // A language by its name in the SOP's language (`language.<tag>`); one the
            // catalogue lacks keeps its tag rather than vanish.
            let names: Vec<String> = strings(value)
                .map(|tag| {
                    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
                    p.lookup(&format!("language.{primary}"))
                        .map_or_else(|| tag.to_owned(), |f| f.text.to_owned())
                })
                .collect();
            Ok(Value::String(join_list(&p, &names)))
        },
    );
    // `list | joined(with="semicolon")`: items joined with the language's own punctuation.
    let p = prose.clone();
    tera.register_filter(
        "joined",
        move |value: &Value, args: &HashMap<String, Value>| {
            let with = args.get("with").and_then(Value::as_str).unwrap_or("comma");
            let key = if with == "semicolon" {
                "list.semicolon"
            } else {
                "list.separator"
            };
            let items: Vec<String> = value
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            Ok(Value::String(directed(&p, &items).join(&p.get(key))))
        },
    );
    // Phone numbers keep together: their spaces do not break a line, and they read left
    // to right in a right-to-left sentence too (`+235 66 00 01 07`, not `07 01 00 66 235+`).
    tera.register_filter("unbroken", |value: &Value, _: &HashMap<String, Value>| {
        let text = value.as_str().unwrap_or_default();
        Ok(Value::String(super::passages::isolate_ltr(
            &text.replace(' ', "\u{a0}"),
        )))
    });
    // A lower-case label as a heading: its first letter capitalised, the rest as written
    // (Tera's `capitalize` would lower-case "UNHCR").
    tera.register_filter(
        "upper_first",
        |value: &Value, _: &HashMap<String, Value>| {
            let text = value.as_str().unwrap_or_default();
            let mut chars = text.chars();
            Ok(Value::String(match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }))
        },
    );
    let p = prose.clone();
    let names_of = lookups.clone();
    tera.register_filter(
        "parties",
        move |value: &Value, _: &HashMap<String, Value>| {
            // A default role the country keeps shows its own name; one it does not define
            // is described in the SOP's words (`data.party.<id>`).
            let roles = names_of.get("role");
            let names: Vec<String> = strings(value)
                .map(|id| match roles.and_then(|r| r.get(id)) {
                    Some(name) => name.clone(),
                    None => p
                        .lookup(&format!("data.party.{id}"))
                        .map_or_else(|| id.to_owned(), |f| f.text.to_owned()),
                })
                .collect();
            Ok(Value::String(join_list(&p, &names)))
        },
    );
    let p = prose;
    tera.register_filter(
        "names",
        move |value: &Value, args: &HashMap<String, Value>| {
            let of = args.get("of").and_then(Value::as_str).unwrap_or("role");
            let table = lookups
                .get(of)
                .ok_or_else(|| tera::Error::msg(format!("names: unknown lookup `{of}`")))?;
            let ids: Vec<&str> = match value {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => vec![s.as_str()],
                _ => Vec::new(),
            };
            let names: Vec<String> = ids
                .iter()
                .map(|id| {
                    table
                        .get(*id)
                        .map_or_else(|| (*id).to_owned(), Clone::clone)
                })
                .collect();
            Ok(Value::String(join_list(&p, &names)))
        },
    );
    tera
}

/// The strings of a list value (anything else in it is skipped).
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// What `names(of=…)` and `parties` show for an id: for each lookup of the template
/// context (`role`, `org`, `service`, …), each id's name. Only the names are kept, not the
/// entries, so the lookups do not hold a second copy of a large service directory.
pub type Names = HashMap<String, HashMap<String, String>>;

/// The names of every lookup in `context`: each top-level object's entries by id. A
/// section that is not keyed by id names nothing, so its ids show as written.
pub fn names(context: &Value) -> Names {
    let Some(sections) = context.as_object() else {
        return Names::new();
    };
    sections
        .iter()
        .map(|(section, table)| {
            let names = table
                .as_object()
                .into_iter()
                .flatten()
                .map(|(id, entry)| (id.clone(), display_name(entry, id)))
                .collect();
            (section.clone(), names)
        })
        .collect()
}

/// The name an entry shows: an organisation by its acronym when it has one, anything
/// else by its label, name or title.
fn display_name(entry: &Value, id: &str) -> String {
    ["acronym", "label", "name", "title"]
        .iter()
        .find_map(|key| entry.get(*key).and_then(Value::as_str))
        .unwrap_or(id)
        .to_owned()
}

/// "A, B and C" in the language's words.
pub fn join_list(prose: &Prose, items: &[String]) -> String {
    let items = directed(prose, items);
    match &items[..] {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            let separator = prose.get("list.separator");
            let head = rest.join(&separator);
            prose
                .get("list.and")
                .replace("{head}", &head)
                .replace("{last}", last)
        }
    }
}

/// In a right-to-left language, each item ends with a right-to-left mark, so a list of
/// left-to-right names ("UNHCR، UNICEF، MoSA") keeps its order instead of reading as one
/// left-to-right run.
fn directed(prose: &Prose, items: &[String]) -> Vec<String> {
    if prose.language.direction != crate::config::Direction::Rtl {
        return items.to_vec();
    }
    items.iter().map(|item| format!("{item}\u{200f}")).collect()
}

/// `origin(of="consent_ages")`: the source of a section the defaults may fill, or the
/// mark of the operation's choice. Its output is a token the citer resolves, so it is
/// safe as it is.
struct SectionOrigin(Arc<Citer>);

impl tera::Function for SectionOrigin {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let id = args
            .get("of")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("origin() needs the norm id: origin(of=\"…\")"))?;
        Ok(Value::String(
            self.0.section_mark(id).trim_start().to_owned(),
        ))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `t(k="steps.intro", name=value…)`: a sentence of the catalogue with its placeholders
/// filled by escaped values. The sentence itself is our own Markdown, so it is marked
/// safe; the values inside it are not trusted.
struct Sentence {
    prose: Arc<Prose>,
    unknown: Unknown,
    citer: Arc<Citer>,
}

impl tera::Function for Sentence {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("k")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs the sentence key: t(k=\"…\")"))?;
        if self.prose.lookup(key).is_none()
            && let Ok(mut unknown) = self.unknown.lock()
        {
            unknown.insert(key.to_owned());
        }
        let values: Vec<(&str, String)> = args
            .iter()
            .filter(|(name, _)| name.as_str() != "k")
            .map(|(name, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => self.prose.digits(&n.to_string()),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (name.as_str(), text)
            })
            .collect();
        let mut sentence = fill_escaped(&self.prose.get(key), &values);
        sentence.push_str(&self.citer.sentence_mark(key));
        Ok(Value::String(sentence))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_keep_each_entrys_shown_name_and_nothing_else() {
        let context = json!({
            "org": {
                "unhcr": { "acronym": "UNHCR", "name": "Office of the High Commissioner" },
                "ngo": { "name": "Partner NGO", "description": "A long text" },
            },
            "role": { "case_worker": { "title": "Caseworker" } },
            "area": { "north": { "id": "north" } },
            "services": [{ "id": "s1", "name": "Safe space" }],
            "lang": { "tag": "en" },
        });
        let names = names(&context);
        assert_eq!(names["org"]["unhcr"], "UNHCR", "an acronym comes first");
        assert_eq!(names["org"]["ngo"], "Partner NGO");
        assert_eq!(names["role"]["case_worker"], "Caseworker");
        assert_eq!(
            names["area"]["north"], "north",
            "an entry with no name shows its id"
        );
        assert!(names["services"].is_empty(), "a list is not a lookup by id");
        assert_eq!(
            names["lang"]["tag"], "tag",
            "a value that is no entry shows its key"
        );
        assert!(
            !names["org"].values().any(|n| n.contains("long text")),
            "only names are kept"
        );
    }
}
