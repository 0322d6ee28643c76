//! AML111 `not-a-workspace-rule`: which rules the catalog applies to, decided once from the
//! rule's [`Target`] rather than by each reader.

use crate::finding::Finding;
use crate::registry;
use crate::rules::target::is_workspace;
use crate::rules::{AlertRule, Target};

/// Whether the rule's schedule and severity are checked although its metrics are not: a rule
/// whose target cannot be resolved may well be an Azure ML rule.
pub(super) fn schedule_checked(rule: &AlertRule) -> bool {
    matches!(rule.target, Target::Unresolved(_))
}

/// Whether the rule is checked against the Azure ML catalog. A rule on another resource type
/// gets a note and is counted, never checked. A rule whose target is unstated (YAML rules) is
/// checked. A rule whose target the source names but that cannot be resolved offline gets an
/// `unresolved-target` note: a metric valid on another resource type must not be an error.
pub(super) fn checked_against_catalog(rule: &AlertRule, out: &mut Vec<Finding>) -> bool {
    let ty = match &rule.target {
        Target::Type(ty) => ty,
        Target::Unstated => return true,
        Target::Unresolved(at) => {
            out.push(
                Finding::new(
                    &registry::UNRESOLVED_TARGET,
                    rule.file,
                    rule.anchor(),
                    format!(
                        "the target of metric alert `{}` cannot be resolved offline; its metrics are not checked against the Azure ML catalog",
                        rule.display_name()
                    ),
                )
                .label("target unknown")
                .related(rule.file, *at, "target given here")
                .help("pass the parameter values with `--parameters FILE`, or set `metricNamespace` on each criterion"),
            );
            return false;
        }
    };
    if is_workspace(&ty.value) {
        return true;
    }
    out.push(
        Finding::new(
            &registry::NOT_A_WORKSPACE_RULE,
            rule.file,
            rule.anchor(),
            format!(
                "metric alert `{}` targets `{}`, not an Azure ML workspace; skipped",
                rule.display_name(),
                ty.value
            ),
        )
        .label("other target")
        .related(rule.file, ty.span, "target read here"),
    );
    false
}
