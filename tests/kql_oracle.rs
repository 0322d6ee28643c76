//! Differential tests of the KQL parser and table checks against Microsoft's own analyser,
//! Kusto.Language (npm `@kusto/language-service-next`, run by `tests/oracle/oracle.js`), over
//! the corpus in `tests/kql/corpus/`. Every table is declared to the analyser with a
//! `let T = datatable(…)[];` prelude made from the same schemas amlguard checks against.
//!
//! These tests need node and the npm package: run `scripts/test-setup.sh` first. They fail,
//! never skip, when either is missing.

mod common;

use common::oracle::{self, Diagnostic};

use amlguard::catalog::Catalog;
use amlguard::kql::{self, Schemas, SpanMap};
use amlguard::source::FileId;

/// The corpus: every `*.kql` file, queries separated by lines `// ====`.
fn corpus() -> Vec<(String, String)> {
    let dir = common::root().join("tests/kql/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kql"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for (i, q) in text.split("\n// ====\n").enumerate() {
            if !q.trim().is_empty() {
                out.push((format!("{name}#{}", i + 1), q.to_string()));
            }
        }
    }
    out
}

struct Run {
    queries: Vec<(String, String)>,
    answers: Vec<Vec<Diagnostic>>,
    schemas: Schemas,
}

/// The oracle's answers, computed once for all the tests of this file.
fn run() -> &'static Run {
    static RUN: std::sync::OnceLock<Run> = std::sync::OnceLock::new();
    RUN.get_or_init(compute)
}

fn compute() -> Run {
    let schemas = Schemas::from_catalog(&Catalog::builtin());
    let queries = corpus();
    assert!(
        queries.len() >= 300,
        "the corpus has {} queries",
        queries.len()
    );
    // Each query is analysed with the tables it names declared before it.
    let preludes: Vec<String> = queries.iter().map(|(_, q)| schemas.prelude_of(q)).collect();
    let texts: Vec<String> = queries
        .iter()
        .zip(&preludes)
        .map(|((_, q), p)| format!("{p}{q}"))
        .collect();
    let answers = oracle::analyse(&texts)
        .into_iter()
        .zip(queries.iter().zip(&preludes))
        .map(|(a, ((_, q), prelude))| {
            let skip = prelude.encode_utf16().count();
            a.diagnostics
                .into_iter()
                .filter(|d| d.severity == "Error")
                .map(|d| {
                    assert!(
                        d.start >= skip,
                        "the oracle rejects the prelude: {}",
                        d.message
                    );
                    let start = oracle::byte_offset(q, d.start - skip);
                    let end = oracle::byte_offset(q, d.start - skip + d.length);
                    Diagnostic {
                        start,
                        length: end - start,
                        ..d
                    }
                })
                .collect()
        })
        .collect();
    Run {
        queries,
        answers,
        schemas,
    }
}

/// (check name, start offset) of amlguard's findings on a query.
fn findings(q: &str, schemas: &Schemas) -> Vec<(&'static str, usize)> {
    kql::check_query(q, &SpanMap::offset(0), FileId(0), schemas)
        .into_iter()
        .map(|f| (f.check.name, f.span.start))
        .collect()
}

#[test]
fn oracle_and_amlguard_agree_on_the_corpus() {
    let r = run();
    let mut failures = Vec::new();
    let (mut valid, mut name_errors) = (0, 0);
    for ((name, q), diags) in r.queries.iter().zip(&r.answers) {
        let ours = findings(q, &r.schemas);
        if diags.is_empty() {
            valid += 1;
            // A query the oracle accepts parses, and no table or column is reported unknown.
            let wrong: Vec<_> = ours
                .iter()
                .filter(|(c, _)| matches!(*c, "query-syntax" | "unknown-table" | "unknown-column"))
                .collect();
            if !wrong.is_empty() {
                failures.push(format!(
                    "{name}: the oracle accepts it, amlguard reports {wrong:?}\n{q}"
                ));
            }
            continue;
        }
        for d in diags {
            // KS142: a name that is no column, table or variable; KS204: no table.
            let want = match d.code.as_str() {
                "KS142" => "unknown-column",
                "KS204" => "unknown-table",
                _ => continue,
            };
            name_errors += 1;
            let hit = ours.iter().any(|(c, s)| {
                (*c == want || *c == "unknown-table" || *c == "unknown-column") && *s == d.start
            });
            if !hit {
                failures.push(format!(
                    "{name}: the oracle reports {} at {} ({}), amlguard reports {ours:?}\n{q}",
                    d.code, d.start, d.message
                ));
            }
        }
    }
    eprintln!(
        "{} queries: {valid} accepted by the oracle, {name_errors} unknown names reported",
        r.queries.len()
    );
    assert!(valid >= 200, "only {valid} corpus queries are valid");
    assert!(
        name_errors >= 50,
        "only {name_errors} name errors in the corpus"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_syntax_error_of_amlguard_is_one_for_the_oracle_too() {
    let r = run();
    for ((name, q), diags) in r.queries.iter().zip(&r.answers) {
        let ours = kql::parse(q);
        if !ours.errors.is_empty() {
            assert!(
                !diags.is_empty(),
                "{name}: amlguard reports {:?}, the oracle accepts it\n{q}",
                ours.errors
            );
        }
    }
}

/// The log alert rule pack: every query is accepted by the oracle (no error of any kind, not
/// only unknown names) against the same tables, and amlguard reports nothing on it either.
#[test]
fn the_recommended_log_rules_pass_the_oracle() {
    let path = common::root().join("rules/recommended-logs.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let catalog = Catalog::builtin();
    let (_, rules, findings) =
        amlguard::linter::lint_text("recommended-logs.yaml", &text, &catalog);
    assert!(findings.is_empty(), "{findings:#?}");
    let schemas = Schemas::from_catalog(&catalog);
    let queries: Vec<String> = rules
        .iter()
        .filter_map(|r| r.log.as_ref())
        .flat_map(|l| &l.criteria)
        .filter_map(|c| c.query.as_ref().map(|q| q.text.clone()))
        .collect();
    assert!(queries.len() >= 6, "only {} queries", queries.len());
    let texts: Vec<String> = queries
        .iter()
        .map(|q| format!("{}{q}", schemas.prelude_of(q)))
        .collect();
    for (q, answer) in queries.iter().zip(oracle::analyse(&texts)) {
        let errors: Vec<_> = answer
            .diagnostics
            .iter()
            .filter(|d| d.severity == "Error")
            .collect();
        assert!(errors.is_empty(), "the oracle rejects\n{q}\n{errors:#?}");
    }
}
