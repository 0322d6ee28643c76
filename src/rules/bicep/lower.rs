//! Lowers an evaluated `metricAlerts` or `scheduledQueryRules` resource body to the spanned tree
//! the ARM reader reads, so that Bicep rules go through the same extraction and checks as ARM
//! rules.
//!
//! A value written in another file than the rule (a `.bicepparam`, a calling module) keeps its
//! span there: the span is moved into a per-file range above the rule file's own offsets
//! ([`encode`]) and moved back with its file when findings are placed ([`decode`]). A value
//! known only at deployment becomes an ARM-style expression string, which the ARM reader
//! reports as `unresolved-expression`; the note's message is then given the Bicep text and the
//! reason.

use crate::finding::{Finding, Label, Sink};
use crate::registry;
use crate::rules::arm;
use crate::source::{FileId, Span};
use crate::yaml::{Key, Node, Value};

use super::eval::{Env, Unresolved, V, Val};
use super::{BicepRead, BicepRule};

/// The width of the offset range of one file (far beyond any file read).
const SLOT: usize = usize::MAX / 64;
/// Files other than the rule's own one that one rule can point into.
const MAX_REMOTE: usize = 62;

/// Keys whose value is a structure the ARM reader walks: if it is unknown, nothing under it is
/// checked, which is said in a note.
const STRUCTURAL: &[&str] = &[
    "properties",
    "criteria",
    "allOf",
    "dimensions",
    "failingPeriods",
];

/// A span in `file`, as seen from a rule in another file.
pub fn encode(remote: &mut Vec<FileId>, file: FileId, span: Span) -> Option<Span> {
    let slot = match remote.iter().position(|f| *f == file) {
        Some(i) => i,
        None if remote.len() < MAX_REMOTE => {
            remote.push(file);
            remote.len() - 1
        }
        None => return None,
    };
    if span.end >= SLOT {
        return None;
    }
    let base = (slot + 1) * SLOT;
    Some(Span::new(base + span.start, base + span.end))
}

/// The file and span an encoded span stands for; `None` for a span of the rule's own file.
pub fn decode(remote: &[FileId], span: Span) -> Option<(FileId, Span)> {
    if span.start < SLOT {
        return None;
    }
    let slot = span.start / SLOT - 1;
    let base = (slot + 1) * SLOT;
    let file = *remote.get(slot)?;
    Some((
        file,
        Span::new(span.start - base, span.end.saturating_sub(base)),
    ))
}

struct Lowering {
    file: FileId,
    /// Where a value from elsewhere is placed if its file cannot be encoded.
    fallback: Span,
    remote: Vec<FileId>,
    unknowns: Vec<(Span, Unresolved)>,
    notes: Vec<Finding>,
}

impl Lowering {
    /// A lowering of a rule in `file`, declared at `decl`.
    fn new(file: FileId, decl: Span) -> Lowering {
        Lowering {
            file,
            fallback: decl,
            remote: Vec::new(),
            unknowns: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn span(&mut self, file: FileId, span: Span) -> Span {
        if file == self.file {
            span
        } else {
            encode(&mut self.remote, file, span).unwrap_or(self.fallback)
        }
    }

    fn node(&mut self, v: &Val, key: Option<&str>, depth: usize) -> Node {
        let span = self.span(v.file, v.span);
        let value = match &v.v {
            _ if depth > 64 => Value::Null,
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Int(i) => Value::Int(*i),
            V::Str(s) => Value::String(s.clone()),
            V::Arr(items) => {
                // Items of a structural list are structures themselves.
                let item_key = key.filter(|k| STRUCTURAL.iter().any(|s| s.eq_ignore_ascii_case(k)));
                Value::Seq(
                    items
                        .iter()
                        .map(|i| self.node(i, item_key, depth + 1))
                        .collect(),
                )
            }
            V::Obj(props) => Value::Map(
                props
                    .iter()
                    .filter_map(|(k, ks, x)| {
                        let key = Key {
                            name: k.clone(),
                            span: self.span(x.file, *ks),
                        };
                        let node = self.node(x, Some(k), depth + 1);
                        // An unknown structure is noted (by `node`) and left out: the ARM
                        // reader would take its placeholder text for a value of the wrong type.
                        let structural = STRUCTURAL.iter().any(|s| s.eq_ignore_ascii_case(k));
                        (!(structural && matches!(x.v, V::Unknown(_)))).then_some((key, node))
                    })
                    .collect(),
            ),
            V::Unknown(u) => {
                if let Some(k) =
                    key.filter(|k| STRUCTURAL.iter().any(|s| s.eq_ignore_ascii_case(k)))
                {
                    self.notes.push(
                        Finding::new(
                            &registry::UNRESOLVED_EXPRESSION,
                            self.file,
                            span,
                            format!("{k} `{}` is not checked: {}", u.text, u.reason),
                        )
                        .label("unresolved")
                        .help(HELP),
                    );
                }
                self.unknowns.push((span, (**u).clone()));
                // An ARM expression, so that the ARM reader treats it as unresolved.
                Value::String(format!("[ {}]", u.text.replace(']', ")")))
            }
        };
        Node { value, span }
    }
}

const HELP: &str = "give the value in a .bicepparam file or with `--parameters FILE`; values known only at deployment are not checked";

/// Reads one evaluated metric-alert body into a rule (or notes why it cannot be).
pub(super) fn metric_alert(env: &Env, body: Val, decl: Span, via: &[Label], out: &mut BicepRead) {
    let mut low = Lowering::new(env.file, decl);
    if let Some(f) = no_criteria(&mut low, &body) {
        out.findings.extend(place(&low.remote, via, vec![f]));
    }
    alert(env, body, decl, via, out, "metric alert", arm::metric_alert)
}

/// A metric alert whose `properties`, an object, have no `criteria` key: the error ARM gets, at
/// the `properties` key. Looked for before lowering, which leaves out a `criteria` known only
/// at deployment (that one is noted as unresolved, not as missing).
fn no_criteria(low: &mut Lowering, body: &Val) -> Option<Finding> {
    let V::Obj(fields) = &body.v else {
        return None;
    };
    let (_, key, props) = fields
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case("properties"))?;
    let V::Obj(props_fields) = &props.v else {
        return None;
    };
    if props_fields
        .iter()
        .any(|(k, _, _)| k.eq_ignore_ascii_case("criteria"))
    {
        return None;
    }
    Some(arm::missing_criteria(low.file, low.span(props.file, *key)))
}

/// Reads one evaluated scheduled-query-rule body into a log rule (or notes why it cannot be).
/// Its query is mapped into the Bicep text where it is written in the rule's file (a `'''`
/// string keeps exact spans; an escaped or interpolated one points at the string).
pub(super) fn log_alert(env: &Env, body: Val, decl: Span, via: &[Label], out: &mut BicepRead) {
    alert(
        env,
        body,
        decl,
        via,
        out,
        "log alert",
        crate::rules::arm_log::log_alert,
    )
}

type ReadAlert =
    for<'a> fn(&'a Node, &'a arm::Scope<'a>, &mut Sink) -> Option<crate::model::AlertRule>;

