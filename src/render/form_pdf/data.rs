//! The data the form template prints: every text already chosen in the form's language
//! (and the second language of a bilingual form), numbers, widget sizes and conditions in
//! words. The template decides layout only.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::words::Vocabulary;
use crate::config::{DateFormat, Direction, Language, Paper, Sensitivity, Text};
use crate::forms::expr;
use crate::forms::model::{Field, FieldType, FormDefinition, Length};
use crate::forms::resolve::all_fields;
use crate::pack::Pack;
use crate::typeset::fonts_for_script;

/// A text in the primary language (`a`) and, on bilingual forms, the second (`b`).
#[derive(Debug, Clone, Serialize)]
pub struct Tx {
    a: String,
    b: Option<String>,
    /// The primary text stands in from a fallback language.
    fallback: bool,
    /// The second language's text stands in from a fallback language.
    b_fallback: bool,
    /// The language a stand-in text is written in, so the PDF tags it with its own
    /// `/Lang` (none when the text is in the form's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    a_lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    b_lang: Option<String>,
}

impl Tx {
    /// A text in the primary language and the second, each with the language of its
    /// stand-in when it has one.
    fn stood_in(a: String, a_lang: Option<String>, second: Option<(String, Option<String>)>) -> Tx {
        let (b, b_lang) = second.map_or((None, None), |(b, lang)| (Some(b), lang));
        Tx {
            a,
            fallback: a_lang.is_some(),
            b_fallback: b_lang.is_some(),
            b,
            a_lang,
            b_lang,
        }
    }
}

#[derive(Serialize)]
struct DocSettings {
    lang: String,
    dir: &'static str,
    /// The language's digit zero: page numbers are written in its digits.
    zero: String,
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
    date_order: Vec<DatePart>,
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
    /// Code tables of long lists printed as write-ins, in the order their questions come.
    code_tables: Vec<CodeTable>,
}

#[derive(Serialize)]
struct CodeTable {
    number: String,
    /// "Table 1: Nationality (question 2.9)".
    title: Tx,
    entries: Vec<CodeEntry>,
}

#[derive(Serialize)]
struct CodeEntry {
    code: String,
    label: Tx,
}

/// How a long choice question prints instead of its tick boxes.
#[derive(Serialize, Clone)]
struct WriteIn {
    /// What to write and where to find the codes.
    note: Tx,
}

#[derive(Serialize)]
struct PrintSection {
    number: String,
    new_page: bool,
    title: Tx,
    hint: Option<Tx>,
    skip: Option<Tx>,
    fields: Vec<PrintField>,
}

