//! The readers: one module per source format, each filling the rule model of
//! [`crate::model`] with the spans it read every field from.

pub mod arm;
pub(crate) mod arm_log;
mod az_cli;
pub mod bicep;
pub mod detect;
pub mod hcl;
mod hcl_text;
pub mod policy;
pub mod query_map;
pub mod script;
mod script_log;
pub mod target;
pub mod terraform;
pub mod terraform_log;
pub mod yaml;
mod yaml_log;

use crate::source::FileId;
use detect::Format;

pub use crate::model::{
    AlertRule, Criterion, DimensionFilter, DynamicThreshold, Target, Threshold,
};

use crate::finding::Sink;
use crate::registry;
use crate::yaml::Node;

/// Deeper than any document the parser builds (it refuses nesting deeper than 64 levels): a
/// walk over a parsed document that stops here sees every node, so no rule and no suppression
/// is ever cut off by it; the bound only keeps a tree built by hand from exhausting the stack.
pub(crate) const MAX_WALK_DEPTH: usize = 256;

/// File extensions read as scripts (`az monitor metrics alert create` invocations).
pub const SCRIPT_EXTENSIONS: &[&str] = &["sh", "bash", "zsh", "ps1", "psm1", "cmd", "bat"];

/// Reads rules from a file of any supported kind, in the format [`detect::detect`] finds for
/// it (by extension where that decides, by content otherwise): JSON (an ARM template or a
/// Terraform plan), Terraform source, Bicep, text that invokes `az monitor metrics alert
/// create` (scripts and pipeline YAML), or a rule file.
///
/// A file named explicitly is always read and reported on. A file found by walking a directory
/// that is plainly not a rule source is skipped (`None`); one that is close to a rule source is
/// read as one, or gets a `not-a-rule-source` note saying why it was not.
pub fn read_source(
    name: &str,
    text: &str,
    file: FileId,
    explicit: bool,
    parameters: &[ParameterValue],
) -> Option<yaml::ReadRules> {
    read_source_visiting(name, text, file, explicit, parameters, &Keep).map(|v| v.read)
}

/// [`read_source`], handing each rule to `visit` as it is read (on the thread that read it:
/// a large rule list is read in parts on every core), which keeps it or drops it.
pub fn read_source_visiting<V: Visit>(
    name: &str,
    text: &str,
    file: FileId,
    explicit: bool,
    parameters: &[ParameterValue],
    visit: &V,
) -> Option<Visited<V::Part>> {
    let read = match detect::detect(name, text) {
        Format::Json => read_json(text, file, explicit, parameters),
        Format::Hcl => read_hcl(name, text, file, explicit),
        Format::Script => read_script(name, text, file, explicit),
        Format::Bicep => read_bicep(name, text, file, parameters),
        Format::Yaml => return read_yaml(text, file, explicit, visit),
    };
    read.map(|read| Visited::all(read, visit))
}

/// What becomes of each rule as a reader reaches it: a linter checks it and drops it, so that
/// a large file never holds all its rules at once.
pub trait Visit: Sync {
    /// What the visits of one part of a file leave behind.
    type Part: Default + Send;
    /// Visits one rule; gives it back if it is to be kept in the [`yaml::ReadRules`].
    fn rule(&self, part: &mut Self::Part, rule: AlertRule) -> Option<AlertRule>;
}

/// Keeps every rule.
pub struct Keep;

impl Visit for Keep {
    type Part = ();
    fn rule(&self, _: &mut (), rule: AlertRule) -> Option<AlertRule> {
        Some(rule)
    }
}

/// A file read with a [`Visit`].
#[derive(Debug, Default)]
pub struct Visited<P> {
    /// The findings and suppressions of the file, and the rules the visitor kept.
    pub read: yaml::ReadRules,
    /// What the visitor left behind of each part of the file, in file order.
    pub parts: Vec<P>,
    /// The rules read, kept or not.
    pub rules: usize,
}

impl<P: Default> Visited<P> {
    /// Visits, in order, the rules a reader gave all at once.
    pub(crate) fn all<V: Visit<Part = P>>(mut read: yaml::ReadRules, visit: &V) -> Self {
        let mut part = P::default();
        let rules = read.rules.len();
        read.rules = std::mem::take(&mut read.rules)
            .into_iter()
            .filter_map(|r| visit.rule(&mut part, r))
            .collect();
        Visited {
            read,
            parts: vec![part],
            rules,
        }
    }

