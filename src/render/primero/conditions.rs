//! Display conditions in Primero's evaluated expressions (`doc/evaluated_expressions.md`
//! and `app/javascript/libs/expressions/` in primeroIMS/primero): `{"eq": {"field": v}}`,
//! `in`, `gt`, `ge`, `lt`, `le`, and `and`, `or`, `not` over them. A comparison names
//! one field and one literal; Primero has no arithmetic on dates and no counts, so
//! `age()`, `today()`, `count()` and comparisons between two fields are not expressible
//! and come back as `None`; so is `filled()` of a text or a multiple choice, which can
//! be emptied rather than removed.

use serde_json::{Map, Value, json};

use crate::forms::expr::{BinaryOp, Expr, ExprKind, Function};
use crate::forms::model::FieldType;

/// Where the fields a condition reads live in the Primero record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The case record: `display_conditions_record`.
    Record,
    /// The subform row the field is in: `display_conditions_subform`.
    Subform,
}

/// What the translation needs to know of a field the condition names.
pub(super) struct Operand {
    /// Its Primero field name.
    pub name: String,
    pub kind: FieldType,
    pub place: Place,
}

/// A condition in Primero's format, with where its fields live; `None` where Primero
/// cannot say it (its fields in both places included).
pub(super) fn translate(
    expr: &Expr,
    operand: &dyn Fn(&str) -> Option<Operand>,
) -> Option<(Value, Place)> {
    let mut place = None;
    let value = to_primero(expr, operand, &mut place)?;
    Some((value, place?))
}

fn to_primero(
    expr: &Expr,
    operand: &dyn Fn(&str) -> Option<Operand>,
    place: &mut Option<Place>,
) -> Option<Value> {
    // Every field a condition names must live in one place.
    let mut field = |id: &str| -> Option<Operand> {
        let found = operand(id)?;
        match place {
            Some(p) if *p != found.place => None,
            _ => {
                *place = Some(found.place);
                Some(found)
            }
        }
    };
    match &expr.kind {
        ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), _, _) => {
            let key = if *op == BinaryOp::And { "and" } else { "or" };
            let mut parts = Vec::new();
            for part in flatten(expr, *op) {
                parts.push(to_primero(part, operand, place)?);
            }
            Some(json!({ key: parts }))
        }
        ExprKind::Not(inner) => Some(json!({ "not": to_primero(inner, operand, place)? })),
        ExprKind::Binary(op, left, right) => {
            // The field on the left, the literal on the right.
            let (id, literal, op) = match (&left.kind, &right.kind) {
                (ExprKind::Field(id), other) => (id, other, *op),
                (other, ExprKind::Field(id)) => (id, other, mirror(*op)),
                _ => return None,
            };
            let found = field(id)?;
            let value = literal_value(literal)?;
            // A multiple choice answer is a list: equality compares the whole list.
            let value = if found.kind == FieldType::MultipleChoice {
                Value::Array(vec![value])
            } else {
                value
            };
            let compare = |key: &str| Some(json!({ key: single(&found.name, value.clone()) }));
            match op {
                BinaryOp::Eq => compare("eq"),
                BinaryOp::Ne => Some(json!({ "not": compare("eq")? })),
                BinaryOp::Lt if orderable(found.kind) => compare("lt"),
                BinaryOp::Le if orderable(found.kind) => compare("le"),
                BinaryOp::Gt if orderable(found.kind) => compare("gt"),
                BinaryOp::Ge if orderable(found.kind) => compare("ge"),
                _ => None,
            }
        }
        ExprKind::Call(Function::Selected, args) => {
            let (ExprKind::Field(id), ExprKind::Str(option)) = (&args[0].kind, &args[1].kind)
            else {
                return None;
            };
            let found = field(id)?;
            // `in` holds when every listed value is among a list answer's values, or
            // when a single answer is one of them.
            Some(match found.kind {
                FieldType::MultipleChoice => json!({ "in": single(&found.name, json!([option])) }),
                _ => json!({ "eq": single(&found.name, json!(option)) }),
            })
        }
        // Primero's `eq` holds for `false` when the answer is absent (tick boxes start
        // so), so "not equal to false" is "answered" for answers that are absent until
        // given: dates, numbers and single choices. A text can be emptied to "", which
        // would count as answered, so it is left to words.
        ExprKind::Call(Function::Filled, args) => {
            let ExprKind::Field(id) = &args[0].kind else {
                return None;
            };
            let found = field(id)?;
            matches!(
                found.kind,
                FieldType::Date
                    | FieldType::Integer
                    | FieldType::Decimal
                    | FieldType::SingleChoice
                    | FieldType::YesNo
            )
            .then(|| json!({ "not": { "eq": single(&found.name, json!(false)) } }))
        }
        _ => None,
    }
}

