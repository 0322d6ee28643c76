//! What a log rule's KQL selects: the tables it reads and the `column == "value"` filters of
//! its where-clauses, for matching a query against lifecycle states.

use crate::kql::{self, ast::*};

/// `where FIELD == "VALUE"` (or `=~`, `in`, `in~`, `has`, `contains`) on rows of `table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFilter {
    pub table: String,
    pub field: String,
    pub value: String,
    /// `==`, `in`, `has_cs`: the value must match case and all.
    pub exact: bool,
}

/// The positive equality filters of a query's where-clauses, each with the table its rows come
/// from (through `let` names, `union` and parenthesised sources). Negated comparisons
/// (`!=`, `!in`, `not()`) select nothing.
pub fn state_filters(text: &str) -> Vec<StateFilter> {
    let parsed = kql::parse(text);
    let mut out = Vec::new();
    if let Some(body) = &parsed.query.body {
        pipeline(body, &parsed.query.lets, 0, &mut out, &mut Vec::new());
    }
    out
}

/// The tables a query reads (its body's sources, through `let` names).
pub fn tables(text: &str) -> Vec<String> {
    let parsed = kql::parse(text);
    let mut out = Vec::new();
    if let Some(body) = &parsed.query.body {
        pipeline(body, &parsed.query.lets, 0, &mut Vec::new(), &mut out);
    }
    out
}

/// `let` chains deeper than this are not followed (a let cannot refer to itself in KQL, but
/// the parser keeps whatever it is given).
const MAX_DEPTH: usize = 16;

fn pipeline(
    p: &Pipeline,
    lets: &[Let],
    depth: usize,
    out: &mut Vec<StateFilter>,
    tables_out: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut tables = Vec::new();
    source(&p.source, lets, depth, out, &mut tables);
    for op in &p.ops {
        match &op.kind {
            OpKind::Where(e) => {
                let mut found = Vec::new();
                comparisons(e, &mut found);
                for t in &tables {
                    for (field, value, exact) in &found {
                        out.push(StateFilter {
                            table: t.clone(),
                            field: field.clone(),
                            value: value.clone(),
                            exact: *exact,
                        });
                    }
                }
            }
            OpKind::Union { tables: more, .. } => {
                for q in more {
                    pipeline(q, lets, depth + 1, out, &mut tables);
                }
            }
            _ => {}
        }
    }
    tables_out.extend(tables);
}

fn source(
    e: &Expr,
    lets: &[Let],
    depth: usize,
    out: &mut Vec<StateFilter>,
    tables: &mut Vec<String>,
) {
    match &e.kind {
        ExprKind::Name(n) => {
            let bound = lets.iter().rev().find(|l| l.name.text == n.text);
            match bound.map(|l| &l.value) {
                Some(LetValue::Value(p)) => pipeline(p, lets, depth + 1, out, tables),
                Some(LetValue::Function { .. }) => {}
                None => tables.push(n.text.to_string()),
            }
        }
        ExprKind::Tabular(p) => pipeline(p, lets, depth + 1, out, tables),
        ExprKind::Union { tables: list, .. } => {
            for p in list {
                pipeline(p, lets, depth + 1, out, tables);
            }
        }
        _ => {}
    }
}

/// `(field, value, exact)` of every positive comparison of a column with a string, under
/// `and` and `or`.
fn comparisons(e: &Expr, out: &mut Vec<(String, String, bool)>) {
    match &e.kind {
        ExprKind::Binary { op, left, right } => match op {
            BinOp::And | BinOp::Or => {
                comparisons(left, out);
                comparisons(right, out);
            }
            BinOp::Eq => pair(left, right, true, out),
            BinOp::Str(s) => match *s {
                "=~" | "has" | "contains" => pair(left, right, false, out),
                "has_cs" | "contains_cs" => pair(left, right, true, out),
                _ => {}
            },
            _ => {}
        },
        ExprKind::In { op, expr, list } if *op == "in" || *op == "in~" => {
            if let ExprKind::Name(n) = &expr.kind {
                for item in list {
                    if let Some(v) = string(item) {
                        out.push((n.text.to_string(), v, *op == "in"));
                    }
                }
            }
        }
        ExprKind::Tabular(p) if p.ops.is_empty() => comparisons(&p.source, out),
        _ => {}
    }
}

fn pair(a: &Expr, b: &Expr, exact: bool, out: &mut Vec<(String, String, bool)>) {
    let (name, value) = match (&a.kind, string(b), &b.kind, string(a)) {
        (ExprKind::Name(n), Some(v), _, _) => (n, v),
        (_, _, ExprKind::Name(n), Some(v)) => (n, v),
        _ => return,
    };
    out.push((name.text.to_string(), value, exact));
}

fn string(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Lit(Lit::String { value, .. }) => Some(value.to_string()),
        _ => None,
    }
}
