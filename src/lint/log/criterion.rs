//! One criterion of a log rule: its query (query-syntax, unknown-table, unknown-column,
//! unknown-column-value, from the KQL checks), then column-not-in-output,
//! measure-column-aggregation, periods-without-time-column and log-operator-spelling.

use crate::kql::{self, OutputColumn, Schemas};
use crate::model::{LogCriterion, Sp};
use crate::registry;
use crate::source::Span;
use crate::suggest;
use crate::vocab::Aggregation;

use super::super::RuleContext;
use super::facts;

pub(super) fn check(ctx: &mut RuleContext, c: &LogCriterion, schemas: &Schemas) {
    let output = match &c.query {
        Some(q) => {
            let mut analysis = kql::analyse_query(&q.text, &q.map, ctx.rule.file, schemas);
            if let Some(first) = foreign(&analysis.tables) {
                // Not an Azure ML query (Perf, Heartbeat, requests…): noted, like a metric
                // alert on another resource type, and its tables are not judged.
                analysis
                    .findings
                    .retain(|f| f.check.code != registry::UNKNOWN_TABLE.code);
                let names: Vec<&str> = analysis.tables.iter().map(|t| t.name.as_str()).collect();
                let f = ctx
                    .at(
                        &registry::NOT_AN_AML_QUERY,
                        first.span,
                        format!(
                            "the query reads no Azure ML table ({}); its tables and columns are not checked",
                            names.join(", ")
                        ),
                    )
                    .label("not a table of the catalog")
                    .help("the catalog knows the Azure ML resource-log tables (`amlguard catalog`); the rule's schedule and settings are still checked");
                ctx.push(f);
            }
            ctx.out.extend(analysis.findings);
            deprecated_tables(ctx, &analysis.tables);
            analysis.output
        }
        None => None,
    };
    if let Some(cols) = &output {
        let query = c.query.as_ref().map(|q| q.span);
        if let Some(m) = &c.metric_measure_column {
            in_output(ctx, m, "measure column", cols, query);
        }
        if let Some(r) = &c.resource_id_column {
            in_output(ctx, r, "resource-id column", cols, query);
        }
        for d in &c.dimensions {
            in_output(ctx, &d.name, "dimension", cols, query);
        }
        time_column(ctx, c, cols);
    }
    aggregation(ctx, c);
    operator(ctx, c);
}

/// deprecated-source, for a table the catalog marks deprecated (once per table).
fn deprecated_tables(ctx: &mut RuleContext, tables: &[kql::TableRead]) {
    let mut seen: Vec<&str> = Vec::new();
    for t in tables.iter().filter(|t| t.known) {
        if seen.contains(&t.name.as_str()) {
            continue;
        }
        seen.push(&t.name);
        let Some(dep) = ctx
            .catalog
            .tables
            .iter()
            .find(|c| c.name == t.name)
            .and_then(|c| c.deprecated.as_ref())
        else {
            continue;
        };
        let help = dep.replacement.as_ref().map_or_else(
            || "move the query to a table that is not deprecated".to_string(),
            |r| format!("read `{r}` instead"),
        );
        let f = ctx
            .at(
                &registry::DEPRECATED_SOURCE,
                t.span,
                format!("table `{}` is deprecated since {}", t.name, dep.since),
            )
            .label("deprecated table")
            .help(help)
            .source(dep.source.to_string());
        ctx.push(f);
    }
}

/// The first table of a query that reads tables, none of them known or like a known one.
fn foreign(tables: &[kql::TableRead]) -> Option<&kql::TableRead> {
    if tables.iter().any(|t| t.known || t.near) {
        return None;
    }
    tables.first()
}

