//! gettext PO files, read and written exactly: what translators' tools (Poedit, Weblate,
//! translate-toolkit) exchange with bipgen, one file per language.
//!
//! Only the part of the format bipgen uses is supported: singular messages with optional
//! context, the comments and flags translators' tools keep, previous msgids of fuzzy
//! entries and obsolete (`#~`) entries. Plural entries are rejected with an error rather
//! than silently dropped, so a translator's work is never lost without notice.
//!
//! [`write`] is deterministic and never wraps lines, so a re-export changes only the lines
//! whose text changed.

use std::collections::HashMap;
use std::fmt;

/// A whole PO file: the header entry and every other entry in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoFile {
    pub header: Header,
    pub entries: Vec<Entry>,
}

/// The header entry's fields (the msgstr of the entry with an empty msgid and no context).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// `Project-Id-Version`.
    pub project: String,
    /// `Language`.
    pub language: String,
    /// Every other field in file order, e.g. `X-Generator`, `Last-Translator`. The fields
    /// [`write`] always emits itself (`MIME-Version`, `Content-Type`,
    /// `Content-Transfer-Encoding`) are not kept here.
    pub extra: Vec<(String, String)>,
}

/// Header fields that carry a catalogue's review state.
pub const REVIEW_STATUS: &str = "X-Review-Status";
pub const REVIEWED_BY: &str = "X-Reviewed-By";
pub const REVIEW_DATE: &str = "X-Review-Date";

/// Whether a language's translations are a draft or have been reviewed by a translator of
/// the language, as a catalogue's header says (`X-Review-Status: draft` or `reviewed`,
/// with `X-Reviewed-By` and `X-Review-Date`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// `draft` (machine or first draft, to be reviewed) or `reviewed`.
    #[schemars(extend("enum" = ["draft", "reviewed"]))]
    pub status: &'static str,
    /// Who reviewed it, as the header names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// When, as the header gives it (e.g. `2027-01-15`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Review {
    pub fn is_draft(&self) -> bool {
        self.status == "draft"
    }
}

impl Header {
    /// The value of a field other than the project and language, trimmed; `None` when
    /// absent or empty.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The review state the header declares; `None` when it declares none (or an unknown
    /// one, which the import reports).
    pub fn review(&self) -> Option<Review> {
        let status = match self.field(REVIEW_STATUS)?.to_ascii_lowercase().as_str() {
            "draft" => "draft",
            "reviewed" => "reviewed",
            _ => return None,
        };
        Some(Review {
            status,
            reviewer: self.field(REVIEWED_BY).map(str::to_owned),
            date: self.field(REVIEW_DATE).map(str::to_owned),
        })
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// `msgctxt`.
    pub context: Option<String>,
    /// `msgid`.
    pub id: String,
    /// `msgstr`; empty when untranslated.
    pub translation: String,
    /// `# ...` lines.
    pub translator_comments: Vec<String>,
    /// `#. ...` lines: context for translators.
    pub extracted_comments: Vec<String>,
    /// `#: ...` references, one per whitespace-separated item.
    pub references: Vec<String>,
    /// The `fuzzy` flag.
    pub fuzzy: bool,
    /// Every other flag of `#, ...` lines, in order.
    pub flags: Vec<String>,
    /// `#| msgid ...`: the source text a fuzzy translation was made for.
    pub previous_id: Option<String>,
    /// A `#~` entry: kept by translators' tools, no longer in the source.
    pub obsolete: bool,
    /// 1-based line of the entry's `msgid` in the parsed file; 0 when built in code.
    pub line: usize,
}

/// A syntax error, at a 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for PoError {}

/// Header fields [`write`] emits itself; bipgen files are always UTF-8.
const WRITER_FIELDS: [(&str, &str); 3] = [
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
];
const PROJECT: &str = "Project-Id-Version";
const LANGUAGE: &str = "Language";
const PLURAL: &str = "plural entries are not used by bipgen";

// ---------------------------------------------------------------------------------------
// Parsing

/// Reads a PO file. A leading byte order mark and CRLF line ends are accepted.
pub fn parse(text: &str) -> Result<PoFile, PoError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::default();
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        parser.line(&Src {
            no: index + 1,
            text: line,
        })?;
    }
    parser.flush()?;
    Ok(parser.file)
}

#[derive(Debug, Clone, Copy)]
struct Pos {
    line: usize,
    column: usize,
}

fn error(pos: Pos, message: impl Into<String>) -> PoError {
    PoError {
        line: pos.line,
        column: pos.column,
        message: message.into(),
    }
}

/// One physical line; positions inside it are byte offsets, reported as columns.
struct Src<'a> {
    no: usize,
    text: &'a str,
}

impl Src<'_> {
    fn pos(&self, byte: usize) -> Pos {
        Pos {
            line: self.no,
            column: self.text[..byte].chars().count() + 1,
        }
    }

    /// The offset of the first non-blank character at or after `byte`.
    fn skip_blanks(&self, byte: usize) -> usize {
        let rest = &self.text[byte..];
        byte + rest.len() - rest.trim_start().len()
    }
}