fn alert(
    env: &Env,
    body: Val,
    decl: Span,
    via: &[Label],
    out: &mut BicepRead,
    what: &str,
    read: ReadAlert,
) {
    let mut low = Lowering::new(env.file, decl);
    if let V::Unknown(u) = &body.v {
        let f = Finding::new(
            &registry::UNRESOLVED_EXPRESSION,
            env.file,
            decl,
            format!("the {what} `{}` is not checked: {}", u.text, u.reason),
        )
        .label("unresolved")
        .help(HELP);
        out.findings.extend(place(&low.remote, via, vec![f]));
        return;
    }
    let node = low.node(&body, None, 0);
    let scope = arm::Scope {
        parameters: None,
        variables: None,
        values: Vec::new(),
        parent: None,
        policy: false,
        text: Some(env.src),
    };
    let mut sink = Sink::new(env.file);
    let rule = read(&node, &scope, &mut sink);
    let mut findings = sink.findings;
    for f in &mut findings {
        if f.check.code != registry::UNRESOLVED_EXPRESSION.code {
            continue;
        }
        if let Some((_, u)) = low.unknowns.iter().find(|(s, _)| *s == f.span) {
            let what = f
                .message
                .split(" `")
                .next()
                .unwrap_or("the value")
                .to_string();
            f.message = format!("{what} `{}` is not checked: {}", u.text, u.reason);
            f.help = Some(HELP.into());
        }
    }
    findings.extend(low.notes);
    let placed = BicepRule {
        rule: rule
            .clone()
            .unwrap_or_else(|| crate::model::AlertRule::new(env.file, decl)),
        remote: low.remote,
        via: via.to_vec(),
    };
    out.findings.extend(placed.place(findings));
    if rule.is_some() {
        out.rules.push(placed);
    }
}

fn place(remote: &[FileId], via: &[Label], findings: Vec<Finding>) -> Vec<Finding> {
    BicepRule {
        rule: crate::model::AlertRule::new(FileId(0), Span::default()),
        remote: remote.to_vec(),
        via: via.to_vec(),
    }
    .place(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_round_trip_through_encoding() {
        let mut remote = Vec::new();
        let a = encode(&mut remote, FileId(7), Span::new(3, 9)).unwrap();
        let b = encode(&mut remote, FileId(2), Span::new(0, 1)).unwrap();
        assert_eq!(decode(&remote, a), Some((FileId(7), Span::new(3, 9))));
        assert_eq!(decode(&remote, b), Some((FileId(2), Span::new(0, 1))));
        assert_eq!(decode(&remote, Span::new(3, 9)), None);
    }

    /// Up to `MAX_REMOTE` other files have a slot each, the same file keeps its slot, and a
    /// span too long for a slot is not encoded.
    #[test]
    fn remote_files_have_a_bounded_number_of_slots() {
        let mut remote = Vec::new();
        for f in 0..MAX_REMOTE + 3 {
            let span = Span::new(f, f + 1);
            let encoded = encode(&mut remote, FileId(f), span);
            if f < MAX_REMOTE {
                let encoded = encoded.unwrap();
                assert_eq!(decode(&remote, encoded), Some((FileId(f), span)));
                assert_eq!(encode(&mut remote, FileId(f), span), Some(encoded));
            } else {
                assert_eq!(encoded, None, "{f}");
            }
        }
        assert_eq!(remote.len(), MAX_REMOTE);
        assert_eq!(encode(&mut remote, FileId(0), Span::new(0, SLOT)), None);
        assert!(encode(&mut remote, FileId(0), Span::new(0, SLOT - 1)).is_some());
    }
}