    /// Whether the file was only noted as not a rule source (it is then counted as skipped,
    /// not as read).
    pub fn only_not_a_rule_source(&self) -> bool {
        self.rules == 0 && only_not_a_rule_source(&self.read)
    }
}

/// Whether what a reader returned is only the note that the file is not a rule source (the
/// file is then counted as skipped, not as read).
pub fn only_not_a_rule_source(read: &yaml::ReadRules) -> bool {
    read.rules.is_empty()
        && !read.findings.is_empty()
        && read
            .findings
            .iter()
            .all(|f| std::ptr::eq(f.check, &registry::NOT_A_RULE_SOURCE))
}

/// The one note a file that was not read as rules gets.
fn not_a_rule_source(
    file: FileId,
    at: crate::source::Span,
    message: impl Into<String>,
    help: impl Into<String>,
) -> yaml::ReadRules {
    let sink = Sink::new(file);
    yaml::ReadRules {
        findings: vec![
            sink.at(&registry::NOT_A_RULE_SOURCE, at, message)
                .label("not read as rules")
                .help(help),
        ],
        ..yaml::ReadRules::default()
    }
}

/// Bicep source and parameter files (modules are followed by the linter, which holds the
/// source map; this reads one text).
fn read_bicep(
    name: &str,
    text: &str,
    file: FileId,
    parameters: &[ParameterValue],
) -> Option<yaml::ReadRules> {
    Some(bicep::read_text(name, text, file, parameters))
}

fn read_hcl(name: &str, text: &str, file: FileId, explicit: bool) -> Option<yaml::ReadRules> {
    let mut sink = Sink::new(file);
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let override_file = stem == "override" || stem.ends_with("_override");
    let rules = hcl::read(text, override_file, &mut sink);
    if rules.is_empty() && sink.findings.is_empty() {
        // The resource types read, longest first: the log alert types start with the legacy
        // one's name.
        let mention = [
            hcl::LOG_ALERT_V2,
            hcl::LOG_ALERT_LEGACY,
            "azurerm_monitor_metric_alert",
        ]
        .into_iter()
        .find_map(|t| text.find(t).map(|i| (i, t)));
        if !explicit && mention.is_none() {
            return None;
        }
        let at = mention.map_or(crate::source::Span::new(0, 0), |(i, t)| {
            crate::source::Span::new(i, i + t.len())
        });
        return Some(not_a_rule_source(
            file,
            at,
            match mention {
                Some((_, t)) => format!(
                    "`{t}` is named here, but no `resource \"{t}\"` block was found"
                ),
                None => "no `resource \"azurerm_monitor_metric_alert\"` (or scheduled query rule) block in this Terraform file".to_string(),
            },
            "amlguard reads the metric and log alerts a Terraform file declares as resources \
             (for rules built by modules, lint the plan: `terraform show -json PLAN`)",
        ));
    }
    Some(yaml::ReadRules {
        rules,
        findings: sink.findings,
        suppressions: Vec::new(),
    })
}

fn read_script(name: &str, text: &str, file: FileId, explicit: bool) -> Option<yaml::ReadRules> {
    let mut sink = Sink::new(file);
    let rules = match yaml_scripts(name, text) {
        // A pipeline's YAML: the scripts are its string scalars, decoded (quotes, escapes,
        // folded lines) and placed back in the file.
        Some(scalars) => scalars
            .into_iter()
            .flat_map(|(value, span)| {
                let map = query_map::map(text, span, &value);
                script::read_mapped(&value, &map, &mut sink)
            })
            .collect(),
        None => script::read(text, &mut sink),
    };
    if rules.is_empty() && sink.findings.is_empty() && !explicit {
        return None;
    }
    if rules.is_empty() && explicit && sink.findings.is_empty() {
        sink.push(
            sink.at(
                &registry::EMPTY_FILE,
                crate::source::Span::new(0, 0),
                "no `az monitor metrics alert create` or `az monitor scheduled-query create` in this script",
            )
            .help("amlguard reads the alert rules a script creates"),
        );
    }
    Some(yaml::ReadRules {
        rules,
        findings: sink.findings,
        suppressions: Vec::new(),
    })
}

