//! Property tests of the KQL parser: a generated pipeline, printed and parsed back, is the same
//! tree; no input makes the parser or the checks panic, and every span lies inside the text.

use amlguard::catalog::Catalog;
use amlguard::kql::ast::*;
use amlguard::kql::{self, Schemas, SpanMap};
use amlguard::source::FileId;
use proptest::prelude::*;

fn name(text: String) -> Name {
    Name {
        text: text.into(),
        at: At::default(),
    }
}

fn e(kind: ExprKind) -> Expr {
    Expr {
        kind,
        at: At::default(),
    }
}

/// Column-like names: an upper-case start keeps them clear of KQL's lower-case keywords.
fn ident() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9_]{0,8}"
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        ident().prop_map(|s| e(ExprKind::Name(name(s)))),
        (0u32..100000).prop_map(|n| e(ExprKind::Lit(Lit::Number(n.to_string().into())))),
        (0u32..1000, 0u32..100)
            .prop_map(|(a, b)| e(ExprKind::Lit(Lit::Number(format!("{a}.{b}").into())))),
        (
            1u32..500,
            prop::sample::select(vec!["m", "h", "d", "s", "ms"])
        )
            .prop_map(|(n, u)| e(ExprKind::Lit(Lit::Timespan(format!("{n}{u}").into())))),
        any::<String>().prop_map(|value| e(ExprKind::Lit(Lit::String {
            value: value.into(),
            verbatim: false
        }))),
        // Verbatim values, line breaks and fence characters included: a ``` or ~~~ block holds
        // line breaks, which `@"…"` cannot.
        "([^\r]|\n|```|~~~|`|~|\"){0,12}".prop_map(|value| e(ExprKind::Lit(Lit::String {
            value: value.into(),
            verbatim: true
        }))),
        any::<bool>().prop_map(|b| e(ExprKind::Lit(Lit::Bool(b)))),
        Just(e(ExprKind::Lit(Lit::Typed {
            ty: "datetime".into(),
            text: "2024-01-01".into()
        }))),
    ]
}

fn binop() -> impl Strategy<Value = BinOp> {
    prop::sample::select(vec![
        BinOp::Or,
        BinOp::And,
        BinOp::Eq,
        BinOp::Ne,
        BinOp::Lt,
        BinOp::Le,
        BinOp::Gt,
        BinOp::Ge,
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Mod,
        BinOp::Str("=~"),
        BinOp::Str("!~"),
        BinOp::Str("has"),
        BinOp::Str("!has"),
        BinOp::Str("contains"),
        BinOp::Str("!contains"),
        BinOp::Str("startswith"),
        BinOp::Str("endswith_cs"),
        BinOp::Str("matches regex"),
    ])
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (binop(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| e(ExprKind::Binary {
                op,
                left: Box::new(l),
                right: Box::new(r)
            })),
            inner.clone().prop_map(|x| e(ExprKind::Neg(Box::new(x)))),
            (
                prop::sample::select(vec!["ago", "bin", "count", "dcount", "tostring", "iff"]),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(f, args)| e(ExprKind::Call {
                    name: name(f.to_string()),
                    args: args
                        .into_iter()
                        .map(|expr| Assign { name: None, expr })
                        .collect()
                })),
            (
                prop::sample::select(vec!["in", "!in", "in~", "!in~", "has_any"]),
                inner.clone(),
                prop::collection::vec(leaf(), 1..4)
            )
                .prop_map(|(op, x, list)| e(ExprKind::In {
                    op,
                    expr: Box::new(x),
                    list
                })),
            (any::<bool>(), inner.clone(), leaf(), leaf()).prop_map(|(negated, x, low, high)| e(
                ExprKind::Between {
                    negated,
                    expr: Box::new(x),
                    low: Box::new(low),
                    high: Box::new(high)
                }
            )),
            (inner.clone(), ident()).prop_map(|(x, n)| e(ExprKind::Member {
                expr: Box::new(x),
                name: name(n)
            })),
        ]
    })
}

fn assigns() -> impl Strategy<Value = Vec<Assign>> {
    prop::collection::vec(
        (prop::option::of(ident()), expr()).prop_map(|(n, expr)| Assign {
            name: n.map(name),
            expr,
        }),
        1..3,
    )
}

