//! The condition language of form fields (`relevant`, `constraint`): a small expression
//! language with its own parser (spans on every error), a type checker against the
//! form's fields, and translations to XPath (XLSForm) and plain words (paper forms).
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | compare
//! compare := atom (("=" | "!=" | "<" | "<=" | ">" | ">=") atom)?
//! atom    := number | 'string' | "." | field | call | "(" expr ")"
//! call    := name "(" (expr ("," expr)*)? ")"    selected filled age today count
//! ```

use std::fmt;
use std::ops::Range;

/// A parsed expression with the byte span of each node in its source string.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Str(String),
    /// `.`: the answer of the field the constraint belongs to.
    Current,
    Field(String),
    Not(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinaryOp {
    fn symbol(self) -> &'static str {
        match self {
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `selected(field, 'option')`
    Selected,
    /// `filled(field)`
    Filled,
    /// `age(date_field)`: completed years until today.
    Age,
    /// `today()`
    Today,
    /// `count(repeat_field)`
    Count,
}

impl Function {
    fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "selected" => Function::Selected,
            "filled" => Function::Filled,
            "age" => Function::Age,
            "today" => Function::Today,
            "count" => Function::Count,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Function::Selected => "selected",
            Function::Filled => "filled",
            Function::Age => "age",
            Function::Today => "today",
            Function::Count => "count",
        }
    }

    fn arity(self) -> usize {
        match self {
            Function::Selected => 2,
            Function::Filled | Function::Age | Function::Count => 1,
            Function::Today => 0,
        }
    }
}

/// A problem in an expression, with the byte span inside the expression string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub span: Range<usize>,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

fn error<T>(message: impl Into<String>, span: Range<usize>) -> Result<T, ExprError> {
    Err(ExprError {
        message: message.into(),
        span,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Str(String),
    Ident(String),
    Dot,
    LParen,
    RParen,
    Comma,
    Op(BinaryOp),
    Not,
    End,
}

fn tokenize(source: &str) -> Result<Vec<(Token, Range<usize>)>, ExprError> {
    let mut tokens = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => tokens.push((Token::LParen, i..i + 1)),
            b')' => tokens.push((Token::RParen, i..i + 1)),
            b',' => tokens.push((Token::Comma, i..i + 1)),
            b'=' => tokens.push((Token::Op(BinaryOp::Eq), i..i + 1)),
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                tokens.push((Token::Op(BinaryOp::Ne), i..i + 2));
                i += 1;
            }
            b'<' | b'>' => {
                let with_eq = bytes.get(i + 1) == Some(&b'=');
                let op = match (c, with_eq) {
                    (b'<', false) => BinaryOp::Lt,
                    (b'<', true) => BinaryOp::Le,
                    (_, false) => BinaryOp::Gt,
                    (_, true) => BinaryOp::Ge,
                };
                let end = if with_eq { i + 2 } else { i + 1 };
                tokens.push((Token::Op(op), i..end));
                i = end - 1;
            }
            b'\'' => {
                let Some(len) = source[i + 1..].find('\'') else {
                    return error("this string has no closing quote `'`", i..source.len());
                };
                tokens.push((
                    Token::Str(source[i + 1..i + 1 + len].to_owned()),
                    i..i + len + 2,
                ));
                i += len + 1;
            }
            b'.' if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                tokens.push((Token::Dot, i..i + 1))
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                let text = &source[start..i];
                let Ok(n) = text.parse() else {
                    return error(format!("`{text}` is not a number"), start..i);
                };
                tokens.push((Token::Number(n), start..i));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &source[start..i];
                let token = match word {
                    "and" => Token::Op(BinaryOp::And),
                    "or" => Token::Op(BinaryOp::Or),
                    "not" => Token::Not,
                    _ => Token::Ident(word.to_owned()),
                };
                tokens.push((token, start..i));
                continue;
            }
            _ => {
                let ch = source[i..].chars().next().unwrap_or('?');
                let hint = match ch {
                    '"' => "; strings use single quotes: 'option'",
                    '&' | '|' => "; write `and` / `or`",
                    '$' | '{' | '}' => "; refer to a field by its bare id, e.g. `date_of_birth`",
                    _ => "",
                };
                return error(
                    format!("unexpected character `{ch}`{hint}"),
                    i..i + ch.len_utf8(),
                );
            }
        }
        i += 1;
    }
    tokens.push((Token::End, source.len()..source.len()));
    Ok(tokens)
}