/// The string scalars of a YAML file (by its name) that hold an az invocation, in file order;
/// `None` for a file that is not YAML or does not parse as one document, which is read as a
/// script, raw.
fn yaml_scripts(name: &str, text: &str) -> Option<Vec<(String, crate::source::Span)>> {
    if !matches!(detect::extension(name).as_str(), "yaml" | "yml") {
        return None;
    }
    let doc = crate::yaml::parse(text).ok()??;
    let mut out = Vec::new();
    collect_scripts(doc, &mut out, 0);
    Some(out)
}

fn collect_scripts(
    node: crate::yaml::Node,
    out: &mut Vec<(String, crate::source::Span)>,
    depth: usize,
) {
    use crate::yaml::Value;
    if depth > MAX_WALK_DEPTH {
        return;
    }
    match node.value {
        Value::String(s) if script::mentions_command(&s) => out.push((s, node.span)),
        Value::Seq(items) => items
            .into_iter()
            .for_each(|n| collect_scripts(n, out, depth + 1)),
        Value::Map(entries) => entries
            .into_iter()
            .for_each(|(_, n)| collect_scripts(n, out, depth + 1)),
        _ => {}
    }
}

/// Keys of a rule or criterion: YAML holding them is close to a rule file.
const RULE_KEYS: &[&str] = &["criteria", "metric", "condition", "threshold"];

/// A rule file, or YAML met in a walk: read when it is (close to) a rule file, noted when it
/// holds rule keys elsewhere, skipped otherwise (Kubernetes manifests, workflows, compose
/// files).
fn read_yaml<V: Visit>(
    text: &str,
    file: FileId,
    explicit: bool,
    visit: &V,
) -> Option<Visited<V::Part>> {
    if explicit {
        return Some(yaml::read_visiting(text, file, visit));
    }
    // Only YAML that shows a rule file's keys is parsed: a walk through a large OpenAPI spec
    // or chart costs a scan, not a parse.
    if !has_rule_file_top_key(text) && rule_key_line(text, RULE_KEYS).is_none() {
        return None;
    }
    // `rules:` and a list is a rule file: read without a tree of the whole file.
    if yaml::is_rule_list(text) {
        return Some(yaml::read_visiting(text, file, visit));
    }
    let doc = match crate::yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return None,
        // Broken YAML is reported when it shows a rule file's keys at the start of a line;
        // other broken YAML (templated Helm charts) is not ours to judge.
        Err(_) => {
            return rule_key_line(text, &["rules"])
                .or_else(|| rule_key_line(text, RULE_KEYS))
                .map(|_| yaml::read_visiting(text, file, visit));
        }
    };
    let close = match &doc.value {
        crate::yaml::Value::Map(entries) => {
            let is_manifest =
                arm::get(&doc, "apiVersion").is_some() && arm::get(&doc, "kind").is_some();
            !is_manifest
                && entries.iter().any(|(k, _)| {
                    k.name == "rules"
                        || RULE_KEYS.contains(&k.name.as_str())
                        || is_misspelt_rules(&k.name)
                })
        }
        crate::yaml::Value::Seq(items) => items.first().is_some_and(|i| match &i.value {
            crate::yaml::Value::Map(entries) => entries
                .iter()
                .any(|(k, _)| RULE_KEYS.contains(&k.name.as_str())),
            _ => false,
        }),
        _ => false,
    };
    if close {
        return Some(Visited::all(yaml::read_tree(&doc, text, file), visit));
    }
    // A rule unit-test file (`amlguard test`) names its rule files and holds metric series:
    // it belongs beside the rules and is not one.
    let test_file = matches!(&doc.value, crate::yaml::Value::Map(entries)
        if entries.iter().any(|(k, _)| k.name == "rule_files")
            && entries.iter().any(|(k, _)| k.name == "tests"));
    if test_file {
        return None;
    }
    let (at, key) = rule_key_line(text, RULE_KEYS)?;
    let note = not_a_rule_source(
        file,
        at,
        format!(
            "this YAML has a `{key}:` key but no top-level `rules:` list; it was not read as a rule file"
        ),
        "a rule file is a mapping with a `rules:` list of rules (see README § A 60-second tour); \
         name the file explicitly to see every problem amlguard finds in it",
    );
    Some(Visited::all(note, visit))
}

