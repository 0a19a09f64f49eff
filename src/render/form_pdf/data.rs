//! The data the form template prints: every text already chosen in the form's language
//! (and the second language of a bilingual form), numbers, widget sizes and conditions in
//! words. The template decides layout only.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Serialize;

use super::words::Vocabulary;
use crate::config::{DateFormat, Direction, Language, Paper, Sensitivity, Text};
use crate::forms::expr;
use crate::forms::model::{Field, FieldType, FormDefinition, Length};
use crate::forms::resolve::all_fields;
use crate::pack::Pack;
use crate::typeset::fonts_for_script;

/// The words printed on every form (`forms/strings/print.toml`, `[key] lang = "text"`).
pub static PRINT_STRINGS: LazyLock<BTreeMap<String, Text>> = LazyLock::new(|| {
    // Shipped with the binary; a test proves it parses and is complete.
    let Ok(document) =
        ::toml_edit::Document::parse(include_str!("../../../forms/strings/print.toml"))
    else {
        return BTreeMap::new();
    };
    document
        .as_table()
        .iter()
        .filter_map(|(key, item)| {
            let table = item.as_table()?;
            let map = table
                .iter()
                .filter_map(|(l, v)| Some((l.to_owned(), v.as_str()?.to_owned())))
                .collect();
            Some((key.to_owned(), Text::Localised(map)))
        })
        .collect()
});

/// How many print strings have no text in `language` (for the translation check).
pub fn print_strings_missing(strings: &BTreeMap<String, Text>, language: &str) -> usize {
    strings
        .values()
        .filter(|t| t.get(language, "").is_none())
        .count()
}

/// A text in the primary language (`a`) and, on bilingual forms, the second (`b`).
#[derive(Debug, Clone, Serialize)]
pub struct Tx {
    a: String,
    b: Option<String>,
    /// The primary text stands in from a fallback language.
    fallback: bool,
}

#[derive(Serialize)]
struct DocSettings {
    lang: String,
    dir: &'static str,
    fonts: Vec<&'static str>,
    paper: &'static str,
}

#[derive(Serialize)]
struct SecondLanguage {
    lang: String,
    dir: &'static str,
    fonts: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct PrintData {
    title: String,
    doc: DocSettings,
    second: Option<SecondLanguage>,
    strings: BTreeMap<String, Tx>,
    date_order: Vec<&'static str>,
    forms: Vec<PrintForm>,
    pack: Option<PackCover>,
}

#[derive(Serialize)]
struct PackCover {
    country: Tx,
    title: Tx,
    sop_title: Tx,
    version_line: Tx,
    intro: Tx,
    contents: Tx,
}

#[derive(Serialize)]
struct Header {
    country: Tx,
    sop_title: Tx,
    version_line: Tx,
    logos: Vec<Logo>,
}

#[derive(Serialize)]
struct Logo {
    path: String,
    alt: String,
}

#[derive(Serialize)]
struct PrintForm {
    id: String,
    title: Tx,
    purpose: Tx,
    header: Header,
    marking: Tx,
    fallback_note: Option<Tx>,
    sections: Vec<PrintSection>,
}

#[derive(Serialize)]
struct PrintSection {
    number: String,
    title: Tx,
    hint: Option<Tx>,
    skip: Option<Tx>,
    fields: Vec<PrintField>,
}

#[derive(Serialize)]
struct PrintField {
    number: String,
    kind: FieldType,
    label: Tx,
    hint: Option<Tx>,
    guidance: Option<Tx>,
    required: bool,
    skip: Option<Tx>,
    check: Option<Tx>,
    options: Vec<Tx>,
    lines: u8,
    short: bool,
    rows: u8,
    columns: Vec<Column>,
    fields: Vec<PrintField>,
}

#[derive(Serialize)]
struct Column {
    label: Tx,
    kind: FieldType,
}

struct Writer<'a> {
    pack: &'a Pack,
    primary: &'a Language,
    second: Option<&'a Language>,
}

fn direction(language: &Language) -> &'static str {
    match language.direction {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    }
}

fn primary_subtag(language: &Language) -> String {
    language.primary_subtag()
}

fn fonts(language: &Language) -> Vec<&'static str> {
    fonts_for_script(language.script.as_str())
        .unwrap_or(&["Noto Sans"])
        .to_vec()
}

