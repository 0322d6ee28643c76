//! `audit --engine spark`: the lifecycles compiled to one Spark SQL script
//! ([`crate::compile::spark`]), run by `driver.py` (shipped inside the binary) with
//! `spark-submit` when it is on PATH, else with the user's python and pyspark
//! (`AMLGUARD_PYTHON`, default `python3`). The driver reads each file whole, so every row keeps
//! its file and line; the rows become the same findings the native audit makes, and go through
//! the same policy and outputs.
//!
//! What is missing (python, pyspark, java) or a query that fails is an [`InputError`]: the run
//! exits 2 and says what to install.

use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::audit::input::{self, Format, Sniffed};
use crate::audit::run::{AuditOptions, AuditReport, load_lifecycles};
use crate::compile::{self, Dialect, Options};
use crate::finding::{Finding, RecordAt, RecordContext, Severity, SeverityCounts};
use crate::inputs::{self, InputError};
use crate::lifecycle::Lifecycles;
use crate::registry;
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// The driver script, written to a temporary file for each run.
pub const DRIVER: &str = include_str!("driver.py");

/// Where and how to run Spark.
#[derive(Debug, Clone)]
pub struct SparkOptions {
    /// Any Spark master URL.
    pub master: String,
    /// Where each stage is checkpointed (a directory every executor reaches: HDFS, ABFS, a shared
    /// mount). Without it stages are checkpointed on the executors' local storage, which is
    /// fast but lost with an executor: then the run fails instead of recomputing.
    pub checkpoint_dir: Option<String>,
}

impl Default for SparkOptions {
    fn default() -> Self {
        SparkOptions {
            master: "local[*]".into(),
            checkpoint_dir: None,
        }
    }
}

/// One row of the query's result.
#[derive(Debug, serde::Deserialize)]
struct Row {
    code: String,
    severity: String,
    lifecycle: Option<String>,
    entity: Option<String>,
    time: Option<String>,
    from: Option<String>,
    to: Option<String>,
    message: String,
    file: String,
    line: u64,
}

