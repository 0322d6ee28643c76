use super::ast::*;
use super::*;

fn ok(q: &str) -> Query {
    let p = parse(q);
    assert!(p.errors.is_empty(), "{q}: {:?}", p.errors);
    let printed = print(&p.query);
    let again = parse(&printed);
    assert!(again.errors.is_empty(), "{printed}: {:?}", again.errors);
    assert_eq!(again.query, p.query, "{q}\nprinted as\n{printed}");
    p.query
}

#[test]
fn alert_queries_parse_and_round_trip() {
    for q in [
        "AmlComputeJobEvent | where EventType == \"JobFailed\"",
        "AmlComputeJobEvent\n| where TimeGenerated > ago(1h)\n| where EventType == 'JobFailed'\n| summarize Failed = count() by ClusterName, bin(TimeGenerated, 5m)",
        "let threshold = 2h; AmlRunStatusChangedEvent | where Status in (\"Queued\", \"Preparing\") | summarize arg_max(TimeGenerated, *) by RunId | where TimeGenerated < ago(threshold)",
        "AmlComputeClusterEvent | project TimeGenerated, ClusterName, UnusableNodeCount | where UnusableNodeCount > 0 | top 10 by TimeGenerated desc",
        "T | extend d = datetime_diff('minute', now(), TimeGenerated) | order by d asc nulls last, x desc",
        "T | project-away A, B* | project-rename New = Old | distinct New",
        "T | join kind=inner (U | where x !has \"y\") on $left.A == $right.B, C",
        "union AmlComputeJobEvent, AmlRunEvent | count",
        "T | make-series n = count() default = 0 on TimeGenerated from ago(1d) to now() step 1h by ClusterName",
        "T | mv-expand bagexpansion=array Props to typeof(string) limit 10",
        "T | parse Message with * \"took \" Duration:long \" ms\" *",
        "T | serialize | extend p = prev(Status) | take 5 | limit 2",
        "let D = datatable(TimeGenerated: datetime, EventType: string)[datetime(2024-01-01), \"JobFailed\"]; D | where EventType =~ @\"job\"\"x\" and not(EventType startswith \"a\")",
        "T | where x between (1 .. 10) and y !between (-1 .. 0) and z in~ ('a') and w !in (1, 2)",
        "T | where a + b * c - -d / 2 % 3 > 1e3 or s contains_cs 'x' and t !contains 'y'",
        "T | summarize dcount(RunId), countif(Status == \"Failed\"), avg(x), max(y), sum(z) by bin(TimeGenerated, 1d)",
        "T | where Props.a[0] == dynamic([1, 2]) and tostring(Props['b']) == '' and todatetime(x) > datetime(2024-01-01T00:00:00Z)",
        "T // a comment\n| where x == true // another\n| evaluate bag_unpack(Props) | where y == 1",
        "let f = (a: string) { a }; T | where f(x) == 'y'",
        "T | where x matches regex \"[a-z]+\" | where y has_any (\"a\", \"b\")",
        "T | where x in ((U | project y))",
        "T | lookup kind=leftouter U on Key | as V | getschema",
    ] {
        ok(q);
    }
}

#[test]
fn unmodelled_operators_are_kept_not_errors() {
    let q = ok("T | evaluate autocluster() | where x == 1");
    let body = q.body.unwrap();
    assert!(
        matches!(&body.ops[0].kind, OpKind::Unmodelled { name, .. } if name.text == "evaluate")
    );
    assert!(matches!(&body.ops[1].kind, OpKind::Where(_)));
}

#[test]
fn syntax_errors_are_located_and_parsing_goes_on() {
    let p = parse("T | where x == | project y");
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].at.0.start, 15);
    let body = p.query.body.unwrap();
    assert!(matches!(body.ops.last().unwrap().kind, OpKind::Project(_)));
    assert!(!parse("T | where \"open").errors.is_empty());
    assert!(!parse("T | project (a").errors.is_empty());
}

