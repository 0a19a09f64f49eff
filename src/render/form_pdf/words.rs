//! Conditions in words, for paper: `interpreter_used = 'yes'` becomes "Answer only if
//! the answer to question 1.7 is “Yes”." in the language of the form.

use std::collections::HashMap;

use crate::forms::expr::{BinaryOp, Expr, ExprKind, Function};

/// What a condition's words are made from, in one language.
pub struct Vocabulary<'a> {
    /// A fixed phrase by key (`cond_equals`, `question`…), with `{placeholders}`.
    pub phrase: &'a dyn Fn(&str) -> String,
    /// Question numbers by field id ("1.7").
    pub numbers: &'a HashMap<String, String>,
    /// The label of an option of the field's list, by (field id, option id).
    pub option: &'a dyn Fn(&str, &str) -> Option<String>,
}

fn fill(template: String, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template, |text, (key, value)| {
        text.replace(&format!("{{{key}}}"), value)
    })
}

impl Vocabulary<'_> {
    fn question(&self, id: &str) -> String {
        let number = self
            .numbers
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned());
        fill((self.phrase)("question"), &[("number", &number)])
    }

    /// The condition in words.
    pub fn describe(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Binary(BinaryOp::And, l, r) => fill(
                (self.phrase)("cond_and"),
                &[("left", &self.describe(l)), ("right", &self.describe(r))],
            ),
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
                        ("question", &self.operand(l)),
                        ("value", &self.value_of(l, r)),
                    ],
                )
            }
            ExprKind::Binary(op, l, r) => {
                let symbol = match op {
                    BinaryOp::Eq => "=",
                    BinaryOp::Ne => "≠",
                    BinaryOp::Lt => "<",
                    BinaryOp::Le => "≤",
                    BinaryOp::Gt => ">",
                    BinaryOp::Ge => "≥",
                    BinaryOp::And | BinaryOp::Or => unreachable!("handled above"),
                };
                fill(
                    (self.phrase)("cond_compare"),
                    &[
                        ("left", &self.operand(l)),
                        ("op", symbol),
                        ("right", &self.operand(r)),
                    ],
                )
            }
            _ => self.operand(e),
        }
    }

    fn operand(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Field(id) => self.question(id),
            ExprKind::Current => (self.phrase)("this_answer"),
            ExprKind::Number(n) => format_number(*n),
            ExprKind::Str(s) => s
                .parse::<crate::config::Date>()
                .map(|d| format!("{:02}/{:02}/{}", d.day, d.month, d.year))
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

    /// An option's printed label ('yes' → "Yes"), or the literal itself.
    fn value_of(&self, field: &Expr, literal: &Expr) -> String {
        let ExprKind::Str(value) = &literal.kind else {
            return self.operand(literal);
        };
        if let ExprKind::Field(id) = &field.kind
            && let Some(label) = (self.option)(id, value)
        {
            return label;
        }
        match value.as_str() {
            "yes" => (self.phrase)("yes_value"),
            "no" => (self.phrase)("no_value"),
            other => other.to_owned(),
        }
    }
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
            "cond_equals" => "the answer to {question} is “{value}”",
            "cond_not_equals" => "the answer to {question} is not “{value}”",
            "cond_selected" => "“{value}” is ticked at {question}",
            "cond_filled" => "{question} is answered",
            "cond_compare" => "{left} {op} {right}",
            "cond_and" => "{left} and {right}",
            "cond_or" => "{left} or {right}",
            "cond_not" => "not ({condition})",
            "this_answer" => "this answer",
            "today" => "today",
            "age_of" => "the age from {question}",
            "count_of" => "the number of rows at {question}",
            "yes_value" => "Yes",
            "no_value" => "No",
            _ => "?",
        }
        .to_owned()
    }

    fn say(source: &str) -> String {
        let numbers: HashMap<String, String> = [
            ("interpreter_used", "1.7"),
            ("sex", "2.6"),
            ("date_of_birth", "2.7"),
            ("concerns", "5.4"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let option = |field: &str, option: &str| match (field, option) {
            ("sex", "female") => Some("Female".to_owned()),
            ("concerns", "neglect") => Some("Neglect".to_owned()),
            _ => None,
        };
        let vocabulary = Vocabulary {
            phrase: &english,
            numbers: &numbers,
            option: &option,
        };
        vocabulary.describe(&parse(source).unwrap())
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
            "“Neglect” is ticked at question 5.4 or the age from question 2.7 ≥ 12"
        );
        assert_eq!(say(". <= today()"), "this answer ≤ today");
        assert_eq!(say("not filled(sex)"), "not (question 2.6 is answered)");
        assert_eq!(
            say("date_of_birth > '2010-01-31'"),
            "question 2.7 > 31/01/2010"
        );
    }
}
