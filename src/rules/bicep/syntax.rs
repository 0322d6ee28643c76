//! The Bicep syntax tree and its parser (`.bicep` and `.bicepparam`), restated from Bicep's
//! documented grammar in `grammar/bicep.ebnf`. Tokens are read with nom; statements and
//! expressions by recursive descent with precedence climbing. Every node keeps the byte span it
//! was read from. Bicep separates statements, object properties and array items by newlines,
//! so the parser tracks whether a newline ends the current expression (it does not inside
//! parentheses and argument lists).
//!
//! Types are parsed in full (so that every valid file parses) but kept only as spans: the
//! evaluator does not need them.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::digit1;

use crate::source::Span;

/// Nesting limit for expressions and types: deeper input is a syntax error, not a stack overflow.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    /// A string: literal pieces and `${…}` interpolations. A multi-line `'''…'''` string is one
    /// literal piece.
    Str(Vec<StrPart>),
    Ident(String),
    Array(Vec<Item>),
    Object(Vec<Prop>),
    /// `a.b` (or `a.?b` when `safe`).
    Member {
        target: Box<Expr>,
        name: String,
        name_span: Span,
        safe: bool,
    },
    /// `a[i]` (or `a[?i]`).
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
    },
    /// `f(args)` or `ns.f(args)`.
    Call {
        namespace: Option<String>,
        name: String,
        args: Vec<Expr>,
    },
    /// A call on an expression that is not a plain name (`res.listKeys()`, `x.method()`).
    MethodCall {
        target: Box<Expr>,
        name: String,
        args: Vec<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Postfix `!`: the value asserted non-null.
    NonNull(Box<Expr>),
    Paren(Box<Expr>),
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
    /// `[for item in iterable: body]` or `[for (item, index) in iterable: body]`.
    For {
        item: String,
        index: Option<String>,
        iterable: Box<Expr>,
        body: Box<Expr>,
    },
    /// `if (condition) { … }` as the body of a resource or module.
    If {
        condition: Box<Expr>,
        body: Box<Expr>,
    },
    /// A nested `resource` declaration inside a resource body (kept for its span only).
    NestedResource(Box<Statement>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(String),
    Interp(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Coalesce,
    Or,
    And,
    Eq,
    Ne,
    EqI,
    NeI,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// An array item: a value or `...spread`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Value(Expr),
    Spread(Expr),
}

/// An object member: `key: value`, `...spread`, or a nested resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Pair {
        key: String,
        key_span: Span,
        value: Expr,
    },
    /// `'${…}': value`: a key computed by interpolation.
    Computed {
        key: Expr,
        value: Expr,
    },
    Spread(Expr),
    Resource(Box<Statement>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    pub name: String,
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StmtKind,
    pub decorators: Vec<Decorator>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    TargetScope(Expr),
    Metadata {
        name: String,
        value: Expr,
    },
    /// `param name type = default` in a template, `param name = value` in a `.bicepparam`.
    Param {
        name: String,
        name_span: Span,
        ty: Option<Span>,
        default: Option<Expr>,
    },
    Var {
        name: String,
        name_span: Span,
        value: Expr,
    },
    Output {
        name: String,
        value: Expr,
    },
    Resource {
        name: String,
        name_span: Span,
        /// `Microsoft.Insights/metricAlerts@2018-03-01`.
        type_string: Expr,
        existing: bool,
        body: Expr,
    },
    Module {
        name: String,
        name_span: Span,
        path: Expr,
        body: Expr,
    },
    Type {
        name: String,
    },
    Func {
        name: String,
    },
    Assert {
        name: String,
        value: Expr,
    },
    Import,
    Extension,
    /// `using './main.bicep'` (or `using none`) in a `.bicepparam`.
    Using(Option<Expr>),
    Extends(Expr),
}

/// A file's statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

type PResult<T> = Result<T, SyntaxError>;

/// Parses a file. Statements that do not parse are skipped up to the next line that starts a
/// statement, so that one mistake is one error and the rest of the file is still read.
pub fn parse(text: &str) -> (File, Vec<SyntaxError>) {
    let mut p = Parser_::new(text);
    let mut file = File::default();
    let mut errors = Vec::new();
    loop {
        p.skip_all();
        if p.pos >= p.src.len() {
            break;
        }
        let start = p.pos;
        match p.statement() {
            Ok(s) => {
                file.statements.push(s);
                p.skip_inline();
                if p.pos < p.src.len() && !p.at_line_end() {
                    let message = p.stray_text("expected a new line after the statement");
                    errors.push(p.error(message));
                    p.recover(start);
                }
            }
            Err(e) => {
                errors.push(e);
                p.recover(start);
            }
        }
    }
    errors.extend(p.unterminated_comment.take());
    (file, errors)
}

struct Parser_<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    unterminated_comment: Option<SyntaxError>,
}

const KEYWORDS: &[&str] = &[
    "param",
    "var",
    "resource",
    "module",
    "output",
    "targetScope",
    "metadata",
    "import",
    "type",
    "func",
    "assert",
    "extension",
    "provider",
    "using",
    "extends",
    "@",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn identifier(i: &str) -> IResult<&str, &str> {
    if !i.starts_with(is_ident_start) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Alpha,
        )));
    }
    take_while1(is_ident_char).parse(i)
}

fn integer(i: &str) -> IResult<&str, &str> {
    digit1.parse(i)
}

fn horizontal(i: &str) -> IResult<&str, &str> {
    take_while(|c| c == ' ' || c == '\t' || c == '\r').parse(i)
}

impl<'a> Parser_<'a> {
    fn new(src: &'a str) -> Self {
        // A byte-order mark is not part of the program.
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Parser_ {
            src,
            pos,
            depth: 0,
            unterminated_comment: None,
        }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        let len = self.peek().map_or(0, char::len_utf8);
        SyntaxError {
            span: Span::new(self.pos, self.pos + len),
            message: message.into(),
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            None => "end of file".into(),
            Some('\n') => "end of line".into(),
            Some(c) => format!("`{}`", c.escape_debug()),
        }
    }

    /// After an array item or object property: a `,`, the end of the line, or the closing
    /// bracket must follow.
    fn item_separator(&mut self, close: char) -> PResult<()> {
        self.skip_inline();
        if !self.eat(",") && !self.at_line_end() && self.peek() != Some(close) {
            let message = self.stray_text(&format!(
                "expected `,`, `{close}` or a new line, found {}",
                self.found()
            ));
            return Err(self.error(message));
        }
        Ok(())
    }