#[test]
fn spans_point_into_the_query() {
    let text = "AmlComputeJobEvent | where EventTyp == 'x'";
    let q = ok(text);
    let body = q.body.unwrap();
    let OpKind::Where(e) = &body.ops[0].kind else {
        panic!()
    };
    let ExprKind::Binary { left, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(&text[left.at.0.start..left.at.0.end], "EventTyp");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let q = format!("T | where {}x{}", "(".repeat(5000), ")".repeat(5000));
    assert!(!parse(&q).errors.is_empty());
    let q = format!("T | where {}x", "-".repeat(5000));
    assert!(!parse(&q).errors.is_empty());
}

#[test]
fn a_sign_takes_one_unsigned_operand_as_in_kusto() {
    // Kusto.Language reports "Missing expression" for `--1`, `- -1`, `+-1` and `-+1`, and accepts
    // `-(-1)` and `1 - -1`.
    for bad in [
        "T | extend x = --1",
        "T | extend x = - -1",
        "T | extend x = +-1",
        "T | extend x = -+1",
    ] {
        assert!(!parse(bad).errors.is_empty(), "{bad}");
    }
    for good in [
        "T | extend x = -(-1)",
        "T | extend x = 1 - -1",
        "T | extend x = -a.b",
        "T | extend x = -f(1)",
    ] {
        assert!(
            parse(good).errors.is_empty(),
            "{good}: {:?}",
            parse(good).errors
        );
    }
    // What the fuzzer found: a chain of signs printed with parentheses went past the nesting
    // limit on the way back. The chain is now an error in the first place.
    let chain = format!("T | where a{}b", "-".repeat(38));
    assert!(!parse(&chain).errors.is_empty());
}

#[test]
fn chains_print_without_redundant_parentheses() {
    for (text, printed) in [
        ("a - b - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or b and c", "a or b and c"),
        ("a + b * c", "a + b * c"),
        ("(a + b) * c", "(a + b) * c"),
        ("a == (b in (1))", "a == (b in (1))"),
    ] {
        let text = format!("T | where {text}");
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{text}: {:?}", p.errors);
        assert_eq!(print(&p.query), format!("T\n| where {printed}\n"), "{text}");
        assert_eq!(parse(&print(&p.query)).query, p.query, "{text}");
    }
}

#[test]
fn long_chains_count_as_nesting() {
    // A chain is a tree as deep as it is long: 200 alternatives are read, 300 are refused
    // rather than risking the stack of a later pass; the same for member chains.
    let alternatives = |n: usize| {
        let terms: Vec<String> = (0..n).map(|i| format!("x == {i}")).collect();
        format!("T | where {}", terms.join(" or "))
    };
    assert!(parse(&alternatives(200)).errors.is_empty());
    let refused = parse(&alternatives(300)).errors;
    assert!(refused[0].message.contains("nests deeper"), "{refused:?}");
    let members = |n: usize| format!("T | extend y = d{}", ".a".repeat(n));
    assert!(parse(&members(200)).errors.is_empty());
    assert!(!parse(&members(300)).errors.is_empty());
    // What the fuzzer found: a left-nested chain printed with a pair of parentheses per
    // operator went past the limit on the way back.
    let stars = format!("AmlC{} mr", "*".repeat(150));
    let p = parse(&stars);
    if p.errors.is_empty() {
        assert!(parse(&print(&p.query)).errors.is_empty());
    }
}

#[test]
fn at_the_nesting_limit_every_pass_fits_a_test_thread_stack() {
    use crate::catalog::Catalog;
    use crate::source::FileId;
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let deepest = [
        format!(
            "AmlComputeJobEvent | where {}x{}",
            "(".repeat(60),
            ")".repeat(60)
        ),
        format!(
            "AmlComputeJobEvent | where {}",
            (0..250)
                .map(|i| format!("x == {i}"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    ];
    for q in deepest {
        let p = parse(&q);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let printed = print(&p.query);
        assert_eq!(parse(&printed).query, p.query);
        let _ = check_query(&q, &SpanMap::offset(0), FileId(0), &schemas);
    }
}

#[test]
fn other_workspace_tables_beside_an_aml_table_are_not_unknown() {
    use crate::catalog::Catalog;
    use crate::source::FileId;
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let unknown_tables = |q: &str| -> Vec<String> {
        check_query(q, &SpanMap::offset(0), FileId(0), &schemas)
            .into_iter()
            .filter(|f| f.check.name == "unknown-table")
            .map(|f| q[f.span.start..f.span.end].to_string())
            .collect()
    };
    assert!(unknown_tables("union AmlComputeJobEvent, Heartbeat | count").is_empty());
    assert!(
        unknown_tables(
            "AmlComputeJobEvent | join kind=inner (AzureActivity | project JobId = CorrelationId) on JobId"
        )
        .is_empty()
    );
    // A misspelt Azure ML table is still one, and makes the query an Azure ML query.
    assert_eq!(
        unknown_tables("union AmlComputJobEvent, Heartbeat | count"),
        ["AmlComputJobEvent"]
    );
    // A query of other tables only is left to the caller (a log rule notes it).
    assert_eq!(unknown_tables("Heartbeat | count"), ["Heartbeat"]);
}

#[test]
fn findings_in_a_json_string_point_into_the_file() {
    use crate::catalog::Catalog;
    use crate::source::FileId;
    let file = r#"{"properties": {"criteria": {"allOf": [{"query": "AmlComputeJobEvent\n| where EventType == \"JobFaild\"\n| summarize count() by ClustrName"}]}}}"#;
    let start = file.find("AmlComputeJobEvent").unwrap();
    let end = file[start..].find("\"}").unwrap() + start;
    let (query, map) = SpanMap::json_string(&file[start..end], start).unwrap();
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let found: Vec<(&str, &str)> = check_query(&query, &map, FileId(0), &schemas)
        .iter()
        .map(|f| (f.check.name, &file[f.span.start..f.span.end]))
        .collect();
    assert_eq!(
        found,
        vec![
            ("unknown-column-value", r#"\"JobFaild\""#),
            ("unknown-column", "ClustrName"),
        ]
    );
}

#[test]
fn a_category_name_points_at_its_table() {
    use crate::catalog::Catalog;
    use crate::source::FileId;
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    for (category, table) in [
        ("ModelsChangeEvent", "AmlModelsEvent"),
        ("ComputeInstanceEvent", "AmlComputeInstanceEvent"),
        ("RunReadEvent", "AmlRunEvent"),
    ] {
        let f = check_query(
            &format!("{category} | take 1"),
            &SpanMap::offset(0),
            FileId(0),
            &schemas,
        );
        assert_eq!(f.len(), 1, "{category}");
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("resource-log category"), "{help}");
        assert!(help.contains(&format!("`{table}`")), "{category}: {help}");
    }
}

#[test]
fn an_unterminated_string_in_skipped_text_is_an_error() {
    // Found by the fuzz target: the bad token used to hide inside an unmodelled operator.
    let p = parse("AmlComputeJobEvent\n|u~~~ > 5\n| project ClusterName, Jobs = cou@t_");
    assert!(!p.errors.is_empty());
    assert!(!parse("T | evaluate x(\"open)").errors.is_empty());
}