fn sort_key() -> impl Strategy<Value = SortKey> {
    (
        expr(),
        prop::sample::select(vec![SortOrder::Default, SortOrder::Asc, SortOrder::Desc]),
    )
        .prop_map(|(expr, order)| SortKey {
            expr,
            order,
            nulls: None,
        })
}

fn operator() -> impl Strategy<Value = OpKind> {
    prop_oneof![
        expr().prop_map(OpKind::Where),
        assigns().prop_map(OpKind::Extend),
        assigns().prop_map(OpKind::Project),
        prop::collection::vec(ident().prop_map(name), 1..3).prop_map(OpKind::ProjectAway),
        prop::collection::vec((ident().prop_map(name), ident().prop_map(name)), 1..3)
            .prop_map(OpKind::ProjectRename),
        (
            assigns(),
            prop::collection::vec(
                (prop::option::of(ident()), expr()).prop_map(|(n, expr)| Assign {
                    name: n.map(name),
                    expr
                }),
                0..3
            )
        )
            .prop_map(|(aggs, by)| OpKind::Summarize {
                params: Vec::new(),
                aggs,
                by
            }),
        (1u32..100, sort_key()).prop_map(|(n, key)| OpKind::Top {
            count: Box::new(e(ExprKind::Lit(Lit::Number(n.to_string().into())))),
            key: Box::new(key)
        }),
        (any::<bool>(), prop::collection::vec(sort_key(), 1..3))
            .prop_map(|(sort, keys)| OpKind::Sort { sort, keys }),
        prop::collection::vec(expr(), 0..3).prop_map(OpKind::Distinct),
        Just(OpKind::Count),
        (any::<bool>(), 1u32..1000).prop_map(|(limit, n)| OpKind::Take {
            limit,
            count: e(ExprKind::Lit(Lit::Number(n.to_string().into())))
        }),
    ]
}

fn query() -> impl Strategy<Value = Query> {
    (ident(), prop::collection::vec(operator(), 0..6)).prop_map(|(t, ops)| Query {
        lets: Vec::new(),
        body: Some(Pipeline {
            source: e(ExprKind::Name(name(t))),
            ops: ops
                .into_iter()
                .map(|kind| Operator {
                    kind,
                    at: At::default(),
                })
                .collect(),
            at: At::default(),
        }),
        at: At::default(),
    })
}

fn schemas() -> &'static Schemas {
    static S: std::sync::OnceLock<Schemas> = std::sync::OnceLock::new();
    S.get_or_init(|| Schemas::from_catalog(&Catalog::builtin()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_pipelines_parse_back_to_the_same_tree(q in query()) {
        let text = kql::print(&q);
        let parsed = kql::parse(&text);
        prop_assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        prop_assert_eq!(&parsed.query, &q, "{}", text);
    }

    #[test]
    fn any_text_parses_and_checks_without_panic(text in any::<String>()) {
        let parsed = kql::parse(&text);
        for err in &parsed.errors {
            prop_assert!(err.at.0.start <= err.at.0.end && err.at.0.end <= text.len());
            prop_assert!(text.is_char_boundary(err.at.0.start));
        }
        for f in kql::check_query(&text, &SpanMap::offset(0), FileId(0), schemas()) {
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
        }
    }

    #[test]
    fn kql_like_text_parses_and_checks_without_panic(
        parts in prop::collection::vec(prop::sample::select(vec![
            "AmlComputeJobEvent", "|", "where", "EventType", "==", "\"JobFailed\"", "(", ")", "[", "]",
            ",", ";", "let", "x", "=", "summarize", "count()", "by", "bin(TimeGenerated, 5m)", "join",
            "on", "project", "extend", "'", "@\"", "//", "\n", "in", "!", "~", "between", "..", "1",
            "datatable", ":", "string", "mv-expand", "parse", "with", "*", "make-series", "step",
        ]), 0..40)
    ) {
        let text = parts.join(" ");
        let parsed = kql::parse(&text);
        for err in &parsed.errors {
            prop_assert!(err.at.0.end <= text.len());
        }
        for f in kql::check_query(&text, &SpanMap::offset(0), FileId(0), schemas()) {
            prop_assert!(f.span.end <= text.len());
        }
    }
}
