//! AML111 `not-a-workspace-rule`: which rules the catalog applies to, decided once from the
//! rule's [`Target`] rather than by each reader.

use crate::finding::Finding;
use crate::registry;
use crate::rules::target::is_workspace;
use crate::rules::{AlertRule, Target};

/// Whether the rule is checked against the Azure ML catalog. A rule on another resource type
/// gets a note and is counted, never checked. A rule whose target is unstated (YAML rules) or
/// cannot be resolved offline is checked: a false finding on it is cheaper than a miss.
pub(super) fn checked_against_catalog(rule: &AlertRule, out: &mut Vec<Finding>) -> bool {
    let Target::Type(ty) = &rule.target else {
        return true;
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
