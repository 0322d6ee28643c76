//! AML111 `not-a-workspace-rule`, `unresolved-target`, and the choice of the catalog namespace a
//! rule is checked against, decided once from the rule's [`Target`] rather than by each reader.

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::model::{AlertRule, Target};
use crate::registry;

/// How much of a rule is checked.
pub(super) enum Checked<'c> {
    /// Everything, against this catalog namespace.
    Namespace(&'c str),
    /// Its schedule and severity only: a rule whose target cannot be resolved may well be an
    /// Azure ML rule, but a metric valid on another resource type must not be an error.
    ScheduleOnly,
    /// Nothing: a rule on a resource type the catalog has no metrics for (noted and counted).
    Nothing,
}

/// Decides how a rule is checked. A rule whose target is unstated (YAML rules without `scopes`
/// or `namespace`) is checked against the workspace. A rule on a type the catalog has a
/// namespace for (the workspace, an online endpoint, a deployment) is checked against that
/// namespace; a rule on any other type gets a note. A rule whose target the source names but
/// that cannot be resolved offline gets an `unresolved-target` note.
pub(super) fn decide<'c>(
    catalog: &'c Catalog,
    rule: &AlertRule,
    out: &mut Vec<Finding>,
) -> Checked<'c> {
    let ty = match &rule.target {
        Target::Type(ty) => ty,
        Target::Unstated => return Checked::Namespace(&catalog.namespace),
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
            return Checked::ScheduleOnly;
        }
    };
    if let Some(ns) = catalog.namespace_named(&ty.value) {
        return Checked::Namespace(ns);
    }
    let known = catalog.namespaces().join(", ");
    out.push(
        Finding::new(
            &registry::NOT_A_WORKSPACE_RULE,
            rule.file,
            rule.anchor(),
            format!(
                "metric alert `{}` targets `{}`, which is no namespace of the catalog; skipped",
                rule.display_name(),
                ty.value
            ),
        )
        .label("other target")
        .related(rule.file, ty.span, "target read here")
        .help(format!(
            "the catalog knows {known}; add the namespace's metrics with `--catalog` to check it"
        )),
    );
    Checked::Nothing
}
