//! A recursive-descent parser over the tokens of [`super::lex`]. It never fails: a syntax error
//! is recorded and the parser resumes at the next top-level `|` or `;`, and an operator it does
//! not model is kept as [`OpKind::Unmodelled`] text.

use compact_str::{CompactString, ToCompactString, format_compact};

use super::ast::*;
use super::lex::{Tok, Token, tokenize};

/// A syntax error, located in the query text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub at: At,
}

/// The result of parsing: the tree and the syntax errors (empty on a valid query).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub query: Query,
    pub errors: Vec<SyntaxError>,
}

pub fn parse(text: &str) -> Parsed {
    let mut p = Parser {
        text,
        toks: tokenize(text),
        pos: 0,
        len: text.len(),
        errors: Vec::new(),
        depth: 0,
        tree: 0,
        no_in: false,
    };
    let query = p.query();
    Parsed {
        query,
        errors: p.errors,
    }
}

/// Brackets nested deeper than this are reported rather than risking the parser's stack.
const MAX_DEPTH: usize = 64;
/// A tree deeper than this is reported rather than risking the stack of a pass over it (printing,
/// checking, dropping): brackets count, and so does each operator of a chain (`a or b or c`,
/// `a.b.c`), since a chain is a tree as deep as it is long.
const MAX_TREE_DEPTH: usize = 256;

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token<'a>>,
    pos: usize,
    len: usize,
    errors: Vec<SyntaxError>,
    depth: usize,
    /// Depth of the tree being built: `depth` plus the operators of the chains under way.
    tree: usize,
    /// Set while reading the axis of `make-series … on Axis in range(…)`.
    no_in: bool,
}

type R<T> = Result<T, SyntaxError>;

/// The tightest binary precedence level (`*`, `/`, `%`); `or` is level 0.
const LEVELS: usize = 4;
/// The level of comparisons, `in` and `between`.
const COMPARISON: usize = 2;