fn in_output(
    ctx: &mut RuleContext,
    name: &Sp<String>,
    what: &str,
    cols: &[OutputColumn],
    query: Option<Span>,
) {
    if cols.iter().any(|c| c.name == name.value) {
        return;
    }
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    let help = if let Some(same) = names.iter().find(|n| n.eq_ignore_ascii_case(&name.value)) {
        format!("column names are case-sensitive: the query returns `{same}`")
    } else {
        let near = suggest::nearest(&name.value, names.iter().copied(), 3);
        let listed = if names.len() > 12 {
            format!("{}, …", names[..12].join(", "))
        } else {
            names.join(", ")
        };
        match near.first() {
            Some(n) => format!("did you mean `{n}`? The query returns {listed}"),
            None if names.is_empty() => "the query returns no column".to_string(),
            None => format!("the query returns {listed}"),
        }
    };
    let mut f = ctx
        .at(
            &registry::COLUMN_NOT_IN_OUTPUT,
            name.span,
            format!("the query's result has no column `{}`", name.value),
        )
        .label(format!("{what} not returned by the query"))
        .help(help)
        .source(facts::CRITERIA_SOURCE);
    if let Some(q) = query {
        f = f.related(ctx.rule.file, q, "the query");
    }
    ctx.push(f);
}

fn aggregation(ctx: &mut RuleContext, c: &LogCriterion) {
    let Some(agg) = &c.time_aggregation else {
        return;
    };
    match (agg.value, &c.metric_measure_column) {
        (Aggregation::Count, Some(m)) => {
            let f = ctx
                .at(
                    &registry::MEASURE_COLUMN_AGGREGATION,
                    m.span,
                    "a measure column is not allowed with the Count aggregation",
                )
                .label("Count counts rows; it reads no column")
                .related(ctx.rule.file, agg.span, "Count")
                .help("drop the measure column to count rows, or aggregate it with Total, Average, Minimum or Maximum")
                .source(facts::CRITERIA_SOURCE);
            ctx.push(f);
        }
        (a, None) if a != Aggregation::Count => {
            let f = ctx
                .at(
                    &registry::MEASURE_COLUMN_AGGREGATION,
                    agg.span,
                    format!(
                        "the {} aggregation needs a measure column to aggregate",
                        a.as_str()
                    ),
                )
                .label("aggregates nothing")
                .help("name the numeric column of the query's result to aggregate, or use Count to count rows")
                .source(facts::CRITERIA_SOURCE);
            ctx.push(f);
        }
        _ => {}
    }
}

fn time_column(ctx: &mut RuleContext, c: &LogCriterion, cols: &[OutputColumn]) {
    let Some(n) = c
        .failing_periods
        .as_ref()
        .and_then(|fp| fp.evaluation_periods.as_ref())
    else {
        return;
    };
    if n.value <= 1
        || !ctx
            .catalog
            .alert_schedules
            .log
            .failing_periods
            .contains(&n.value)
    {
        return;
    }
    if cols.iter().any(|c| c.time != Some(false)) {
        return;
    }
    let mut f = ctx
        .at(
            &registry::PERIODS_WITHOUT_TIME_COLUMN,
            n.span,
            format!(
                "{} periods are evaluated, but the query's result has no timestamp column to split them by",
                n.value
            ),
        )
        .label("needs a timestamp column")
        .help("summarize by `bin(TimeGenerated, <window>)` as well, or evaluate 1 period")
        .source(facts::SCHEDULE_SOURCE);
    if let Some(q) = &c.query {
        f = f.related(ctx.rule.file, q.span, "returns no timestamp");
    }
    ctx.push(f);
}

fn operator(ctx: &mut RuleContext, c: &LogCriterion) {
    let Some(text) = &c.operator_text else { return };
    if text.value != "Equals" {
        return;
    }
    let f = ctx
        .at(
            &registry::LOG_OPERATOR_SPELLING,
            text.span,
            "log alerts spell this operator `Equal`; the service rejects `Equals`",
        )
        .label("rejected at deployment")
        .help("write `Equal` (metric alerts, unlike log alerts, take `Equals`)")
        .source(facts::OPERATOR_SOURCE);
    ctx.push(f);
}
