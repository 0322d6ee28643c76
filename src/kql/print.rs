//! Prints a tree back to KQL, one operator per line. Every nested binary expression is
//! parenthesised, so the printed text parses back to the same tree.

use std::fmt::Write;

use super::ast::*;

pub fn print(q: &Query) -> String {
    let mut out = String::new();
    for l in &q.lets {
        out.push_str("let ");
        out.push_str(&name(&l.name));
        out.push_str(" = ");
        match &l.value {
            LetValue::Value(p) => pipeline(&mut out, p),
            LetValue::Function { params, .. } => {
                // The body is not modelled: the declaration is printed with an empty body.
                let ps: Vec<String> = params.iter().map(name).collect();
                let _ = write!(out, "({}) {{ }}", ps.join(", "));
            }
        }
        out.push_str(";\n");
    }
    if let Some(b) = &q.body {
        pipeline(&mut out, b);
        out.push('\n');
    }
    out
}

/// A KQL string literal for `value`, double-quoted with backslash escapes.
pub fn quote(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('"');
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// Whether the lexer reads `s` as one identifier: a run of letters, `_` and `$`, then letters,
/// digits and `_` (and the `-`, `*`, `.` that names of operators and wildcards carry).
fn is_plain_ident(s: &str) -> bool {
    let rest = s.trim_start_matches(|c: char| c.is_alphabetic() || c == '_' || c == '$');
    rest.len() < s.len()
        && rest
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '*' || c == '.')
}

fn name(n: &Name) -> String {
    if is_plain_ident(&n.text) {
        n.text.to_string()
    } else {
        format!("['{}']", n.text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn pipeline(out: &mut String, p: &Pipeline) {
    source(out, &p.source);
    for op in &p.ops {
        out.push_str("\n| ");
        operator(out, op);
    }
}

fn source(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Union { params: ps, tables } => {
            out.push_str("union");
            params(out, ps);
            out.push(' ');
            union_tables(out, tables);
        }
        ExprKind::SourceText { name: n, text } => {
            let _ = write!(out, "{} {text}", name(n));
        }
        _ => expr(out, e),
    }
}

fn union_tables(out: &mut String, tables: &[Pipeline]) {
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match &t.source.kind {
            ExprKind::Name(n) => out.push_str(&n.text),
            _ => expr(out, &t.source),
        }
    }
}

fn params(out: &mut String, ps: &[Param]) {
    for p in ps {
        let _ = write!(out, " {}={}", p.name.text, name(&p.value));
    }
}

fn assigns(out: &mut String, list: &[Assign]) {
    for (i, a) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        assign(out, a);
    }
}

fn assign(out: &mut String, a: &Assign) {
    if let Some(n) = &a.name {
        out.push_str(&name(n));
        out.push_str(" = ");
    }
    expr(out, &a.expr);
}

fn names(out: &mut String, list: &[Name]) {
    let v: Vec<String> = list.iter().map(name).collect();
    out.push_str(&v.join(", "));
}

fn sort_key(out: &mut String, k: &SortKey) {
    expr(out, &k.expr);
    match k.order {
        SortOrder::Default => {}
        SortOrder::Asc => out.push_str(" asc"),
        SortOrder::Desc => out.push_str(" desc"),
    }
    if let Some(n) = &k.nulls {
        let _ = write!(out, " nulls {}", n.text);
    }
}

fn right(out: &mut String, p: &Pipeline) {
    if p.ops.is_empty() {
        expr(out, &p.source);
    } else {
        out.push('(');
        pipeline(out, p);
        out.push(')');
    }
}