/// A string being read: its bytes (escapes may encode UTF-8 byte by byte, so it is decoded
/// only once complete) and where each quoted piece began, to point into the header.
#[derive(Debug)]
struct Field {
    bytes: Vec<u8>,
    pos: Pos,
    pieces: Vec<(usize, Pos)>,
}

impl Field {
    fn new(pos: Pos) -> Field {
        Field {
            bytes: Vec::new(),
            pos,
            pieces: Vec::new(),
        }
    }

    fn text(self) -> Result<String, PoError> {
        String::from_utf8(self.bytes).map_err(|_| {
            error(
                self.pos,
                "the string is not valid UTF-8 once its escapes are decoded",
            )
        })
    }

    /// Where the quoted piece holding decoded byte `offset` began.
    fn pos_at(&self, offset: usize) -> Pos {
        self.pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .map_or(self.pos, |(_, pos)| *pos)
    }
}

/// Which string a continuation line (`"..."`) extends.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Target {
    #[default]
    None,
    PrevContext,
    PrevId,
    Context,
    Id,
    Str,
}

/// The entry being read: comments arrive first, then keywords.
#[derive(Debug, Default)]
struct Pending {
    entry: Entry,
    /// Set by the first `#~`-or-not keyword line; all of an entry's lines must agree.
    obsolete: Option<bool>,
    prev_context: Option<Field>,
    prev_id: Option<Field>,
    context: Option<Field>,
    id: Option<Field>,
    str: Option<Field>,
    target: Target,
}

#[derive(Default)]
struct Parser {
    file: PoFile,
    pending: Pending,
    /// Line of each (msgctxt, msgid) among non-obsolete entries, header included.
    seen: HashMap<(Option<String>, String), usize>,
}

enum Keyword {
    Context,
    Id,
    Str,
}

impl Parser {
    fn line(&mut self, src: &Src) -> Result<(), PoError> {
        let start = src.skip_blanks(0);
        let rest = &src.text[start..];
        if rest.is_empty() {
            if self.pending.str.is_some() {
                self.flush()?;
            }
            self.pending.target = Target::None;
            return Ok(());
        }
        if let Some(after) = rest.strip_prefix("#~") {
            if after.starts_with('|') {
                return self.previous(src, start, start + 3, true);
            }
            let at = src.skip_blanks(start + 2);
            return match src.text[at..].chars().next() {
                // A bare "#~" carries nothing.
                None => Ok(()),
                // Some tools prefix an obsolete entry's comments with "#~" too.
                Some('#') => self.comment(src, at, true),
                Some(_) => self.keyword_or_string(src, at, true),
            };
        }
        if rest.starts_with('#') {
            return self.comment(src, start, false);
        }
        self.keyword_or_string(src, start, false)
    }

    /// A `#` line starting at `at`.
    fn comment(&mut self, src: &Src, at: usize, in_obsolete: bool) -> Result<(), PoError> {
        let pos = src.pos(at);
        let body = &src.text[at + 1..];
        let kind = body.chars().next();
        if kind == Some('|') {
            return self.previous(src, at, at + 2, in_obsolete);
        }
        if kind == Some('~') {
            return Err(error(pos, "unexpected \"#~\" after \"#~\""));
        }
        self.before_comment(pos)?;
        let text = |marker_len: usize| {
            let rest = &body[marker_len..];
            rest.strip_prefix(' ').unwrap_or(rest).to_string()
        };
        let entry = &mut self.pending.entry;
        match kind {
            Some('.') => entry.extracted_comments.push(text(1)),
            Some(':') => entry.references.extend(split_references(&body[1..])),
            Some(',') => {
                for flag in body[1..]
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                {
                    if flag == "fuzzy" {
                        entry.fuzzy = true;
                    } else {
                        entry.flags.push(flag.to_string());
                    }
                }
            }
            _ => entry.translator_comments.push(text(0)),
        }
        Ok(())
    }

    /// Comments belong to the next entry, so they end a complete one and may not fall
    /// between an entry's keywords.
    fn before_comment(&mut self, pos: Pos) -> Result<(), PoError> {
        if self.pending.str.is_some() {
            self.flush()
        } else if self.pending.id.is_some() || self.pending.context.is_some() {
            Err(error(pos, "a comment cannot come between msgid and msgstr"))
        } else {
            Ok(())
        }
    }

    fn set_mode(&mut self, obsolete: bool, pos: Pos) -> Result<(), PoError> {
        match self.pending.obsolete {
            Some(mode) if mode != obsolete => {
                Err(error(pos, "an entry mixes obsolete (#~) and active lines"))
            }
            _ => {
                self.pending.obsolete = Some(obsolete);
                Ok(())
            }
        }
    }

