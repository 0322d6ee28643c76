//! The source-agnostic alert-rule model. Every reader fills it and every check reads it; it
//! imports none of them. Every field keeps the span it was read from, so a check can point at
//! it whichever format the rule came from.

mod log;
mod metric;
mod span_map;
mod spanned;

pub use log::{FailingPeriods, LogCriterion, LogRule, LogRuleKind, Query};
pub use metric::{Criterion, DimensionFilter, DynamicThreshold, Threshold};
pub use span_map::SpanMap;
pub use spanned::Sp;

use crate::duration::Duration;
use crate::source::{FileId, Span};

/// One alert rule: a metric alert (Azure's `Microsoft.Insights/metricAlerts`, with metric
/// `criteria`) or a log alert (`Microsoft.Insights/scheduledQueryRules`, with `log` set and its
/// criteria there).
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
    /// Metric criteria (empty for a log rule).
    pub criteria: Vec<Criterion>,
    /// Set for a log alert rule.
    pub log: Option<LogRule>,
    /// The source changes a rule that is defined elsewhere (`az monitor metrics alert update`,
    /// `az monitor scheduled-query update`, a Terraform override file): its fields are
    /// checked, but it names a rule rather than defining one.
    pub update: bool,
    /// The resource group the rule is deployed to, when its source writes it out (`az … -g rg`,
    /// Terraform's `resource_group_name = "rg"`); `None` when the source does not say or says
    /// it with a variable (ARM and Bicep deploy to a group chosen at deployment).
    pub resource_group: Option<Sp<String>>,
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
            log: None,
            update: false,
            resource_group: None,
        }
    }

    /// The span a rule-level finding points at: its name, or the rule itself.
    pub fn anchor(&self) -> Span {
        self.name.as_ref().map_or(self.span, |n| n.span)
    }

    /// Whether this is a log alert rule (`scheduledQueryRules`).
    pub fn is_log(&self) -> bool {
        self.log.is_some()
    }

    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or("<unnamed>", |n| n.value.as_str())
    }
}
