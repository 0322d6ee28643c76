//! The KQL syntax tree. Every node has the byte span (in the query text) it was read from;
//! equality ignores spans, so a tree compares equal to the tree parsed from its printed form.

use compact_str::CompactString;

use crate::source::Span;

/// A span that every other span equals: lets `#[derive(PartialEq)]` compare trees by shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct At(pub Span);

impl PartialEq for At {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl At {
    pub fn new(start: usize, end: usize) -> Self {
        At(Span::new(start, end))
    }
    pub fn span(self) -> Span {
        self.0
    }
    pub fn to(self, other: At) -> At {
        At::new(self.0.start, other.0.end.max(self.0.start))
    }
}

/// A name as written (`EventType`, `['Event Type']`), with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// Inline up to 24 bytes, which nearly every column and table name fits in: parsing a
    /// query allocates for the tree's shape, not for each of its names.
    pub text: CompactString,
    pub at: At,
}

/// A whole query: `let` statements, then the tabular expression whose rows it returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub lets: Vec<Let>,
    pub body: Option<Pipeline>,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Name,
    pub value: LetValue,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// `let x = 5m;` or `let T = AmlComputeJobEvent | where …;`: an expression, possibly piped.
    Value(Pipeline),
    /// `let f = (a: string, b: long) { … };`: a user function, kept as text.
    Function { params: Vec<Name>, body: At },
}

/// `source | op | op …`. A bare expression (a scalar `let`) is a pipeline without operators.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub source: Expr,
    pub ops: Vec<Operator>,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub kind: OpKind,
    pub at: At,
}

/// `name = expr` or a bare `expr` in a list such as `extend`, `project` or `summarize`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub name: Option<Name>,
    pub expr: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Default,
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub order: SortOrder,
    /// `nulls first` / `nulls last`.
    pub nulls: Option<Name>,
}

/// `kind=inner`, `withsource=T`, `hint.strategy=shuffle`: operator parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Name,
    pub value: Name,
}

/// One piece of a `parse … with` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternPart {
    Text(Expr),
    Star,
    Column { name: Name, ty: Option<Name> },
}

/// Operators move by value while a pipeline is built: the large parts of the rarer ones are
/// boxed, so that every operator stays small.
#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    Where(Expr),
    Extend(Vec<Assign>),
    Project(Vec<Assign>),
    ProjectAway(Vec<Name>),
    ProjectKeep(Vec<Name>),
    /// `project-rename new = old, …`.
    ProjectRename(Vec<(Name, Name)>),
    ProjectReorder(Vec<Name>),
    Summarize {
        params: Vec<Param>,
        aggs: Vec<Assign>,
        by: Vec<Assign>,
    },
    Top {
        count: Box<Expr>,
        key: Box<SortKey>,
    },
    /// `order by` or `sort by`; `sort` records which word was written.
    Sort {
        sort: bool,
        keys: Vec<SortKey>,
    },
    Join {
        params: Vec<Param>,
        right: Box<Pipeline>,
        on: Vec<Expr>,
    },
    Lookup {
        params: Vec<Param>,
        right: Box<Pipeline>,
        on: Vec<Expr>,
    },
    Union {
        params: Vec<Param>,
        tables: Vec<Pipeline>,
    },
    /// `distinct *` has no columns.
    Distinct(Vec<Expr>),
    Count,
    MakeSeries {
        params: Vec<Param>,
        aggs: Vec<Assign>,
        /// `default = 0` after the aggregations.
        default: Option<Box<Expr>>,
        on: Box<Expr>,
        /// `from a to b` or `in range(a, b, step)`: kept as written.
        range: Vec<Expr>,
        step: Option<Box<Expr>>,
        by: Vec<Assign>,
    },
    MvExpand {
        params: Vec<Param>,
        items: Vec<(Assign, Option<Name>)>,
        limit: Option<Box<Expr>>,
    },
    Parse {
        params: Vec<Param>,
        source: Box<Expr>,
        pattern: Vec<PatternPart>,
    },
    Serialize(Vec<Assign>),
    /// `take` or `limit`; `limit` records which word was written.
    Take {
        limit: bool,
        count: Expr,
    },
    /// `as name`.
    As(Name),
    /// `getschema`.
    GetSchema,
    /// An operator this parser does not model: its name and the text skipped up to the next
    /// top-level `|`. After it, the columns of the pipeline are unknown.
    Unmodelled {
        name: Name,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// String operators: `=~`, `!~`, `has`, `!has`, `contains`, `startswith`, `matches regex`…
    /// as written.
    Str(&'static str),
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Str(s) => s,
        }
    }
}

/// The string operators, longest first within a family (the lexer glues `!` and `_cs`).
pub const STRING_OPERATORS: &[&str] = &[
    "=~",
    "!~",
    "has",
    "!has",
    "has_cs",
    "!has_cs",
    "hasprefix",
    "!hasprefix",
    "hasprefix_cs",
    "!hasprefix_cs",
    "hassuffix",
    "!hassuffix",
    "hassuffix_cs",
    "!hassuffix_cs",
    "contains",
    "!contains",
    "contains_cs",
    "!contains_cs",
    "startswith",
    "!startswith",
    "startswith_cs",
    "!startswith_cs",
    "endswith",
    "!endswith",
    "endswith_cs",
    "!endswith_cs",
    "matches regex",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// The decoded value; `verbatim` for `@"…"`.
    String {
        value: CompactString,
        verbatim: bool,
    },
    /// As written: `5`, `2.5`, `1e3`, `0x1F`.
    Number(CompactString),
    /// As written: `5m`, `1h`, `2d`, `100ms`.
    Timespan(CompactString),
    Bool(bool),
    /// `datetime(2024-01-01)`, `dynamic([1, 2])`, `timespan(1d)`, `guid(…)`, `int(null)`…: the
    /// type word and the text inside the parentheses, as written.
    Typed {
        ty: CompactString,
        text: CompactString,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(Name),
    Lit(Lit),
    /// `*` as in `count(*)` or `project-away Col*`-less contexts.
    Star,
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `-x`, `+x`.
    Neg(Box<Expr>),
    /// `x in (a, b)`, `x !in (…)`, `x in~ (…)`, `x !in~ (…)`, `x has_any (…)`, `x has_all (…)`.
    In {
        op: &'static str,
        expr: Box<Expr>,
        list: Vec<Expr>,
    },
    /// `x between (a .. b)`, `x !between (…)`.
    Between {
        negated: bool,
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    Call {
        name: Name,
        args: Vec<Assign>,
    },
    /// `a.b`, `$left.Col`.
    Member {
        expr: Box<Expr>,
        name: Name,
    },
    Index {
        expr: Box<Expr>,
        index: Box<Expr>,
    },
    /// `datatable(Col: type, …)[v, …]`.
    Datatable {
        columns: Vec<(Name, Name)>,
        values: Vec<Expr>,
    },
    /// A parenthesised or argument tabular expression, `(T | where …)`.
    Tabular(Box<Pipeline>),
    /// A tabular source operator at the start of a pipeline: `union T1, T2`, `print x = 1`,
    /// `range x from 1 to 3 step 1`; `union` is modelled, the rest is kept as text.
    Union {
        params: Vec<Param>,
        tables: Vec<Pipeline>,
    },
    SourceText {
        name: Name,
        text: String,
    },
}