/// Parses an expression.
pub fn parse(source: &str) -> Result<Expr, ExprError> {
    let tokens = tokenize(source)?;
    if tokens.len() > MAX_TOKENS {
        let span = tokens[MAX_TOKENS].1.start..source.len();
        return error(
            format!(
                "the condition is too long: {} parts, where at most {MAX_TOKENS} are read",
                tokens.len() - 1
            ),
            span,
        );
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    match parser.peek() {
        (Token::End, _) => Ok(expr),
        (_, span) => error(
            "unexpected text after the end of the condition",
            span.clone(),
        ),
    }
}

/// Conditions are short; these bounds keep a malformed or hostile one from exhausting
/// the stack of the parser, the checker or the XPath writer.
const MAX_TOKENS: usize = 1_000;
/// Brackets, calls and `not`s inside one another.
const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<(Token, Range<usize>)>,
    pos: usize,
    /// How deep the parser is in brackets, calls and `not`s.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &(Token, Range<usize>) {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> (Token, Range<usize>) {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn binary(
        &mut self,
        ops: &[BinaryOp],
        operand: fn(&mut Parser) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = operand(self)?;
        while let (Token::Op(op), _) = self.peek() {
            let op = *op;
            if !ops.contains(&op) {
                break;
            }
            self.next();
            let right = operand(self)?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.deeper(|p| p.binary(&[BinaryOp::Or], Parser::and))
    }

    /// Runs `inner` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn deeper(
        &mut self,
        inner: impl FnOnce(&mut Parser) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        if self.depth >= MAX_DEPTH {
            let span = self.peek().1.clone();
            return error(
                format!(
                    "the condition is nested too deep (more than {MAX_DEPTH} levels of brackets, calls or `not`)"
                ),
                span,
            );
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[BinaryOp::And], Parser::not)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if let (Token::Not, span) = self.peek() {
            let start = span.start;
            self.next();
            let inner = self.deeper(Parser::not)?;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ExprError> {
        let left = self.atom()?;
        let (Token::Op(op), _) = self.peek() else {
            return Ok(left);
        };
        let op = *op;
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return Ok(left);
        }
        self.next();
        let right = self.atom()?;
        if let (Token::Op(next), span) = self.peek()
            && !matches!(next, BinaryOp::And | BinaryOp::Or)
        {
            return error(
                "comparisons cannot be chained; join them with `and`",
                span.clone(),
            );
        }
        let span = left.span.start..right.span.end;
        Ok(Expr {
            kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
            span,
        })
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let (token, span) = self.next();
        let kind = match token {
            Token::Number(n) => ExprKind::Number(n),
            Token::Str(s) => ExprKind::Str(s),
            Token::Dot => ExprKind::Current,
            Token::LParen => {
                let inner = self.or()?;
                let (close, close_span) = self.next();
                if close != Token::RParen {
                    return error("expected `)`", close_span);
                }
                return Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close_span.end,
                });
            }
            Token::Ident(name) => {
                if !matches!(self.peek().0, Token::LParen) {
                    return Ok(Expr {
                        kind: ExprKind::Field(name),
                        span,
                    });
                }
                let Some(function) = Function::from_name(&name) else {
                    return error(
                        format!(
                            "unknown function `{name}`; the functions are selected, filled, age, today and count"
                        ),
                        span,
                    );
                };
                self.next();
                let mut args = Vec::new();
                if !matches!(self.peek().0, Token::RParen) {
                    loop {
                        args.push(self.or()?);
                        if !matches!(self.peek().0, Token::Comma) {
                            break;
                        }
                        self.next();
                    }
                }
                let (close, close_span) = self.next();
                if close != Token::RParen {
                    return error("expected `,` or `)`", close_span);
                }
                let span = span.start..close_span.end;
                if args.len() != function.arity() {
                    return error(
                        format!(
                            "`{}` takes {} argument(s), not {}",
                            function.name(),
                            function.arity(),
                            args.len()
                        ),
                        span,
                    );
                }
                ExprKind::Call(function, args)
            }
            Token::End => return error("the condition ends too early", span),
            other => {
                return error(
                    format!("expected a value, found {}", describe_token(&other)),
                    span,
                );
            }
        };
        Ok(Expr { kind, span })
    }
}

