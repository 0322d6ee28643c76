//! Checks of one query against the table schemas: the table exists, every column exists where
//! it is used (tracking what each operator makes of the columns), and string comparisons with
//! enum-like columns use a value the column takes.

use crate::finding::Finding;
use crate::registry::{self, CheckInfo};
use crate::source::{FileId, Span};
use crate::suggest;

use super::ast::*;
use super::schema::Schemas;
use crate::model::SpanMap;

/// A column at some point of a pipeline, and the table column it still is (for known values).
#[derive(Debug, Clone)]
struct Col {
    name: String,
    origin: Option<(String, String)>,
    /// Whether the column holds a timestamp (`Some(false)`: it certainly does not; `None`:
    /// unknown).
    time: Option<bool>,
}

impl Col {
    fn new(name: impl Into<String>, origin: Option<(String, String)>) -> Col {
        Col {
            name: name.into(),
            origin,
            time: None,
        }
    }
}

/// A column of a query's result, as an alert rule's `metricMeasureColumn`, `resourceIdColumn`
/// and `dimensions` refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputColumn {
    pub name: String,
    /// Whether it holds a timestamp (`None`: unknown, e.g. made by a function the checker does
    /// not type).
    pub time: Option<bool>,
}

/// What checking a query found, and what the query returns.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// The columns of the query's result, in order; `None` when they cannot be known (an
    /// unknown table, an operator that is not modelled, a syntax error).
    pub output: Option<Vec<OutputColumn>>,
    /// The tables the query reads, in order.
    pub tables: Vec<TableRead>,
}

/// A table a query reads, and whether the schemas know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRead {
    pub name: String,
    /// Where the name is, in the file.
    pub span: Span,
    pub known: bool,
    /// For an unknown table: whether it looks like a known one (a did-you-mean, or a
    /// resource-log category of that name), i.e. is most likely a misspelt Azure ML table.
    pub near: bool,
}

/// The columns at a point of a pipeline; `None` once they cannot be known.
type Cols = Option<Vec<Col>>;

struct Checker<'a> {
    schemas: &'a Schemas,
    map: &'a SpanMap,
    file: FileId,
    /// `let` names in scope: tabular ones with their columns, scalar ones with `None`.
    lets: Vec<(String, Option<Cols>)>,
    findings: Vec<Finding>,
    tables: Vec<TableRead>,
}

/// Parses and checks `text`; spans are mapped through `map` into `file`.
pub fn check_query(text: &str, map: &SpanMap, file: FileId, schemas: &Schemas) -> Vec<Finding> {
    analyse_query(text, map, file, schemas).findings
}

/// Parses and checks `text` as [`check_query`] does, and also returns the columns of its result.
pub fn analyse_query(text: &str, map: &SpanMap, file: FileId, schemas: &Schemas) -> Analysis {
    let parsed = super::parse(text);
    let mut c = Checker {
        schemas,
        map,
        file,
        lets: Vec::new(),
        findings: Vec::new(),
        tables: Vec::new(),
    };
    for e in &parsed.errors {
        c.push(&registry::QUERY_SYNTAX, e.at.0, e.message.clone(), None);
    }
    for l in &parsed.query.lets {
        let v = match &l.value {
            LetValue::Value(p) if c.is_tabular(p) => Some(c.pipeline(p)),
            LetValue::Value(p) => {
                c.pipeline(p);
                None
            }
            LetValue::Function { .. } => None,
        };
        c.lets.push((l.name.text.to_string(), v));
    }
    let output = match &parsed.query.body {
        Some(b) => c.pipeline(b),
        None => None,
    };
    // After a syntax error the pipeline was read past a gap: its columns are not known.
    let output = if parsed.errors.is_empty() {
        output.map(|cols| {
            cols.into_iter()
                .map(|c| OutputColumn {
                    name: c.name,
                    time: c.time,
                })
                .collect()
        })
    } else {
        None
    };
    let mut findings = c.findings;
    drop_tables_beside_aml_ones(&mut findings, &c.tables);
    Analysis {
        findings,
        output,
        tables: c.tables,
    }
}

