//! Conditions in words, for paper: `interpreter_used = 'yes'` becomes "Answer only if
//! the answer to question 1.7 is “Yes”." in the language of the form. Comparisons are
//! words too ("is between 0 and 17", "is not in the future"), never symbols, which read
//! backwards in right-to-left text, and options are named by their labels, never ids.

use std::collections::HashMap;

use crate::forms::expr::{BinaryOp, Expr, ExprKind, Function};
use crate::forms::model::FieldType;

/// Each field's question number as paper prints it, by field id: "1.7" is the seventh
/// question of section 1; a group's questions are numbered inside it ("2.3.1"), and a
/// repeat's columns take the repeat's number.
pub fn question_numbers(form: &crate::forms::model::FormDefinition) -> HashMap<String, String> {
    use crate::forms::model::Field;
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
    let mut numbers = HashMap::new();
    for (s, section) in form.sections.iter().enumerate() {
        number_fields(&section.fields, &(s + 1).to_string(), &mut numbers);
    }
    numbers
}

/// What a condition's words are made from, in one language.
pub struct Vocabulary<'a> {
    /// A fixed phrase by key (`cond_equals`, `question`…), with `{placeholders}`.
    pub phrase: &'a dyn Fn(&str) -> String,
    /// Question numbers by field id ("1.7").
    pub numbers: &'a HashMap<String, String>,
    /// The label of an option of the field's list, by (field id, option id).
    pub option: &'a dyn Fn(&str, &str) -> Option<String>,
    /// The type of a field, by id: dates compare as "before" and "after".
    pub kind: &'a dyn Fn(&str) -> Option<FieldType>,
    /// The field whose rule this is: what `.` stands for.
    pub current: Option<&'a str>,
    /// Writes a number in the language's digits.
    pub digits: &'a dyn Fn(&str) -> String,
}

fn fill(template: String, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template, |text, (key, value)| {
        text.replace(&format!("{{{key}}}"), value)
    })
}

/// A comparison with the answer on the left: `. <= 17`, `age(dob) >= 12`, `17 >= .`.
fn facing_left(op: BinaryOp, l: &Expr, r: &Expr) -> (BinaryOp, bool) {
    let literal = |e: &Expr| {
        matches!(
            e.kind,
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Call(Function::Today, _)
        )
    };
    if literal(l) && !literal(r) {
        let flipped = match op {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::Ge => BinaryOp::Le,
            other => other,
        };
        (flipped, true)
    } else {
        (op, false)
    }
}