fn describe_token(token: &Token) -> String {
    match token {
        Token::Op(op) => format!("`{}`", op.symbol()),
        Token::RParen => "`)`".into(),
        Token::Comma => "`,`".into(),
        Token::Not => "`not`".into(),
        _ => "something else".into(),
    }
}

/// The type of a value in the condition language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    Text,
    Date,
    /// The answer of a yes/no field: compared with 'yes' or 'no'.
    YesNo,
    /// A single choice from the named list.
    Choice(String),
    /// Several choices from the named list.
    Choices(String),
    /// A repeat: only `count()` applies.
    Rows,
    /// A signature: only `filled()` applies.
    Signature,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("a condition"),
            Type::Number => f.write_str("a number"),
            Type::Text => f.write_str("text"),
            Type::Date => f.write_str("a date"),
            Type::YesNo => f.write_str("a yes/no answer"),
            Type::Choice(list) => write!(f, "a choice from `{list}`"),
            Type::Choices(list) => write!(f, "choices from `{list}`"),
            Type::Rows => f.write_str("a repeat"),
            Type::Signature => f.write_str("a signature"),
        }
    }
}

/// What the type checker needs to know about the form.
pub trait Scope {
    /// The type of field `id`, if the form has it.
    fn field_type(&self, id: &str) -> Option<Type>;
    /// Option ids of choice list `list`.
    fn options(&self, list: &str) -> Option<Vec<String>>;
    /// All field ids, for suggestions.
    fn field_ids(&self) -> Vec<String>;
}

/// Type-checks a condition: it must be a yes/no condition over known fields and options.
/// `current` is the type of `.` (only in constraints).
pub fn check(expr: &Expr, scope: &dyn Scope, current: Option<&Type>) -> Result<(), ExprError> {
    let ty = type_of(expr, scope, current)?;
    if ty != Type::Bool {
        return error(
            format!("a condition must be true or false, but this is {ty}"),
            expr.span.clone(),
        );
    }
    Ok(())
}

fn type_of(expr: &Expr, scope: &dyn Scope, current: Option<&Type>) -> Result<Type, ExprError> {
    let span = expr.span.clone();
    match &expr.kind {
        ExprKind::Number(_) => Ok(Type::Number),
        ExprKind::Str(_) => Ok(Type::Text),
        ExprKind::Current => match current {
            Some(t) => Ok(t.clone()),
            None => error("`.` (this answer) is only allowed in a constraint", span),
        },
        ExprKind::Field(id) => scope.field_type(id).ok_or_else(|| {
            let suggestion =
                crate::diagnostic::did_you_mean(id, scope.field_ids().iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
            ExprError {
                message: format!("unknown field `{id}`{suggestion}"),
                span,
            }
        }),
        ExprKind::Not(inner) => {
            expect(inner, &Type::Bool, scope, current)?;
            Ok(Type::Bool)
        }
        ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), left, right) => {
            let _ = op;
            expect(left, &Type::Bool, scope, current)?;
            expect(right, &Type::Bool, scope, current)?;
            Ok(Type::Bool)
        }
        ExprKind::Binary(op, left, right) => {
            let (lt, rt) = (
                type_of(left, scope, current)?,
                type_of(right, scope, current)?,
            );
            compare_types(*op, (&lt, left), (&rt, right), scope, span)?;
            Ok(Type::Bool)
        }
        ExprKind::Call(function, args) => match function {
            Function::Today => Ok(Type::Date),
            Function::Age => {
                expect(&args[0], &Type::Date, scope, current)?;
                Ok(Type::Number)
            }
            Function::Count => {
                expect(&args[0], &Type::Rows, scope, current)?;
                Ok(Type::Number)
            }
            Function::Filled => {
                if !matches!(args[0].kind, ExprKind::Field(_) | ExprKind::Current) {
                    return error("`filled` takes a field", args[0].span.clone());
                }
                type_of(&args[0], scope, current)?;
                Ok(Type::Bool)
            }
            Function::Selected => {
                let list = match type_of(&args[0], scope, current)? {
                    Type::Choice(list) | Type::Choices(list) => list,
                    other => {
                        return error(
                            format!("`selected` needs a choice field, not {other}"),
                            args[0].span.clone(),
                        );
                    }
                };
                let ExprKind::Str(option) = &args[1].kind else {
                    return error(
                        "the second argument of `selected` is an option id in quotes, e.g. 'yes'",
                        args[1].span.clone(),
                    );
                };
                check_option(&list, option, scope, args[1].span.clone())?;
                Ok(Type::Bool)
            }
        },
    }
}