fn operator(out: &mut String, op: &Operator) {
    match &op.kind {
        OpKind::Where(e) => {
            out.push_str("where ");
            expr(out, e);
        }
        OpKind::Extend(a) => {
            out.push_str("extend ");
            assigns(out, a);
        }
        OpKind::Project(a) => {
            out.push_str("project ");
            assigns(out, a);
        }
        OpKind::ProjectAway(n) => {
            out.push_str("project-away ");
            names(out, n);
        }
        OpKind::ProjectKeep(n) => {
            out.push_str("project-keep ");
            names(out, n);
        }
        OpKind::ProjectReorder(n) => {
            out.push_str("project-reorder ");
            names(out, n);
        }
        OpKind::ProjectRename(pairs) => {
            out.push_str("project-rename ");
            let v: Vec<String> = pairs
                .iter()
                .map(|(a, b)| format!("{} = {}", name(a), name(b)))
                .collect();
            out.push_str(&v.join(", "));
        }
        OpKind::Summarize {
            params: ps,
            aggs,
            by,
        } => {
            out.push_str("summarize");
            params(out, ps);
            if !aggs.is_empty() {
                out.push(' ');
                assigns(out, aggs);
            }
            if !by.is_empty() {
                out.push_str(" by ");
                assigns(out, by);
            }
        }
        OpKind::Top { count, key } => {
            out.push_str("top ");
            expr(out, count);
            out.push_str(" by ");
            sort_key(out, key);
        }
        OpKind::Sort { sort, keys } => {
            out.push_str(if *sort { "sort by " } else { "order by " });
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                sort_key(out, k);
            }
        }
        OpKind::Join {
            params: ps,
            right: r,
            on,
        }
        | OpKind::Lookup {
            params: ps,
            right: r,
            on,
        } => {
            out.push_str(if matches!(op.kind, OpKind::Join { .. }) {
                "join"
            } else {
                "lookup"
            });
            params(out, ps);
            out.push(' ');
            right(out, r);
            if !on.is_empty() {
                out.push_str(" on ");
                exprs(out, on);
            }
        }
        OpKind::Union { params: ps, tables } => {
            out.push_str("union");
            params(out, ps);
            out.push(' ');
            union_tables(out, tables);
        }
        OpKind::Distinct(cols) => {
            out.push_str("distinct ");
            if cols.is_empty() {
                out.push('*');
            } else {
                exprs(out, cols);
            }
        }
        OpKind::Count => out.push_str("count"),
        OpKind::GetSchema => out.push_str("getschema"),
        OpKind::As(n) => {
            out.push_str("as ");
            out.push_str(&name(n));
        }
        OpKind::Take { limit, count } => {
            out.push_str(if *limit { "limit " } else { "take " });
            expr(out, count);
        }
        OpKind::Serialize(a) => {
            out.push_str("serialize");
            if !a.is_empty() {
                out.push(' ');
                assigns(out, a);
            }
        }
        OpKind::MakeSeries {
            params: ps,
            aggs,
            default,
            on,
            range,
            step,
            by,
        } => {
            out.push_str("make-series");
            params(out, ps);
            out.push(' ');
            assigns(out, aggs);
            if let Some(d) = default {
                out.push_str(" default = ");
                expr(out, d);
            }
            out.push_str(" on ");
            expr(out, on);
            match range.as_slice() {
                [from, to] => {
                    out.push_str(" from ");
                    expr(out, from);
                    out.push_str(" to ");
                    expr(out, to);
                }
                [r] => {
                    out.push_str(" in ");
                    expr(out, r);
                }
                _ => {}
            }
            if let Some(s) = step {
                out.push_str(" step ");
                expr(out, s);
            }
            if !by.is_empty() {
                out.push_str(" by ");
                assigns(out, by);
            }
        }
        OpKind::MvExpand {
            params: ps,
            items,
            limit,
        } => {
            out.push_str("mv-expand");
            params(out, ps);
            out.push(' ');
            for (i, (a, ty)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                assign(out, a);
                if let Some(t) = ty {
                    let _ = write!(out, " to typeof({})", name(t));
                }
            }
            if let Some(l) = limit {
                out.push_str(" limit ");
                expr(out, l);
            }
        }
        OpKind::Parse {
            params: ps,
            source,
            pattern,
        } => {
            out.push_str("parse");
            params(out, ps);
            out.push(' ');
            expr(out, source);
            out.push_str(" with");
            for p in pattern {
                out.push(' ');
                match p {
                    PatternPart::Star => out.push('*'),
                    PatternPart::Text(e) => expr(out, e),
                    PatternPart::Column { name: n, ty } => {
                        out.push_str(&name(n));
                        if let Some(t) = ty {
                            out.push(':');
                            out.push_str(&name(t));
                        }
                    }
                }
            }
        }
        OpKind::Unmodelled { name: n, text } => {
            out.push_str(&n.text);
            if !text.is_empty() {
                out.push(' ');
                out.push_str(text);
            }
        }
    }
}

fn exprs(out: &mut String, list: &[Expr]) {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        expr(out, e);
    }
}

/// The binary precedence level of `op`, lowest first, as the parser reads them.
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 0,
        BinOp::And => 1,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Str(_) => 2,
        BinOp::Add | BinOp::Sub => 3,
        BinOp::Mul | BinOp::Div | BinOp::Mod => 4,
    }
}

/// One side of a binary operator: a binary operand bare when `binds` says its operator holds it
/// together without parentheses, anything else as [`operand`] prints it.
fn side(out: &mut String, e: &Expr, binds: impl Fn(BinOp) -> bool) {
    match &e.kind {
        ExprKind::Binary { op, .. } if binds(*op) => expr(out, e),
        _ => operand(out, e),
    }
}