/// `Rules`, `rule`, `rulez`, `ruels`: one edit from `rules`, ignoring case. (Not `runs`, the
/// top key of a GitHub composite action, two edits away.)
/// Whether a top-level key of the YAML text is a rule file's: `rules` (or a misspelling of it),
/// or a rule's or criterion's key ([`RULE_KEYS`]).
pub(crate) fn has_rule_file_top_key(text: &str) -> bool {
    text.lines().any(|l| {
        !l.starts_with([' ', '\t', '#', '-'])
            && l.split_once(':').is_some_and(|(k, _)| {
                let k = k.trim().trim_matches(['"', '\'']);
                is_misspelt_rules(k) || RULE_KEYS.contains(&k)
            })
    })
}

fn is_misspelt_rules(key: &str) -> bool {
    strsim::damerau_levenshtein(&key.to_ascii_lowercase(), "rules") <= 1
}

/// The first line holding one of `keys` as a YAML key (`key:` after blanks or `- `), and the key.
fn rule_key_line<'k>(text: &str, keys: &[&'k str]) -> Option<(crate::source::Span, &'k str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '\t']);
        let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
        for k in keys {
            if body.strip_prefix(k).is_some_and(|r| r.starts_with(':')) {
                let start = offset + (line.len() - body.len());
                return Some((crate::source::Span::new(start, start + k.len()), k));
            }
        }
        offset += line.len();
    }
    None
}

fn read_json(
    text: &str,
    file: FileId,
    explicit: bool,
    parameters: &[ParameterValue],
) -> Option<yaml::ReadRules> {
    let mut sink = Sink::new(file);
    let blank = arm::blank_comments(text);
    let doc = match crate::yaml::parse(&blank) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Some(yaml::ReadRules::default()),
        Err(e) => {
            let (span, message) =
                json_error(&blank, text).unwrap_or((snap(e.span, text), e.message));
            sink.push(
                sink.at(
                    &registry::JSON_SYNTAX,
                    span,
                    format!("invalid JSON: {message}"),
                )
                .label("the JSON parser stopped here"),
            );
            return Some(yaml::ReadRules {
                rules: Vec::new(),
                findings: sink.findings,
                suppressions: Vec::new(),
            });
        }
    };
    let schema = arm::get(&doc, "$schema").and_then(|n| match &n.value {
        crate::yaml::Value::String(s) => Some(s.to_ascii_lowercase()),
        _ => None,
    });
    let mut suppressions = Vec::new();
    let rules = if terraform::is_plan(&doc) {
        terraform::read(&doc, text, &mut sink)
    } else if policy::is_policy(&doc) {
        suppressions = arm::suppressions(&doc, file);
        policy::read(&doc, Some(text), &mut sink)
    } else if schema
        .as_deref()
        .is_some_and(|s| s.contains("deploymentparameters"))
    {
        // A parameter file: an input to `--parameters`, not a source of rules.
        return (explicit).then(yaml::ReadRules::default);
    } else if arm::get(&doc, "resources").is_some()
        || schema
            .as_deref()
            .is_some_and(|s| s.contains("deploymenttemplate"))
    {
        let values = parameters
            .iter()
            .map(|p| (p.name.clone(), &p.value, Some(p.file)))
            .collect();
        let scope = arm::Scope::of(&doc, values).with_text(text);
        let rules = arm::read(&doc, &scope, &mut sink);
        suppressions = arm::suppressions(&doc, file);
        rules
    } else if matches!(&doc.value, crate::yaml::Value::Map(entries)
        if entries.iter().any(|(k, _)| is_misspelt_rules(&k.name)))
    {
        // A rule file written in JSON (JSON is YAML), its top key spelt right or nearly.
        return Some(yaml::read(text, file));
    } else if explicit {
        sink.push(
            sink.at(&registry::WRONG_TYPE, doc.span, "this JSON is not an ARM template, an Azure Policy definition or a Terraform plan")
                .label("not a rule source")
                .help("lint ARM templates (`az bicep build` compiles Bicep to one), policy definitions, or `terraform show -json PLAN`"),
        );
        Vec::new()
    } else {
        let lower = text.to_ascii_lowercase();
        let at = lower
            .find("microsoft.insights/metricalerts")
            .map(|i| (i, "microsoft.insights/metricalerts".len()))
            .or_else(|| lower.find("azurerm_monitor_metric_alert").map(|i| (i, 28)))?;
        return Some(not_a_rule_source(
            file,
            crate::source::Span::new(at.0, at.0 + at.1),
            "this JSON mentions metric alerts but is not an ARM template (no `resources`), an Azure Policy definition or a Terraform plan; it was not read",
            "amlguard reads ARM deployment templates, policy definitions and initiatives, and `terraform show -json PLAN` output",
        ));
    };
    if rules.is_empty() && sink.findings.is_empty() {
        let what = if terraform::is_plan(&doc) {
            "this Terraform plan has no `azurerm_monitor_metric_alert` resource"
        } else if policy::is_policy(&doc) {
            "this Azure Policy definition deploys no `Microsoft.Insights/metricAlerts` resource"
        } else {
            "this ARM template has no `Microsoft.Insights/metricAlerts` resource"
        };
        return Some(not_a_rule_source(
            file,
            crate::source::Span::new(doc.span.start, doc.span.start + 1),
            format!("{what}: nothing to check"),
            "amlguard checks metric alert rules; other resources are not its business",
        ));
    }
    Some(yaml::ReadRules {
        rules,
        findings: sink.findings,
        suppressions,
    })
}