fn expect(
    expr: &Expr,
    wanted: &Type,
    scope: &dyn Scope,
    current: Option<&Type>,
) -> Result<(), ExprError> {
    let found = type_of(expr, scope, current)?;
    if &found != wanted {
        return error(
            format!("expected {wanted}, found {found}"),
            expr.span.clone(),
        );
    }
    Ok(())
}

fn check_option(
    list: &str,
    option: &str,
    scope: &dyn Scope,
    span: Range<usize>,
) -> Result<(), ExprError> {
    let Some(options) = scope.options(list) else {
        return Ok(());
    };
    if options.iter().any(|o| o == option) {
        return Ok(());
    }
    let suggestion = crate::diagnostic::did_you_mean(option, options.iter().map(String::as_str))
        .map(|s| format!("did you mean '{s}'? "))
        .unwrap_or_default();
    error(
        format!(
            "`{option}` is not an option of `{list}`; {suggestion}options: {}",
            options.join(", ")
        ),
        span,
    )
}

fn compare_types(
    op: BinaryOp,
    left: (&Type, &Expr),
    right: (&Type, &Expr),
    scope: &dyn Scope,
    span: Range<usize>,
) -> Result<(), ExprError> {
    let equality = matches!(op, BinaryOp::Eq | BinaryOp::Ne);
    match (left.0, right.0) {
        (Type::Number, Type::Number) | (Type::Date, Type::Date) => Ok(()),
        (Type::Text, Type::Text) if equality => Ok(()),
        // A date field against a literal 'YYYY-MM-DD'.
        (Type::Date, Type::Text) | (Type::Text, Type::Date) => {
            let literal = if matches!(left.0, Type::Text) {
                left.1
            } else {
                right.1
            };
            match &literal.kind {
                ExprKind::Str(s) if s.parse::<crate::config::Date>().is_ok() => Ok(()),
                _ => error(
                    "a date compares with a date, `today()`, or a literal 'YYYY-MM-DD'",
                    literal.span.clone(),
                ),
            }
        }
        (Type::YesNo, Type::Text) | (Type::Text, Type::YesNo) if equality => {
            let literal = if matches!(left.0, Type::Text) {
                left.1
            } else {
                right.1
            };
            match &literal.kind {
                ExprKind::Str(s) if s == "yes" || s == "no" => Ok(()),
                _ => error(
                    "a yes/no answer compares with 'yes' or 'no'",
                    literal.span.clone(),
                ),
            }
        }
        (Type::Choice(list), Type::Text) | (Type::Text, Type::Choice(list)) if equality => {
            let literal = if matches!(left.0, Type::Text) {
                left.1
            } else {
                right.1
            };
            match &literal.kind {
                ExprKind::Str(s) => check_option(list, s, scope, literal.span.clone()),
                _ => error(
                    "compare a choice with an option id in quotes",
                    literal.span.clone(),
                ),
            }
        }
        (Type::Choices(_), _) | (_, Type::Choices(_)) => error(
            "a multiple-choice answer is tested with `selected(field, 'option')`",
            span,
        ),
        (l, r) if !equality && (l == &Type::Text || r == &Type::Text) => error(
            format!(
                "`{}` compares numbers or dates, not {l} and {r}",
                op.symbol()
            ),
            span,
        ),
        (l, r) => error(format!("cannot compare {l} with {r}"), span),
    }
}