impl Vocabulary<'_> {
    fn question(&self, id: &str) -> String {
        let number = self
            .numbers
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned());
        fill(
            (self.phrase)("question"),
            &[("number", &(self.digits)(&number))],
        )
    }

    /// The condition in words.
    pub fn describe(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Binary(BinaryOp::And, l, r) => {
                if let Some(range) = self.between(l, r) {
                    return range;
                }
                fill(
                    (self.phrase)("cond_and"),
                    &[("left", &self.describe(l)), ("right", &self.describe(r))],
                )
            }
            ExprKind::Binary(BinaryOp::Or, l, r) => fill(
                (self.phrase)("cond_or"),
                &[("left", &self.describe(l)), ("right", &self.describe(r))],
            ),
            ExprKind::Not(inner) => fill(
                (self.phrase)("cond_not"),
                &[("condition", &self.describe(inner))],
            ),
            ExprKind::Call(Function::Filled, args) => fill(
                (self.phrase)("cond_filled"),
                &[("question", &self.operand(&args[0]))],
            ),
            ExprKind::Call(Function::Selected, args) => {
                let value = self.value_of(&args[0], &args[1]);
                fill(
                    (self.phrase)("cond_selected"),
                    &[("value", &value), ("question", &self.operand(&args[0]))],
                )
            }
            ExprKind::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne), l, r)
                if matches!(r.kind, ExprKind::Str(_)) && !is_date_literal(r) =>
            {
                let key = if *op == BinaryOp::Eq {
                    "cond_equals"
                } else {
                    "cond_not_equals"
                };
                fill(
                    (self.phrase)(key),
                    &[
                        ("subject", &self.subject(l)),
                        ("value", &self.value_of(l, r)),
                    ],
                )
            }
            ExprKind::Binary(op, l, r) => {
                let (op, flipped) = facing_left(*op, l, r);
                let (l, r) = if flipped { (r, l) } else { (l, r) };
                self.comparison(op, l, r)
            }
            _ => self.operand(e),
        }
    }

    /// `. >= 0 and . <= 17` → "the answer is between 0 and 17".
    fn between(&self, l: &Expr, r: &Expr) -> Option<String> {
        let (op1, a1, b1) = bound(l)?;
        let (op2, a2, b2) = bound(r)?;
        if a1.kind != a2.kind {
            return None;
        }
        let (low, high) = match (op1, op2) {
            (BinaryOp::Ge, BinaryOp::Le) => (b1, b2),
            (BinaryOp::Le, BinaryOp::Ge) => (b2, b1),
            _ => return None,
        };
        let dates = self.is_date(a1);
        Some(fill(
            (self.phrase)("cmp_between"),
            &[
                ("subject", &self.subject(a1)),
                ("low", &self.value(low, dates)),
                ("high", &self.value(high, dates)),
            ],
        ))
    }

    fn is_date(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Current => self
                .current
                .is_some_and(|id| (self.kind)(id) == Some(FieldType::Date)),
            ExprKind::Field(id) => (self.kind)(id) == Some(FieldType::Date),
            ExprKind::Call(Function::Today, _) => true,
            _ => is_date_literal(e),
        }
    }

    fn comparison(&self, op: BinaryOp, l: &Expr, r: &Expr) -> String {
        let dates = self.is_date(l) || self.is_date(r);
        let today = matches!(r.kind, ExprKind::Call(Function::Today, _));
        let key = match (dates, today, op) {
            (true, true, BinaryOp::Le) => "date_not_future",
            (true, true, BinaryOp::Lt) => "date_past",
            (true, true, BinaryOp::Ge) => "date_not_past",
            (true, _, BinaryOp::Lt) => "date_before",
            (true, _, BinaryOp::Le) => "date_not_after",
            (true, _, BinaryOp::Gt) => "date_after",
            (true, _, BinaryOp::Ge) => "date_not_before",
            (_, _, BinaryOp::Lt) => "cmp_lt",
            (_, _, BinaryOp::Le) => "cmp_le",
            (_, _, BinaryOp::Gt) => "cmp_gt",
            (_, _, BinaryOp::Ge) => "cmp_ge",
            (_, _, BinaryOp::Ne) => "cmp_ne",
            _ => "cmp_eq",
        };
        fill(
            (self.phrase)(key),
            &[
                ("subject", &self.subject(l)),
                ("value", &self.value(r, dates)),
            ],
        )
    }

    /// What the answer is compared with: "17", "today", "the date at question 1.2".
    fn value(&self, e: &Expr, dates: bool) -> String {
        match &e.kind {
            ExprKind::Field(id) if dates => fill(
                (self.phrase)("date_at"),
                &[("question", &self.question(id))],
            ),
            _ => self.operand(e),
        }
    }

    /// What a comparison speaks of: "the answer", "the answer to question 2.7", "the age
    /// from question 2.7".
    fn subject(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Current => (self.phrase)("the_answer"),
            ExprKind::Field(id) => fill(
                (self.phrase)("answer_to"),
                &[("question", &self.question(id))],
            ),
            _ => self.operand(e),
        }
    }

    fn operand(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Field(id) => self.question(id),
            ExprKind::Current => (self.phrase)("the_answer"),
            ExprKind::Number(n) => (self.digits)(&format_number(*n)),
            ExprKind::Str(s) => s
                .parse::<crate::config::Date>()
                .map(|d| (self.digits)(&format!("{:02}/{:02}/{}", d.day, d.month, d.year)))
                .unwrap_or_else(|_| s.clone()),
            ExprKind::Call(Function::Today, _) => (self.phrase)("today"),
            ExprKind::Call(Function::Age, args) => fill(
                (self.phrase)("age_of"),
                &[("question", &self.operand(&args[0]))],
            ),
            ExprKind::Call(Function::Count, args) => fill(
                (self.phrase)("count_of"),
                &[("question", &self.operand(&args[0]))],
            ),
            _ => self.describe(e),
        }
    }

    /// An option's printed label ('yes' → "Yes").
    fn value_of(&self, field: &Expr, literal: &Expr) -> String {
        let ExprKind::Str(value) = &literal.kind else {
            return self.operand(literal);
        };
        let id = match &field.kind {
            ExprKind::Field(id) => Some(id.as_str()),
            ExprKind::Current => self.current,
            _ => None,
        };
        if let Some(label) = id.and_then(|id| (self.option)(id, value)) {
            return label;
        }
        match value.as_str() {
            "yes" => (self.phrase)("yes_value"),
            "no" => (self.phrase)("no_value"),
            // Checked at load: a literal compared with a choice field is one of its
            // options, so only free text reaches this point.
            other => other.to_owned(),
        }
    }
}

/// A comparison as (operator, answer side, bound side).
fn bound(e: &Expr) -> Option<(BinaryOp, &Expr, &Expr)> {
    let ExprKind::Binary(op, a, b) = &e.kind else {
        return None;
    };
    let (op, flipped) = facing_left(*op, a, b);
    Some(if flipped { (op, b, a) } else { (op, a, b) })
}