/// The operands of a chain of one boolean operator, `a and (b and c)` as `[a, b, c]`.
fn flatten(expr: &Expr, op: BinaryOp) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Binary(inner, left, right) if *inner == op => {
            let mut parts = flatten(left, op);
            parts.extend(flatten(right, op));
            parts
        }
        _ => vec![expr],
    }
}

/// `5 < x` is `x > 5`.
fn mirror(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        other => other,
    }
}

/// Numbers and dates (ISO strings, which Primero compares as dates) have an order.
fn orderable(kind: FieldType) -> bool {
    matches!(
        kind,
        FieldType::Integer | FieldType::Decimal | FieldType::Date
    )
}

fn literal_value(kind: &ExprKind) -> Option<Value> {
    match kind {
        ExprKind::Str(s) => Some(json!(s)),
        ExprKind::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(json!(*n as i64)),
        ExprKind::Number(n) => serde_json::Number::from_f64(*n).map(Value::Number),
        _ => None,
    }
}

fn single(name: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(name.to_owned(), value);
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::expr::parse;

    fn operand(id: &str) -> Option<Operand> {
        let (kind, place) = match id {
            "sex" => (FieldType::SingleChoice, Place::Record),
            "concerns" => (FieldType::MultipleChoice, Place::Record),
            "age" => (FieldType::Integer, Place::Record),
            "seen" => (FieldType::Date, Place::Record),
            "used" => (FieldType::YesNo, Place::Record),
            "relation" => (FieldType::SingleChoice, Place::Subform),
            _ => return None,
        };
        Some(Operand {
            name: format!("f_{id}"),
            kind,
            place,
        })
    }

    fn primero(source: &str) -> Option<(Value, Place)> {
        translate(&parse(source).unwrap(), &operand)
    }

    #[test]
    fn comparisons_and_choices_become_primero_expressions() {
        assert_eq!(
            primero("used = 'yes'"),
            Some((json!({"eq": {"f_used": "yes"}}), Place::Record))
        );
        assert_eq!(
            primero("sex != 'male'").unwrap().0,
            json!({"not": {"eq": {"f_sex": "male"}}})
        );
        assert_eq!(
            primero("17 >= age").unwrap().0,
            json!({"le": {"f_age": 17}})
        );
        assert_eq!(
            primero("selected(concerns, 'neglect')").unwrap().0,
            json!({"in": {"f_concerns": ["neglect"]}})
        );
        assert_eq!(
            primero("selected(sex, 'female')").unwrap().0,
            json!({"eq": {"f_sex": "female"}})
        );
        assert_eq!(
            primero("seen > '2024-01-01'").unwrap().0,
            json!({"gt": {"f_seen": "2024-01-01"}})
        );
        assert_eq!(
            primero("used = 'yes' and (age < 5 or age > 15) and not(sex = 'male')")
                .unwrap()
                .0,
            json!({"and": [
                {"eq": {"f_used": "yes"}},
                {"or": [{"lt": {"f_age": 5}}, {"gt": {"f_age": 15}}]},
                {"not": {"eq": {"f_sex": "male"}}}
            ]})
        );
        assert_eq!(
            primero("filled(seen)").unwrap().0,
            json!({"not": {"eq": {"f_seen": false}}})
        );
        assert_eq!(
            primero("relation = 'mother'"),
            Some((json!({"eq": {"f_relation": "mother"}}), Place::Subform))
        );
    }

    #[test]
    fn what_primero_cannot_evaluate_is_refused() {
        for source in [
            "filled(concerns)",
            "age(seen) < 18",
            "seen <= today()",
            "age = seen",
            "sex > 'a'",
            "relation = 'mother' and sex = 'female'",
            "unknown = 'x'",
        ] {
            assert_eq!(primero(source), None, "{source}");
        }
    }
}