impl<'a> Parser<'a> {
    #[inline]
    fn peek(&self) -> Option<&Tok<'a>> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    #[inline]
    fn peek_at(&self, n: usize) -> Option<&Tok<'a>> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }
    #[inline]
    fn here(&self) -> At {
        match self.toks.get(self.pos) {
            Some(t) => At::new(t.start, t.end),
            None => At::new(self.len, self.len),
        }
    }
    #[inline]
    fn start(&self) -> usize {
        self.here().0.start
    }
    #[inline]
    fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].end
        }
    }
    #[inline]
    fn since(&self, start: usize) -> At {
        At::new(start, self.prev_end().max(start))
    }
    #[inline]
    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }
    #[inline]
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(q)) if *q == w)
    }
    #[inline]
    fn eat_punct(&mut self, p: &str) -> bool {
        let yes = self.is_punct(p);
        if yes {
            self.pos += 1;
        }
        yes
    }
    #[inline]
    fn eat_word(&mut self, w: &str) -> bool {
        let yes = self.is_word(w);
        if yes {
            self.pos += 1;
        }
        yes
    }
    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        let at = self.here();
        let found = match self.peek() {
            None => "the end of the query".to_string(),
            Some(Tok::Bad(m)) => {
                return Err(SyntaxError {
                    message: m.to_string(),
                    at,
                });
            }
            Some(_) => format!("`{}`", self.token_text()),
        };
        Err(SyntaxError {
            message: format!("expected {}, found {found}", message.into()),
            at,
        })
    }
    fn token_text(&self) -> String {
        match self.peek() {
            Some(Tok::Ident(s)) | Some(Tok::Number(s)) | Some(Tok::Timespan(s)) => s.to_string(),
            Some(Tok::Quoted(s)) => format!("['{s}']"),
            Some(Tok::Str { value, .. }) => format!("{value:?}"),
            Some(Tok::Punct(p)) => p.to_string(),
            Some(Tok::Bad(_)) | None => String::new(),
        }
    }
    fn expect_punct(&mut self, p: &str) -> R<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.err(format!("`{p}`"))
        }
    }
    fn expect_word(&mut self, w: &str) -> R<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            self.err(format!("`{w}`"))
        }
    }
    fn name(&mut self) -> R<Name> {
        let Some(t) = self.toks.get(self.pos) else {
            return self.err("a name");
        };
        let text = match &t.tok {
            Tok::Ident(s) => CompactString::from(*s),
            Tok::Quoted(s) => CompactString::from(&**s),
            _ => return self.err("a name"),
        };
        let at = At::new(t.start, t.end);
        self.pos += 1;
        Ok(Name { text, at })
    }
    /// Skips to the next `|` or `;` at nesting depth 0 (or the end), without consuming it.
    fn skip_to_pipe(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::Punct("(") | Tok::Punct("[") | Tok::Punct("{") => depth += 1,
                Tok::Punct(")") | Tok::Punct("]") | Tok::Punct("}") => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                Tok::Punct("|") | Tok::Punct(";") if depth == 0 => return,
                _ => {}
            }
            self.pos += 1;
        }
    }
    #[inline]
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err_nesting(MAX_DEPTH);
        }
        self.grow()
    }
    #[inline]
    fn leave(&mut self) {
        self.depth -= 1;
        self.tree -= 1;
    }
    /// One more level of tree; a chain restores the count when it ends.
    #[inline]
    fn grow(&mut self) -> R<()> {
        self.tree += 1;
        if self.tree > MAX_TREE_DEPTH {
            return self.err_nesting(MAX_TREE_DEPTH);
        }
        Ok(())
    }
    fn err_nesting<T>(&self, limit: usize) -> R<T> {
        Err(SyntaxError {
            message: format!("the query nests deeper than {limit} levels"),
            at: self.here(),
        })
    }

    fn query(&mut self) -> Query {
        let start = self.start();
        let mut lets = Vec::new();
        let mut body = None;
        while self.peek().is_some() {
            if self.eat_punct(";") {
                continue;
            }
            let before = self.pos;
            let result = if self.is_word("let") {
                self.let_stmt().map(|l| lets.push(l))
            } else if self.is_word("set") || self.is_word("declare") || self.is_word("alias") {
                self.skip_to_pipe();
                Ok(())
            } else {
                self.pipeline().map(|p| {
                    if body.is_none() {
                        body = Some(p);
                    }
                })
            };
            if let Err(e) = result {
                self.errors.push(e);
                // Skip the rest of this statement from its start, bracketed groups whole.
                self.pos = before;
                while self.peek().is_some() && !self.is_punct(";") {
                    if self.eat_punct("|") {
                        continue;
                    }
                    let here = self.pos;
                    self.skip_to_pipe();
                    if self.pos == here {
                        self.pos += 1;
                    }
                }
            } else if !self.is_punct(";") && self.peek().is_some() {
                let e = self.err::<()>("`;` or `|`").unwrap_err();
                self.errors.push(e);
                while self.peek().is_some() && !self.eat_punct(";") {
                    self.pos += 1;
                }
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
        Query {
            lets,
            body,
            at: self.since(start),
        }
    }

    fn let_stmt(&mut self) -> R<Let> {
        let start = self.start();
        self.expect_word("let")?;
        let name = self.name()?;
        self.expect_punct("=")?;
        let value = if self.is_function_decl() {
            let mut params = Vec::new();
            self.expect_punct("(")?;
            while !self.is_punct(")") {
                params.push(self.name()?);
                if self.eat_punct(":") {
                    // A type, possibly tabular `(*)` or `(A: string)`.
                    if self.is_punct("(") {
                        self.balanced()?;
                    } else {
                        self.name()?;
                    }
                }
                if self.eat_punct("=") {
                    self.expr()?;
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct(")")?;
            let body_start = self.start();
            if !self.is_punct("{") {
                return self.err("`{`");
            }
            self.balanced()?;
            LetValue::Function {
                params,
                body: self.since(body_start),
            }
        } else {
            LetValue::Value(self.pipeline()?)
        };
        Ok(Let {
            name,
            value,
            at: self.since(start),
        })
    }

    /// After `let f =`: `(` … `)` `{` is a function declaration.
    fn is_function_decl(&self) -> bool {
        if !self.is_punct("(") {
            return false;
        }
        let mut depth = 0usize;
        let mut i = self.pos;
        while let Some(t) = self.toks.get(i) {
            match t.tok {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(
                            self.toks.get(i + 1).map(|t| &t.tok),
                            Some(Tok::Punct("{"))
                        );
                    }
                }
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// Skips one balanced bracketed group starting at the current `(`, `[` or `{`.
    fn balanced(&mut self) -> R<()> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return self.err("a closing bracket"),
                Some(Tok::Punct("(" | "[" | "{")) => depth += 1,
                Some(Tok::Punct(")" | "]" | "}")) => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn pipeline(&mut self) -> R<Pipeline> {
        self.enter()?;
        let start = self.start();
        let source = self.source()?;
        let mut ops = Vec::new();
        while self.is_punct("|") {
            self.pos += 1;
            let op_start = self.pos;
            let (depth, tree) = (self.depth, self.tree);
            match self.operator() {
                Ok(op) => ops.push(op),
                Err(e) => {
                    self.errors.push(e);
                    (self.depth, self.tree) = (depth, tree);
                    // Resume after the operator, skipping its bracketed groups whole.
                    self.pos = op_start;
                    self.skip_to_pipe();
                }
            }
        }
        self.leave();
        Ok(Pipeline {
            source,
            ops,
            at: self.since(start),
        })
    }

    /// The start of a pipeline: `union …`, `print …`, `range …`, or an expression.
    fn source(&mut self) -> R<Expr> {
        let start = self.start();
        if self.is_word("union") && !matches!(self.peek_at(1), Some(Tok::Punct("("))) {
            self.pos += 1;
            let params = self.params();
            let tables = self.union_tables()?;
            return Ok(Expr {
                kind: ExprKind::Union { params, tables },
                at: self.since(start),
            });
        }
        if [
            "print",
            "range",
            "find",
            "search",
            "evaluate",
            "externaldata",
            "external_data",
        ]
        .iter()
        .any(|w| self.is_word(w))
            && !matches!(self.peek_at(1), Some(Tok::Punct("|")))
        {
            let name = self.name()?;
            let text_start = self.start();
            self.skip_to_pipe();
            let text = self.text_between(text_start);
            return Ok(Expr {
                kind: ExprKind::SourceText { name, text },
                at: self.since(start),
            });
        }
        self.expr()
    }

    /// Reports the bad tokens (unterminated strings, stray characters) of skipped text, so
    /// that text kept verbatim is never silently wrong.
    fn report_bad(&mut self, from_tok_start: usize) {
        let bad: Vec<SyntaxError> = self.toks[..self.pos]
            .iter()
            .filter(|t| t.start >= from_tok_start)
            .filter_map(|t| match t.tok {
                Tok::Bad(m) => Some(SyntaxError {
                    message: m.to_string(),
                    at: At::new(t.start, t.end),
                }),
                _ => None,
            })
            .collect();
        self.errors.extend(bad);
    }

    fn text_between(&mut self, from_tok_start: usize) -> String {
        self.report_bad(from_tok_start);
        // Token texts joined with single spaces: stable under printing.
        let mut out = Vec::new();
        for t in &self.toks[..self.pos] {
            if t.start >= from_tok_start {
                out.push(&self.text[t.start..t.end]);
            }
        }
        out.join(" ")
    }

    fn union_tables(&mut self) -> R<Vec<Pipeline>> {
        let mut tables = Vec::new();
        loop {
            let start = self.start();
            let source = if self.is_punct("(") {
                self.pos += 1;
                let p = self.pipeline()?;
                self.expect_punct(")")?;
                Expr {
                    kind: ExprKind::Tabular(Box::new(p)),
                    at: self.since(start),
                }
            } else {
                let n = self.name()?;
                // Wildcards such as `Aml*`.
                let mut text = n.text;
                while self.is_punct("*") && self.here().0.start == self.prev_end() {
                    self.pos += 1;
                    text.push('*');
                    if let Some(Tok::Ident(s)) = self.peek()
                        && self.here().0.start == self.prev_end()
                    {
                        text.push_str(s);
                        self.pos += 1;
                    }
                }
                Expr {
                    kind: ExprKind::Name(Name {
                        text,
                        at: self.since(start),
                    }),
                    at: self.since(start),
                }
            };
            tables.push(Pipeline {
                at: source.at,
                source,
                ops: Vec::new(),
            });
            if !self.eat_punct(",") {
                return Ok(tables);
            }
        }
    }

    /// `name=value` operator parameters (`kind=inner`, `hint.strategy=shuffle`).
    fn params(&mut self) -> Vec<Param> {
        let mut out = Vec::new();
        loop {
            let save = self.pos;
            let Ok(mut name) = self.name() else { break };
            while self.is_punct(".") {
                self.pos += 1;
                match self.name() {
                    Ok(n) => {
                        name.text = format_compact!("{}.{}", name.text, n.text);
                        name.at = name.at.to(n.at);
                    }
                    Err(_) => break,
                }
            }
            let is_param = PARAMS.contains(&name.text.as_str()) || name.text.starts_with("hint.");
            if !is_param || !self.eat_punct("=") {
                self.pos = save;
                break;
            }
            let literal = match self.peek() {
                Some(Tok::Number(s) | Tok::Timespan(s)) => Some(CompactString::from(*s)),
                Some(Tok::Str { value, .. }) => Some(CompactString::from(&**value)),
                _ => None,
            };
            let value = match literal {
                Some(text) => {
                    let at = self.here();
                    self.pos += 1;
                    Some(Name { text, at })
                }
                None => self.name().ok(),
            };
            match value {
                Some(value) => out.push(Param { name, value }),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        out
    }

    fn operator(&mut self) -> R<Operator> {
        let start = self.start();
        let word = match self.peek() {
            Some(Tok::Ident(w)) => *w,
            _ => return self.err("a query operator"),
        };
        let name = self.name()?;
        let kind = match word {
            "where" | "filter" => OpKind::Where(self.expr()?),
            "extend" => OpKind::Extend(self.assigns()?),
            "project" => OpKind::Project(self.assigns()?),
            "project-away" => OpKind::ProjectAway(self.names_with_wildcards()?),
            "project-keep" => OpKind::ProjectKeep(self.names_with_wildcards()?),
            "project-reorder" => {
                let names = self.names_with_wildcards()?;
                // `asc`/`desc` options after names are kept out of the model.
                OpKind::ProjectReorder(names)
            }
            "project-rename" => {
                let mut pairs = Vec::new();
                loop {
                    let new = self.name()?;
                    self.expect_punct("=")?;
                    let old = self.name()?;
                    pairs.push((new, old));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                OpKind::ProjectRename(pairs)
            }
            "summarize" => {
                let params = self.params();
                let aggs = if self.is_word("by") {
                    Vec::new()
                } else {
                    self.assigns()?
                };
                let by = if self.eat_word("by") {
                    self.assigns()?
                } else {
                    Vec::new()
                };
                OpKind::Summarize { params, aggs, by }
            }
            "top" => {
                let count = self.expr()?;
                self.expect_word("by")?;
                let key = self.sort_key()?;
                OpKind::Top {
                    count: Box::new(count),
                    key: Box::new(key),
                }
            }
            "order" | "sort" => {
                self.expect_word("by")?;
                let mut keys = vec![self.sort_key()?];
                while self.eat_punct(",") {
                    keys.push(self.sort_key()?);
                }
                OpKind::Sort {
                    sort: word == "sort",
                    keys,
                }
            }
            "join" | "lookup" => {
                let params = self.params();
                let right = Box::new(self.right_table()?);
                let mut on = Vec::new();
                if self.eat_word("on") {
                    on.push(self.expr()?);
                    while self.eat_punct(",") {
                        on.push(self.expr()?);
                    }
                }
                if word == "join" {
                    OpKind::Join { params, right, on }
                } else {
                    OpKind::Lookup { params, right, on }
                }
            }
            "union" => {
                let params = self.params();
                OpKind::Union {
                    params,
                    tables: self.union_tables()?,
                }
            }
            "distinct" => {
                if self.eat_punct("*") {
                    OpKind::Distinct(Vec::new())
                } else {
                    let mut cols = vec![self.expr()?];
                    while self.eat_punct(",") {
                        cols.push(self.expr()?);
                    }
                    OpKind::Distinct(cols)
                }
            }
            "count" => OpKind::Count,
            "getschema" => OpKind::GetSchema,
            "as" => {
                self.params();
                OpKind::As(self.name()?)
            }
            "take" | "limit" => OpKind::Take {
                limit: word == "limit",
                count: self.expr()?,
            },
            "serialize" => {
                let items = if self.is_punct("|")
                    || self.is_punct(";")
                    || self.is_punct(")")
                    || self.peek().is_none()
                {
                    Vec::new()
                } else {
                    self.assigns()?
                };
                OpKind::Serialize(items)
            }
            "make-series" => self.make_series()?,
            "mv-expand" => {
                let params = self.params();
                let mut items = Vec::new();
                loop {
                    let a = self.assign()?;
                    let ty = if self.eat_word("to") {
                        self.expect_word("typeof")?;
                        self.expect_punct("(")?;
                        let t = self.name()?;
                        self.expect_punct(")")?;
                        Some(t)
                    } else {
                        None
                    };
                    items.push((a, ty));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                let limit = if self.eat_word("limit") {
                    Some(self.expr()?)
                } else {
                    None
                };
                OpKind::MvExpand {
                    params,
                    items,
                    limit: limit.map(Box::new),
                }
            }
            "parse" => {
                let params = self.params();
                let source = self.expr()?;
                self.expect_word("with")?;
                let mut pattern = Vec::new();
                loop {
                    if self.eat_punct("*") {
                        pattern.push(PatternPart::Star);
                    } else if matches!(self.peek(), Some(Tok::Str { .. })) {
                        pattern.push(PatternPart::Text(self.primary()?));
                    } else if matches!(self.peek(), Some(Tok::Ident(_) | Tok::Quoted(_))) {
                        let name = self.name()?;
                        let ty = if self.eat_punct(":") {
                            Some(self.name()?)
                        } else {
                            None
                        };
                        pattern.push(PatternPart::Column { name, ty });
                    } else {
                        break;
                    }
                }
                if pattern.is_empty() {
                    return self.err("a parse pattern");
                }
                OpKind::Parse {
                    params,
                    source: Box::new(source),
                    pattern,
                }
            }
            _ => {
                let text_start = self.start();
                self.skip_to_pipe();
                OpKind::Unmodelled {
                    name,
                    text: self.text_between(text_start),
                }
            }
        };
        Ok(Operator {
            kind,
            at: self.since(start),
        })
    }

    fn make_series(&mut self) -> R<OpKind> {
        let params = self.params();
        let mut aggs = Vec::new();
        loop {
            aggs.push(self.assign()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        let default = if self.eat_word("default") {
            self.expect_punct("=")?;
            Some(self.expr()?)
        } else {
            None
        };
        self.expect_word("on")?;
        // `on Axis in range(…)`: here `in` starts the range, not a membership test.
        self.no_in = true;
        let on = self.expr();
        self.no_in = false;
        let on = on?;
        let mut range = Vec::new();
        let mut step = None;
        if self.eat_word("from") {
            range.push(self.expr()?);
            self.expect_word("to")?;
            range.push(self.expr()?);
            self.expect_word("step")?;
            step = Some(self.expr()?);
        } else if self.eat_word("in") {
            range.push(self.expr()?);
        } else {
            self.expect_word("step")?;
            step = Some(self.expr()?);
        }
        let by = if self.eat_word("by") {
            self.assigns()?
        } else {
            Vec::new()
        };
        Ok(OpKind::MakeSeries {
            params,
            aggs,
            default: default.map(Box::new),
            on: Box::new(on),
            range,
            step: step.map(Box::new),
            by,
        })
    }

    /// The right side of `join`/`lookup`: `(pipeline)` or a table name.
    fn right_table(&mut self) -> R<Pipeline> {
        let start = self.start();
        if self.eat_punct("(") {
            let p = self.pipeline()?;
            self.expect_punct(")")?;
            let source = Expr {
                kind: ExprKind::Tabular(Box::new(p)),
                at: self.since(start),
            };
            return Ok(Pipeline {
                at: source.at,
                source,
                ops: Vec::new(),
            });
        }
        let source = self.postfix()?;
        Ok(Pipeline {
            at: source.at,
            source,
            ops: Vec::new(),
        })
    }

    fn names_with_wildcards(&mut self) -> R<Vec<Name>> {
        let mut out = Vec::new();
        loop {
            let start = self.start();
            let mut text = CompactString::default();
            loop {
                match self.peek() {
                    Some(Tok::Ident(s)) if text.is_empty() || self.start() == self.prev_end() => {
                        text.push_str(s);
                        self.pos += 1;
                    }
                    Some(Tok::Quoted(s)) if text.is_empty() || self.start() == self.prev_end() => {
                        text.push_str(s);
                        self.pos += 1;
                    }
                    Some(Tok::Punct("*")) if text.is_empty() || self.start() == self.prev_end() => {
                        text.push('*');
                        self.pos += 1;
                    }
                    _ => break,
                }
            }
            if text.is_empty() {
                return self.err("a column name");
            }
            out.push(Name {
                text,
                at: self.since(start),
            });
            if !self.eat_punct(",") {
                return Ok(out);
            }
        }
    }

    fn sort_key(&mut self) -> R<SortKey> {
        let expr = self.expr()?;
        let order = if self.eat_word("asc") {
            SortOrder::Asc
        } else if self.eat_word("desc") {
            SortOrder::Desc
        } else {
            SortOrder::Default
        };
        let nulls = if self.eat_word("nulls") {
            if self.is_word("first") || self.is_word("last") {
                Some(self.name()?)
            } else {
                return self.err("`first` or `last`");
            }
        } else {
            None
        };
        Ok(SortKey { expr, order, nulls })
    }

    fn assigns(&mut self) -> R<Vec<Assign>> {
        let mut out = vec![self.assign()?];
        while self.eat_punct(",") {
            out.push(self.assign()?);
        }
        Ok(out)
    }

    /// `name = expr`, `(a, b) = expr` (kept as its expression), or `expr`.
    fn assign(&mut self) -> R<Assign> {
        if matches!(self.peek(), Some(Tok::Ident(_) | Tok::Quoted(_)))
            && matches!(self.peek_at(1), Some(Tok::Punct("=")))
        {
            let name = self.name()?;
            self.pos += 1;
            let expr = self.expr()?;
            return Ok(Assign {
                name: Some(name),
                expr,
            });
        }
        Ok(Assign {
            name: None,
            expr: self.expr()?,
        })
    }

    #[inline]
    pub fn expr(&mut self) -> R<Expr> {
        self.enter()?;
        let e = self.binary(0);
        self.leave();
        e
    }

    /// The binary operator at the cursor: the operator, its precedence level (0 = `or`, the
    /// loosest, to 4 = `*`, the tightest) and how many tokens it takes.
    fn binop(&self) -> Option<(BinOp, usize, usize)> {
        let found = match self.peek()? {
            Tok::Punct(p) => match *p {
                "==" => (BinOp::Eq, 2),
                "!=" | "<>" => (BinOp::Ne, 2),
                "<" => (BinOp::Lt, 2),
                "<=" => (BinOp::Le, 2),
                ">" => (BinOp::Gt, 2),
                ">=" => (BinOp::Ge, 2),
                "=~" => (BinOp::Str("=~"), 2),
                "!~" => (BinOp::Str("!~"), 2),
                "+" => (BinOp::Add, 3),
                "-" => (BinOp::Sub, 3),
                "*" => (BinOp::Mul, 4),
                "/" => (BinOp::Div, 4),
                "%" => (BinOp::Mod, 4),
                "!" => {
                    // `!has`, `!contains`, … : `!` glued to a word.
                    let Some(Tok::Ident(w)) = self.peek_at(1) else {
                        return None;
                    };
                    return Some((BinOp::Str(negated_string_operator(w)?), 2, 2));
                }
                _ => return None,
            },
            Tok::Ident(w) => match *w {
                "or" => (BinOp::Or, 0),
                "and" => (BinOp::And, 1),
                "matches" if matches!(self.peek_at(1), Some(Tok::Ident(r)) if *r == "regex") => {
                    return Some((BinOp::Str("matches regex"), 2, 2));
                }
                _ => (BinOp::Str(string_operator(w)?), 2),
            },
            _ => return None,
        };
        Some((found.0, found.1, 1))
    }

    /// Precedence climbing: an operand, then every operator of level `min` or tighter, each
    /// left-associative. The tree count grows by one per operator applied to the left operand
    /// (a chain is a tree as deep as it is long) and is restored when the expression ends.
    #[inline]
    fn binary(&mut self, min: usize) -> R<Expr> {
        let base = self.tree;
        let chain = self.binary_chain(min);
        self.tree = base;
        chain
    }

    fn binary_chain(&mut self, min: usize) -> R<Expr> {
        let mut left = self.unary()?;
        // The loosest level the next operator may have: an operator's right operand took every
        // tighter one, and after `in (…)` or `between (…)` only comparisons and looser follow.
        let mut max = LEVELS;
        loop {
            if min <= COMPARISON
                && max >= COMPARISON
                && let Some((word, bang)) = self.in_or_between_word()
            {
                left = self.in_or_between(left, word, bang)?;
                self.grow()?;
                max = COMPARISON;
                continue;
            }
            let Some((op, level, ntok)) = self.binop() else {
                return Ok(left);
            };
            if level < min || level > max {
                return Ok(left);
            }
            self.pos += ntok;
            self.grow()?;
            let right = self.binary(level + 1)?;
            let at = left.at.to(right.at);
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                at,
            };
            max = level;
        }
    }

    /// The word of the `in`, `!in`, `in~`, `!in~`, `between`, `!between`, `has_any` or
    /// `has_all` at the cursor, and whether `!` came first.
    fn in_or_between_word(&self) -> Option<(&'static str, bool)> {
        if self.no_in && self.is_word("in") {
            return None;
        }
        let bang = self.is_punct("!")
            && matches!(self.peek_at(1), Some(Tok::Ident(w)) if *w == "in" || *w == "between");
        match self.peek_at(usize::from(bang)) {
            Some(Tok::Ident("in")) => Some(("in", bang)),
            Some(Tok::Ident("between")) => Some(("between", bang)),
            Some(Tok::Ident("has_any")) if !bang => Some(("has_any", false)),
            Some(Tok::Ident("has_all")) if !bang => Some(("has_all", false)),
            _ => None,
        }
    }

    /// The rest of an `in` or `between` test of `left`, from the word found by
    /// [`Self::in_or_between_word`].
    fn in_or_between(&mut self, left: Expr, word: &'static str, bang: bool) -> R<Expr> {
        self.pos += usize::from(bang) + 1;
        if word == "between" {
            self.expect_punct("(")?;
            let low = self.binary(3)?;
            self.expect_punct("..")?;
            let high = self.binary(3)?;
            self.expect_punct(")")?;
            return Ok(Expr {
                at: At::new(left.at.0.start, self.prev_end()),
                kind: ExprKind::Between {
                    negated: bang,
                    expr: Box::new(left),
                    low: Box::new(low),
                    high: Box::new(high),
                },
            });
        }
        let ci = self.is_punct("~") && self.start() == self.prev_end() && self.eat_punct("~");
        let op = match (bang, ci) {
            _ if word == "has_any" => "has_any",
            _ if word == "has_all" => "has_all",
            (false, false) => "in",
            (true, false) => "!in",
            (false, true) => "in~",
            (true, true) => "!in~",
        };
        self.expect_punct("(")?;
        let mut list = Vec::new();
        if !self.is_punct(")") {
            // A tabular list (`in (T | project x)`) or scalars.
            let first = self.pipeline_or_expr()?;
            list.push(first);
            while self.eat_punct(",") {
                list.push(self.expr()?);
            }
        }
        self.expect_punct(")")?;
        Ok(Expr {
            at: At::new(left.at.0.start, self.prev_end()),
            kind: ExprKind::In {
                op,
                expr: Box::new(left),
                list,
            },
        })
    }

    /// An expression that may continue as a pipeline (`(T | where …)`, `toscalar(T | count)`).
    fn pipeline_or_expr(&mut self) -> R<Expr> {
        let start = self.start();
        let e = self.source()?;
        if !self.is_punct("|") {
            return Ok(e);
        }
        let mut ops = Vec::new();
        while self.eat_punct("|") {
            ops.push(self.operator()?);
        }
        let at = self.since(start);
        Ok(Expr {
            kind: ExprKind::Tabular(Box::new(Pipeline { source: e, ops, at })),
            at,
        })
    }

    #[inline]
    fn unary(&mut self) -> R<Expr> {
        let start = self.start();
        if self.is_punct("-") || self.is_punct("+") {
            let minus = self.is_punct("-");
            self.pos += 1;
            // As in Kusto, a sign applies to one operand that is not itself signed: `-(-x)` is
            // valid, `--x` and `- -x` are not.
            let e = self.postfix()?;
            if !minus {
                return Ok(e);
            }
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(e)),
                at: self.since(start),
            });
        }
        self.postfix()
    }

    #[inline]
    fn postfix(&mut self) -> R<Expr> {
        let base = self.tree;
        let chain = self.postfix_chain();
        self.tree = base;
        chain
    }

    fn postfix_chain(&mut self) -> R<Expr> {
        let start = self.start();
        let mut e = self.primary()?;
        loop {
            if self.is_punct(".")
                || self.is_punct("[")
                || matches!(self.peek(), Some(Tok::Quoted(_)))
            {
                self.grow()?;
            }
            if self.is_punct(".") && matches!(self.peek_at(1), Some(Tok::Ident(_) | Tok::Quoted(_)))
            {
                self.pos += 1;
                let name = self.name()?;
                e = Expr {
                    kind: ExprKind::Member {
                        expr: Box::new(e),
                        name,
                    },
                    at: self.since(start),
                };
            } else if let Some(Tok::Quoted(key)) = self.peek() {
                // `x['key']` lexes as a quoted name: it indexes `x`.
                let value = CompactString::from(&**key);
                let key_at = self.here().0;
                self.pos += 1;
                let index = Expr {
                    kind: ExprKind::Lit(Lit::String {
                        value,
                        verbatim: false,
                    }),
                    at: At::new(key_at.start + 1, key_at.end - 1),
                };
                e = Expr {
                    kind: ExprKind::Index {
                        expr: Box::new(e),
                        index: Box::new(index),
                    },
                    at: self.since(start),
                };
            } else if self.is_punct("[") {
                self.pos += 1;
                let index = self.expr()?;
                self.expect_punct("]")?;
                e = Expr {
                    kind: ExprKind::Index {
                        expr: Box::new(e),
                        index: Box::new(index),
                    },
                    at: self.since(start),
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> R<Expr> {
        let start = self.start();
        let kind = match self.peek() {
            None | Some(Tok::Bad(_)) => return self.err("an expression"),
            Some(Tok::Number(n)) => {
                let n = CompactString::from(*n);
                self.pos += 1;
                ExprKind::Lit(Lit::Number(n))
            }
            Some(Tok::Timespan(t)) => {
                let t = CompactString::from(*t);
                self.pos += 1;
                ExprKind::Lit(Lit::Timespan(t))
            }
            Some(Tok::Str { value, verbatim }) => {
                let mut value = CompactString::from(&**value);
                let mut verbatim = *verbatim;
                self.pos += 1;
                // Adjacent literals concatenate.
                while let Some(Tok::Str {
                    value: v,
                    verbatim: vb,
                }) = self.peek()
                {
                    value.push_str(v);
                    verbatim &= *vb;
                    self.pos += 1;
                }
                ExprKind::Lit(Lit::String { value, verbatim })
            }
            Some(Tok::Punct("*")) => {
                self.pos += 1;
                ExprKind::Star
            }
            Some(Tok::Punct("(")) => {
                self.pos += 1;
                let e = self.pipeline_or_expr()?;
                self.expect_punct(")")?;
                // Parentheses are not a node: the printer puts them back where needed.
                return Ok(Expr {
                    kind: e.kind,
                    at: self.since(start),
                });
            }
            Some(Tok::Punct("[")) | Some(Tok::Punct("{")) => {
                return self.err("an expression");
            }
            Some(&Tok::Ident(w)) => {
                if (w == "true" || w == "false")
                    && !matches!(self.peek_at(1), Some(Tok::Punct("(")))
                {
                    self.pos += 1;
                    ExprKind::Lit(Lit::Bool(w == "true"))
                } else if matches!(self.peek_at(1), Some(Tok::Punct("(")))
                    && TYPED_LITERALS.contains(&w)
                {
                    self.pos += 1;
                    let inner_start = self.here().0.end;
                    self.balanced()?;
                    let close = self.toks[self.pos - 1].start;
                    let text = self.raw_between(inner_start, close);
                    ExprKind::Lit(Lit::Typed {
                        ty: CompactString::from(w),
                        text,
                    })
                } else if w == "datatable" && matches!(self.peek_at(1), Some(Tok::Punct("("))) {
                    self.pos += 1;
                    self.datatable()?
                } else if matches!(self.peek_at(1), Some(Tok::Punct("("))) {
                    let name = self.name()?;
                    self.pos += 1;
                    let mut args = Vec::new();
                    if !self.is_punct(")") {
                        loop {
                            if matches!(self.peek(), Some(Tok::Ident(_)))
                                && matches!(self.peek_at(1), Some(Tok::Punct("=")))
                            {
                                args.push(self.assign()?);
                            } else {
                                args.push(Assign {
                                    name: None,
                                    expr: self.pipeline_or_expr()?,
                                });
                            }
                            if !self.eat_punct(",") {
                                break;
                            }
                        }
                    }
                    self.expect_punct(")")?;
                    ExprKind::Call { name, args }
                } else {
                    ExprKind::Name(self.name()?)
                }
            }
            Some(Tok::Quoted(_)) => ExprKind::Name(self.name()?),
            Some(Tok::Punct(_)) => return self.err("an expression"),
        };
        Ok(Expr {
            kind,
            at: self.since(start),
        })
    }

    /// The source text between two offsets, trimmed.
    fn raw_between(&self, from: usize, to: usize) -> CompactString {
        self.text
            .get(from..to)
            .unwrap_or("")
            .trim()
            .to_compact_string()
    }

    fn datatable(&mut self) -> R<ExprKind> {
        self.expect_punct("(")?;
        let mut columns = Vec::new();
        while !self.is_punct(")") {
            let n = self.name()?;
            self.expect_punct(":")?;
            let t = self.name()?;
            columns.push((n, t));
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        self.expect_punct("[")?;
        let mut values = Vec::new();
        while !self.is_punct("]") {
            values.push(self.expr()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct("]")?;
        Ok(ExprKind::Datatable { columns, values })
    }
}

/// The one-word string operator of [`STRING_OPERATORS`] spelt `word`. Every word that ends an
/// operand comes here, so it is a match rather than a search of the list.
fn string_operator(word: &str) -> Option<&'static str> {
    Some(match word {
        "has" => "has",
        "has_cs" => "has_cs",
        "hasprefix" => "hasprefix",
        "hasprefix_cs" => "hasprefix_cs",
        "hassuffix" => "hassuffix",
        "hassuffix_cs" => "hassuffix_cs",
        "contains" => "contains",
        "contains_cs" => "contains_cs",
        "startswith" => "startswith",
        "startswith_cs" => "startswith_cs",
        "endswith" => "endswith",
        "endswith_cs" => "endswith_cs",
        _ => return None,
    })
}

/// The string operator of [`STRING_OPERATORS`] spelt `!` then `word`.
fn negated_string_operator(word: &str) -> Option<&'static str> {
    Some(match word {
        "has" => "!has",
        "has_cs" => "!has_cs",
        "hasprefix" => "!hasprefix",
        "hasprefix_cs" => "!hasprefix_cs",
        "hassuffix" => "!hassuffix",
        "hassuffix_cs" => "!hassuffix_cs",
        "contains" => "!contains",
        "contains_cs" => "!contains_cs",
        "startswith" => "!startswith",
        "startswith_cs" => "!startswith_cs",
        "endswith" => "!endswith",
        "endswith_cs" => "!endswith_cs",
        _ => return None,
    })
}

/// Operator parameter names recognised before an operator's arguments.
const PARAMS: &[&str] = &[
    "kind",
    "withsource",
    "isfuzzy",
    "bagexpansion",
    "with_itemindex",
    "flags",
];

/// `type(…)` literals whose content is kept as text.
pub const TYPED_LITERALS: &[&str] = &[
    "datetime", "dynamic", "timespan", "time", "guid", "int", "long", "real", "double", "decimal",
    "bool", "boolean", "date",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_operators_are_read_as_the_list_spells_them() {
        let words = STRING_OPERATORS
            .iter()
            .flat_map(|s| [s.to_string(), s.trim_start_matches('!').to_string()])
            .chain(["in", "or", "hass", "ha", "has_c", "matches", "regex"].map(String::from))
            // Only a name token reaches these lookups: `=~` and `!~` are punctuation.
            .filter(|w| w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        for word in words {
            let plain = STRING_OPERATORS
                .iter()
                .find(|s| **s == word && !s.contains(' '))
                .copied();
            let negated = STRING_OPERATORS
                .iter()
                .find(|s| s.strip_prefix('!') == Some(&word))
                .copied();
            assert_eq!(string_operator(&word), plain, "{word:?}");
            assert_eq!(negated_string_operator(&word), negated, "!{word:?}");
        }
    }
}