fn is_date_literal(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Str(s) if s.parse::<crate::config::Date>().is_ok())
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::expr::parse;

    fn english(key: &str) -> String {
        match key {
            "question" => "question {number}",
            "cond_equals" => "{subject} is “{value}”",
            "cond_not_equals" => "{subject} is not “{value}”",
            "cond_selected" => "“{value}” is ticked at {question}",
            "cond_filled" => "{question} is answered",
            "cond_and" => "{left} and {right}",
            "cond_or" => "{left} or {right}",
            "cond_not" => "not ({condition})",
            "the_answer" => "the answer",
            "answer_to" => "the answer to {question}",
            "cmp_between" => "{subject} is between {low} and {high}",
            "cmp_ge" => "{subject} is at least {value}",
            "cmp_lt" => "{subject} is less than {value}",
            "date_not_future" => "{subject} is not in the future",
            "date_after" => "{subject} is after {value}",
            "date_not_before" => "{subject} is not before {value}",
            "date_at" => "the date at {question}",
            "today" => "today",
            "age_of" => "the age from {question}",
            "count_of" => "the number of rows at {question}",
            "yes_value" => "Yes",
            "no_value" => "No",
            _ => "?",
        }
        .to_owned()
    }

    fn say_with(source: &str, current: Option<&str>, digits: &dyn Fn(&str) -> String) -> String {
        let numbers: HashMap<String, String> = [
            ("interpreter_used", "1.7"),
            ("sex", "2.6"),
            ("date_of_birth", "2.7"),
            ("concerns", "5.4"),
            ("request_date", "1.2"),
            ("consent_by", "3.1"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let option = |field: &str, option: &str| match (field, option) {
            ("sex", "female") => Some("Female".to_owned()),
            ("concerns", "neglect") => Some("Neglect".to_owned()),
            ("consent_by", "none_vital_interests") => {
                Some("No one: the child's vital interests".to_owned())
            }
            _ => None,
        };
        let kind = |field: &str| match field {
            "date_of_birth" | "request_date" | "decision_date" => Some(FieldType::Date),
            "consent_by" | "sex" => Some(FieldType::SingleChoice),
            _ => Some(FieldType::Integer),
        };
        let vocabulary = Vocabulary {
            phrase: &english,
            numbers: &numbers,
            option: &option,
            kind: &kind,
            current,
            digits,
        };
        vocabulary.describe(&parse(source).unwrap())
    }

    fn say(source: &str) -> String {
        say_with(source, None, &|s: &str| s.to_owned())
    }

    #[test]
    fn conditions_read_as_sentences() {
        assert_eq!(
            say("interpreter_used = 'yes'"),
            "the answer to question 1.7 is “Yes”"
        );
        assert_eq!(
            say("sex != 'female'"),
            "the answer to question 2.6 is not “Female”"
        );
        assert_eq!(
            say("selected(concerns, 'neglect') or age(date_of_birth) >= 12"),
            "“Neglect” is ticked at question 5.4 or the age from question 2.7 is at least 12"
        );
        assert_eq!(say("not filled(sex)"), "not (question 2.6 is answered)");
        assert_eq!(
            say("date_of_birth > '2010-01-31'"),
            "the answer to question 2.7 is after 31/01/2010"
        );
    }

    #[test]
    fn comparisons_are_words_not_symbols() {
        let age = |source: &str| say_with(source, Some("age_years"), &|s: &str| s.to_owned());
        assert_eq!(age(". >= 0 and . <= 17"), "the answer is between 0 and 17");
        assert_eq!(age("17 >= . and . >= 0"), "the answer is between 0 and 17");
        assert_eq!(age(". < 18"), "the answer is less than 18");
        let date = |source: &str| say_with(source, Some("decision_date"), &|s: &str| s.to_owned());
        assert_eq!(date(". <= today()"), "the answer is not in the future");
        assert_eq!(
            date(". >= request_date and . <= today()"),
            "the answer is between the date at question 1.2 and today"
        );
        for sentence in [age(". >= 0 and . <= 17"), date(". <= today()")] {
            assert!(!sentence.contains(['<', '>', '≤', '≥', '=']), "{sentence}");
        }
    }

    #[test]
    fn the_answer_itself_is_named_by_its_option_labels() {
        let consent = say_with(
            ". != 'none_vital_interests' or 1 = 1",
            Some("consent_by"),
            &|s: &str| s.to_owned(),
        );
        assert!(
            consent.starts_with("the answer is not “No one: the child's vital interests”"),
            "{consent}"
        );
        assert!(!consent.contains("none_vital_interests"));
    }

    #[test]
    fn numbers_take_the_languages_digits() {
        let arabic = |s: &str| s.replace('1', "١").replace('7', "٧").replace('2', "٢");
        assert_eq!(
            say_with("interpreter_used = 'yes'", None, &arabic),
            "the answer to question ١.٧ is “Yes”"
        );
        assert_eq!(
            say_with(". < 17", Some("age_years"), &arabic),
            "the answer is less than ١٧"
        );
    }
}
