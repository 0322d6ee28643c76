//! The source-agnostic alert-rule model. Every field keeps the span it was read from, so a
//! check can point at it whichever format the rule came from.

pub mod arm;
pub mod hcl;
pub mod policy;
pub mod script;
pub mod target;
pub mod terraform;
pub mod yaml;

use crate::duration::Duration;
use crate::schema::Sp;
use crate::source::{FileId, Span};
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};

/// One metric alert rule (Azure's `Microsoft.Insights/metricAlerts`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    pub file: FileId,
    /// The whole rule.
    pub span: Span,
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub severity: Option<Sp<i64>>,
    pub enabled: Option<Sp<bool>>,
    pub frequency: Option<Sp<Duration>>,
    pub window: Option<Sp<Duration>>,
    pub auto_mitigate: Option<Sp<bool>>,
    /// What the rule is on, as far as its source says (see [`Target`]).
    pub target: Target,
    pub criteria: Vec<Criterion>,
}

/// The resource a rule targets, from every hint its source carries (`targetResourceType`,
/// the resource types in `scopes`, a criterion's `metricNamespace`, a parameter's
/// `allowedValues`). The linter picks the catalog namespace a rule is checked against from
/// this; readers never decide on their own to skip a rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Target {
    /// The source says nothing about the target (YAML rules, `--condition`): an Azure ML
    /// workspace, as the rule format documents.
    #[default]
    Unstated,
    /// A resource type, lowercased (`microsoft.machinelearningservices/workspaces`,
    /// `microsoft.machinelearningservices/workspaces/onlineendpoints`, `microsoft.compute/virtualmachines`),
    /// with the span it was read from.
    Type(Sp<String>),
    /// The source names a target but it cannot be resolved offline (a parameter without a
    /// default, `resourceId()` of an existing resource): the span of that expression.
    Unresolved(Span),
}

impl AlertRule {
    /// A rule with no fields set yet.
    pub fn new(file: FileId, span: Span) -> Self {
        AlertRule {
            file,
            span,
            name: None,
            description: None,
            severity: None,
            enabled: None,
            frequency: None,
            window: None,
            auto_mitigate: None,
            target: Target::Unstated,
            criteria: Vec::new(),
        }
    }

    /// The span a rule-level finding points at: its name, or the rule itself.
    pub fn anchor(&self) -> Span {
        self.name.as_ref().map_or(self.span, |n| n.span)
    }

    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or("<unnamed>", |n| n.value.as_str())
    }
}

/// One metric criterion of a rule. A field that could not be read (already reported by the
/// reader) is `None`, and every check that does not need it still runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub span: Span,
    pub metric: Sp<String>,
    pub namespace: Option<Sp<String>>,
    pub aggregation: Option<Sp<Aggregation>>,
    pub operator: Option<Sp<Operator>>,
    pub threshold: Option<Threshold>,
    pub dimensions: Vec<DimensionFilter>,
    pub skip_metric_validation: Option<Sp<bool>>,
}

/// A static number or a dynamic (machine-learned) threshold.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    Static(Sp<f64>),
    Dynamic(DynamicThreshold),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DynamicThreshold {
    pub span: Span,
    pub sensitivity: Option<Sp<Sensitivity>>,
    /// `numberOfEvaluationPeriods`.
    pub evaluation_periods: Option<Sp<i64>>,
    /// `minFailingPeriodsToAlert`.
    pub min_failing_periods: Option<Sp<i64>>,
    pub ignore_data_before: Option<Sp<String>>,
}

/// `{name, operator, values}` on one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionFilter {
    pub span: Span,
    pub name: Sp<String>,
    /// `None` when it could not be read (already reported): the name and values are still
    /// checked.
    pub operator: Option<Sp<DimensionOperator>>,
    pub values: Vec<Sp<String>>,
}

use crate::finding::Sink;
use crate::registry;
use crate::yaml::Node;

/// File extensions read as scripts (`az monitor metrics alert create` invocations).
pub const SCRIPT_EXTENSIONS: &[&str] = &["sh", "bash", "zsh", "ps1", "psm1", "cmd", "bat"];

/// Reads rules from a file of any supported kind, chosen by content: JSON (an ARM template or
/// a Terraform plan), text that invokes `az monitor metrics alert create` (scripts and pipeline
/// YAML), or a rule file. A file found by walking a directory that is none of these is skipped
/// (`None`); one named explicitly gets a diagnostic instead.
pub fn read_source(
    name: &str,
    text: &str,
    file: FileId,
    explicit: bool,
    parameters: &[ParameterValue],
) -> Option<yaml::ReadRules> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let json = trimmed.starts_with('{')
        || (ext == "json" && trimmed.starts_with('['))
        || (trimmed.starts_with("//") || trimmed.starts_with("/*"))
            && arm::blank_comments(trimmed).trim_start().starts_with('{');
    if json {
        return read_json(text, file, explicit, parameters);
    }
    if ext == "tf" {
        let mut sink = Sink::new(file);
        let rules = hcl::read(text, &mut sink);
        if rules.is_empty() && sink.findings.is_empty() && !explicit {
            return None;
        }
        return Some(yaml::ReadRules {
            rules,
            findings: sink.findings,
            suppressions: Vec::new(),
        });
    }
    if SCRIPT_EXTENSIONS.contains(&ext.as_str()) || script::mentions_command(text) {
        let mut sink = Sink::new(file);
        let rules = script::read(text, &mut sink);
        if rules.is_empty() && sink.findings.is_empty() && !explicit {
            return None;
        }
        if rules.is_empty() && explicit && sink.findings.is_empty() {
            sink.push(
                sink.at(
                    &registry::EMPTY_FILE,
                    crate::source::Span::new(0, 0),
                    "no `az monitor metrics alert create` in this script",
                )
                .help("amlguard reads the alert rules a script creates"),
            );
        }
        return Some(yaml::ReadRules {
            rules,
            findings: sink.findings,
            suppressions: Vec::new(),
        });
    }
    if !explicit && !text.contains("rules:") {
        return None;
    }
    Some(yaml::read(text, file))
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
            sink.push(
                sink.at(
                    &registry::YAML_SYNTAX,
                    e.span,
                    format!("invalid JSON: {}", e.message),
                )
                .label("the parser stopped here"),
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
        terraform::read(&doc, &mut sink)
    } else if policy::is_policy(&doc) {
        suppressions = arm::suppressions(&doc, file);
        policy::read(&doc, &mut sink)
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
        let scope = arm::Scope::of(&doc, values);
        let rules = arm::read(&doc, &scope, &mut sink);
        suppressions = arm::suppressions(&doc, file);
        rules
    } else if explicit {
        sink.push(
            sink.at(&registry::WRONG_TYPE, doc.span, "this JSON is not an ARM template, an Azure Policy definition or a Terraform plan")
                .label("not a rule source")
                .help("lint ARM templates (`az bicep build` compiles Bicep to one), policy definitions, or `terraform show -json PLAN`"),
        );
        Vec::new()
    } else {
        return None;
    };
    Some(yaml::ReadRules {
        rules,
        findings: sink.findings,
        suppressions,
    })
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
            sink.push(
                sink.at(
                    &registry::YAML_SYNTAX,
                    e.span,
                    format!("invalid JSON in a parameter file: {}", e.message),
                )
                .label("the parser stopped here")
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