impl Writer<'_> {
    fn one(&self, text: &Text, language: &Language) -> (String, bool) {
        self.shown(text, language, "en")
    }

    /// The text in `language`, or its stand-in (marked as such), or the `last_resort`.
    fn shown(&self, text: &Text, language: &Language, last_resort: &str) -> (String, bool) {
        match self.pack.text(text, language.tag.as_str()) {
            Some(shown) => match shown.fallback_from {
                Some(from) => (self.isolated(shown.text, from, language), true),
                None => (shown.text.to_owned(), false),
            },
            // Validation guarantees a text or a fallback for every configured language;
            // an English stand-in is marked rather than left blank.
            None => {
                let text = text.get("en", "en").unwrap_or(last_resort);
                (self.isolated(text, "en", language), true)
            }
        }
    }

    /// A stand-in text written in the other direction than `language` keeps its own
    /// order inside the page (a Unicode isolate): English on a Persian form reads
    /// "Questions marked * must be answered.", full stop at the end.
    fn isolated(&self, text: &str, from: &str, language: &Language) -> String {
        let from_direction = self
            .pack
            .config
            .languages
            .iter()
            .find(|l| l.tag.as_str() == from)
            .map_or(Direction::Ltr, |l| l.direction);
        match (from_direction, language.direction) {
            (Direction::Ltr, Direction::Rtl) => format!("\u{2066}{text}\u{2069}"),
            (Direction::Rtl, Direction::Ltr) => format!("\u{2067}{text}\u{2069}"),
            _ => text.to_owned(),
        }
    }

    fn tx(&self, text: &Text) -> Tx {
        let (a, fallback) = self.one(text, self.primary);
        let b = self.second.map(|s| self.one(text, s).0);
        Tx { a, b, fallback }
    }

    fn string(&self, key: &str) -> Tx {
        let text = self
            .pack
            .print_strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| Text::Plain(key.to_owned()));
        let pick = |language: &Language| self.shown(&text, language, key);
        let (a, fallback) = pick(self.primary);
        Tx {
            a,
            b: self.second.map(|s| pick(s).0),
            fallback,
        }
    }

    fn filled(&self, key: &str, pairs: &[(&str, String)]) -> Tx {
        let mut tx = self.string(key);
        for (k, v) in pairs {
            tx.a = tx.a.replace(&format!("{{{k}}}"), v);
            tx.b = tx.b.map(|b| b.replace(&format!("{{{k}}}"), v));
        }
        tx
    }

    /// A condition in words, wrapped in the phrase `key` ("Answer only if …").
    fn condition(
        &self,
        key: &str,
        source: &Option<String>,
        form: &FormDefinition,
        numbers: &HashMap<String, String>,
    ) -> Option<Tx> {
        let parsed = expr::parse(source.as_deref()?).ok()?;
        // Whether any piece of the sentence stands in from a fallback language.
        let stood_in = std::cell::Cell::new(false);
        let say = |language: &Language| {
            let one = |text: &Text| {
                let (shown, fallback) = self.one(text, language);
                stood_in.set(stood_in.get() || fallback);
                shown
            };
            let phrase = |k: &str| {
                let text = self
                    .pack
                    .print_strings
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| Text::Plain(k.to_owned()));
                one(&text)
            };
            let option = |field: &str, option: &str| {
                let list = all_fields(form)
                    .into_iter()
                    .find(|f| f.id.as_str() == field)?
                    .choices
                    .as_ref()?;
                let label = &self
                    .pack
                    .forms
                    .choices
                    .get(list)?
                    .options
                    .iter()
                    .find(|o| o.id.as_str() == option)?
                    .label;
                Some(one(label))
            };
            let vocabulary = Vocabulary {
                phrase: &phrase,
                numbers,
                option: &option,
            };
            phrase(key).replace("{condition}", &vocabulary.describe(&parsed))
        };
        let a = say(self.primary);
        let fallback = stood_in.get();
        Some(Tx {
            a,
            b: self.second.map(say),
            fallback,
        })
    }

    fn field(
        &self,
        field: &Field,
        number: String,
        form: &FormDefinition,
        numbers: &HashMap<String, String>,
    ) -> PrintField {
        let options = match field.kind {
            FieldType::SingleChoice | FieldType::MultipleChoice => field
                .choices
                .as_ref()
                .and_then(|list| self.pack.forms.choices.get(list))
                .map(|list| list.options.iter().map(|o| self.tx(&o.label)).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let (lines, short) = match (field.kind, field.length) {
            (FieldType::Text, Some(Length::Short)) => (1, true),
            (FieldType::Text, Some(Length::Long)) => (3, false),
            (FieldType::LongText, Some(Length::Short)) => (2, false),
            (FieldType::LongText, Some(Length::Long)) => (6, false),
            (FieldType::LongText, _) => (4, false),
            _ => (1, false),
        };
        let children = if field.kind == FieldType::Group {
            field
                .fields
                .iter()
                .enumerate()
                .map(|(i, child)| self.field(child, format!("{number}.{}", i + 1), form, numbers))
                .collect()
        } else {
            Vec::new()
        };
        let columns = if field.kind == FieldType::Repeat {
            field
                .fields
                .iter()
                .filter(|c| c.kind.holds_answer())
                .map(|c| Column {
                    label: self.tx(&c.label),
                    kind: c.kind,
                })
                .collect()
        } else {
            Vec::new()
        };
        PrintField {
            kind: field.kind,
            label: self.tx(&field.label),
            hint: field.hint.as_ref().map(|t| self.tx(t)),
            guidance: field.guidance.as_ref().map(|t| self.tx(t)),
            required: field.required,
            skip: self.condition("answer_only_if", &field.relevant, form, numbers),
            check: self.condition("must_hold", &field.constraint, form, numbers),
            options,
            lines,
            short,
            rows: field.rows.unwrap_or(4),
            columns,
            fields: children,
            number,
        }
    }

    fn form(&self, form: &FormDefinition) -> PrintForm {
        // Question numbers first: conditions refer to them.
        let mut numbers = HashMap::new();
        fn number_fields(fields: &[Field], prefix: &str, numbers: &mut HashMap<String, String>) {
            for (i, field) in fields.iter().enumerate() {
                let number = format!("{prefix}.{}", i + 1);
                if field.kind == FieldType::Group {
                    number_fields(&field.fields, &number, numbers);
                } else if field.kind == FieldType::Repeat {
                    for child in &field.fields {
                        numbers.insert(child.id.to_string(), number.clone());
                    }
                }
                numbers.insert(field.id.to_string(), number);
            }
        }
        for (s, section) in form.sections.iter().enumerate() {
            number_fields(&section.fields, &(s + 1).to_string(), &mut numbers);
        }
        let sop = &self.pack.config.sop;
        let sensitivity = all_fields(form)
            .iter()
            .map(|f| f.sensitivity)
            .max()
            .unwrap_or(Sensitivity::Public);
        let marking = match sensitivity {
            Sensitivity::Public => "marking_public",
            Sensitivity::Internal => "marking_internal",
            Sensitivity::Confidential => "marking_confidential",
            Sensitivity::HighlyConfidential => "marking_highly_confidential",
        };
        let any_fallback = crate::forms::resolve::form_texts(form).iter().any(|t| {
            self.pack
                .text(t, self.primary.tag.as_str())
                .is_some_and(|s| s.fallback_from.is_some())
        });
        let fallback_note = any_fallback.then(|| {
            let from = self
                .primary
                .fallback
                .as_ref()
                .and_then(|f| self.pack.languages().iter().find(|l| &l.tag == f))
                .map_or_else(|| "English".to_owned(), |l| l.name.clone());
            self.filled("fallback_note", &[("language", from)])
        });
        PrintForm {
            id: form.id.to_string(),
            title: self.tx(&form.title),
            purpose: self.tx(&form.purpose),
            header: Header {
                country: self.tx(&sop.operation),
                sop_title: self.tx(&sop.title),
                version_line: self.filled(
                    "version_line",
                    &[
                        ("form_version", form.version.to_string()),
                        ("sop_version", sop.version.to_string()),
                        (
                            "date",
                            format_date(sop.effective_date, self.pack.config.forms.date_format),
                        ),
                    ],
                ),
                logos: self
                    .pack
                    .logos
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Logo {
                        path: format!("/logos/{i}.{}", l.extension),
                        alt: l.alt.clone(),
                    })
                    .collect(),
            },
            marking: self.string(marking),
            fallback_note,
            sections: form
                .sections
                .iter()
                .enumerate()
                .map(|(s, section)| PrintSection {
                    number: (s + 1).to_string(),
                    title: self.tx(&section.title),
                    hint: section.hint.as_ref().map(|t| self.tx(t)),
                    skip: self.condition("section_only_if", &section.relevant, form, &numbers),
                    fields: section
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| self.field(f, format!("{}.{}", s + 1, i + 1), form, &numbers))
                        .collect(),
                })
                .collect(),
        }
    }
}