#[derive(Debug, serde::Deserialize)]
struct Summary {
    records: u64,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Line {
    Summary { summary: Summary },
    Row(Box<Row>),
}

fn error(path: &str, message: String) -> InputError {
    InputError {
        path: path.to_string(),
        message,
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Java is what pyspark starts; say so before Spark prints a stack trace about it.
fn java_found() -> bool {
    if let Some(home) = std::env::var_os("JAVA_HOME")
        && Path::new(&home).join("bin/java").is_file()
    {
        return true;
    }
    on_path("java").is_some()
}

/// The dumps Spark can read: JSON lines, gzipped or not. Anything else is an input error.
fn check_format(path: &Path) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return Err("the Spark engine reads files, not stdin: save the dump to a file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = input::open(Box::new(file) as Box<dyn Read + Send>).map_err(|e| e.to_string())?;
    match input::sniff_marked(reader).map_err(|e| e.to_string())? {
        (Sniffed::Dump(Format::JsonLines), _, _) => Ok(()),
        (Sniffed::Dump(f), _, _) => Err(format!(
            "the Spark engine reads JSON-lines dumps (diagnostic settings, Event Hub bodies one \
             per line); this is {}: audit it with the native engine",
            match f {
                Format::JsonArray => "a JSON array (Log Analytics)",
                Format::JsonDocument => "pretty-printed JSON",
                Format::Csv => "CSV",
                Format::JsonLines => "JSON lines",
            }
        )),
        (Sniffed::NotADump(why), _, _) => Err(why),
    }
}

/// Audits `paths` on Spark; each finding goes to `sink` (after the policy), as natively.
pub fn audit(
    paths: &[PathBuf],
    options: &AuditOptions,
    spark: &SparkOptions,
    sink: &mut dyn FnMut(&SourceMap, Finding) -> ControlFlow<()>,
) -> AuditReport {
    let mut report = AuditReport::default();
    let (lifecycles, spec_findings, errors) =
        load_lifecycles(&options.lifecycles, &mut report.sources);
    report.input_errors.extend(errors);
    let spec_broken = Lifecycles::has_errors(&spec_findings);
    let mut counts = SeverityCounts::default();
    let mut admit = |sources: &SourceMap, f: Finding| {
        let Some(f) = options.policy.admit(f) else {
            return ControlFlow::Continue(());
        };
        counts.add(f.severity);
        sink(sources, f)
    };
    for f in spec_findings {
        let _ = admit(&report.sources, f);
    }
    if spec_broken {
        report.input_errors.push(error(
            "",
            "the lifecycle specs have errors (reported above); nothing was audited".into(),
        ));
        return finish(report, counts);
    }
    let (files, errors) = inputs::expand_all(paths, &options.exclude);
    report.input_errors.extend(errors);
    let mut inputs_json = Vec::new();
    let mut ids = Vec::new();
    for p in &files {
        let name = p.display().to_string();
        if let Err(e) = check_format(p) {
            report.input_errors.push(error(&name, e));
            continue;
        }
        let id = report.sources.add(SourceFile::new(name.clone(), ""));
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        inputs_json.push(serde_json::json!([
            ids.len(),
            abs.display().to_string(),
            name
        ]));
        ids.push((name, id));
    }
    report.summary.files = ids.len();
    if !report.input_errors.is_empty() || ids.is_empty() {
        if ids.is_empty() && report.input_errors.is_empty() {
            report
                .input_errors
                .push(error("", "no dump file to audit".into()));
        }
        return finish(report, counts);
    }
    let plan_options = Options {
        reorder_window: options.reorder_window,
        until: None,
        strict: options.strict,
        source: "amlguard_records".into(),
    };
    let all: Vec<usize> = (0..lifecycles.specs.len()).collect();
    let sql = match compile::compile(&lifecycles, &all, plan_options, Dialect::Spark) {
        Ok(q) => q,
        Err(e) => {
            report
                .input_errors
                .push(error("", format!("cannot compile: {e}")));
            return finish(report, counts);
        }
    };
    match run_driver(&sql, &inputs_json, spark, &lifecycles, &ids, &mut |f| {
        admit(&report.sources, f)
    }) {
        Ok(records) => {
            report.summary.records = records;
            report.summary.audited = records;
        }
        Err(e) => report.input_errors.push(e),
    }
    finish(report, counts)
}

fn finish(mut report: AuditReport, counts: SeverityCounts) -> AuditReport {
    report.summary.set_counts(counts);
    report
}

/// Writes the driver, the query and the input list to a temporary directory, runs the driver
/// and turns its rows into findings. Returns the number of records read.
fn run_driver(
    sql: &str,
    inputs: &[serde_json::Value],
    spark: &SparkOptions,
    lifecycles: &Lifecycles,
    ids: &[(String, FileId)],
    sink: &mut dyn FnMut(Finding) -> ControlFlow<()>,
) -> Result<u64, InputError> {
    let fail = |m: String| error("spark", m);
    if !java_found() {
        return Err(fail(
            "Spark needs Java (17 or later), and none was found: install a JDK \
             (apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
                .into(),
        ));
    }
    let dir =
        tempfile::tempdir().map_err(|e| fail(format!("cannot make a temporary directory: {e}")))?;
    let write = |name: &str, text: &[u8]| -> Result<PathBuf, InputError> {
        let p = dir.path().join(name);
        std::fs::write(&p, text).map_err(|e| fail(format!("cannot write {}: {e}", p.display())))?;
        Ok(p)
    };
    let driver = write("amlguard_driver.py", DRIVER.as_bytes())?;
    let sql_file = write("audit.sql", sql.as_bytes())?;
    let inputs_file = write(
        "inputs.json",
        &serde_json::to_vec(inputs).unwrap_or_default(),
    )?;
    let python = std::env::var("AMLGUARD_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = match on_path("spark-submit") {
        Some(submit) if std::env::var_os("AMLGUARD_PYTHON").is_none() => {
            let mut c = Command::new(submit);
            c.arg("--master").arg(&spark.master).arg(&driver);
            c
        }
        _ => {
            let mut c = Command::new(&python);
            c.arg(&driver);
            c
        }
    };
    cmd.arg("--master")
        .arg(&spark.master)
        .arg("--sql")
        .arg(&sql_file)
        .arg("--inputs")
        .arg(&inputs_file)
        .args(
            spark
                .checkpoint_dir
                .iter()
                .flat_map(|d| ["--checkpoint-dir", d.as_str()]),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        fail(format!(
            "cannot run `{python}` ({e}): the Spark engine needs python 3 with pyspark \
             (python3 -m pip install pyspark), or spark-submit on PATH"
        ))
    })?;
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut e) = stderr {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    let mut records = 0;
    let mut stopped = false;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            // Spark and py4j may print to stdout too; the driver's rows are JSON objects.
            if stopped || !line.starts_with('{') {
                continue;
            }
            match serde_json::from_str::<Line>(&line) {
                Ok(Line::Summary { summary }) => records = summary.records,
                Ok(Line::Row(row)) => {
                    if let Some(f) = finding(*row, lifecycles, ids)
                        && sink(f).is_break()
                    {
                        stopped = true;
                        let _ = child.kill();
                    }
                }
                Err(e) => return Err(fail(format!("unreadable row from the driver ({e})"))),
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| fail(format!("the driver did not finish: {e}")))?;
    let err = err_reader.join().unwrap_or_default();
    if stopped {
        return Ok(records);
    }
    match status.code() {
        Some(0) => Ok(records),
        Some(3) => Err(fail(format!(
            "pyspark cannot be imported by `{python}`: install it (python3 -m pip install \
             pyspark) or set AMLGUARD_PYTHON to a python that has it ({})",
            last_line(&err)
        ))),
        _ => Err(fail(format!("Spark failed: {}", last_line(&err)))),
    }
}

/// The last meaningful line of the driver's stderr.
fn last_line(err: &str) -> String {
    err.lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.contains(" WARN "))
        .unwrap_or("no message")
        .chars()
        .take(2000)
        .collect()
}

/// A row as the finding the native audit makes.
fn finding(row: Row, lifecycles: &Lifecycles, ids: &[(String, FileId)]) -> Option<Finding> {
    let check = registry::lookup(&row.code)?;
    let file = ids.iter().find(|(n, _)| *n == row.file)?.1;
    let mut f = Finding::new(check, file, Span::default(), row.message).at_record(RecordContext {
        lifecycle: row.lifecycle.clone(),
        entity: row.entity,
        time: row.time,
        from: row.from.clone(),
        to: row.to.clone(),
        ..RecordAt::line(row.line).context()
    });
    f.severity = match row.severity.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        _ => Severity::Note,
    };
    // The help the native audit gives, from the lifecycle's graph.
    let graph = row
        .lifecycle
        .as_deref()
        .and_then(|n| lifecycles.find(n))
        .map(|i| (&lifecycles.specs[i], &lifecycles.graphs[i]));
    if let Some((spec, g)) = graph {
        let name = |s: crate::lifecycle::graph::StateId| g.names[s as usize].clone();
        if check.code == registry::ILLEGAL_TRANSITION.code
            && let Some(from) = row.from.as_deref().and_then(|s| g.state(s))
        {
            let legal: Vec<String> = g.successors(from).into_iter().map(name).collect();
            f = f.help(if legal.is_empty() {
                format!("{} has no legal successor", name(from))
            } else {
                format!(
                    "from {} a {} goes to {}",
                    name(from),
                    spec.name,
                    legal.join(", ")
                )
            });
        } else if check.code == registry::EVENT_AFTER_TERMINAL.code
            && let Some(from) = row.from.as_deref()
        {
            f = f.help(format!(
                "{from} is terminal; check for a reused id or a misordered stream"
            ));
        } else if check.code == registry::UNKNOWN_STATE.code
            && let Some(to) = row.to.as_deref()
        {
            f = f.help(
                crate::suggest::did_you_mean(to, g.names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("states: {}", g.names.join(", "))),
            );
        } else if check.code == registry::LATE_RECORD.code {
            f = f.help("widen --reorder-window, or sort the dump by time");
        }
    }
    Some(f)
}
