//! Reading a rule's [`Target`] from the hints its source carries. Shared by the ARM and
//! Terraform readers: the first hint that resolves to a resource type wins, in the order Azure
//! itself uses them (`targetResourceType`, then the resource ids in `scopes`, then a
//! criterion's `metricNamespace`); hints that are all unresolvable expressions make the target
//! [`Target::Unresolved`]; no hint at all leaves it [`Target::Unstated`].

use crate::schema::Sp;
use crate::source::Span;

use super::Target;

/// The Azure ML workspace resource type, lowercased.
pub const WORKSPACE: &str = "microsoft.machinelearningservices/workspaces";

/// One hint about a rule's target, as read from its source.
#[derive(Debug, Clone)]
pub enum Hint {
    /// A resource type (`targetResourceType`, `metricNamespace`), any case.
    Type(Sp<String>),
    /// A resource id (an entry of `scopes`), any case.
    ResourceId(Sp<String>),
    /// A hint whose value is an expression that cannot be evaluated offline.
    Unresolved(Span),
}

/// The target the hints, in order of precedence, point at.
pub fn from_hints(hints: impl IntoIterator<Item = Hint>) -> Target {
    let mut unresolved = None;
    for hint in hints {
        match hint {
            Hint::Type(t) => {
                return Target::Type(Sp::new(t.value.trim().to_ascii_lowercase(), t.span));
            }
            Hint::ResourceId(id) => match type_of_resource_id(&id.value) {
                Some(t) => return Target::Type(Sp::new(t, id.span)),
                None => unresolved = unresolved.or(Some(id.span)),
            },
            Hint::Unresolved(span) => unresolved = unresolved.or(Some(span)),
        }
    }
    unresolved.map_or(Target::Unstated, Target::Unresolved)
}

/// The resource type of a resource id, lowercased:
/// `/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e`
/// → `microsoft.machinelearningservices/workspaces/onlineendpoints`. `None` for anything that is
/// not a provider resource id (a subscription or resource group scope, a half-built id).
pub fn type_of_resource_id(id: &str) -> Option<String> {
    let lower = id.trim().to_ascii_lowercase();
    let at = lower.rfind("/providers/")?;
    let mut parts = lower[at + "/providers/".len()..]
        .split('/')
        .filter(|p| !p.is_empty());
    let namespace = parts.next()?;
    if !namespace.contains('.') {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return None;
    }
    let mut ty = namespace.to_string();
    for pair in rest.chunks(2) {
        ty.push('/');
        ty.push_str(pair[0]);
    }
    Some(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_give_their_type() {
        assert_eq!(
            type_of_resource_id(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w"
            )
            .as_deref(),
            Some(WORKSPACE)
        );
        assert_eq!(
            type_of_resource_id(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/deployments/blue"
            )
            .as_deref(),
            Some("microsoft.machinelearningservices/workspaces/onlineendpoints/deployments")
        );
        assert_eq!(
            type_of_resource_id("/subscriptions/s/resourceGroups/g"),
            None
        );
        assert_eq!(
            type_of_resource_id("/subscriptions/s/providers/Microsoft.Compute/virtualMachines"),
            None,
            "a type without a name is not a resource id"
        );
        assert_eq!(type_of_resource_id("[parameters('scope')]"), None);
    }

    #[test]
    fn first_resolved_hint_wins_and_unresolved_is_remembered() {
        let sp = |s: &str, at: usize| Sp::new(s.to_string(), Span::new(at, at + 1));
        let t = from_hints([
            Hint::Unresolved(Span::new(1, 2)),
            Hint::ResourceId(sp(
                "/subscriptions/s/providers/Microsoft.Compute/virtualMachines/vm",
                5,
            )),
            Hint::Type(sp("Microsoft.MachineLearningServices/workspaces", 9)),
        ]);
        assert_eq!(
            t,
            Target::Type(Sp::new(
                "microsoft.compute/virtualmachines".into(),
                Span::new(5, 6)
            ))
        );
        assert_eq!(
            from_hints([
                Hint::Unresolved(Span::new(1, 2)),
                Hint::Unresolved(Span::new(3, 4))
            ]),
            Target::Unresolved(Span::new(1, 2))
        );
        assert_eq!(from_hints([]), Target::Unstated);
    }
}
