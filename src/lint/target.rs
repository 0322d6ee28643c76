//! AML111 `not-a-workspace-rule` and the choice of the catalog namespace a rule is checked
//! against, decided once from the rule's [`Target`] rather than by each reader.

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::registry;
use crate::rules::{AlertRule, Target};

/// The catalog namespace the rule is checked against, or `None` when the rule is on a resource
/// type the catalog has no metrics for: such a rule gets a note and is counted, never checked.
/// A rule whose target is unstated (YAML rules without `scopes` or `namespace`) or cannot be
/// resolved offline is checked against the workspace: a false finding on it is cheaper than a
/// miss.
pub(super) fn namespace<'c>(
    catalog: &'c Catalog,
    rule: &AlertRule,
    out: &mut Vec<Finding>,
) -> Option<&'c str> {
    let Target::Type(ty) = &rule.target else {
        return Some(&catalog.namespace);
    };
    if let Some(ns) = catalog.namespace_named(&ty.value) {
        return Some(ns);
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
    None
}