/// Field ids an expression refers to (for dependency cycles).
pub fn references(expr: &Expr, out: &mut Vec<String>) {
    match &expr.kind {
        ExprKind::Field(id) => out.push(id.clone()),
        ExprKind::Not(inner) => references(inner, out),
        ExprKind::Binary(_, l, r) => {
            references(l, out);
            references(r, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| references(a, out)),
        _ => {}
    }
}

/// Translates to an XLSForm (ODK XPath) expression. `types` gives field types, to render
/// yes/no answers and dates the way XLSForm stores them.
pub fn to_xpath(expr: &Expr, scope: &dyn Scope) -> String {
    match &expr.kind {
        ExprKind::Number(n) => format_number(*n),
        ExprKind::Str(s) => format!("'{s}'"),
        ExprKind::Current => ".".into(),
        ExprKind::Field(id) => format!("${{{id}}}"),
        ExprKind::Not(inner) => format!("not({})", to_xpath(inner, scope)),
        ExprKind::Binary(op, l, r) => {
            let wrap = |e: &Expr| match &e.kind {
                ExprKind::Binary(inner, _, _)
                    if matches!(inner, BinaryOp::And | BinaryOp::Or) && inner != op =>
                {
                    format!("({})", to_xpath(e, scope))
                }
                _ => to_xpath(e, scope),
            };
            let is_date = |e: &Expr| match &e.kind {
                ExprKind::Field(id) => scope.field_type(id) == Some(Type::Date),
                ExprKind::Call(Function::Today, _) => true,
                _ => false,
            };
            let date_literal = |e: &Expr, other: &Expr| match &e.kind {
                ExprKind::Str(s) if is_date(other) => Some(format!("date('{s}')")),
                _ => None,
            };
            let left = date_literal(l, r).unwrap_or_else(|| wrap(l));
            let right = date_literal(r, l).unwrap_or_else(|| wrap(r));
            format!("{left} {} {right}", op.symbol())
        }
        ExprKind::Call(function, args) => match function {
            Function::Today => "today()".into(),
            Function::Selected => format!(
                "selected({}, {})",
                to_xpath(&args[0], scope),
                to_xpath(&args[1], scope)
            ),
            Function::Filled => format!("string-length(string({})) > 0", to_xpath(&args[0], scope)),
            Function::Age => format!(
                "int((decimal-date-time(today()) - decimal-date-time({})) div 365.25)",
                to_xpath(&args[0], scope)
            ),
            Function::Count => format!("count({})", to_xpath(&args[0], scope)),
        },
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct TestScope(BTreeMap<&'static str, Type>);

    impl Scope for TestScope {
        fn field_type(&self, id: &str) -> Option<Type> {
            self.0.get(id).cloned()
        }
        fn options(&self, list: &str) -> Option<Vec<String>> {
            match list {
                "sex" => Some(vec!["female".into(), "male".into()]),
                "concerns" => Some(vec!["neglect".into(), "sexual_violence".into()]),
                _ => None,
            }
        }
        fn field_ids(&self) -> Vec<String> {
            self.0.keys().map(|k| k.to_string()).collect()
        }
    }

    fn scope() -> TestScope {
        TestScope(BTreeMap::from([
            ("sex", Type::Choice("sex".into())),
            ("concerns", Type::Choices("concerns".into())),
            ("date_of_birth", Type::Date),
            ("age_years", Type::Number),
            ("interpreter_used", Type::YesNo),
            ("name", Type::Text),
            ("household", Type::Rows),
        ]))
    }

    fn ok(source: &str) -> Expr {
        let expr = parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        check(&expr, &scope(), Some(&Type::Date)).unwrap_or_else(|e| panic!("{source}: {e}"));
        expr
    }

    fn fails(source: &str) -> ExprError {
        match parse(source) {
            Err(e) => e,
            Ok(expr) => check(&expr, &scope(), None).expect_err(source),
        }
    }

    #[test]
    fn valid_conditions_parse_and_check() {
        for source in [
            "sex = 'female'",
            "interpreter_used = 'yes'",
            "selected(concerns, 'neglect') and not (age_years < 12)",
            "age(date_of_birth) >= 12 or filled(name)",
            ". <= today()",
            "date_of_birth > '2008-01-01'",
            "count(household) <= 20",
            "not filled(name)",
        ] {
            ok(source);
        }
    }

    #[test]
    fn syntax_errors_have_spans() {
        let e = fails("sex = 'female");
        assert_eq!(e.span.start, 6);
        assert!(e.message.contains("closing quote"));
        let e = fails("sex == 'female'");
        assert_eq!(e.span, 5..6);
        let e = fails("sex = \"female\"");
        assert!(e.message.contains("single quotes"), "{e}");
        let e = fails("(age_years > 3");
        assert!(e.message.contains("expected `)`"));
        let e = fails("1 < age_years < 5");
        assert!(e.message.contains("chained"));
        let e = fails("${sex} = 'male'");
        assert!(e.message.contains("bare id"));
    }

    #[test]
    fn deep_or_long_conditions_are_errors_not_crashes() {
        let deep = format!("{}sex = 'female'{}", "(".repeat(100), ")".repeat(100));
        assert!(fails(&deep).message.contains("nested too deep"));
        let nots = format!("{}sex = 'female'", "not ".repeat(100));
        assert!(fails(&nots).message.contains("nested too deep"));
        let huge = format!("{}sex = 'female'{}", "(".repeat(50_000), ")".repeat(50_000));
        assert!(fails(&huge).message.contains("too long"));
        let long = vec!["age > 1"; 100_000].join(" and ");
        assert!(fails(&long).message.contains("too long"));
        // Reasonable conditions stay well inside both bounds.
        ok(&format!(
            "{}sex = 'female'{}",
            "(".repeat(20),
            ")".repeat(20)
        ));
        ok(&vec!["age_years > 1"; 100].join(" and "));
    }

    #[test]
    fn type_errors_are_reported() {
        let e = fails("sexx = 'female'");
        assert!(e.message.contains("did you mean `sex`"), "{e}");
        assert_eq!(e.span, 0..4);
        assert!(
            fails("sex = 'femal'")
                .message
                .contains("did you mean 'female'")
        );
        assert!(
            fails("date_of_birth = sex")
                .message
                .contains("cannot compare a date")
        );
        assert!(fails("concerns = 'neglect'").message.contains("selected("));
        assert!(
            fails("interpreter_used = 'maybe'")
                .message
                .contains("'yes' or 'no'")
        );
        assert!(fails("age_years").message.contains("true or false"));
        assert!(
            fails(". > 3")
                .message
                .contains("only allowed in a constraint")
        );
        assert!(
            fails("selected(name, 'x')")
                .message
                .contains("choice field")
        );
        assert!(
            fails("name < 'b'")
                .message
                .contains("compares numbers or dates")
        );
        assert!(
            fails("age(age_years) > 1")
                .message
                .contains("expected a date")
        );
        assert!(fails("frob(sex)").message.contains("unknown function"));
    }

    #[test]
    fn translates_to_xpath() {
        let s = scope();
        let x = |source: &str| to_xpath(&ok(source), &s);
        assert_eq!(x("sex = 'female'"), "${sex} = 'female'");
        assert_eq!(
            x("selected(concerns, 'neglect') and not (age_years < 12)"),
            "selected(${concerns}, 'neglect') and not(${age_years} < 12)"
        );
        assert_eq!(
            x("(age_years > 1 or filled(name)) and sex = 'male'"),
            "(${age_years} > 1 or string-length(string(${name})) > 0) and ${sex} = 'male'"
        );
        assert_eq!(
            x("date_of_birth > '2008-01-01'"),
            "${date_of_birth} > date('2008-01-01')"
        );
        assert_eq!(x(". <= today()"), ". <= today()");
        assert_eq!(
            x("age(date_of_birth) >= 12"),
            "int((decimal-date-time(today()) - decimal-date-time(${date_of_birth})) div 365.25) >= 12"
        );
        assert_eq!(x("count(household) <= 20"), "count(${household}) <= 20");
    }

    #[test]
    fn references_are_collected() {
        let mut refs = Vec::new();
        references(&ok("sex = 'female' and age(date_of_birth) > 3"), &mut refs);
        assert_eq!(refs, vec!["sex", "date_of_birth"]);
    }
}