    /// A `#|` (or `#~|`) line, from just after the `|`.
    fn previous(
        &mut self,
        src: &Src,
        hash: usize,
        after_bar: usize,
        obsolete: bool,
    ) -> Result<(), PoError> {
        let at = src.skip_blanks(after_bar);
        let pos = src.pos(at);
        let rest = &src.text[at..];
        if rest.starts_with('"') {
            if !matches!(self.pending.target, Target::PrevContext | Target::PrevId) {
                return Err(error(pos, "a \"#|\" string without \"#| msgid\" before it"));
            }
            self.set_mode(obsolete, pos)?;
            let target = self.pending.target;
            let field = match target {
                Target::PrevContext => self.pending.prev_context.as_mut(),
                _ => self.pending.prev_id.as_mut(),
            };
            return read_strings(src, at, field.expect("target is set with its field"));
        }
        self.before_comment(src.pos(hash))?;
        let word = keyword(rest);
        let (slot, target) = match word {
            "msgctxt" => (&mut self.pending.prev_context, Target::PrevContext),
            "msgid" => (&mut self.pending.prev_id, Target::PrevId),
            "msgid_plural" => return Err(error(pos, format!("{PLURAL} (#| msgid_plural)"))),
            "" => {
                return Err(error(
                    pos,
                    "expected msgctxt, msgid or a string after \"#|\"",
                ));
            }
            other => {
                return Err(error(
                    pos,
                    format!("unknown keyword {other:?} after \"#|\""),
                ));
            }
        };
        if slot.is_some() {
            return Err(error(pos, format!("a second \"#| {word}\" in one entry")));
        }
        let field = slot.insert(Field::new(pos));
        let after = expect_string(src, at, word)?;
        read_strings(src, after, field)?;
        self.pending.target = target;
        self.set_mode(obsolete, pos)
    }

    /// A keyword line or a continuation string, starting at `at`.
    fn keyword_or_string(&mut self, src: &Src, at: usize, obsolete: bool) -> Result<(), PoError> {
        let pos = src.pos(at);
        let rest = &src.text[at..];
        if rest.starts_with('"') {
            let field = match self.pending.target {
                Target::Context => self.pending.context.as_mut(),
                Target::Id => self.pending.id.as_mut(),
                Target::Str => self.pending.str.as_mut(),
                _ => None,
            };
            let Some(field) = field else {
                return Err(error(pos, "a string without a keyword before it"));
            };
            if self.pending.obsolete != Some(obsolete) {
                return Err(error(pos, "an entry mixes obsolete (#~) and active lines"));
            }
            return read_strings(src, at, field);
        }
        let word = keyword(rest);
        let kind = match word {
            "msgctxt" => Keyword::Context,
            "msgid" => Keyword::Id,
            "msgstr" => Keyword::Str,
            "msgid_plural" => return Err(error(pos, format!("{PLURAL} (msgid_plural)"))),
            w if w.starts_with("msgstr[") => return Err(error(pos, format!("{PLURAL} ({w})"))),
            "" => {
                let c = rest.chars().next().unwrap_or(' ');
                return Err(error(pos, format!("unexpected character {c:?}")));
            }
            other => return Err(error(pos, format!("unknown keyword {other:?}"))),
        };
        let pending = &self.pending;
        match kind {
            Keyword::Context | Keyword::Id if pending.str.is_some() => self.flush()?,
            Keyword::Context if pending.id.is_some() => {
                return Err(error(
                    pending.id.as_ref().unwrap().pos,
                    "msgid without msgstr",
                ));
            }
            Keyword::Context if pending.context.is_some() => {
                return Err(error(pos, "a second msgctxt before the msgid"));
            }
            Keyword::Id if pending.id.is_some() => {
                return Err(error(
                    pending.id.as_ref().unwrap().pos,
                    "msgid without msgstr",
                ));
            }
            Keyword::Str if pending.id.is_none() || pending.str.is_some() => {
                return Err(error(pos, "msgstr without msgid"));
            }
            _ => {}
        }
        self.set_mode(obsolete, pos)?;
        let after = expect_string(src, at, word)?;
        let (slot, target) = match kind {
            Keyword::Context => (&mut self.pending.context, Target::Context),
            Keyword::Id => (&mut self.pending.id, Target::Id),
            Keyword::Str => (&mut self.pending.str, Target::Str),
        };
        read_strings(src, after, slot.insert(Field::new(pos)))?;
        self.pending.target = target;
        Ok(())
    }