/// A query that reads an Azure ML table may also read other tables of the workspace
/// (`union AmlComputeJobEvent, Heartbeat`, a `join` with `AzureActivity`): those are not
/// misspelt Azure ML tables, and Azure runs the query, so they are not `unknown-table`. A name
/// that looks like an Azure ML table stays an error; a query reading no Azure ML table at all is
/// left to the caller (a log rule notes it as not-an-aml-query).
fn drop_tables_beside_aml_ones(findings: &mut Vec<Finding>, tables: &[TableRead]) {
    if !tables.iter().any(|t| t.known || t.near) {
        return;
    }
    let other: Vec<Span> = tables
        .iter()
        .filter(|t| !t.known && !t.near)
        .map(|t| t.span)
        .collect();
    findings.retain(|f| !(f.check.code == registry::UNKNOWN_TABLE.code && other.contains(&f.span)));
}

/// Functions whose result is a timestamp when their first argument is one (`bin`, `floor`…),
/// or always (`now`, `ago`, `datetime`…).
const TIME_OF_FIRST: &[&str] = &[
    "bin",
    "bin_at",
    "floor",
    "startofday",
    "startofweek",
    "startofmonth",
    "startofyear",
    "endofday",
    "endofweek",
    "endofmonth",
    "endofyear",
    "max",
    "min",
    "take_any",
    "any",
    "arg_max",
    "arg_min",
    "iff",
    "iif",
    "coalesce",
];
const TIME_ALWAYS: &[&str] = &[
    "now",
    "ago",
    "datetime",
    "todatetime",
    "make_datetime",
    "unixtime_seconds_todatetime",
    "unixtime_milliseconds_todatetime",
    "datetime_add",
];
/// Functions whose result is never a timestamp.
const TIME_NEVER: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "percentile",
    "percentiles",
    "stdev",
    "variance",
    "tostring",
    "toint",
    "tolong",
    "todouble",
    "toreal",
    "strcat",
    "tolower",
    "toupper",
    "make_list",
    "make_set",
    "make_bag",
    "datetime_diff",
    "strlen",
    "isempty",
    "isnotempty",
    "isnull",
    "isnotnull",
    "round",
    "dayofweek",
    "hourofday",
];

fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len()).any(|i| rest.is_char_boundary(i) && glob(tail, &rest[i..]))
        }),
    }
}

/// The column name KQL gives an unnamed expression in `extend`, `project`, `summarize`.
fn inferred_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.text.to_string()),
        ExprKind::Member { name, .. } => Some(name.text.to_string()),
        ExprKind::Call { name, args } => {
            let f = name.text.as_str();
            if f == "bin" || f == "floor" || f == "startofday" || f == "bin_at" {
                return args.first().and_then(|a| inferred_name(&a.expr));
            }
            let first = args.first().and_then(|a| inferred_name(&a.expr));
            // make_list(x) is list_x, make_set(x) set_x, make_bag(x) bag_x.
            let f = match f {
                "make_list" | "make_list_if" | "make_list_with_nulls" => "list",
                "make_set" | "make_set_if" => "set",
                "make_bag" | "make_bag_if" => "bag",
                other => other,
            };
            Some(match first {
                Some(col) if f != "count" && f != "countif" => format!("{f}_{col}"),
                _ => format!("{f}_"),
            })
        }
        _ => None,
    }
}