/// A span found in comment-blanked text, widened to `text`'s character boundaries.
fn snap(span: crate::source::Span, text: &str) -> crate::source::Span {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    crate::source::Span::new(start, end)
}

/// Where and why strict JSON parsing stops, in serde_json's words (which name JSON's tokens),
/// for text that the YAML parser already refused. `None` when serde_json accepts it (the YAML
/// parser's own reason then stands: a repeated key, a size limit).
///
/// `blank` is `text` with its comments blanked (the same length, not always the same
/// characters); the span is on `text`'s character boundaries.
fn json_error(blank: &str, text: &str) -> Option<(crate::source::Span, String)> {
    let e = serde_json::from_str::<serde::de::IgnoredAny>(blank).err()?;
    let file = crate::source::SourceFile::new("", blank);
    let line_start = file.offset_of(e.line().max(1), 1).unwrap_or(blank.len());
    let mut at = (line_start + e.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    Some((crate::source::Span::new(at, end), message))
}

/// One value of an ARM parameter file, with the file it was read from.
#[derive(Debug, Clone)]
pub struct ParameterValue {
    pub name: String,
    pub value: Node,
    pub file: FileId,
}

/// The values of an ARM parameter file (`parameters.NAME.value`), with a located finding in
/// that file for everything that keeps a value from being read: text that is not JSON,
/// `parameters` that is not a mapping, an entry that is not `{"value": …}`. An entry that is a
/// Key Vault `reference` is valid and has no value offline; it is left out silently (the
/// template's use of it is noted as unresolved).
pub fn parameter_values(
    text: &str,
    file: FileId,
) -> (Vec<ParameterValue>, Vec<crate::finding::Finding>) {
    let mut sink = Sink::new(file);
    let mut out = Vec::new();
    let doc = match crate::yaml::parse(&arm::blank_comments(text)) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            sink.push(
                sink.at(
                    &registry::EMPTY_FILE,
                    crate::source::Span::new(0, 0),
                    "the parameter file is empty",
                )
                .help("a parameter file is `{\"parameters\": {\"name\": {\"value\": …}}}`"),
            );
            return (out, sink.findings);
        }
        Err(e) => {
            let (span, message) = json_error(&arm::blank_comments(text), text)
                .unwrap_or((snap(e.span, text), e.message));
            sink.push(
                sink.at(
                    &registry::JSON_SYNTAX,
                    span,
                    format!("invalid JSON in a parameter file: {message}"),
                )
                .label("the JSON parser stopped here")
                .help("no value of this parameter file is used"),
            );
            return (out, sink.findings);
        }
    };
    let Some(params) = arm::get(&doc, "parameters") else {
        sink.push(
            sink.at(
                &registry::MISSING_KEY,
                doc.span,
                "this parameter file has no `parameters`",
            )
            .label("no values")
            .help("a parameter file is `{\"parameters\": {\"name\": {\"value\": …}}}`"),
        );
        return (out, sink.findings);
    };
    let crate::yaml::Value::Map(entries) = &params.value else {
        crate::schema::wrong_type(
            &mut sink,
            params,
            "`parameters` must be a mapping of names to `{\"value\": …}`",
            &params.value,
        );
        return (out, sink.findings);
    };
    for (k, v) in entries {
        if let Some(val) = arm::get(v, "value") {
            out.push(ParameterValue {
                name: k.name.clone(),
                value: val.clone(),
                file,
            });
        } else if arm::get(v, "reference").is_none() {
            sink.push(
                sink.at(
                    &registry::WRONG_TYPE,
                    v.span,
                    format!("parameter `{}` has no `value`", k.name),
                )
                .label(format!("found {}", v.value.kind()))
                .help(format!("write `\"{}\": {{\"value\": …}}`", k.name)),
            );
        }
    }
    (out, sink.findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading `text` as `name` gives: `None` when the file is skipped, else the number of
    /// rules and each finding's name with the text it points at.
    fn read<'t>(
        name: &str,
        text: &'t str,
        explicit: bool,
    ) -> Option<(usize, Vec<(&'static str, &'t str)>)> {
        let read = read_source(name, text, FileId(0), explicit, &[])?;
        let findings = read
            .findings
            .iter()
            .map(|f| (f.check.name, &text[f.span.start..f.span.end]))
            .collect();
        Some((read.rules.len(), findings))
    }

    #[test]
    fn a_walk_skips_a_script_without_alerts_and_a_named_one_is_reported() {
        let deploy = "#!/bin/sh\naz group create -n rg -l westeurope\n";
        assert_eq!(read("deploy.sh", deploy, false), None);
        assert_eq!(
            read("deploy.sh", deploy, true),
            Some((0, vec![("empty-file", "")]))
        );
        // A broken alert command is reported whether the script was walked or named.
        let broken = "az monitor metrics alert create -n a -g rg --scopes $WS --condition\n";
        for explicit in [false, true] {
            let (_, findings) = read("alerts.sh", broken, explicit).expect("read");
            assert!(!findings.is_empty(), "{findings:?}");
            assert!(findings.iter().all(|(name, _)| *name != "empty-file"));
        }
        let alert = "az monitor metrics alert create -n a -g rg --scopes $WS \
                     --condition \"avg CpuUtilizationPercentage > 90\"\n";
        for explicit in [false, true] {
            let (rules, findings) = read("alerts.sh", alert, explicit).expect("read");
            assert_eq!(rules, 1);
            assert!(findings.iter().all(|(name, _)| *name != "empty-file"));
        }
    }

    #[test]
    fn a_terraform_override_file_may_change_part_of_an_alert() {
        let block = "resource \"azurerm_monitor_metric_alert\" \"a\" {\n  severity = 2\n}\n";
        for name in ["override.tf", "alerts_override.tf", "dir/override.tf"] {
            assert_eq!(read(name, block, true), Some((1, vec![])), "{name}");
        }
        for name in ["main.tf", "overrides.tf", "override_alerts.tf"] {
            assert_eq!(
                read(name, block, true).map(|(n, f)| (n, f.len(), f[0].0)),
                Some((1, 1, "missing-key")),
                "{name}"
            );
        }
    }

    #[test]
    fn yaml_scripts_are_read_from_scalars_and_other_scripts_raw() {
        let cmd = "az monitor metrics alert create -n a --condition";
        // In YAML, a scalar is decoded (`\"`) and a comment is no script.
        let yaml = format!("# {cmd}\nrun: \"{cmd} \\\"avg GpuUtilization < 1\\\"\"\n");
        assert_eq!(read("ci.yml", &yaml, true), Some((1, vec![])));
        assert_eq!(read("ci.YAML", &yaml, true), Some((1, vec![])));
        // Read raw, the comment is a command without a condition's value.
        assert_eq!(
            read("ci.sh", &yaml, true).map(|(n, f)| (n, f[0].0)),
            Some((2, "missing-key"))
        );
        // YAML that does not parse is read raw.
        let broken = format!("run: [\n{cmd}\n");
        assert_eq!(
            read("ci.yml", &broken, true),
            Some((1, vec![("missing-key", "--condition")]))
        );
        // A scalar inside a list and a mapping, deep.
        let deep = format!("a:\n  - b:\n      - c: \"{cmd}\"\n");
        assert_eq!(
            read("ci.yml", &deep, true),
            Some((1, vec![("missing-key", "--condition")]))
        );
    }

    #[test]
    fn json_that_mentions_metric_alerts_but_is_no_template_is_noted_at_the_mention() {
        for mention in [
            "Microsoft.Insights/metricAlerts",
            "azurerm_monitor_metric_alert",
        ] {
            let text = format!("{{\"note\": \"x\", \"type\": \"{mention}\"}}");
            assert_eq!(
                read("a.json", &text, false).map(|(n, f)| (n, f[0].0, f[0].1.to_string())),
                Some((0, "not-a-rule-source", mention.to_string()))
            );
        }
    }

    #[test]
    fn snap_widens_a_span_to_whole_characters() {
        use crate::source::Span;
        for (text, (start, end), want) in [
            ("aéb", (2, 2), (1, 3)),
            ("aéb", (0, 2), (0, 3)),
            ("aéb", (1, 3), (1, 3)),
            ("a€b", (3, 3), (1, 4)),
            ("aéb", (9, 12), (4, 4)),
        ] {
            assert_eq!(
                snap(Span::new(start, end), text),
                Span::new(want.0, want.1),
                "{text:?} {start}..{end}"
            );
        }
    }

    #[test]
    fn a_json_error_inside_a_blanked_character_covers_the_character() {
        // `blank` has the same length as `text`, not always the same characters.
        let (span, message) = json_error("{} x", "{}é").expect("an error");
        assert_eq!(
            (span, message.as_str()),
            (crate::source::Span::new(2, 4), "trailing characters")
        );
    }

    #[test]
    fn json_that_strict_json_accepts_but_the_reader_refuses_is_located() {
        // A repeated key, after a comment with multi-byte characters: at the second key.
        let text = "{\"a\": 1, /* ééé */\n \"a\": 2}";
        assert_eq!(
            read("a.json", text, true),
            Some((0, vec![("json-syntax", "\"a\"")]))
        );
        // Text that strict JSON refuses too is located and worded by serde_json.
        let text = "{\"a\": [1, 2}";
        let refused = read_source("a.json", text, FileId(0), true, &[]).expect("read");
        let f = &refused.findings[0];
        assert_eq!(
            (
                f.check.name,
                &text[f.span.start..f.span.end],
                f.message.as_str()
            ),
            ("json-syntax", "}", "invalid JSON: expected `,` or `]`")
        );
        // A template without metric alerts is noted at its first character.
        let text = "  {\"resources\": []}";
        assert_eq!(
            read("a.json", text, true),
            Some((0, vec![("not-a-rule-source", "{")]))
        );
    }

    #[test]
    fn a_walk_reads_yaml_whose_lines_show_a_rule_files_keys() {
        // A top-level key one edit from `rules` is read, and the misspelling reported.
        let misspelt = "Rules:\n  - name: cpu\n";
        let (_, findings) = read("alerts.yaml", misspelt, false).expect("read");
        assert!(
            findings.iter().any(|(_, at)| *at == "Rules"),
            "{findings:?}"
        );
        // A commented-out key is not one, at the top level or below.
        assert_eq!(read("app.yaml", "#rules:\nname: web\n", false), None);
        assert_eq!(read("app.yaml", "name: web\n#  criteria:\n", false), None);
        // A top-level rule key without `rules:` is read as a rule file, which says what is
        // wrong with it; so is a document with only one of a manifest's two keys.
        for (text, first) in [
            ("criteria:\n  - metric: x\n", "criteria"),
            ("kind: alert\ncriteria:\n  - metric: x\n", "kind"),
            ("apiVersion: v1\ncriteria:\n  - metric: x\n", "apiVersion"),
        ] {
            let (_, findings) = read("alerts.yaml", text, false).expect("read");
            assert_eq!(findings[0], ("missing-key", first), "{text:?}");
            assert!(
                findings
                    .iter()
                    .all(|(name, _)| *name != "not-a-rule-source"),
                "{text:?}: {findings:?}"
            );
        }
        // A manifest with a rule key inside it is not read, and noted at the key.
        let manifest = "apiVersion: v1\nkind: ConfigMap\ndata:\n  threshold: \"5\"\n";
        assert_eq!(
            read("cm.yaml", manifest, false),
            Some((0, vec![("not-a-rule-source", "threshold")]))
        );
        assert_eq!(
            read("cm.yaml", "apiVersion: v1\nkind: ConfigMap\n", false),
            None
        );
        // The walk judges by lines: a flow mapping, whose keys start no line, is not parsed
        // (naming the file reads it).
        let flow = "# an alert\n{criteria: [], name: x}\n";
        assert_eq!(read("flow.yaml", flow, false), None);
        assert!(read("flow.yaml", flow, true).is_some());
    }
}