#[derive(Serialize)]
struct PrintField {
    number: String,
    kind: FieldType,
    /// Set when the options print as a write-in rather than tick boxes.
    write_in: Option<WriteIn>,
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
        let (shown, from) = self.shown(text, language, "en");
        (shown, from.is_some())
    }

    /// The text in `language`, or its stand-in with the language it is written in, or
    /// the `last_resort`.
    fn shown(
        &self,
        text: &Text,
        language: &Language,
        last_resort: &str,
    ) -> (String, Option<String>) {
        match self.pack.text(text, language.tag.as_str()) {
            Some(shown) => match shown.fallback_from {
                Some(from) => (
                    self.isolated(shown.text, from, language),
                    Some(from.to_owned()),
                ),
                None => (shown.text.to_owned(), None),
            },
            // Validation guarantees a text or a fallback for every configured language;
            // an English stand-in is marked rather than left blank.
            None => {
                let text = text.get("en", "en").unwrap_or(last_resort);
                (self.isolated(text, "en", language), Some("en".to_owned()))
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
        let (a, a_lang) = self.shown(text, self.primary, "en");
        let second = self.second.map(|s| self.shown(text, s, "en"));
        Tx::stood_in(a, a_lang, second)
    }

    fn string(&self, key: &str) -> Tx {
        let text = self
            .pack
            .print_strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| Text::Plain(key.to_owned()));
        let pick = |language: &Language| self.shown(&text, language, key);
        let (a, a_lang) = pick(self.primary);
        let second = self.second.map(pick);
        Tx::stood_in(a, a_lang, second)
    }

    fn filled(&self, key: &str, pairs: &[(&str, String)]) -> Tx {
        let mut tx = self.string(key);
        for (k, v) in pairs {
            tx.a = tx.a.replace(&format!("{{{k}}}"), v);
            tx.b = tx.b.map(|b| b.replace(&format!("{{{k}}}"), v));
        }
        tx
    }

    /// A condition in words, wrapped in the phrase `key` ("Answer only if …"). `current`
    /// is the field a check belongs to: what `.` stands for.
    fn condition(
        &self,
        key: &str,
        source: &Option<String>,
        current: Option<&str>,
        form: &FormDefinition,
        numbers: &HashMap<String, String>,
    ) -> Option<Tx> {
        let parsed = expr::parse(source.as_deref()?).ok()?;
        let fields = all_fields(form);
        let kind = |id: &str| fields.iter().find(|f| f.id.as_str() == id).map(|f| f.kind);
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
                let list = fields
                    .iter()
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
            let digits = |text: &str| language.digits.localise(text);
            let vocabulary = Vocabulary {
                phrase: &phrase,
                numbers,
                option: &option,
                kind: &kind,
                current,
                digits: &digits,
            };
            phrase(key).replace("{condition}", &vocabulary.describe(&parsed))
        };
        let a = say(self.primary);
        let fallback = stood_in.replace(false);
        let b = self.second.map(say);
        Some(Tx {
            a,
            b,
            fallback,
            b_fallback: stood_in.get(),
            a_lang: None,
            b_lang: None,
        })
    }

    fn field(
        &self,
        field: &Field,
        number: String,
        form: &FormDefinition,
        numbers: &HashMap<String, String>,
        write_ins: &HashMap<String, WriteIn>,
    ) -> PrintField {
        let write_in = write_ins.get(field.id.as_str()).cloned();
        let options = match field.kind {
            _ if write_in.is_some() => Vec::new(),
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
                .map(|(i, child)| {
                    self.field(
                        child,
                        format!("{number}.{}", i + 1),
                        form,
                        numbers,
                        write_ins,
                    )
                })
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
            write_in,
            kind: field.kind,
            label: self.tx(&field.label),
            hint: field.hint.as_ref().map(|t| self.tx(t)),
            guidance: field.guidance.as_ref().map(|t| self.tx(t)),
            required: field.required,
            skip: self.condition("answer_only_if", &field.relevant, None, form, numbers),
            // The form's own words for its rule, where it has them.
            check: match &field.constraint_message {
                Some(message) => Some(self.tx(message)),
                None => self.condition(
                    "must_hold",
                    &field.constraint,
                    Some(field.id.as_str()),
                    form,
                    numbers,
                ),
            },
            options,
            lines,
            short,
            rows: field.rows.unwrap_or(4),
            columns,
            fields: children,
            number: self.primary.digits.localise(&number),
        }
    }

    /// "Text in English: not yet translated", in each language of the form that shows
    /// stand-in text, so a † on a bilingual form is explained too.
    fn fallback_note(&self, form: &FormDefinition) -> Option<Tx> {
        let texts = crate::forms::resolve::form_texts(form);
        let note = |language: &Language| -> Option<(String, Option<String>)> {
            let stands_in = texts.iter().any(|t| {
                self.pack
                    .text(t, language.tag.as_str())
                    .is_some_and(|s| s.fallback_from.is_some())
            });
            if !stands_in {
                return None;
            }
            let from = self
                .pack
                .fallback_of(language)
                .map_or_else(|| "English".to_owned(), |l| l.name.clone());
            let template = self.pack.print_strings.get("fallback_note")?;
            let (text, stand_in) = self.shown(template, language, "fallback_note");
            Some((text.replace("{language}", &from), stand_in))
        };
        let a = note(self.primary);
        let b = self.second.and_then(note);
        if a.is_none() && b.is_none() {
            return None;
        }
        let (a, a_lang) = a.unwrap_or_default();
        Some(Tx::stood_in(a, a_lang, b))
    }

    /// The choice questions that print as write-ins, and the code tables they refer to.
    /// A list longer than the threshold (the form's, else `[forms]`'s, else 30) is a
    /// write-in unless `print_as` says otherwise; a list from the service directory
    /// refers to the directory, so the form does not grow with it.
    fn write_ins(
        &self,
        form: &FormDefinition,
        numbers: &HashMap<String, String>,
    ) -> (HashMap<String, WriteIn>, Vec<CodeTable>) {
        use crate::config::{PrintChoices, WRITE_IN_ABOVE};
        let forms = &self.pack.config.forms;
        let tailoring = forms.tailoring.get(&form.id);
        let above = tailoring
            .and_then(|t| t.write_in_above)
            .or(forms.write_in_above)
            .unwrap_or(WRITE_IN_ABOVE) as usize;
        let digits = |text: &str| self.primary.digits.localise(text);
        let mut write_ins = HashMap::new();
        let mut tables = Vec::new();
        for field in all_fields(form) {
            let Some(list) = field
                .choices
                .as_ref()
                .and_then(|id| self.pack.forms.choices.get(id))
            else {
                continue;
            };
            let forced = tailoring.and_then(|t| t.print_as.get(&field.id)).copied();
            let write_in = match forced {
                Some(choice) => choice == PrintChoices::WriteIn,
                None => list.options.len() > above,
            };
            if !field.kind.has_choices() || !write_in {
                continue;
            }
            let many = field.kind == FieldType::MultipleChoice;
            let note = if list.id.as_str() == "services" {
                self.string(if many {
                    "write_in_services"
                } else {
                    "write_in_service"
                })
            } else {
                let table = digits(&(tables.len() + 1).to_string());
                let question = numbers
                    .get(field.id.as_str())
                    .map(|n| digits(n))
                    .unwrap_or_default();
                let mut title = self.filled(
                    "code_table_title",
                    &[("table", table.clone()), ("question", question)],
                );
                let label = self.tx(&field.label);
                title.a = title.a.replace("{label}", &label.a);
                title.b = title.b.zip(label.b).map(|(t, l)| t.replace("{label}", &l));
                // Codes follow the list, so they are the same in every language; the
                // table is sorted as the reader's language sorts, to find a name fast.
                let mut entries: Vec<CodeEntry> = list
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| CodeEntry {
                        code: digits(&(i + 1).to_string()),
                        label: self.tx(&o.label),
                    })
                    .collect();
                match collator(self.primary.tag.as_str()) {
                    Some(c) => entries.sort_by(|x, y| c.compare(&x.label.a, &y.label.a)),
                    None => entries.sort_by(|x, y| x.label.a.cmp(&y.label.a)),
                }
                tables.push(CodeTable {
                    number: table.clone(),
                    title,
                    entries,
                });
                self.filled(
                    if many {
                        "write_in_codes"
                    } else {
                        "write_in_code"
                    },
                    &[("table", table)],
                )
            };
            write_ins.insert(field.id.to_string(), WriteIn { note });
        }
        (write_ins, tables)
    }

    fn form(&self, form: &FormDefinition) -> PrintForm {
        // Question numbers first: conditions refer to them.
        let numbers = super::words::question_numbers(form);
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
        let fallback_note = self.fallback_note(form);
        let (write_ins, code_tables) = self.write_ins(form, &numbers);
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
            code_tables,
            sections: form
                .sections
                .iter()
                .enumerate()
                .map(|(s, section)| PrintSection {
                    new_page: section.new_page,
                    number: self.primary.digits.localise(&(s + 1).to_string()),
                    title: self.tx(&section.title),
                    hint: section.hint.as_ref().map(|t| self.tx(t)),
                    skip: self.condition(
                        "section_only_if",
                        &section.relevant,
                        None,
                        form,
                        &numbers,
                    ),
                    fields: section
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            let number = format!("{}.{}", s + 1, i + 1);
                            self.field(f, number, form, &numbers, &write_ins)
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The language's sort order, from CLDR data built into the binary.
fn collator(tag: &str) -> Option<icu_collator::CollatorBorrowed<'static>> {
    let locale: icu_locale_core::Locale = tag.parse().ok()?;
    icu_collator::Collator::try_new((&locale).into(), Default::default()).ok()
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
        "code_tables",
    ];
    let mut strings: BTreeMap<String, Tx> = keys
        .iter()
        .map(|k| ((*k).to_owned(), writer.string(k)))
        .collect();
    if primary.script.as_str() == "Mymr" {
        strings.insert("unicode_only".into(), writer.string("unicode_only"));
    }
    // A draft translation says so on the page, in the form's own language.
    let draft = |language: &Language| {
        pack.review
            .get(language.tag.as_str())
            .is_some_and(|review| review.is_draft())
    };
    if draft(primary) || second.is_some_and(draft) {
        strings.insert(
            "draft_translation".into(),
            writer.string("draft_translation"),
        );
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
            zero: primary.digits.localise("0"),
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
        date_order: date_parts(pack.config.forms.date_format, &writer),
        forms: printed,
        pack: cover,
    }
}

/// One part of a date's boxes: how many digits, and its label in the form's language
/// ("JJ", "AAAA" in French).
#[derive(Serialize)]
struct DatePart {
    digits: usize,
    label: String,
}

fn date_parts(format: DateFormat, writer: &Writer<'_>) -> Vec<DatePart> {
    let part = |key: &str, digits| DatePart {
        digits,
        label: writer.string(key).a,
    };
    let (day, month, year) = (
        part("date_day", 2),
        part("date_month", 2),
        part("date_year", 4),
    );
    match format {
        DateFormat::DayMonthYear => vec![day, month, year],
        DateFormat::MonthDayYear => vec![month, day, year],
        DateFormat::Iso => vec![year, month, day],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every printed rule (skips and checks) of every form is a finished sentence in each
    /// built-in language: no placeholder left, no phrase key, no field or option id.
    #[test]
    fn every_printed_rule_has_a_sentence_in_each_builtin_language() {
        let mut text = crate::validate::rules::test_support::MINIMAL.to_owned();
        for (tag, script, direction) in [
            ("fr", "Latn", "ltr"),
            ("es", "Latn", "ltr"),
            ("ar", "Arab", "rtl"),
        ] {
            text.push_str(&format!(
                "\n[[languages]]\ntag = \"{tag}\"\nscript = \"{script}\"\ndirection = \"{direction}\"\nname = \"{tag}\"\nfallback = \"en\"\n"
            ));
        }
        let checked = crate::validate::rules::test_support::checked(&text);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let pack = checked.resolve("country.toml").unwrap().unwrap();
        let forms: Vec<usize> = (0..pack.forms.forms.len()).collect();
        assert!(forms.len() >= 20);
        let snake = |word: &str| {
            let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            word.contains('_')
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        };
        let mut rules = 0;
        for language in pack.languages() {
            let data =
                serde_json::to_value(print_data(&pack, &forms, language, None, false)).unwrap();
            let mut stack: Vec<&serde_json::Value> = vec![&data["forms"]];
            while let Some(value) = stack.pop() {
                match value {
                    serde_json::Value::Object(map) => {
                        for key in ["skip", "check"] {
                            if let Some(sentence) = map.get(key).and_then(|t| t["a"].as_str()) {
                                rules += 1;
                                let tag = language.tag.as_str();
                                assert!(!sentence.contains(['{', '}']), "{tag}: {sentence}");
                                assert!(
                                    !sentence.split_whitespace().any(snake),
                                    "{tag}: {sentence}"
                                );
                                assert!(
                                    !sentence.contains(['≤', '≥', '≠', '<', '>']),
                                    "{tag}: {sentence}"
                                );
                                if matches!(tag, "fr" | "es" | "ar") {
                                    assert!(!sentence.contains("the answer"), "{tag}: {sentence}");
                                }
                            }
                        }
                        stack.extend(map.values());
                    }
                    serde_json::Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
        }
        assert!(rules > 4 * 100, "only {rules} rules printed");
    }

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
}