    /// Ends the pending entry: checks it is complete and unique, then stores it.
    fn flush(&mut self) -> Result<(), PoError> {
        let pending = std::mem::take(&mut self.pending);
        let Some(id) = pending.id else {
            if let Some(context) = pending.context {
                return Err(error(context.pos, "msgctxt without msgid"));
            }
            // Comments with no entry after them (end of file) carry nothing to keep.
            return Ok(());
        };
        let Some(msgstr) = pending.str else {
            return Err(error(id.pos, "msgid without msgstr"));
        };
        let obsolete = pending.obsolete == Some(true);
        let id_pos = id.pos;
        let context = pending.context.map(Field::text).transpose()?;
        let id = id.text()?;
        if !obsolete {
            let key = (context.clone(), id.clone());
            if let Some(first) = self.seen.get(&key) {
                let what = if context.is_some() {
                    "msgctxt and msgid"
                } else {
                    "msgid"
                };
                return Err(error(
                    id_pos,
                    format!("duplicate entry: the same {what} as the entry at line {first}"),
                ));
            }
            self.seen.insert(key, id_pos.line);
            if context.is_none() && id.is_empty() {
                // The header's own comments and flags (often "#, fuzzy" in templates)
                // have no place in `Header`: bipgen rewrites the header on export.
                self.file.header = parse_header(msgstr)?;
                return Ok(());
            }
        }
        // The previous msgctxt is read for validity but not kept: bipgen needs only the
        // previous msgid to show translators what changed.
        if let Some(prev) = pending.prev_context {
            prev.text()?;
        }
        let entry = Entry {
            context,
            id,
            translation: msgstr.text()?,
            previous_id: pending.prev_id.map(Field::text).transpose()?,
            obsolete,
            line: id_pos.line,
            ..pending.entry
        };
        self.file.entries.push(entry);
        Ok(())
    }
}

/// The keyword at the start of `text` (letters, digits, `_` and brackets for `msgstr[0]`).
fn keyword(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']')))
        .unwrap_or(text.len());
    &text[..end]
}

/// Checks a quoted string follows the keyword at `at`; returns where it starts.
fn expect_string(src: &Src, at: usize, word: &str) -> Result<usize, PoError> {
    let after = src.skip_blanks(at + word.len());
    if src.text[after..].starts_with('"') {
        Ok(after)
    } else {
        Err(error(
            src.pos(after),
            format!("expected a quoted string after {word}"),
        ))
    }
}

/// Reads one or more quoted strings from `at` to the end of the line into `field`.
fn read_strings(src: &Src, mut at: usize, field: &mut Field) -> Result<(), PoError> {
    loop {
        field.pieces.push((field.bytes.len(), src.pos(at)));
        at = read_string(src, at, &mut field.bytes)?;
        at = src.skip_blanks(at);
        match src.text[at..].chars().next() {
            None => return Ok(()),
            Some('"') => {}
            Some(_) => return Err(error(src.pos(at), "unexpected text after the string")),
        }
    }
}