fn format_date(date: crate::config::Date, format: DateFormat) -> String {
    match format {
        DateFormat::DayMonthYear => format!("{:02}/{:02}/{:04}", date.day, date.month, date.year),
        DateFormat::MonthDayYear => format!("{:02}/{:02}/{:04}", date.month, date.day, date.year),
        DateFormat::Iso => date.to_string(),
    }
}

impl PrintData {
    /// Each form's title in the primary language, in document order.
    pub fn form_titles(&self) -> impl Iterator<Item = &str> {
        self.forms.iter().map(|f| f.title.a.as_str())
    }
}

/// Everything the template needs for one document of `forms`, behind a cover and
/// contents when `cover` is set.
pub fn print_data(
    pack: &Pack,
    forms: &[usize],
    primary: &Language,
    second: Option<&Language>,
    cover: bool,
) -> PrintData {
    let writer = Writer {
        pack,
        primary,
        second,
    };
    let keys = [
        "page_of",
        "case_id",
        "yes",
        "no",
        "signature",
        "name",
        "role",
        "date",
        "row_number",
        "tick_one",
        "tick_all",
        "required_note",
    ];
    let mut strings: BTreeMap<String, Tx> = keys
        .iter()
        .map(|k| ((*k).to_owned(), writer.string(k)))
        .collect();
    if primary.script.as_str() == "Mymr" {
        strings.insert("unicode_only".into(), writer.string("unicode_only"));
    }
    let printed: Vec<PrintForm> = forms
        .iter()
        .map(|&i| writer.form(&pack.forms.forms[i]))
        .collect();
    let sop = &pack.config.sop;
    let title = if cover || printed.len() > 1 {
        format!(
            "{} – {}",
            writer.string("pack_title").a,
            writer.tx(&sop.title).a
        )
    } else {
        printed
            .first()
            .map(|f| f.title.a.clone())
            .unwrap_or_default()
    };
    let cover = cover.then(|| PackCover {
        country: writer.tx(&sop.operation),
        title: writer.string("pack_title"),
        sop_title: writer.tx(&sop.title),
        version_line: writer.filled("sop_version", &[("version", sop.version.to_string())]),
        intro: writer.string("pack_intro"),
        contents: writer.string("contents"),
    });
    PrintData {
        title,
        doc: DocSettings {
            lang: primary_subtag(primary),
            dir: direction(primary),
            fonts: fonts(primary),
            paper: match pack.config.forms.paper {
                Paper::A4 => "a4",
                Paper::Letter => "us-letter",
            },
        },
        second: second.map(|s| SecondLanguage {
            lang: primary_subtag(s),
            dir: direction(s),
            fonts: fonts(s),
        }),
        strings,
        date_order: match pack.config.forms.date_format {
            DateFormat::DayMonthYear => vec!["DD", "MM", "YYYY"],
            DateFormat::MonthDayYear => vec!["MM", "DD", "YYYY"],
            DateFormat::Iso => vec!["YYYY", "MM", "DD"],
        },
        forms: printed,
        pack: cover,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_written_the_other_way_keep_their_own_order() {
        let text = format!(
            "{}\n[[languages]]\ntag = \"fa\"\nscript = \"Arab\"\ndirection = \"rtl\"\nname = \"فارسی\"\nfallback = \"en\"\n",
            crate::validate::rules::test_support::MINIMAL
        );
        let checked = crate::validate::rules::test_support::checked(&text);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let pack = checked.resolve("country.toml").unwrap().unwrap();
        let [en, fa] = [0, 1].map(|i| &pack.languages()[i]);
        let json = |language| {
            serde_json::to_value(print_data(&pack, &[0], language, None, false)).unwrap()
        };
        let (fa, en) = (json(fa), json(en));
        // English on a Persian page: isolated left to right, marked as a stand-in.
        assert_eq!(
            fa["strings"]["required_note"]["a"]
                .as_str()
                .unwrap()
                .chars()
                .next(),
            Some('\u{2066}')
        );
        assert_eq!(fa["strings"]["required_note"]["fallback"], true);
        assert_eq!(fa["forms"][0]["title"]["fallback"], true);
        // The same text on an English page is left alone.
        assert_ne!(
            en["strings"]["required_note"]["a"]
                .as_str()
                .unwrap()
                .chars()
                .next(),
            Some('\u{2066}')
        );
        assert_eq!(en["strings"]["required_note"]["fallback"], false);
    }

    #[test]
    fn print_strings_have_the_four_base_languages() {
        assert!(PRINT_STRINGS.len() >= 40);
        for language in ["en", "fr", "es", "ar"] {
            assert_eq!(
                print_strings_missing(&PRINT_STRINGS, language),
                0,
                "{language}"
            );
        }
        assert!(print_strings_missing(&PRINT_STRINGS, "am") > 0);
    }
}