/// An operand of a binary operator: parenthesised unless atomic.
fn operand(out: &mut String, e: &Expr) {
    let atomic = matches!(
        e.kind,
        ExprKind::Name(_)
            | ExprKind::Lit(_)
            | ExprKind::Call { .. }
            | ExprKind::Member { .. }
            | ExprKind::Index { .. }
            | ExprKind::Star
            | ExprKind::Datatable { .. }
    ) && !matches!(&e.kind, ExprKind::Lit(Lit::Number(n) | Lit::Timespan(n)) if n.starts_with('-'));
    if atomic {
        expr(out, e);
    } else {
        out.push('(');
        expr(out, e);
        out.push(')');
    }
}

pub fn expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Name(n) => out.push_str(&name(n)),
        ExprKind::Lit(l) => lit(out, l),
        ExprKind::Star => out.push('*'),
        ExprKind::Binary { op, left, right } => {
            // Operators chain to the left (`a - b - c` is `(a - b) - c`), so a left operand of
            // the same precedence needs no parentheses and a right one does. Printing no more
            // parentheses than the tree needs keeps a printed query within the parser's nesting
            // limit whenever the query it was parsed from was.
            side(out, left, |inner| precedence(inner) >= precedence(*op));
            let _ = write!(out, " {} ", op.as_str());
            side(out, right, |inner| precedence(inner) > precedence(*op));
        }
        ExprKind::Neg(x) => {
            out.push('-');
            operand(out, x);
        }
        ExprKind::In { op, expr: x, list } => {
            operand(out, x);
            let _ = write!(out, " {op} (");
            exprs(out, list);
            out.push(')');
        }
        ExprKind::Between {
            negated,
            expr: x,
            low,
            high,
        } => {
            operand(out, x);
            out.push_str(if *negated {
                " !between ("
            } else {
                " between ("
            });
            operand(out, low);
            out.push_str(" .. ");
            operand(out, high);
            out.push(')');
        }
        ExprKind::Call { name: n, args } => {
            out.push_str(&name(n));
            out.push('(');
            assigns(out, args);
            out.push(')');
        }
        ExprKind::Member { expr: x, name: n } => {
            operand(out, x);
            out.push('.');
            out.push_str(&name(n));
        }
        ExprKind::Index { expr: x, index } => {
            operand(out, x);
            out.push('[');
            expr(out, index);
            out.push(']');
        }
        ExprKind::Datatable { columns, values } => {
            out.push_str("datatable(");
            let v: Vec<String> = columns
                .iter()
                .map(|(n, t)| format!("{}: {}", name(n), name(t)))
                .collect();
            out.push_str(&v.join(", "));
            out.push_str(")[");
            exprs(out, values);
            out.push(']');
        }
        ExprKind::Tabular(p) => {
            out.push('(');
            pipeline(out, p);
            out.push(')');
        }
        ExprKind::Union { .. } | ExprKind::SourceText { .. } => {
            out.push('(');
            source(out, e);
            out.push(')');
        }
    }
}

/// A verbatim string: `@"…"` holds no line break, so a value with one (from a ```` ``` ```` or
/// `~~~` block) is printed as such a block, or, when it holds both fences or ends with a fence
/// character, as adjacent literals (which KQL concatenates): `@"…"` pieces and ```` ```\n``` ````.
fn verbatim_string(out: &mut String, value: &str) {
    if !value.contains('\n') {
        let _ = write!(out, "@\"{}\"", value.replace('"', "\"\""));
        return;
    }
    for fence in ["```", "~~~"] {
        if !value.contains(fence) && !value.ends_with(&fence[..1]) {
            let _ = write!(out, "{fence}{value}{fence}");
            return;
        }
    }
    let mut pieces = Vec::new();
    for (i, line) in value.split('\n').enumerate() {
        if i > 0 {
            pieces.push("```\n```".to_string());
        }
        if !line.is_empty() {
            pieces.push(format!("@\"{}\"", line.replace('"', "\"\"")));
        }
    }
    out.push_str(&pieces.join(" "));
}

fn lit(out: &mut String, l: &Lit) {
    match l {
        Lit::String { value, verbatim } => {
            if *verbatim {
                verbatim_string(out, value);
            } else {
                out.push_str(&quote(value));
            }
        }
        Lit::Number(n) | Lit::Timespan(n) => out.push_str(n),
        Lit::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Lit::Typed { ty, text } => {
            let _ = write!(out, "{ty}({text})");
        }
    }
}