impl Checker<'_> {
    fn push(
        &mut self,
        check: &'static CheckInfo,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        let f = Finding::new(check, self.file, self.map.map(span), message).maybe_help(help);
        self.findings.push(f);
    }

    fn let_cols(&self, name: &str) -> Option<&Option<Cols>> {
        self.lets
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
    }

    /// Whether a `let` value is tabular: it has operators, or it names a table or tabular let.
    fn is_tabular(&self, p: &Pipeline) -> bool {
        if !p.ops.is_empty() {
            return true;
        }
        match &p.source.kind {
            ExprKind::Name(n) => {
                matches!(self.let_cols(&n.text), Some(Some(_)))
                    || self.schemas.table(&n.text).is_some()
                    || (self.let_cols(&n.text).is_none() && n.text.starts_with(char::is_uppercase))
            }
            ExprKind::Datatable { .. } | ExprKind::Tabular(_) | ExprKind::Union { .. } => true,
            ExprKind::SourceText { .. } => true,
            ExprKind::Call { name, .. } => {
                matches!(
                    name.text.as_str(),
                    "materialize" | "view" | "table" | "workspace"
                )
            }
            _ => false,
        }
    }

    fn source(&mut self, e: &Expr) -> Cols {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(c) = self.let_cols(&n.text) {
                    return c.clone().flatten();
                }
                if let Some(t) = self.schemas.table(&n.text) {
                    let name = t.name.clone();
                    self.tables.push(TableRead {
                        name: name.clone(),
                        span: self.map.map(n.at.0),
                        known: true,
                        near: false,
                    });
                    return Some(
                        t.columns
                            .iter()
                            .map(|(c, ty)| Col {
                                name: c.clone(),
                                origin: Some((name.clone(), c.clone())),
                                time: Some(ty == "datetime"),
                            })
                            .collect(),
                    );
                }
                self.unknown_table(n);
                None
            }
            ExprKind::Datatable { columns, values } => {
                for v in values {
                    self.expr(v, &Some(Vec::new()));
                }
                Some(
                    columns
                        .iter()
                        .map(|(n, ty)| Col {
                            name: n.text.to_string(),
                            origin: None,
                            time: Some(ty.text == "datetime" || ty.text == "date"),
                        })
                        .collect(),
                )
            }
            ExprKind::Tabular(p) => self.pipeline(p),
            // print, range, search…: kept as text, their columns unknown.
            ExprKind::SourceText { .. } => None,
            ExprKind::Union { tables, params } => {
                let mut cols = self.union(None, tables);
                Self::with_source(&mut cols, params);
                cols
            }
            _ => {
                self.expr(e, &None);
                None
            }
        }
    }

    /// Whether an unknown table name reads as a misspelt Azure ML table: it starts with `Aml`, or
    /// it is a few edits from one. A shared word is not enough: `Event` and `Syslog` are other
    /// Log Analytics tables, not near misses of `AmlComputeClusterEvent`.
    fn looks_like_aml_table(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        lower.starts_with("aml")
            || self.schemas.tables.iter().any(|t| {
                strsim::normalized_damerau_levenshtein(&lower, &t.name.to_ascii_lowercase()) >= 0.8
            })
    }

    fn unknown_table(&mut self, n: &Name) {
        let tables = self.schemas.tables.iter().map(|t| t.name.as_str());
        let near = suggest::nearest(&n.text, tables, 3);
        let is_category = self.schemas.categories.iter().any(|c| *c == n.text);
        // Category ModelsChangeEvent lands in table AmlModelsEvent: compare without the
        // Change/Read/Action word and with the Aml prefix.
        let near = if is_category {
            let stem = format!(
                "Aml{}",
                n.text
                    .replace("Change", "")
                    .replace("Read", "")
                    .replace("Action", "")
                    .trim_start_matches("Aml")
            );
            let tables = self.schemas.tables.iter().map(|t| t.name.as_str());
            let by_stem = suggest::nearest(&stem, tables, 1);
            if by_stem.is_empty() { near } else { by_stem }
        } else {
            near
        };
        self.tables.push(TableRead {
            name: n.text.to_string(),
            span: self.map.map(n.at.0),
            known: false,
            near: is_category || self.looks_like_aml_table(&n.text),
        });
        let help = if is_category {
            Some(format!(
                "`{}` is a resource-log category, not a table: its records land in another table{}",
                n.text,
                near.first()
                    .map(|t| format!(" (did you mean `{t}`?)"))
                    .unwrap_or_default()
            ))
        } else if !near.is_empty() {
            Some(format!("did you mean `{}`?", near.join("`, `")))
        } else {
            let cats = self.schemas.categories.iter().map(String::as_str);
            suggest::nearest(&n.text, cats, 1)
                .first()
                .map(|c| format!("`{c}` is a resource-log category of that name"))
        };
        self.push(
            &registry::UNKNOWN_TABLE,
            n.at.0,
            format!("unknown table `{}`", n.text),
            help,
        );
    }

    fn union(&mut self, current: Option<Cols>, tables: &[Pipeline]) -> Cols {
        let mut all: Option<Vec<Col>> = current.unwrap_or(Some(Vec::new()));
        for t in tables {
            let cols = if let ExprKind::Name(n) = &t.source.kind
                && n.text.contains('*')
            {
                None
            } else {
                self.pipeline(t)
            };
            all = match (all, cols) {
                (Some(mut a), Some(b)) => {
                    for c in b {
                        if !a.iter().any(|x| x.name == c.name) {
                            a.push(c);
                        }
                    }
                    Some(a)
                }
                _ => None,
            };
        }
        all
    }

    /// `union withsource=Name …` adds a column naming each row's table.
    fn with_source(cols: &mut Cols, params: &[Param]) {
        for p in params.iter().filter(|p| p.name.text == "withsource") {
            if let Some(list) = cols {
                list.insert(
                    0,
                    Col {
                        name: p.value.text.to_string(),
                        origin: None,
                        time: Some(false),
                    },
                );
            }
        }
    }

    fn pipeline(&mut self, p: &Pipeline) -> Cols {
        let mut cols = self.source(&p.source);
        for op in &p.ops {
            cols = self.operator(op, cols);
        }
        cols
    }

    fn has(cols: &[Col], name: &str) -> bool {
        cols.iter().any(|c| c.name == name)
    }

    fn column(&mut self, n: &Name, cols: &Cols) {
        let Some(list) = cols else { return };
        if Self::has(list, &n.text) || self.let_cols(&n.text).is_some() {
            return;
        }
        let near = suggest::nearest(&n.text, list.iter().map(|c| c.name.as_str()), 3);
        let help = if near.is_empty() {
            None
        } else {
            Some(format!("did you mean `{}`?", near.join("`, `")))
        };
        self.push(
            &registry::UNKNOWN_COLUMN,
            n.at.0,
            format!("unknown column `{}` at this point of the query", n.text),
            help,
        );
    }

    fn find<'c>(cols: &'c Cols, name: &str) -> Option<&'c Col> {
        cols.as_ref()?.iter().find(|c| c.name == name)
    }

    fn set(cols: &mut Cols, name: String, origin: Option<(String, String)>, time: Option<bool>) {
        if let Some(list) = cols {
            match list.iter_mut().find(|c| c.name == name) {
                Some(c) => {
                    c.origin = origin;
                    c.time = time;
                }
                None => list.push(Col { name, origin, time }),
            }
        }
    }

    fn origin_of(cols: &Cols, e: &Expr) -> Option<(String, String)> {
        match &e.kind {
            ExprKind::Name(n) => Self::find(cols, &n.text).and_then(|c| c.origin.clone()),
            _ => None,
        }
    }

    /// Whether an expression's value is a timestamp, as far as can be told.
    fn time_of(cols: &Cols, e: &Expr) -> Option<bool> {
        match &e.kind {
            ExprKind::Name(n) => Self::find(cols, &n.text).and_then(|c| c.time),
            ExprKind::Lit(Lit::String { .. }) => Some(false),
            ExprKind::Lit(_) => None,
            ExprKind::Binary { op, left, right } => match op {
                BinOp::Eq | BinOp::Ne | BinOp::Str(_) => Some(false),
                // datetime ± timespan is a datetime; datetime − datetime is not.
                _ => match (Self::time_of(cols, left), Self::time_of(cols, right)) {
                    (Some(true), Some(true)) => Some(false),
                    (Some(true), _) | (_, Some(true)) => None,
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
            },
            ExprKind::Call { name, args } => {
                let f = name.text.as_str();
                if TIME_ALWAYS.contains(&f) {
                    Some(true)
                } else if TIME_NEVER.contains(&f) {
                    Some(false)
                } else if TIME_OF_FIRST.contains(&f) {
                    args.first().and_then(|a| Self::time_of(cols, &a.expr))
                } else {
                    None
                }
            }
            ExprKind::In { .. } | ExprKind::Between { .. } => Some(false),
            _ => None,
        }
    }

    fn assign_into(&mut self, a: &Assign, input: &Cols, out: &mut Cols) {
        self.expr(&a.expr, input);
        let name = a
            .name
            .as_ref()
            .map(|n| n.text.to_string())
            .or_else(|| inferred_name(&a.expr));
        let origin = Self::origin_of(input, &a.expr);
        let time = Self::time_of(input, &a.expr);
        let n = name.unwrap_or_else(|| format!("Column{}", out.as_ref().map_or(0, Vec::len) + 1));
        Self::set(out, n, origin, time)
    }

    fn operator(&mut self, op: &Operator, cols: Cols) -> Cols {
        match &op.kind {
            OpKind::Where(e) => {
                self.expr(e, &cols);
                cols
            }
            // Every expression of one `extend` sees the input columns only.
            OpKind::Extend(list) => {
                let mut out = cols.clone();
                for a in list {
                    self.assign_into(a, &cols, &mut out);
                }
                out
            }
            OpKind::Project(list) => {
                let mut out = cols.as_ref().map(|_| Vec::new());
                for a in list {
                    self.assign_into(a, &cols, &mut out);
                }
                out
            }
            OpKind::ProjectAway(names)
            | OpKind::ProjectKeep(names)
            | OpKind::ProjectReorder(names) => {
                for n in names {
                    if !n.text.contains('*') {
                        self.column(n, &cols);
                    }
                }
                let keep = matches!(op.kind, OpKind::ProjectKeep(_));
                let away = matches!(op.kind, OpKind::ProjectAway(_));
                cols.map(|list| {
                    list.into_iter()
                        .filter(|c| {
                            let hit = names.iter().any(|n| glob(&n.text, &c.name));
                            if keep {
                                hit
                            } else if away {
                                !hit
                            } else {
                                true
                            }
                        })
                        .collect()
                })
            }
            OpKind::ProjectRename(pairs) => {
                let mut out = cols.clone();
                for (new, old) in pairs {
                    self.column(old, &cols);
                    if let Some(list) = &mut out
                        && let Some(c) = list.iter_mut().find(|c| c.name == old.text)
                    {
                        c.name = new.text.to_string();
                    }
                }
                out
            }
            OpKind::Summarize { aggs, by, .. } => {
                let mut out = cols.as_ref().map(|_| Vec::new());
                for a in by {
                    self.assign_into(a, &cols, &mut out);
                }
                for a in aggs {
                    // arg_max(t, *) and arg_min(t, *) keep every column.
                    if let ExprKind::Call { name, args } = &a.expr.kind
                        && matches!(
                            name.text.as_str(),
                            "arg_max" | "arg_min" | "take_any" | "any"
                        )
                    {
                        self.expr(&a.expr, &cols);
                        for arg in args {
                            match &arg.expr.kind {
                                ExprKind::Star => {
                                    if let (Some(o), Some(i)) = (&mut out, &cols) {
                                        for c in i {
                                            if !Self::has(o, &c.name) {
                                                o.push(c.clone());
                                            }
                                        }
                                    }
                                }
                                _ => {
                                    let n = arg
                                        .name
                                        .as_ref()
                                        .map(|n| n.text.to_string())
                                        .or_else(|| inferred_name(&arg.expr));
                                    if let Some(n) = n {
                                        let origin = Self::origin_of(&cols, &arg.expr);
                                        let time = Self::time_of(&cols, &arg.expr);
                                        Self::set(&mut out, n, origin, time);
                                    }
                                }
                            }
                        }
                        continue;
                    }
                    self.assign_into(a, &cols, &mut out);
                }
                out
            }
            OpKind::Top { count, key } => {
                self.expr(count, &cols);
                self.expr(&key.expr, &cols);
                cols
            }
            OpKind::Sort { keys, .. } => {
                for k in keys {
                    self.expr(&k.expr, &cols);
                }
                cols
            }
            OpKind::Join { right, on, params } | OpKind::Lookup { right, on, params } => {
                let rcols = self.pipeline(right);
                for e in on {
                    self.join_key(e, &cols, &rcols);
                }
                let kind = params
                    .iter()
                    .find(|p| p.name.text == "kind")
                    .map(|p| p.value.text.as_str());
                match (cols, rcols) {
                    (Some(mut l), Some(r)) => {
                        if matches!(kind, Some("leftsemi" | "leftanti" | "leftantisemi")) {
                            return Some(l);
                        }
                        if matches!(kind, Some("rightsemi" | "rightanti" | "rightantisemi")) {
                            return Some(r);
                        }
                        let is_lookup = matches!(op.kind, OpKind::Lookup { .. });
                        for c in r {
                            if !Self::has(&l, &c.name) {
                                l.push(c);
                            } else if !is_lookup {
                                let mut i = 1;
                                while Self::has(&l, &format!("{}{i}", c.name)) {
                                    i += 1;
                                }
                                l.push(Col {
                                    name: format!("{}{i}", c.name),
                                    origin: c.origin,
                                    time: c.time,
                                });
                            }
                        }
                        Some(l)
                    }
                    _ => None,
                }
            }
            OpKind::Union { tables, params } => {
                let mut cols = self.union(Some(cols), tables);
                Self::with_source(&mut cols, params);
                cols
            }
            OpKind::Distinct(list) => {
                if list.is_empty() {
                    return cols;
                }
                let mut out = cols.as_ref().map(|_| Vec::new());
                for e in list {
                    self.assign_into(
                        &Assign {
                            name: None,
                            expr: e.clone(),
                        },
                        &cols,
                        &mut out,
                    );
                }
                out
            }
            OpKind::Count => Some(vec![Col {
                name: "Count".into(),
                origin: None,
                time: Some(false),
            }]),
            OpKind::MakeSeries {
                aggs,
                default,
                on,
                range,
                step,
                by,
                ..
            } => {
                let mut out = cols.as_ref().map(|_| Vec::new());
                for a in by {
                    self.assign_into(a, &cols, &mut out);
                }
                self.expr(on, &cols);
                if let Some(n) = inferred_name(on) {
                    Self::set(&mut out, n, None, None);
                }
                for a in aggs {
                    self.assign_into(a, &cols, &mut out);
                }
                for e in default
                    .iter()
                    .map(|e| &**e)
                    .chain(range)
                    .chain(step.as_deref())
                {
                    self.expr(e, &cols);
                }
                out
            }
            OpKind::MvExpand {
                items,
                limit,
                params,
            } => {
                let mut out = cols.clone();
                for p in params.iter().filter(|p| p.name.text == "with_itemindex") {
                    Self::set(&mut out, p.value.text.to_string(), None, Some(false));
                }
                for (a, _) in items {
                    self.assign_into(a, &cols, &mut out);
                }
                if let Some(l) = limit {
                    self.expr(l, &cols);
                }
                out
            }
            OpKind::Parse {
                source, pattern, ..
            } => {
                self.expr(source, &cols);
                let mut out = cols;
                for p in pattern {
                    if let PatternPart::Column { name, .. } = p {
                        Self::set(&mut out, name.text.to_string(), None, None);
                    }
                }
                out
            }
            OpKind::Serialize(list) => {
                let mut out = cols;
                for a in list {
                    let input = out.clone();
                    self.assign_into(a, &input, &mut out);
                }
                out
            }
            OpKind::Take { count, .. } => {
                self.expr(count, &cols);
                cols
            }
            // `as Name` binds the rows so far to a name the rest of the query can read.
            OpKind::As(name) => {
                self.lets.push((name.text.to_string(), Some(cols.clone())));
                cols
            }
            OpKind::GetSchema => Some(
                ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"]
                    .iter()
                    .map(|n| Col::new(*n, None))
                    .collect(),
            ),
            // `render` only draws the result.
            OpKind::Unmodelled { name, .. } if name.text == "render" => cols,
            OpKind::Unmodelled { name, .. } => {
                self.push(
                    &registry::QUERY_NOT_MODELLED,
                    name.at.0,
                    format!(
                        "`{}` is not modelled: the columns after it are not checked",
                        name.text
                    ),
                    None,
                );
                None
            }
        }
    }

    fn join_key(&mut self, e: &Expr, left: &Cols, right: &Cols) {
        match &e.kind {
            ExprKind::Name(n) => {
                self.column(n, left);
                self.column(n, right);
            }
            ExprKind::Member { expr, name } => match &expr.kind {
                ExprKind::Name(side) if side.text == "$left" => self.column(name, left),
                ExprKind::Name(side) if side.text == "$right" => self.column(name, right),
                _ => self.expr(e, left),
            },
            ExprKind::Binary {
                left: a, right: b, ..
            } => {
                self.join_key(a, left, right);
                self.join_key(b, left, right);
            }
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr, cols: &Cols) {
        match &e.kind {
            ExprKind::Name(n) => self.column(n, cols),
            ExprKind::Lit(_) | ExprKind::Star => {}
            ExprKind::Binary { op, left, right } => {
                self.expr(left, cols);
                self.expr(right, cols);
                if let BinOp::Eq | BinOp::Ne | BinOp::Str("=~") | BinOp::Str("!~") = op {
                    let ci = matches!(op, BinOp::Str(_));
                    let negated = matches!(op, BinOp::Ne | BinOp::Str("!~"));
                    self.known_value(left, right, ci, negated, cols);
                    self.known_value(right, left, ci, negated, cols);
                }
            }
            ExprKind::Neg(x) => self.expr(x, cols),
            ExprKind::In { op, expr, list } => {
                self.expr(expr, cols);
                for item in list {
                    self.expr(item, cols);
                }
                if op.starts_with("in") || op.starts_with("!in") {
                    let ci = op.ends_with('~');
                    for item in list {
                        self.known_value(expr, item, ci, op.starts_with('!'), cols);
                    }
                }
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                self.expr(expr, cols);
                self.expr(low, cols);
                self.expr(high, cols);
            }
            ExprKind::Call { name, args } => {
                // `typeof(string)` names a type, not a column.
                if name.text == "typeof" {
                    return;
                }
                for a in args {
                    self.expr(&a.expr, cols);
                }
            }
            ExprKind::Member { expr, .. } => {
                if !matches!(&expr.kind, ExprKind::Name(n) if n.text.starts_with('$')) {
                    self.expr(expr, cols);
                }
            }
            ExprKind::Index { expr, index } => {
                self.expr(expr, cols);
                self.expr(index, cols);
            }
            ExprKind::Datatable { .. } | ExprKind::Union { .. } | ExprKind::SourceText { .. } => {
                self.source(e);
            }
            ExprKind::Tabular(p) => {
                self.pipeline(p);
            }
        }
    }

    /// `column == "value"` where the column's values are known.
    fn known_value(
        &mut self,
        col: &Expr,
        value: &Expr,
        case_insensitive: bool,
        negated: bool,
        cols: &Cols,
    ) {
        let ExprKind::Lit(Lit::String { value: v, .. }) = &value.kind else {
            return;
        };
        // `EventType != ""` tests for emptiness: legitimate, whatever the values.
        if v.is_empty() {
            return;
        }
        let Some((table, column)) = Self::origin_of(cols, col) else {
            return;
        };
        let Some(known) = self.schemas.values(&table, &column) else {
            return;
        };
        if known.values.iter().any(|k| k == v)
            || case_insensitive && known.values.iter().any(|k| k.eq_ignore_ascii_case(v))
        {
            return;
        }
        let shown = known.values.join(", ");
        let (message, help) = if let Some(k) =
            known.values.iter().find(|k| k.eq_ignore_ascii_case(v))
        {
            (
                format!(
                    "`{column}` is never \"{v}\": `{}` compares case-sensitively and the value is \"{k}\"",
                    if negated { "!=" } else { "==" }
                ),
                Some(format!("write \"{k}\", or compare with `=~`")),
            )
        } else {
            let near = suggest::nearest(v, known.values.iter().map(String::as_str), 2);
            (
                if negated {
                    format!(
                        "`{column}` of {table} is never \"{v}\", so this filter excludes nothing"
                    )
                } else {
                    format!(
                        "`{column}` of {table} is never \"{v}\", so this comparison never matches"
                    )
                },
                Some(match near.first() {
                    Some(n) => format!("did you mean \"{n}\"? {column} takes: {shown}"),
                    None => format!("{column} takes: {shown}"),
                }),
            )
        };
        let mut f = Finding::new(
            &registry::UNKNOWN_COLUMN_VALUE,
            self.file,
            self.map.map(value.at.0),
            message,
        )
        .maybe_help(help);
        f.source = Some(known.source.clone());
        self.findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("Aml*", "AmlRunId"));
        assert!(glob("*Id", "RunId"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b", "ac"));
        assert!(glob("*", ""));
    }
}