    /// `message`, or, when text follows a closing quote directly (`'it's'`), what is most
    /// likely wrong: an unescaped quote inside the string.
    fn stray_text(&self, message: &str) -> String {
        let before = self.src[..self.pos].trim_end_matches([' ', '\t']);
        if before.ends_with('\'')
            && self
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || c == '\'')
        {
            "text follows the end of a string: a `'` inside a string is written `\\'`".into()
        } else {
            message.to_string()
        }
    }

    fn expected(&self, what: &str) -> SyntaxError {
        self.error(format!("expected {what}, found {}", self.found()))
    }

    /// Skips spaces and comments on the current line. Returns false at an unterminated block
    /// comment (left for the caller to report).
    fn skip_inline(&mut self) {
        loop {
            if let Ok((rest, _)) = horizontal(self.rest()) {
                self.pos = self.src.len() - rest.len();
            }
            let r = self.rest();
            if r.starts_with("//") || r.starts_with('#') {
                self.pos += r.find('\n').unwrap_or(r.len());
            } else if let Some(body) = r.strip_prefix("/*") {
                match body.find("*/") {
                    Some(e) => self.pos += e + 4,
                    None => {
                        self.unterminated_comment.get_or_insert(SyntaxError {
                            span: Span::new(self.pos, self.pos + 2),
                            message: "unterminated block comment (`/*` without `*/`)".into(),
                        });
                        self.pos = self.src.len();
                        return;
                    }
                }
            } else {
                return;
            }
        }
    }

    /// Skips all whitespace, newlines and comments.
    fn skip_all(&mut self) {
        loop {
            self.skip_inline();
            if self.peek() == Some('\n') {
                self.pos += 1;
            } else {
                return;
            }
        }
    }

    fn skip(&mut self, newlines: bool) {
        if newlines {
            self.skip_all()
        } else {
            self.skip_inline()
        }
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some('\n'))
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> PResult<()> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{s}`")))
        }
    }

    fn ident(&mut self) -> Option<(&'a str, Span)> {
        let start = self.pos;
        let (rest, id) = identifier(self.rest()).ok()?;
        self.pos = self.src.len() - rest.len();
        Some((id, Span::new(start, self.pos)))
    }

    fn expect_ident(&mut self, what: &str) -> PResult<(&'a str, Span)> {
        self.ident().ok_or_else(|| self.expected(what))
    }

    /// The next word, without consuming it.
    fn peek_word(&self) -> Option<&'a str> {
        identifier(self.rest()).ok().map(|(_, w)| w)
    }

    /// Is the next word `kw`, followed by a non-identifier character?
    fn at_keyword(&self, kw: &str) -> bool {
        self.peek_word() == Some(kw)
    }

    /// Skips to the next line that starts (after indentation) with a statement keyword at
    /// column 0, past `from`.
    fn recover(&mut self, from: usize) {
        let mut i = self.pos.max(from + 1).min(self.src.len());
        // `from + 1` may fall inside a multi-byte character.
        while !self.src.is_char_boundary(i) {
            i += 1;
        }
        while i < self.src.len() {
            match self.src[i..].find('\n') {
                Some(n) => i += n + 1,
                None => {
                    i = self.src.len();
                    break;
                }
            }
            let line = &self.src[i..];
            if KEYWORDS.iter().any(|k| {
                line.starts_with(k)
                    && line[k.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !is_ident_char(c) || *k == "@")
            }) {
                break;
            }
        }
        self.pos = i;
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        Ok(())
    }

    fn statement(&mut self) -> PResult<Statement> {
        let start = self.pos;
        let mut decorators = Vec::new();
        while self.peek() == Some('@') {
            decorators.push(self.decorator()?);
            self.skip_all();
        }
        let Some((kw, kw_span)) = self.ident() else {
            return Err(
                self.expected("a declaration (`param`, `var`, `resource`, `module`, `output`, …)")
            );
        };
        self.skip_inline();
        let kind = match kw {
            "targetScope" => {
                self.expect("=")?;
                StmtKind::TargetScope(self.value_expr()?)
            }
            "metadata" => {
                let (name, _) = self.expect_ident("a metadata name")?;
                self.skip_inline();
                self.expect("=")?;
                StmtKind::Metadata {
                    name: name.into(),
                    value: self.value_expr()?,
                }
            }
            "param" => {
                let (name, name_span) = self.expect_ident("a parameter name")?;
                self.skip_inline();
                let ty = if self.peek() == Some('=') {
                    None
                } else {
                    let t = self.pos;
                    self.ty()?;
                    self.skip_inline();
                    Some(Span::new(t, self.pos))
                };
                let default = if self.eat("=") {
                    Some(self.value_expr()?)
                } else {
                    None
                };
                StmtKind::Param {
                    name: name.into(),
                    name_span,
                    ty,
                    default,
                }
            }
            "var" => {
                let (name, name_span) = self.expect_ident("a variable name")?;
                self.skip_inline();
                if self.peek() != Some('=') {
                    self.ty()?;
                    self.skip_inline();
                }
                self.expect("=")?;
                StmtKind::Var {
                    name: name.into(),
                    name_span,
                    value: self.value_expr()?,
                }
            }
            "output" => {
                let (name, _) = self.expect_ident("an output name")?;
                self.skip_inline();
                if self.at_keyword("resource") {
                    self.ident();
                    self.skip_inline();
                    self.string()?;
                } else {
                    self.ty()?;
                }
                self.skip_inline();
                self.expect("=")?;
                StmtKind::Output {
                    name: name.into(),
                    value: self.value_expr()?,
                }
            }
            "resource" => self.resource()?,
            "module" => {
                let (name, name_span) = self.expect_ident("a module name")?;
                self.skip_inline();
                let path = self.string()?;
                self.skip_inline();
                self.expect("=")?;
                StmtKind::Module {
                    name: name.into(),
                    name_span,
                    path,
                    body: self.body()?,
                }
            }
            "type" => {
                let (name, _) = self.expect_ident("a type name")?;
                self.skip_inline();
                self.expect("=")?;
                self.skip_all();
                self.ty()?;
                StmtKind::Type { name: name.into() }
            }
            "func" => {
                let (name, _) = self.expect_ident("a function name")?;
                self.skip_inline();
                self.expect("(")?;
                loop {
                    self.skip_all();
                    if self.eat(")") {
                        break;
                    }
                    self.expect_ident("a parameter name")?;
                    self.skip_inline();
                    self.ty()?;
                    self.skip_all();
                    if !self.eat(",") {
                        self.skip_all();
                        self.expect(")")?;
                        break;
                    }
                }
                self.skip_inline();
                self.ty()?;
                self.skip_inline();
                self.expect("=>")?;
                self.skip_all();
                self.expr(false)?;
                StmtKind::Func { name: name.into() }
            }
            "assert" => {
                let (name, _) = self.expect_ident("an assertion name")?;
                self.skip_inline();
                self.expect("=")?;
                StmtKind::Assert {
                    name: name.into(),
                    value: self.value_expr()?,
                }
            }
            "import" => {
                self.import()?;
                StmtKind::Import
            }
            "extension" | "provider" => {
                if self.peek() == Some('\'') {
                    self.string()?;
                } else {
                    self.expect_ident("an extension name")?;
                }
                self.skip_inline();
                if self.at_keyword("with") {
                    self.ident();
                    self.skip_inline();
                    self.expr(true)?;
                    self.skip_inline();
                }
                if self.at_keyword("as") {
                    self.ident();
                    self.skip_inline();
                    self.expect_ident("an alias")?;
                }
                StmtKind::Extension
            }
            "using" => {
                if self.at_keyword("none") {
                    self.ident();
                    StmtKind::Using(None)
                } else {
                    let path = self.string()?;
                    self.skip_inline();
                    if self.at_keyword("with") {
                        self.ident();
                        self.skip_inline();
                        self.expr(true)?;
                    }
                    StmtKind::Using(Some(path))
                }
            }
            "extends" => StmtKind::Extends(self.string()?),
            _ => {
                return Err(SyntaxError {
                    span: kw_span,
                    message: format!("expected a declaration, found `{kw}`"),
                });
            }
        };
        Ok(Statement {
            kind,
            decorators,
            span: Span::new(start, self.pos),
        })
    }

    fn resource(&mut self) -> PResult<StmtKind> {
        let (name, name_span) = self.expect_ident("a resource name")?;
        self.skip_inline();
        let type_string = self.string()?;
        self.skip_inline();
        let existing = if self.at_keyword("existing") {
            self.ident();
            self.skip_inline();
            true
        } else {
            false
        };
        self.expect("=")?;
        Ok(StmtKind::Resource {
            name: name.into(),
            name_span,
            type_string,
            existing,
            body: self.body()?,
        })
    }

    /// A resource or module body: an object, `if (c) {…}`, or `[for …: …]`.
    fn body(&mut self) -> PResult<Expr> {
        // The body may start on the line after `=`.
        self.skip_all();
        let start = self.pos;
        if self.at_keyword("if") {
            self.ident();
            self.skip_inline();
            let condition = self.primary()?;
            self.skip_all();
            let body = self.object()?;
            return Ok(Expr {
                kind: ExprKind::If {
                    condition: Box::new(condition),
                    body: Box::new(body),
                },
                span: Span::new(start, self.pos),
            });
        }
        self.value_expr()
    }

    fn import(&mut self) -> PResult<()> {
        if self.eat("*") {
            self.skip_inline();
            if !self.at_keyword("as") {
                return Err(self.expected("`as`"));
            }
            self.ident();
            self.skip_inline();
            self.expect_ident("a namespace name")?;
        } else if self.eat("{") {
            loop {
                self.skip_all();
                if self.eat("}") {
                    break;
                }
                if self.peek() == Some('\'') {
                    self.string()?;
                } else {
                    self.expect_ident("an imported name")?;
                }
                self.skip_inline();
                if self.at_keyword("as") {
                    self.ident();
                    self.skip_inline();
                    self.expect_ident("an alias")?;
                }
                self.skip_inline();
                self.eat(",");
            }
        } else {
            // The older `import 'az@1.0.0'` form of `extension`.
            self.string()?;
            self.skip_inline();
            if self.at_keyword("with") {
                self.ident();
                self.skip_inline();
                self.expr(true)?;
                self.skip_inline();
            }
            if self.at_keyword("as") {
                self.ident();
                self.skip_inline();
                self.expect_ident("an alias")?;
            }
            return Ok(());
        }
        self.skip_inline();
        if !self.at_keyword("from") {
            return Err(self.expected("`from`"));
        }
        self.ident();
        self.skip_inline();
        self.string()?;
        Ok(())
    }

    fn decorator(&mut self) -> PResult<Decorator> {
        let start = self.pos;
        self.expect("@")?;
        let (mut name, _) = self.expect_ident("a decorator name")?;
        if self.eat(".") {
            name = self.expect_ident("a decorator name")?.0;
        }
        let mut args = Vec::new();
        if self.eat("(") {
            args = self.args()?;
        }
        Ok(Decorator {
            name: name.into(),
            args,
            span: Span::new(start, self.pos),
        })
    }

    // ---------- types ----------

    /// A type expression; only its extent matters.
    fn ty(&mut self) -> PResult<()> {
        self.enter()?;
        let save = self.pos;
        // A multi-line union may start on the next line.
        self.skip_all();
        if self.peek() != Some('|') {
            self.pos = save;
            self.skip_inline();
        }
        self.ty_postfix()?;
        loop {
            let save = self.pos;
            self.skip_all();
            if self.eat("|") {
                self.skip_all();
                self.ty_postfix()?;
            } else {
                self.pos = save;
                break;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn ty_postfix(&mut self) -> PResult<()> {
        // A leading `|` on a multi-line union.
        if self.eat("|") {
            self.skip_all();
        }
        self.ty_primary()?;
        loop {
            if self.eat("[]") {
                continue;
            }
            if self.eat("?") {
                continue;
            }
            if self.peek() == Some('.') {
                self.pos += 1;
                if self.eat("*") {
                    continue;
                }
                self.expect_ident("a property name")?;
                continue;
            }
            if self.peek() == Some('[') {
                self.pos += 1;
                self.skip_inline();
                if !self.eat("*") {
                    if self.peek() == Some('\'') {
                        self.string()?;
                    } else {
                        let start = self.pos;
                        let (rest, _) =
                            integer(self.rest()).map_err(|_| self.expected("an index"))?;
                        self.pos = start + (self.rest().len() - rest.len());
                    }
                }
                self.skip_inline();
                self.expect("]")?;
                continue;
            }
            break;
        }
        Ok(())
    }

    fn ty_primary(&mut self) -> PResult<()> {
        match self.peek() {
            Some('\'') => {
                self.string()?;
            }
            Some('-') | Some('0'..='9') => {
                self.eat("-");
                self.int_token()?;
            }
            Some('!') => {
                self.pos += 1;
                self.ty_primary()?;
            }
            Some('(') => {
                self.pos += 1;
                self.skip_all();
                self.ty()?;
                self.skip_all();
                self.expect(")")?;
            }
            Some('[') => {
                self.pos += 1;
                loop {
                    self.skip_all();
                    if self.eat("]") {
                        break;
                    }
                    while self.peek() == Some('@') {
                        self.decorator()?;
                        self.skip_all();
                    }
                    self.ty()?;
                    self.skip_inline();
                    self.eat(",");
                }
            }
            Some('{') => {
                self.pos += 1;
                loop {
                    self.skip_all();
                    if self.eat("}") {
                        break;
                    }
                    while self.peek() == Some('@') {
                        self.decorator()?;
                        self.skip_all();
                    }
                    if self.eat("*") {
                    } else if self.peek() == Some('\'') {
                        self.string()?;
                    } else {
                        self.expect_ident("a property name")?;
                    }
                    self.skip_inline();
                    self.eat("?");
                    self.skip_inline();
                    self.expect(":")?;
                    self.skip_all();
                    self.ty()?;
                    self.skip_inline();
                    self.eat(",");
                }
            }
            _ => {
                let (name, _) = self.expect_ident("a type")?;
                if name == "resource" && {
                    self.skip_inline();
                    self.peek() == Some('\'')
                } {
                    self.string()?;
                    return Ok(());
                }
                while self.peek() == Some('.') && self.rest()[1..].starts_with(is_ident_start) {
                    self.pos += 1;
                    self.expect_ident("a type name")?;
                }
                if self.eat("<") {
                    loop {
                        self.skip_all();
                        self.ty()?;
                        self.skip_all();
                        if self.eat(">") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
            }
        }
        Ok(())
    }

    // ---------- expressions ----------

    /// An expression that ends at the end of its line (unless it opens brackets).
    fn value_expr(&mut self) -> PResult<Expr> {
        self.skip_inline();
        self.expr(false)
    }

    fn expr(&mut self, nl: bool) -> PResult<Expr> {
        self.enter()?;
        let r = self.ternary(nl);
        self.depth -= 1;
        r
    }

    fn ternary(&mut self, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        // A lambda: `x => …` or `(x, y) => …`.
        if let Some(l) = self.try_lambda(nl)? {
            return Ok(l);
        }
        let cond = self.binary(0, nl)?;
        let save = self.pos;
        // A line cannot start with `?`, so a ternary may continue on the next line.
        self.skip_all();
        if self.peek() == Some('?') && !self.rest().starts_with("??") {
            self.pos += 1;
            self.skip_all();
            let a = self.expr(nl)?;
            self.skip_all();
            self.expect(":")?;
            self.skip_all();
            let b = self.expr(nl)?;
            return Ok(Expr {
                kind: ExprKind::Ternary(Box::new(cond), Box::new(a), Box::new(b)),
                span: Span::new(start, self.pos),
            });
        }
        self.pos = save;
        Ok(cond)
    }

    fn try_lambda(&mut self, nl: bool) -> PResult<Option<Expr>> {
        let start = self.pos;
        let mut params = Vec::new();
        if let Some((id, _)) = self.ident() {
            params.push(id.to_string());
        } else if self.eat("(") {
            loop {
                self.skip_all();
                if self.eat(")") {
                    break;
                }
                match self.ident() {
                    Some((id, _)) => params.push(id.to_string()),
                    None => {
                        self.pos = start;
                        return Ok(None);
                    }
                }
                self.skip_all();
                if !self.eat(",") {
                    self.skip_all();
                    if !self.eat(")") {
                        self.pos = start;
                        return Ok(None);
                    }
                    break;
                }
            }
        } else {
            return Ok(None);
        }
        self.skip_inline();
        if !self.eat("=>") {
            self.pos = start;
            return Ok(None);
        }
        self.skip_all();
        let body = self.expr(nl)?;
        Ok(Some(Expr {
            kind: ExprKind::Lambda {
                params,
                body: Box::new(body),
            },
            span: Span::new(start, self.pos),
        }))
    }

    fn binary_op(&self) -> Option<(BinaryOp, usize, &'static str)> {
        const OPS: &[(&str, BinaryOp, usize)] = &[
            ("??", BinaryOp::Coalesce, 1),
            ("||", BinaryOp::Or, 2),
            ("&&", BinaryOp::And, 3),
            ("=~", BinaryOp::EqI, 4),
            ("!~", BinaryOp::NeI, 4),
            ("==", BinaryOp::Eq, 4),
            ("!=", BinaryOp::Ne, 4),
            ("<=", BinaryOp::Le, 5),
            (">=", BinaryOp::Ge, 5),
            ("<", BinaryOp::Lt, 5),
            (">", BinaryOp::Gt, 5),
            ("+", BinaryOp::Add, 6),
            ("-", BinaryOp::Sub, 6),
            ("*", BinaryOp::Mul, 7),
            ("/", BinaryOp::Div, 7),
            ("%", BinaryOp::Mod, 7),
        ];
        let r = self.rest();
        OPS.iter()
            .find(|(s, _, _)| {
                r.starts_with(s) && !(*s == "/" && (r.starts_with("//") || r.starts_with("/*")))
            })
            .map(|(s, op, p)| (*op, *p, *s))
    }

    fn binary(&mut self, min: usize, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        let mut lhs = self.unary(nl)?;
        loop {
            let save = self.pos;
            self.skip(nl);
            if !nl && self.at_line_end() {
                // A line cannot start with a binary operator other than `-`: the expression
                // goes on.
                self.skip_all();
                if matches!(self.binary_op(), None | Some((BinaryOp::Sub, _, _))) {
                    self.pos = save;
                    return Ok(lhs);
                }
            }
            match self.binary_op() {
                Some((op, prec, s)) if prec > min => {
                    self.pos += s.len();
                    self.skip_all();
                    self.enter()?;
                    // `??` is right-associative; the others left.
                    let rhs = if op == BinaryOp::Coalesce {
                        self.binary(prec - 1, nl)
                    } else {
                        self.binary(prec, nl)
                    };
                    self.depth -= 1;
                    lhs = Expr {
                        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs?)),
                        span: Span::new(start, self.pos),
                    };
                }
                _ => {
                    self.pos = save;
                    return Ok(lhs);
                }
            }
        }
    }

    fn unary(&mut self, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        let op = match self.peek() {
            Some('!') => UnaryOp::Not,
            Some('-') if !self.rest()[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                UnaryOp::Neg
            }
            _ => return self.postfix(nl),
        };
        self.pos += 1;
        self.enter()?;
        let inner = self.unary(nl);
        self.depth -= 1;
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(inner?)),
            span: Span::new(start, self.pos),
        })
    }

    fn postfix(&mut self, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        let mut e = self.primary()?;
        loop {
            let save = self.pos;
            self.skip(nl);
            let r = self.rest();
            if r.starts_with("::") {
                self.pos += 2;
                let (name, name_span) = self.expect_ident("a nested resource name")?;
                e = Expr {
                    kind: ExprKind::Member {
                        target: Box::new(e),
                        name: name.into(),
                        name_span,
                        safe: false,
                    },
                    span: Span::new(start, self.pos),
                };
            } else if r.starts_with(".?") || (r.starts_with('.') && !r.starts_with("...")) {
                let safe = r.starts_with(".?");
                self.pos += if safe { 2 } else { 1 };
                let (name, name_span) = self.expect_ident("a property name")?;
                if self.peek() == Some('(') {
                    self.pos += 1;
                    let args = self.args()?;
                    e = match e.kind {
                        ExprKind::Ident(ns) => Expr {
                            kind: ExprKind::Call {
                                namespace: Some(ns),
                                name: name.into(),
                                args,
                            },
                            span: Span::new(start, self.pos),
                        },
                        other => Expr {
                            kind: ExprKind::MethodCall {
                                target: Box::new(Expr {
                                    kind: other,
                                    span: e.span,
                                }),
                                name: name.into(),
                                args,
                            },
                            span: Span::new(start, self.pos),
                        },
                    };
                    continue;
                }
                e = Expr {
                    kind: ExprKind::Member {
                        target: Box::new(e),
                        name: name.into(),
                        name_span,
                        safe,
                    },
                    span: Span::new(start, self.pos),
                };
            } else if r.starts_with('[') && self.pos == save {
                // An index must follow without a line break (a new line starts an array item).
                self.pos += 1;
                let safe = self.eat("?");
                self.skip_all();
                let index = self.expr(true)?;
                self.skip_all();
                self.expect("]")?;
                e = Expr {
                    kind: ExprKind::Index {
                        target: Box::new(e),
                        index: Box::new(index),
                        safe,
                    },
                    span: Span::new(start, self.pos),
                };
            } else if r.starts_with('!') && self.pos == save && !r.starts_with("!=") {
                self.pos += 1;
                e = Expr {
                    kind: ExprKind::NonNull(Box::new(e)),
                    span: Span::new(start, self.pos),
                };
            } else {
                self.pos = save;
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        loop {
            self.skip_all();
            if self.eat(")") {
                return Ok(args);
            }
            args.push(self.expr(true)?);
            self.skip_all();
            if !self.eat(",") {
                self.skip_all();
                self.expect(")")?;
                return Ok(args);
            }
        }
    }

    fn int_token(&mut self) -> PResult<i64> {
        let start = self.pos;
        let (rest, digits) = integer(self.rest()).map_err(|_| self.expected("a number"))?;
        self.pos = self.src.len() - rest.len();
        digits.parse::<i64>().map_err(|_| SyntaxError {
            span: Span::new(start, self.pos),
            message: "integer out of range".into(),
        })
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let kind = match self.peek() {
            Some('\'') => return self.string(),
            Some('0'..='9') => ExprKind::Int(self.int_token()?),
            Some('-') => {
                self.pos += 1;
                let n = self.int_token()?;
                ExprKind::Int(-n)
            }
            Some('(') => {
                self.pos += 1;
                self.skip_all();
                let inner = self.expr(true)?;
                self.skip_all();
                self.expect(")")?;
                ExprKind::Paren(Box::new(inner))
            }
            Some('[') => return self.array(),
            Some('{') => return self.object(),
            _ => {
                let Some((id, _)) = self.ident() else {
                    return Err(self.expected("an expression"));
                };
                match id {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "null" => ExprKind::Null,
                    _ if {
                        let save = self.pos;
                        self.skip_inline();
                        let call = self.peek() == Some('(');
                        if !call {
                            self.pos = save;
                        }
                        call
                    } =>
                    {
                        self.pos += 1;
                        ExprKind::Call {
                            namespace: None,
                            name: id.into(),
                            args: self.args()?,
                        }
                    }
                    _ => ExprKind::Ident(id.into()),
                }
            }
        };
        Ok(Expr {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn array(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.enter()?;
        self.expect("[")?;
        self.skip_all();
        if self.at_keyword("for") {
            let r = self.for_expr(start);
            self.depth -= 1;
            return r;
        }
        let mut items = Vec::new();
        loop {
            self.skip_all();
            if self.eat("]") {
                break;
            }
            if self.eat("...") {
                items.push(Item::Spread(self.expr(false)?));
            } else {
                items.push(Item::Value(self.expr(false)?));
            }
            self.item_separator(']')?;
        }
        self.depth -= 1;
        Ok(Expr {
            kind: ExprKind::Array(items),
            span: Span::new(start, self.pos),
        })
    }

    fn for_expr(&mut self, start: usize) -> PResult<Expr> {
        self.ident();
        self.skip_inline();
        let (item, index) = if self.eat("(") {
            self.skip_all();
            let (item, _) = self.expect_ident("a loop variable")?;
            self.skip_all();
            let index = if self.eat(",") {
                self.skip_all();
                let (i, _) = self.expect_ident("an index variable")?;
                self.skip_all();
                Some(i.to_string())
            } else {
                None
            };
            self.expect(")")?;
            (item.to_string(), index)
        } else {
            (self.expect_ident("a loop variable")?.0.to_string(), None)
        };
        self.skip_inline();
        if !self.at_keyword("in") {
            return Err(self.expected("`in`"));
        }
        self.ident();
        self.skip_inline();
        let iterable = self.expr(true)?;
        self.skip_inline();
        self.expect(":")?;
        let body = self.body()?;
        self.skip_all();
        self.expect("]")?;
        Ok(Expr {
            kind: ExprKind::For {
                item,
                index,
                iterable: Box::new(iterable),
                body: Box::new(body),
            },
            span: Span::new(start, self.pos),
        })
    }

    fn object(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.enter()?;
        self.expect("{")?;
        let mut props = Vec::new();
        loop {
            self.skip_all();
            if self.eat("}") {
                break;
            }
            let mut decorators = Vec::new();
            while self.peek() == Some('@') {
                decorators.push(self.decorator()?);
                self.skip_all();
            }
            if self.eat("...") {
                props.push(Prop::Spread(self.expr(false)?));
            } else if self.at_keyword("resource") && {
                let save = self.pos;
                self.ident();
                self.skip_inline();
                let nested = self.peek().is_some_and(is_ident_start);
                self.pos = save;
                nested
            } {
                let s = self.pos;
                self.ident();
                self.skip_inline();
                let kind = self.resource()?;
                props.push(Prop::Resource(Box::new(Statement {
                    kind,
                    decorators,
                    span: Span::new(s, self.pos),
                })));
            } else {
                let key_start = self.pos;
                let key = if self.peek() == Some('\'') {
                    let s = self.string()?;
                    match s.kind {
                        ExprKind::Str(parts)
                            if parts.iter().all(|p| matches!(p, StrPart::Lit(_))) =>
                        {
                            parts
                                .into_iter()
                                .map(|p| match p {
                                    StrPart::Lit(s) => s,
                                    StrPart::Interp(_) => String::new(),
                                })
                                .collect()
                        }
                        _ => {
                            self.skip_inline();
                            self.expect(":")?;
                            self.skip_inline();
                            let value = self.expr(false)?;
                            props.push(Prop::Computed { key: s, value });
                            self.skip_inline();
                            if !self.eat(",") && !self.at_line_end() && self.peek() != Some('}') {
                                return Err(self.expected("`,`, `}` or a new line"));
                            }
                            continue;
                        }
                    }
                } else {
                    self.expect_ident("a property name")?.0.to_string()
                };
                let key_span = Span::new(key_start, self.pos);
                self.skip_inline();
                self.expect(":")?;
                self.skip_inline();
                let value = self.expr(false)?;
                props.push(Prop::Pair {
                    key,
                    key_span,
                    value,
                });
            }
            self.item_separator('}')?;
        }
        self.depth -= 1;
        Ok(Expr {
            kind: ExprKind::Object(props),
            span: Span::new(start, self.pos),
        })
    }

    fn string(&mut self) -> PResult<Expr> {
        let start = self.pos;
        if self.eat("'''") {
            let Some(end) = self.rest().find("'''") else {
                self.pos = start;
                return Err(self.error("unterminated multi-line string"));
            };
            // Further quotes right before the closing ones belong to the content.
            let mut end = end;
            while self.rest()[end + 3..].starts_with('\'') {
                end += 1;
            }
            let mut text = &self.rest()[..end];
            // A line break right after the opening quotes is not part of the value.
            text = text
                .strip_prefix("\r\n")
                .or_else(|| text.strip_prefix('\n'))
                .unwrap_or(text);
            let value = text.to_string();
            self.pos += end + 3;
            return Ok(Expr {
                kind: ExprKind::Str(vec![StrPart::Lit(value)]),
                span: Span::new(start, self.pos),
            });
        }
        if !self.eat("'") {
            return Err(self.expected("a string"));
        }
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(SyntaxError {
                    span: Span::new(start, self.pos),
                    message: "unterminated string".into(),
                });
            };
            match c {
                '\'' => {
                    self.pos += 1;
                    break;
                }
                '\n' => {
                    return Err(SyntaxError {
                        span: Span::new(start, self.pos),
                        message: "unterminated string (a line break inside `'…'`; use `'''…'''` for multi-line text)".into(),
                    });
                }
                '\\' => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    match self.peek() {
                        Some('\\') => lit.push('\\'),
                        Some('\'') => lit.push('\''),
                        Some('n') => lit.push('\n'),
                        Some('r') => lit.push('\r'),
                        Some('t') => lit.push('\t'),
                        Some('$') => lit.push('$'),
                        Some('u') if self.rest()[1..].starts_with('{') => {
                            let body = &self.rest()[2..];
                            let close = body
                                .find('}')
                                .ok_or_else(|| self.error("unterminated `\\u{…}` escape"))?;
                            let ch = u32::from_str_radix(&body[..close], 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| SyntaxError {
                                    span: Span::new(esc_start, self.pos + 3 + close),
                                    message: "invalid `\\u{…}` escape".into(),
                                })?;
                            lit.push(ch);
                            self.pos += 2 + close;
                        }
                        _ => {
                            return Err(SyntaxError {
                                span: Span::new(esc_start, (self.pos + self.peek().map_or(0, char::len_utf8)).max(esc_start + 1)),
                                message: "invalid escape sequence (Bicep knows \\\\ \\' \\n \\r \\t \\$ \\u{…})".into(),
                            });
                        }
                    }
                    self.pos += self.peek().map_or(0, char::len_utf8);
                }
                '$' if self.rest().starts_with("${") => {
                    if !lit.is_empty() {
                        parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                    }
                    self.pos += 2;
                    self.skip_all();
                    let e = self.expr(true)?;
                    self.skip_all();
                    self.expect("}")?;
                    parts.push(StrPart::Interp(e));
                }
                c => {
                    lit.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(StrPart::Lit(lit));
        }
        Ok(Expr {
            kind: ExprKind::Str(parts),
            span: Span::new(start, self.pos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> File {
        let (f, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        f
    }

    /// `text` has exactly one syntax error: `message`, over the bytes `at`.
    fn assert_one_error(text: &str, at: (usize, usize), message: &str) {
        let (_, errors) = parse(text);
        let found: Vec<_> = errors
            .iter()
            .map(|e| ((e.span.start, e.span.end), e.message.as_str()))
            .collect();
        assert_eq!(found, [(at, message)], "{text:?}");
    }

    /// A syntax error says what was expected and what was found, at the character found.
    #[test]
    fn errors_name_what_was_expected_and_found() {
        for (text, at, message) in [
            (
                "param 1x string\n",
                (6, 7),
                "expected a parameter name, found `1`",
            ),
            ("var = 1\n", (4, 5), "expected a variable name, found `=`"),
            (
                "var a =",
                (7, 7),
                "expected an expression, found end of file",
            ),
            (
                "var a =\n",
                (7, 8),
                "expected an expression, found end of line",
            ),
            (
                "output o string = é\n",
                (18, 20),
                "expected an expression, found `é`",
            ),
        ] {
            assert_one_error(text, at, message);
        }
    }

    /// Text after a closing quote (blanks aside) is most likely the rest of a string cut short
    /// by an unescaped quote, and the message says so; any other stray text gets the plain
    /// message. Either is placed at the stray text, and is the only error.
    #[test]
    fn text_after_a_closing_quote_is_blamed_on_the_quote() {
        let quote = "text follows the end of a string: a `'` inside a string is written `\\'`";
        for (text, at, message) in [
            ("var a = ['it's']\n", (13, 14), quote),
            ("var a = ['it' s']\n", (14, 15), quote),
            ("var a = ['a''b']\n", (12, 13), quote),
            (
                "var a = [1 2]\n",
                (11, 12),
                "expected `,`, `]` or a new line, found `2`",
            ),
            (
                "var a = ['a' ;]\n",
                (13, 14),
                "expected `,`, `]` or a new line, found `;`",
            ),
        ] {
            assert_one_error(text, at, message);
        }
    }

    /// Block comments inside a line are skipped whole; one never closed is reported at `/*`.
    #[test]
    fn block_comments_within_a_line() {
        let text = "var a = 1 /* one */ // two\nvar b = /* three */ 2\n";
        let f = ok(text);
        let values: Vec<_> = f
            .statements
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Var { value, .. } => &text[value.span.start..value.span.end],
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(values, ["1", "2"]);
        let (f, errors) = parse("var a = 1 /* never closed\n");
        assert_eq!(f.statements.len(), 1);
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.span.start, e.span.end, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(10, 12, "unterminated block comment (`/*` without `*/`)")]
        );
    }

    /// After a syntax error the parser resumes at the next line that starts a statement: a
    /// decorator line (kept with its statement), not a word that merely starts like a keyword.
    #[test]
    fn recovery_resumes_at_a_statement_with_its_decorators() {
        let text = "var a = = 1\nvariable = 2\n@description('x')\nparam p string\n";
        let (f, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let [stmt] = f.statements.as_slice() else {
            panic!("{:?}", f.statements)
        };
        assert!(matches!(&stmt.kind, StmtKind::Param { name, .. } if name == "p"));
        let names: Vec<_> = stmt.decorators.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["description"]);
    }

    #[test]
    fn modern_syntax_parses() {
        let f = ok(r#"
targetScope = 'resourceGroup'
metadata name = 'x'
import { lockType } from 'br/public:avm/utl/types/avm-common-types:0.6.0'
import * as t from './types.bicep'
extension microsoftGraphV1
@description('tags')
param tags resourceInput<'Microsoft.Insights/metricAlerts@2018-03-01'>.tags?
param roles roleAssignmentType[]?
param xs string[] = ['a', 'b']
@export()
type pair = { @description('x') a: string?, b: int[]?, *: string }
type u = 'a' | 'b'
func add(a int, b int) int => a + b
var v = {
  a: 1
  ...other
  b: [for (x, i) in xs: { n: '${x}-${i}' }]
  c: x.?y ?? z!.w
  d: cond ? 'a' : 'b'
  e: map(xs, x => toUpper(x))
  m: '''
multi ${not} interp
'''
}
resource r 'Microsoft.Insights/metricAlerts@2018-03-01' = if (deploy) {
  name: 'n'
  resource child 'c' = { name: 'x' }
}
resource e 'Microsoft.Storage/storageAccounts@2023-01-01' existing = { name: 'x' }
assert ok = length(xs) > 0
output o string = r.name
"#);
        assert_eq!(f.statements.len(), 16);
    }

    /// The statements of a `.bicepparam` file: `using` (a path, with options, or `none`),
    /// `extends` and the parameter values.
    #[test]
    fn bicepparam_statements_parse() {
        let text = "using './main.bicep' with { mode: 'stack' }\nextends './base.bicepparam'\nparam x = 1\n";
        let f = ok(text);
        let kinds: Vec<_> = f
            .statements
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Using(Some(p)) => format!("using {}", &text[p.span.start..p.span.end]),
                StmtKind::Extends(p) => format!("extends {}", &text[p.span.start..p.span.end]),
                StmtKind::Param { name, .. } => format!("param {name}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "using './main.bicep'",
                "extends './base.bicepparam'",
                "param x"
            ]
        );
        let f = ok("using none\nparam y = 2\n");
        assert!(matches!(f.statements[0].kind, StmtKind::Using(None)));
        assert_eq!(f.statements.len(), 2);
    }

    /// Every form of type parses, and a parameter's type span covers the type exactly.
    #[test]
    fn types_of_every_form_span_their_text() {
        for ty in [
            "string",
            "string[]",
            "int?",
            "'a' | 'b'",
            "-1 | 20",
            "!true",
            "(string | int)",
            "['a', @description('x') int]",
            "{ @description('x') a: string?, 'b c': int, *: string }",
            "resource 'Microsoft.Storage/storageAccounts@2023-01-01'",
            "types.pair",
            "resourceInput<'Microsoft.Insights/metricAlerts@2018-03-01'>.properties",
            "pair.*",
            "pairs[*]",
            "pair['a b']",
            "pairs[123]",
            "map<string, int>",
        ] {
            let text = format!("param p {ty}\n");
            let (f, errors) = parse(&text);
            assert!(errors.is_empty(), "{ty}: {errors:?}");
            let StmtKind::Param { ty: Some(span), .. } = &f.statements[0].kind else {
                panic!("{ty}: {:?}", f.statements)
            };
            assert_eq!(&text[span.start..span.end], ty);
        }
        // A type gives back the nesting depth it takes: 200 sibling property types.
        let props: Vec<String> = (0..200).map(|i| format!("a{i}: int")).collect();
        ok(&format!("param p {{ {} }}\n", props.join(", ")));
        // An index that is neither `*`, a string nor an integer.
        let (_, errors) = parse("param p pairs[x]\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span.start, 14);
    }

    /// Nesting is bounded at 128 levels (with the statement's own): 127 parentheses or 127 object
    /// types parse; one more is a syntax error at the innermost item, not a stack overflow.
    #[test]
    fn nesting_is_bounded_at_its_limit() {
        for (n, errors) in [(127, vec![]), (128, vec![(136, 137)])] {
            let text = format!("var a = {}1{}\n", "(".repeat(n), ")".repeat(n));
            let (_, found) = parse(&text);
            assert!(
                found.iter().all(|e| e.message == "nesting too deep"),
                "{found:?}"
            );
            let found: Vec<_> = found.iter().map(|e| (e.span.start, e.span.end)).collect();
            assert_eq!(found, errors, "{n} parentheses");
            let text = format!("param p {}int{}\n", "{ a: ".repeat(n), " }".repeat(n));
            let (_, found) = parse(&text);
            let found: Vec<_> = found
                .iter()
                .map(|e| (e.span.start, e.message.as_str()))
                .collect();
            let expected: Vec<_> = errors
                .iter()
                .map(|_| (8 + 5 * n, "nesting too deep"))
                .collect();
            assert_eq!(found, expected, "{n} object types");
        }
        let (_, errors) = parse(&format!("var a = {}1\n", "(".repeat(128)));
        assert_eq!(errors[0].message, "nesting too deep");
    }

    /// The tree of `var a = …`'s value, with each node's text: what a caller (the evaluator, a
    /// located finding) sees of an expression.
    fn tree(text: &str) -> String {
        fn show(e: &Expr, text: &str) -> String {
            let at = &text[e.span.start..e.span.end];
            match &e.kind {
                ExprKind::Int(n) => format!("{n}"),
                ExprKind::Ident(name) => format!("{name}`{at}`"),
                ExprKind::Unary(op, inner) => format!("({op:?} {})", show(inner, text)),
                ExprKind::Binary(op, l, r) => {
                    format!("({op:?} {} {})`{at}`", show(l, text), show(r, text))
                }
                ExprKind::Call { name, args, .. } => {
                    let args: Vec<_> = args.iter().map(|a| show(a, text)).collect();
                    format!("{name}({})`{at}`", args.join(", "))
                }
                ExprKind::Object(props) => {
                    let props: Vec<_> = props
                        .iter()
                        .map(|p| match p {
                            Prop::Pair {
                                key,
                                key_span,
                                value,
                            } => format!(
                                "{key}`{}`: {}",
                                &text[key_span.start..key_span.end],
                                show(value, text)
                            ),
                            other => format!("{other:?}"),
                        })
                        .collect();
                    format!("{{{}}}", props.join(", "))
                }
                other => format!("{other:?}"),
            }
        }
        let f = ok(text);
        let StmtKind::Var { value, .. } = &f.statements[0].kind else {
            panic!("{:?}", f.statements)
        };
        show(value, text)
    }

    /// Shapes the evaluator cannot tell apart, pinned in the tree: `??` groups to the right, a
    /// minus before a digit is part of the literal, a call may have blanks before its
    /// parentheses and a name's span stops at its last character, a quoted key is a plain key,
    /// and a line that starts with a binary operator other than `-` goes on the expression.
    #[test]
    fn expressions_parse_to_the_tree_bicep_builds() {
        for (text, expected) in [
            (
                "var a = x ?? y ?? z\n",
                "(Coalesce x`x` (Coalesce y`y` z`z`)`y ?? z`)`x ?? y ?? z`",
            ),
            ("var a = -5\n", "-5"),
            ("var a = -x\n", "(Neg x`x`)"),
            (
                "var a = concat (x, y) \n",
                "concat(x`x`, y`y`)`concat (x, y)`",
            ),
            ("var a = x  + 1\n", "(Add x`x` 1)`x  + 1`"),
            ("var a = { 'a-b': 1, c: 2 }\n", "{a-b`'a-b'`: 1, c`c`: 2}"),
            (
                "var a = x\n  && y\n  || z\n",
                "(Or (And x`x` y`y`)`x\n  && y` z`z`)`x\n  && y\n  || z`",
            ),
        ] {
            assert_eq!(tree(text), expected, "{text:?}");
        }
    }

    /// Each operator gives back the nesting depth it takes: a file of many short expressions
    /// is never "nested too deeply".
    #[test]
    fn operators_give_back_their_depth() {
        let text: String = (0..300)
            .map(|i| format!("var a{i} = !-x + -(y) * !z\n"))
            .collect();
        assert_eq!(ok(&text).statements.len(), 300);
        // Within one statement too: 200 sibling arrays, loops, objects and parentheses.
        let items = |item: &str| vec![item; 200].join(", ");
        let text = format!(
            "var a = [{}]\nvar b = [{}]\nvar c = [{}]\nvar d = [{}]\n",
            items("[1]"),
            items("[for v in w: v]"),
            items("{ k: 1 }"),
            items("(!-x)")
        );
        assert_eq!(ok(&text).statements.len(), 4);
    }

    /// Every escape decodes; a multi-line string keeps quotes right before its closing ones;
    /// a bad escape is reported over the escape.
    #[test]
    fn strings_decode_every_escape() {
        let value = |text: &str| {
            let f = ok(text);
            let StmtKind::Var { value, .. } = &f.statements[0].kind else {
                panic!()
            };
            assert_eq!((value.span.start, value.span.end), (8, text.len()));
            match &value.kind {
                ExprKind::Str(parts) => match parts.as_slice() {
                    [StrPart::Lit(s)] => s.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            value(r"var a = 'a\\b\'c\nd\re\tf\$g\u{1F600}h'"),
            "a\\b'c\nd\re\tf$g\u{1F600}h"
        );
        assert_eq!(value("var a = '''\nx''''"), "x'");
        for (text, at, message) in [
            (r"var a = 'x\q'", (10, 12), "invalid escape sequence"),
            (r"var a = 'x\uz'", (10, 12), "invalid escape sequence"),
            (
                r"var a = 'x\u{110000}y'",
                (10, 20),
                "invalid `\\u{…}` escape",
            ),
            (
                r"var a = 'x\u{41'",
                (11, 12),
                "unterminated `\\u{…}` escape",
            ),
        ] {
            let (_, errors) = parse(text);
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert_eq!((errors[0].span.start, errors[0].span.end), at, "{text}");
            assert!(
                errors[0].message.starts_with(message),
                "{text}: {}",
                errors[0].message
            );
        }
    }

    #[test]
    fn errors_are_located_and_recovered() {
        let text = "param a string\nvar b = {\n  x: 'unterminated\n}\nvar c = 1\n";
        let (f, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(&text[errors[0].span.start..errors[0].span.start + 1], "'");
        assert_eq!(f.statements.len(), 2);
    }

    #[test]
    fn recovery_after_a_multi_byte_character() {
        // Found by fuzzing: a statement that fails on its first, two-byte character.
        let text = "\u{86}\u{7d0}f Azur\nparam a string\n";
        let (f, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(f.statements.len(), 1);
    }

    #[test]
    fn an_unescaped_quote_is_named() {
        let text = "param d string = 'it's here'\n";
        let (_, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span.start, 21);
        assert!(errors[0].message.contains("\\'"), "{}", errors[0].message);
    }

    #[test]
    fn spans_of_string_values() {
        let text = "var a = 'x${b}y'\n";
        let f = ok(text);
        let StmtKind::Var { value, .. } = &f.statements[0].kind else {
            panic!()
        };
        assert_eq!(&text[value.span.start..value.span.end], "'x${b}y'");
    }
}