/// Decodes the quoted string whose opening quote is at `at`; returns the offset after
/// its closing quote.
fn read_string(src: &Src, at: usize, out: &mut Vec<u8>) -> Result<usize, PoError> {
    let unterminated = || error(src.pos(at), "unterminated string");
    let mut chars = src.text[at + 1..].char_indices().peekable();
    let base = at + 1;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok(base + i + 1),
            '\\' => {
                let bad = |what: &str| error(src.pos(base + i), format!("bad escape {what}"));
                let Some((_, e)) = chars.next() else {
                    return Err(unterminated());
                };
                let byte = match e {
                    'n' => b'\n',
                    't' => b'\t',
                    'r' => b'\r',
                    '"' => b'"',
                    '\\' => b'\\',
                    '\'' => b'\'',
                    '?' => b'?',
                    'a' => 0x07,
                    'b' => 0x08,
                    'f' => 0x0c,
                    'v' => 0x0b,
                    '0'..='7' => {
                        let mut value = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|(_, d)| d.to_digit(8)) {
                                Some(d) => {
                                    value = value * 8 + d;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        u8::try_from(value)
                            .map_err(|_| bad(&format!("\\{value:o} (above \\377)")))?
                    }
                    'x' => {
                        // Like gettext, take every hex digit; the value must fit a byte.
                        let mut digits = String::new();
                        while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_hexdigit())
                        {
                            digits.push(*d);
                            chars.next();
                        }
                        if digits.is_empty() {
                            return Err(bad("\\x without hex digits"));
                        }
                        u8::from_str_radix(&digits, 16)
                            .map_err(|_| bad(&format!("\\x{digits} (above \\xff)")))?
                    }
                    other => return Err(bad(&format!("\\{other}"))),
                };
                out.push(byte);
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Err(unterminated())
}

/// Splits a `#:` line into references. gettext (0.20+) wraps file names containing
/// spaces in U+2068…U+2069 isolates; inside them whitespace does not split.
fn split_references(text: &str) -> Vec<String> {
    let mut references = Vec::new();
    let mut current = String::new();
    let mut isolated = false;
    for c in text.chars() {
        match c {
            '\u{2068}' => isolated = true,
            '\u{2069}' => isolated = false,
            c if c.is_whitespace() && !isolated => {
                if !current.is_empty() {
                    references.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        references.push(current);
    }
    references
}

fn parse_header(msgstr: Field) -> Result<Header, PoError> {
    let mut header = Header::default();
    let text = String::from_utf8(msgstr.bytes.clone())
        .map_err(|_| error(msgstr.pos, "the header is not valid UTF-8"))?;
    let mut offset = 0;
    for line in text.split('\n') {
        let start = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        let field = line
            .split_once(':')
            .filter(|(key, _)| !key.trim().is_empty());
        let Some((key, value)) = field else {
            return Err(error(
                msgstr.pos_at(start),
                format!("invalid header line {line:?}: expected \"Key: value\""),
            ));
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        match key {
            PROJECT => header.project = value,
            LANGUAGE => header.language = value,
            k if WRITER_FIELDS.iter().any(|(w, _)| *w == k) => {}
            k => header.extra.push((k.to_string(), value)),
        }
    }
    Ok(header)
}

// ---------------------------------------------------------------------------------------
// Writing

/// Writes a PO file: the header, then active entries, then obsolete ones, each in the
/// order given. Input is not validated: an entry with an empty msgid and no context, or
/// two entries with the same context and msgid, make a file [`parse`] rejects.
pub fn write(file: &PoFile) -> String {
    let mut out = String::from("msgid \"\"\nmsgstr \"\"\n");
    let header = &file.header;
    let fields = [
        (PROJECT, header.project.as_str()),
        (LANGUAGE, header.language.as_str()),
    ]
    .into_iter()
    .chain(WRITER_FIELDS)
    .chain(
        header
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .filter(|(k, _)| {
                *k != PROJECT && *k != LANGUAGE && !WRITER_FIELDS.iter().any(|(w, _)| w == k)
            }),
    );
    for (key, value) in fields {
        out.push('"');
        escape_into(&mut out, &format!("{key}: {value}\n"));
        out.push_str("\"\n");
    }
    let active = file.entries.iter().filter(|e| !e.obsolete);
    for entry in active.chain(file.entries.iter().filter(|e| e.obsolete)) {
        out.push('\n');
        write_entry(&mut out, entry);
    }
    out
}

fn write_entry(out: &mut String, entry: &Entry) {
    // Comments stay unprefixed on obsolete entries, as msgmerge writes them.
    for comment in &entry.translator_comments {
        comment_lines(out, "#", comment);
    }
    for comment in &entry.extracted_comments {
        comment_lines(out, "#.", comment);
    }
    for reference in &entry.references {
        if reference.contains(char::is_whitespace) {
            comment_lines(out, "#:", &format!("\u{2068}{reference}\u{2069}"));
        } else {
            comment_lines(out, "#:", reference);
        }
    }
    if entry.fuzzy || !entry.flags.is_empty() {
        let fuzzy = entry.fuzzy.then_some("fuzzy");
        let flags: Vec<&str> = fuzzy
            .into_iter()
            .chain(entry.flags.iter().map(String::as_str))
            .collect();
        comment_lines(out, "#,", &flags.join(", "));
    }
    let (previous, prefix) = if entry.obsolete {
        ("#~| ", "#~ ")
    } else {
        ("#| ", "")
    };
    if let Some(previous_id) = &entry.previous_id {
        write_string(out, previous, "msgid", previous_id);
    }
    if let Some(context) = &entry.context {
        write_string(out, prefix, "msgctxt", context);
    }
    write_string(out, prefix, "msgid", &entry.id);
    write_string(out, prefix, "msgstr", &entry.translation);
}

/// A comment, one line per line of `text` (a comment cannot hold a line break).
fn comment_lines(out: &mut String, marker: &str, text: &str) {
    for line in text.split('\n') {
        out.push_str(marker);
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// `keyword "text"`, or for text with inner line breaks `keyword ""` and one quoted line
/// per line, as gettext tools write it.
fn write_string(out: &mut String, prefix: &str, keyword: &str, text: &str) {
    let multi_line = text.find('\n').is_some_and(|i| i + 1 < text.len());
    out.push_str(prefix);
    out.push_str(keyword);
    if multi_line {
        out.push_str(" \"\"\n");
        for line in text.split_inclusive('\n') {
            out.push_str(prefix);
            out.push('"');
            escape_into(out, line);
            out.push_str("\"\n");
        }
    } else {
        out.push_str(" \"");
        escape_into(out, text);
        out.push_str("\"\n");
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0b}' => out.push_str("\\v"),
            '\u{0c}' => out.push_str("\\f"),
            // Other control characters as three-digit octal, which never absorbs a
            // following digit (a hex escape would).
            c if c.is_ascii_control() => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(context: Option<&str>, id: &str, translation: &str) -> Entry {
        Entry {
            context: context.map(str::to_string),
            id: id.to_string(),
            translation: translation.to_string(),
            ..Entry::default()
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Parsed entries carry their line; entries built in code have 0.
    fn without_lines(mut file: PoFile) -> PoFile {
        for entry in &mut file.entries {
            entry.line = 0;
        }
        file
    }

    fn header() -> Header {
        Header {
            project: "bipgen 0.1.0 (TD)".to_string(),
            language: "am".to_string(),
            extra: vec![
                ("PO-Revision-Date".into(), "2026-03-01 10:00+0000".into()),
                ("Last-Translator".into(), "Selam <selam@example.org>".into()),
                ("Language-Team".into(), "Amharic".into()),
                ("X-Generator".into(), "bipgen 0.1.0".into()),
                ("X-Source-Language".into(), "en".into()),
            ],
        }
    }

    /// A file using every feature, obsolete entries last (where `write` puts them).
    fn sample() -> PoFile {
        let mut name = entry(
            Some("form.bia.field.child_name.label"),
            "Child's name",
            "የልጁ ስም",
        );
        name.extracted_comments = strings(&["Field label, BIA form", "type: text"]);
        name.references = strings(&["form.bia.field.child_name", "forms/bia.toml:12"]);
        name.translator_comments = strings(&["checked with the Gambella team", "", "  indented"]);

        let mut intro = entry(
            Some("sop.bid.intro"),
            "The panel meets monthly.\nIt reviews \"urgent\" cases first.\n\tSee C:\\BIP\\sop.",
            "يجتمع الفريق شهريًا.\nيراجع الحالات \"العاجلة\" أولًا.",
        );
        intro.fuzzy = true;
        intro.flags = strings(&["no-c-format", "python-brace-format"]);
        intro.previous_id = Some("The panel meets.\nEvery month.".to_string());

        let mut plain = entry(None, "Yes", "");
        plain.references = strings(&["list yes_no.toml:3"]);
        plain.flags = strings(&["python-brace-format"]);

        let trailing = entry(None, "Line ends here\n", "ends\r\n");
        let controls = entry(None, "bell\u{7} back\u{8} ff\u{c} vt\u{b} nul\u{1}1", "x");
        let same_id = entry(Some("other"), "Yes", "አዎ");

        let mut gone = entry(Some("old.key"), "Old text\nwith two lines", "የድሮ ጽሑፍ");
        gone.obsolete = true;
        gone.fuzzy = true;
        gone.previous_id = Some("Older text".to_string());
        gone.translator_comments = strings(&["kept by Poedit"]);
        let mut gone_plain = entry(None, "No longer used", "");
        gone_plain.obsolete = true;

        PoFile {
            header: header(),
            entries: vec![
                name, intro, plain, trailing, controls, same_id, gone, gone_plain,
            ],
        }
    }

    #[test]
    fn round_trip_keeps_everything() {
        let file = sample();
        let text = write(&file);
        let parsed = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(without_lines(parsed.clone()), file, "\n{text}");
        // Writing is deterministic and stable under a second round.
        assert_eq!(write(&parsed), text);
        // Each entry's line is its msgid's line.
        let lines: Vec<&str> = text.lines().collect();
        for entry in &parsed.entries {
            let line = lines[entry.line - 1];
            assert!(
                line.starts_with("msgid ") || line.starts_with("#~ msgid "),
                "{line}"
            );
        }
    }

    #[test]
    fn writes_the_documented_layout() {
        let mut fuzzy = entry(Some("sop.a"), "One\nTwo", "Un\nDeux\n");
        fuzzy.fuzzy = true;
        fuzzy.flags = strings(&["no-c-format"]);
        fuzzy.previous_id = Some("One".into());
        fuzzy.translator_comments = strings(&["note"]);
        fuzzy.extracted_comments = strings(&["where"]);
        fuzzy.references = strings(&["a.toml:1", "b c.toml:2"]);
        let mut old = entry(None, "Gone", "Parti");
        old.obsolete = true;
        old.previous_id = Some("Went".into());
        let file = PoFile {
            header: Header {
                project: "bipgen".into(),
                language: "fr".into(),
                extra: vec![("X-Generator".into(), "bipgen".into())],
            },
            entries: vec![old, fuzzy, entry(None, "Say \"hi\"\n", "Dis « salut »\n")],
        };
        let expected = r#"msgid ""
msgstr ""
"Project-Id-Version: bipgen\n"
"Language: fr\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"X-Generator: bipgen\n"

# note
#. where
#: a.toml:1
#: {FSI}b c.toml:2{PDI}
#, fuzzy, no-c-format
#| msgid "One"
msgctxt "sop.a"
msgid ""
"One\n"
"Two"
msgstr ""
"Un\n"
"Deux\n"

msgid "Say \"hi\"\n"
msgstr "Dis « salut »\n"

#~| msgid "Went"
#~ msgid "Gone"
#~ msgstr "Parti"
"#
        .replace("{FSI}", "\u{2068}")
        .replace("{PDI}", "\u{2069}");
        assert_eq!(write(&file), expected);
    }

    /// As Poedit 3 writes it: header comments, fuzzy header, 79-column wrapping.
    const POEDIT: &str = r#"# Amharic translation of bipgen.
# Copyright (C) 2026 UNHCR
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: bipgen 0.1.0\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: 2026-01-10 09:00+0000\n"
"PO-Revision-Date: 2026-02-01 14:32+0300\n"
"Last-Translator: Selam <selam@example.org>\n"
"Language-Team: Amharic\n"
"Language: am\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"
"X-Generator: Poedit 3.4.2\n"

#. Field label on the BIA form
#: form.bia.field.child_name.label forms/bia.toml:12
msgctxt "form.bia.field.child_name.label"
msgid "Child's name"
msgstr "የልጁ ስም"

#. Paragraph of the SOP
#: sop.bid.intro
#, fuzzy, python-brace-format
#| msgid "The panel meets every month."
msgctxt "sop.bid.intro"
msgid ""
"The Best Interests Determination panel meets every month to review the cases "
"referred by {agency} caseworkers.\n"
"Urgent cases come first."
msgstr ""
"የምርጥ ጥቅም ውሳኔ ፓነል በየወሩ ይሰበሰባል "
"{agency}።\n"
"አስቸኳይ ጉዳዮች ይቀድማሉ።"

msgid "Untranslated"
msgstr ""

#~ msgctxt "old.key"
#~ msgid ""
#~ "Old "
#~ "text"
#~ msgstr "የድሮ"
"#;

    #[test]
    fn parses_a_poedit_file() {
        let file = parse(POEDIT).unwrap();
        assert_eq!(file.header.project, "bipgen 0.1.0");
        assert_eq!(file.header.language, "am");
        let keys: Vec<&str> = file.header.extra.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "Report-Msgid-Bugs-To",
                "POT-Creation-Date",
                "PO-Revision-Date",
                "Last-Translator",
                "Language-Team",
                "Plural-Forms",
                "X-Generator"
            ]
        );
        assert_eq!(file.header.extra[0].1, "");
        assert_eq!(file.header.extra[5].1, "nplurals=2; plural=(n > 1);");
        assert_eq!(file.entries.len(), 4);

        let name = &file.entries[0];
        assert_eq!(
            name.context.as_deref(),
            Some("form.bia.field.child_name.label")
        );
        assert_eq!(name.translation, "የልጁ ስም");
        assert_eq!(
            name.references,
            ["form.bia.field.child_name.label", "forms/bia.toml:12"]
        );
        assert_eq!(name.extracted_comments, ["Field label on the BIA form"]);
        assert_eq!(name.line, 23);
        assert!(!name.fuzzy);

        let intro = &file.entries[1];
        assert_eq!(
            intro.id,
            "The Best Interests Determination panel meets every month to review the cases \
             referred by {agency} caseworkers.\nUrgent cases come first."
        );
        assert_eq!(
            intro.translation,
            "የምርጥ ጥቅም ውሳኔ ፓነል በየወሩ ይሰበሰባል {agency}።\nአስቸኳይ ጉዳዮች ይቀድማሉ።"
        );
        assert!(intro.fuzzy);
        assert_eq!(intro.flags, ["python-brace-format"]);
        assert_eq!(
            intro.previous_id.as_deref(),
            Some("The panel meets every month.")
        );
        assert_eq!(intro.line, 31);

        assert_eq!(file.entries[2].translation, "");
        let old = &file.entries[3];
        assert!(old.obsolete);
        assert_eq!(
            (old.context.as_deref(), old.id.as_str()),
            (Some("old.key"), "Old text")
        );
        assert_eq!(old.line, 44);
    }

    #[test]
    fn bom_crlf_escapes_and_gettext_forms() {
        let text = "\u{feff}msgid \"\"\r\nmsgstr \"Language: ar\\n\"\r\n\r\n\
            #: \u{2068}my file.toml\u{2069}:3 other:4\r\n\
            msgid \"\\a\\b\\f\\v\\101\\x41\\303\\251\\'\\?\" \"+\"\r\n\
            msgstr \"ok\"\r\n\r\n\
            #~ #. comment prefixed by #~\r\n\
            #~ #| msgid \"prev\"\r\n\
            #~ msgid \"gone\"\r\n\
            #~ msgstr \"\"\r\n";
        let file = parse(text).unwrap();
        assert_eq!(file.header.language, "ar");
        let e = &file.entries[0];
        assert_eq!(e.id, "\u{7}\u{8}\u{c}\u{b}AAé'?+");
        assert_eq!(e.references, ["my file.toml:3", "other:4"]);
        let old = &file.entries[1];
        assert!(old.obsolete);
        assert_eq!(old.extracted_comments, ["comment prefixed by #~"]);
        assert_eq!(old.previous_id.as_deref(), Some("prev"));
    }

    fn error_of(text: &str) -> PoError {
        match parse(text) {
            Ok(file) => panic!("parsed without error: {file:?}"),
            Err(e) => e,
        }
    }

    fn at(text: &str) -> (usize, usize) {
        let e = error_of(text);
        (e.line, e.column)
    }

    #[test]
    fn unterminated_string_reports_its_line_and_quote() {
        let text = "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\nmsgid \"ok\"\nmsgstr \"fine\"\n\n\
                    msgid \"broken\nmsgstr \"x\"\n";
        let e = error_of(text);
        assert_eq!((e.line, e.column), (8, 7));
        assert_eq!(e.message, "unterminated string");
        assert_eq!(e.to_string(), "8:7: unterminated string");
        // A trailing backslash escapes the closing quote.
        assert_eq!(at("msgid \"a\"\nmsgstr \"b\\\"\n"), (2, 8));
        // In a continuation line, obsolete entry.
        assert_eq!(at("#~ msgid \"a\"\n#~ msgstr \"\"\n#~ \"b\n"), (3, 4));
    }

    #[test]
    fn duplicates_report_the_second_entry() {
        let text = "msgctxt \"k\"\nmsgid \"Yes\"\nmsgstr \"\"\n\n\
                    msgid \"Yes\"\nmsgstr \"\"\n\n\
                    msgctxt \"other\"\nmsgid \"Yes\"\nmsgstr \"\"\n\n\
                    #~ msgctxt \"k\"\n#~ msgid \"Yes\"\n#~ msgstr \"\"\n\n\
                    # second\nmsgctxt \"k\"\nmsgid \"Yes\"\nmsgstr \"oui\"\n";
        let e = error_of(text);
        assert_eq!((e.line, e.column), (18, 1));
        assert!(
            e.message.contains("duplicate") && e.message.contains("line 2"),
            "{e}"
        );
        assert_eq!(
            at("msgid \"a\"\nmsgstr \"\"\nmsgid \"a\"\nmsgstr \"\"\n"),
            (3, 1)
        );
        // Two header entries.
        assert_eq!(
            at("msgid \"\"\nmsgstr \"\"\n\nmsgid \"\"\nmsgstr \"\"\n"),
            (4, 1)
        );
    }

    #[test]
    fn plural_entries_are_rejected() {
        for (text, pos) in [
            (
                "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\n",
                (2, 1),
            ),
            ("msgid \"a\"\nmsgstr[0] \"x\"\n", (2, 1)),
            ("#| msgid_plural \"as\"\nmsgid \"a\"\nmsgstr \"\"\n", (1, 4)),
            ("#~ msgid \"a\"\n#~ msgid_plural \"as\"\n", (2, 4)),
        ] {
            let e = error_of(text);
            assert_eq!((e.line, e.column), pos, "{text}");
            assert!(
                e.message.contains("plural entries are not used by bipgen"),
                "{e}"
            );
        }
    }

    #[test]
    fn other_errors_point_at_the_fault() {
        let cases: [(&str, (usize, usize), &str); 12] = [
            ("msgid \"a\"\nmsgstr \"x\\q\"\n", (2, 10), "bad escape \\q"),
            ("msgid \"\\400\"\nmsgstr \"\"\n", (1, 8), "bad escape"),
            ("msgid \"\\xZ\"\nmsgstr \"\"\n", (1, 8), "bad escape"),
            (
                "msgid \"a\"\nmsgtxt \"x\"\n",
                (2, 1),
                "unknown keyword \"msgtxt\"",
            ),
            ("msgstr \"x\"\n", (1, 1), "msgstr without msgid"),
            (
                "msgid \"a\"\nmsgstr \"x\"\nmsgstr \"y\"\n",
                (3, 1),
                "msgstr without msgid",
            ),
            (
                "msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"\"\n",
                (1, 1),
                "msgid without msgstr",
            ),
            ("msgid \"a\"\n", (1, 1), "msgid without msgstr"),
            ("msgid \"a\"\n# note\nmsgstr \"\"\n", (2, 1), "comment"),
            ("\"stray\"\n", (1, 1), "without a keyword"),
            ("msgid \"a\" x\nmsgstr \"\"\n", (1, 11), "unexpected text"),
            ("#~ msgid \"a\"\nmsgstr \"\"\n", (2, 1), "mixes obsolete"),
        ];
        for (text, pos, message) in cases {
            let e = error_of(text);
            assert_eq!((e.line, e.column), pos, "{text:?}: {e}");
            assert!(e.message.contains(message), "{text:?}: {e}");
        }
        // Escapes building bytes that are not UTF-8.
        assert!(
            error_of("msgid \"\\377\"\nmsgstr \"\"\n")
                .message
                .contains("UTF-8")
        );
    }

    #[test]
    fn invalid_header_line_reports_its_physical_line() {
        let text = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"no colon here\\n\"\n";
        let e = error_of(text);
        assert_eq!((e.line, e.column), (4, 1));
        assert!(e.message.contains("invalid header line"), "{e}");
        assert_eq!(at("msgid \"\"\nmsgstr \": value\\n\"\n"), (2, 8));
    }

    /// gettext's own checker accepts what `write` produces.
    #[test]
    fn msgfmt_accepts_written_files() {
        let found = std::process::Command::new("msgfmt")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            if std::env::var_os("CI").is_some() {
                panic!("msgfmt (gettext) is required in CI");
            }
            eprintln!("skipping: msgfmt not found");
            return;
        }
        let mut file = sample();
        let mut brace = entry(
            Some("form.greeting"),
            "Hello {name}, 100% done",
            "ሰላም {name}፣ 100% ተጠናቋል",
        );
        brace.flags = strings(&["python-brace-format"]);
        file.entries.push(brace);
        let path = std::env::temp_dir().join(format!("bipgen-po-msgfmt-{}.po", std::process::id()));
        std::fs::write(&path, write(&file)).unwrap();
        let output = std::process::Command::new("msgfmt")
            .args(["--check-format", "--check-header", "-o", "/dev/null"])
            .arg(&path)
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "msgfmt failed:\n{stderr}");
        assert!(stderr.trim().is_empty(), "msgfmt warned:\n{stderr}");
    }
}
