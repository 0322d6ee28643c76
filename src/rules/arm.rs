//! ARM templates (JSON, with the comments ARM allows; Bicep compiles to them with
//! `az bicep build`): every `Microsoft.Insights/metricAlerts` resource at any depth — top level,
//! child resources, nested deployments with an inline template, policy definitions the
//! template deploys — becomes an [`AlertRule`] whose spans point at the exact JSON tokens.
//! `[parameters('x')]` and `[variables('x')]` are followed to any depth from defaults, the
//! values a deployment passes and parameter files, with cycle detection; other expressions
//! leave their field unchecked with a note. Every field is read on its own, so one that cannot
//! be read hides no other. Property names are matched case-insensitively, as ARM does.

use crate::finding::{Finding, Sink};
use crate::registry;
use crate::schema::{self, Sp};
use crate::source::{FileId, Span};
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};
use crate::yaml::{Key, Node, Value};

use super::yaml::{duration, keyword};
use crate::model::{AlertRule, Criterion, DimensionFilter, DynamicThreshold, Threshold};

/// Replaces `//` and `/* */` comments outside strings with spaces (newlines kept), so byte
/// offsets stay those of the original text.
pub fn blank_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let (mut i, mut in_str, mut esc) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1)) {
            (b'"', _) => in_str = true,
            (b'/', Some(b'/')) => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let start = i;
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                let end = (i + 2).min(b.len());
                for o in &mut out[start..end] {
                    if *o != b'\n' {
                        *o = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were replaced, by ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A mapping entry's value by name, case-insensitively.
pub fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    entry(node, key).map(|(_, v)| v)
}

/// A mapping entry by name, case-insensitively: its key (with the key's span) and value.
fn entry<'a>(node: &'a Node, key: &str) -> Option<(&'a Key, &'a Node)> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name.eq_ignore_ascii_case(key))
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

/// Where parameters and variables come from while reading one template.
pub struct Scope<'a> {
    /// `parameters` of the template (with `defaultValue`s).
    pub parameters: Option<&'a Node>,
    pub variables: Option<&'a Node>,
    /// Values given from outside: a parameter file (with the file they were read from), or the
    /// `parameters` a nested deployment (or a policy's `deployIfNotExists` deployment) passes,
    /// which are evaluated in `parent`.
    pub values: Vec<(String, &'a Node, Option<FileId>)>,
    /// The scope `values` are evaluated in (`None`: they are literal values).
    pub parent: Option<&'a Scope<'a>>,
    /// Inside a policy definition, where `[[expr]` is an expression evaluated when the policy
    /// deploys, read as `[expr]`.
    pub policy: bool,
    /// The text of the file the template was read from, where a log alert's query is mapped
    /// back to (`None`: its spans are not in one text, and a query maps to its start).
    pub text: Option<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn of(template: &'a Node, values: Vec<(String, &'a Node, Option<FileId>)>) -> Self {
        Scope {
            parameters: get(template, "parameters"),
            variables: get(template, "variables"),
            values,
            parent: None,
            policy: false,
            text: None,
        }
    }

    /// The same scope, reading queries from `text`.
    pub fn with_text(mut self, text: &'a str) -> Self {
        self.text = Some(text);
        self
    }

    /// The scope of a template deployed from inside this one, given the values passed to it.
    pub fn nested(
        &'a self,
        template: &'a Node,
        values: Vec<(String, &'a Node, Option<FileId>)>,
    ) -> Scope<'a> {
        Scope {
            parent: Some(self),
            policy: self.policy,
            text: self.text,
            ..Scope::of(template, values)
        }
    }

    /// Where `parameters(name)` leads: a value, the scope to evaluate it in, and the parameter
    /// file it was read from.
    fn parameter(&'a self, name: &str) -> Option<(&'a Node, &'a Scope<'a>, Option<FileId>)> {
        if let Some((_, v, file)) = self
            .values
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        {
            return Some((v, self.parent.unwrap_or(self), *file));
        }
        self.declared(name)
            .and_then(|p| get(p, "defaultValue"))
            .map(|v| (v, self, None))
    }

    /// The declaration of parameter `name`.
    fn declared(&self, name: &str) -> Option<&'a Node> {
        self.parameters.and_then(|p| get(p, name))
    }

    fn variable(&'a self, name: &str) -> Option<(&'a Node, &'a Scope<'a>)> {
        self.variables.and_then(|v| get(v, name)).map(|v| (v, self))
    }

    /// The text inside an expression string (`[x]`, and in a policy also `[[x]`), or `None` for
    /// a literal.
    fn expression<'s>(&self, s: &'s str) -> Option<&'s str> {
        let t = s.trim();
        let inner = t.strip_prefix('[')?.strip_suffix(']')?;
        match inner.strip_prefix('[') {
            Some(escaped) if self.policy => Some(escaped),
            Some(_) => None,
            None => Some(inner),
        }
    }
}

/// `parameters('x')` / `variables('x')` (the text inside the brackets) → (kind, name).
fn reference(inner: &str) -> Option<(&str, &str)> {
    let inner = inner.trim();
    let (func, rest) = inner.split_once('(')?;
    let arg = rest.strip_suffix(')')?.trim();
    let name = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    let func = func.trim();
    (func.eq_ignore_ascii_case("parameters") || func.eq_ignore_ascii_case("variables"))
        .then_some((func, name))
}

/// How a field's expression ended when it could not be resolved.
enum Unresolved<'a> {
    /// A parameter with no value: its declaration, for the hints it carries (`allowedValues`).
    Parameter(String, Option<&'a Node>),
    Variable(String),
    /// An expression other than `parameters()`/`variables()` (its text).
    Other(String),
    /// A reference chain that comes back to itself.
    Cycle(Vec<String>),
}

type Step<'a> = Result<(&'a Node, &'a Scope<'a>, Option<FileId>, String), Unresolved<'a>>;

/// One reference followed: `None` when `s` is a literal.
fn step<'a>(s: &str, sc: &'a Scope<'a>) -> Option<Step<'a>> {
    let inner = sc.expression(s)?;
    let Some((func, name)) = reference(inner) else {
        return Some(Err(Unresolved::Other(s.trim().to_string())));
    };
    let label = format!("{}('{name}')", func.to_ascii_lowercase());
    Some(if func.eq_ignore_ascii_case("parameters") {
        sc.parameter(name)
            .map(|(n, s, file)| (n, s, file, label))
            .ok_or_else(|| Unresolved::Parameter(name.to_string(), sc.declared(name)))
    } else {
        sc.variable(name)
            .map(|(n, s)| (n, s, None, label))
            .ok_or_else(|| Unresolved::Variable(name.to_string()))
    })
}

/// Where a resolved value was read from, when that is a parameter file.
type Origin = Option<(FileId, Span)>;

/// Follows `parameters()`/`variables()` references to any depth, with cycle detection.
/// `Ok(None)`: `node` itself is the value.
fn follow<'a>(
    node: &Node,
    scope: &'a Scope<'a>,
) -> Result<Option<(&'a Node, Origin)>, Unresolved<'a>> {
    let Value::String(s) = &node.value else {
        return Ok(None);
    };
    let Some(first) = step(s, scope) else {
        return Ok(None);
    };
    let mut next = first?;
    let mut seen: Vec<*const Node> = Vec::new();
    let mut chain: Vec<String> = Vec::new();
    let mut origin = None;
    loop {
        let (current, sc, file, label) = next;
        chain.push(label);
        if seen.contains(&(current as *const Node)) {
            return Err(Unresolved::Cycle(chain));
        }
        seen.push(current as *const Node);
        if let Some(file) = file {
            origin = Some((file, current.span));
        }
        let Value::String(s) = &current.value else {
            return Ok(Some((current, origin)));
        };
        match step(s, sc) {
            None => return Ok(Some((current, origin))),
            Some(r) => next = r?,
        }
    }
}

/// The node a string field's value is literally written at, in this template's file: the field
/// itself, or the variable or parameter default it refers to. `None` for a value read from a
/// parameter file, and for one that does not resolve.
pub(super) fn literal_in_file<'a>(node: &'a Node, scope: &'a Scope<'a>) -> Option<&'a Node> {
    match follow(node, scope) {
        Ok(None) => Some(node),
        Ok(Some((n, None))) => Some(n),
        _ => None,
    }
}

/// A field's value with expressions resolved. The span stays where the template refers to it.
/// `None` (with a note, or an error for a reference cycle) when it cannot be resolved.
pub fn resolve<'a>(node: &Node, scope: &'a Scope<'a>, what: &str, sink: &mut Sink) -> Option<Node> {
    resolve_from(node, scope, what, sink).map(|(n, _)| n)
}

/// [`resolve`], with the parameter file the value was read from.
fn resolve_from<'a>(
    node: &Node,
    scope: &'a Scope<'a>,
    what: &str,
    sink: &mut Sink,
) -> Option<(Node, Origin)> {
    match follow(node, scope) {
        Ok(n) => {
            let value = match &n.map_or(node, |(v, _)| v).value {
                // `[[…]` outside a policy is ARM's escape for a literal that starts with `[`.
                Value::String(s) if !scope.policy && s.trim_start().starts_with("[[") => {
                    Value::String(s.trim_start()[1..].to_string())
                }
                other => other.clone(),
            };
            Some((
                Node {
                    value,
                    span: node.span,
                },
                n.and_then(|(_, origin)| origin),
            ))
        }
        Err(why) => {
            let s = match &node.value {
                Value::String(s) => s.as_str(),
                _ => "",
            };
            let f = match why {
                Unresolved::Cycle(chain) => sink
                    .at(
                        &registry::CIRCULAR_REFERENCE,
                        node.span,
                        format!("{what} `{s}` refers to itself: {}", chain.join(" → ")),
                    )
                    .label("circular reference")
                    .help("ARM rejects a template whose variables or parameters refer to each other in a cycle; give one of them a value"),
                Unresolved::Parameter(name, _) => unresolved_note(sink, node, what, s, format!("parameters `{name}` has no value here")),
                Unresolved::Variable(name) => unresolved_note(sink, node, what, s, format!("variables `{name}` has no value here")),
                Unresolved::Other(reached) if reached == s.trim() => unresolved_note(sink, node, what, s, "only parameters() and variables() are evaluated".into()),
                Unresolved::Other(reached) => unresolved_note(sink, node, what, s, format!("it leads to `{}`, and only parameters() and variables() are evaluated", clip(&reached))),
            };
            sink.push(f);
            None
        }
    }
}

/// At most 80 characters of an expression, for a message.
fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn unresolved_note(
    sink: &Sink,
    node: &Node,
    what: &str,
    s: &str,
    why: String,
) -> crate::finding::Finding {
    sink.at(
        &registry::UNRESOLVED_EXPRESSION,
        node.span,
        format!("{what} `{s}` is not checked: {why}"),
    )
    .label("unresolved")
    .help("pass a parameter file with `--parameters FILE`")
}

/// A field resolved and read as a typed value. A value read from a parameter file that has the
/// wrong type is reported in the parameter file, where the fix goes, with the template's use of
/// it as related; the value itself keeps the template's span, where the rule uses it.
pub(super) fn typed<'a, T>(
    node: &Node,
    scope: &'a Scope<'a>,
    what: &str,
    sink: &mut Sink,
    read: impl FnOnce(&Node, &str, &mut Sink) -> Option<Sp<T>>,
) -> Option<Sp<T>> {
    let (value, origin) = resolve_from(node, scope, what, sink)?;
    let Some((file, span)) = origin else {
        return read(&value, what, sink);
    };
    let mut there = Sink::new(file);
    let got = read(
        &Node {
            value: value.value,
            span,
        },
        what,
        &mut there,
    );
    for f in there.findings {
        sink.push(f.related(
            sink.file,
            node.span,
            format!("the template's `{what}` uses it here"),
        ));
    }
    got.map(|v| Sp::new(v.value, node.span))
}

/// The rules of an ARM template.
pub fn read<'a>(doc: &'a Node, scope: &'a Scope<'a>, sink: &mut Sink) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    if let Some(resources) = get(doc, "resources") {
        walk(resources, scope, sink, &mut rules, 0);
    }
    rules
}

/// Reads every metric alert in `resources`, their child resources and nested deployments.
pub(crate) fn walk<'a>(
    resources: &'a Node,
    scope: &'a Scope<'a>,
    sink: &mut Sink,
    rules: &mut Vec<AlertRule>,
    depth: usize,
) {
    // Child resources and nested deployments are followed to any depth a parsed template can
    // have; a rule past the bound (in a tree built by hand) is noted, never silently lost.
    if depth > super::MAX_WALK_DEPTH {
        sink.push(
            sink.at(
                &registry::UNRESOLVED_EXPRESSION,
                resources.span,
                format!(
                    "resources nested more than {} levels deep are not read",
                    super::MAX_WALK_DEPTH
                ),
            )
            .label("not read")
            .help("any metric alert in here is not checked"),
        );
        return;
    }
    let items: Vec<&Node> = match &resources.value {
        Value::Seq(items) => items.iter().collect(),
        // Symbolic-name templates (languageVersion 2.0) keep resources in a mapping.
        Value::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        _ => return,
    };
    for r in items {
        let ty = get(r, "type").and_then(|t| match &t.value {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        });
        match ty.as_deref() {
            Some("microsoft.insights/metricalerts") => {
                if let Some(rule) = metric_alert(r, scope, sink) {
                    no_criteria(r, sink);
                    rules.push(rule);
                }
            }
            Some("microsoft.insights/scheduledqueryrules") => {
                if let Some(rule) = super::arm_log::log_alert(r, scope, sink) {
                    rules.push(rule);
                }
            }
            Some("microsoft.resources/deployments") => {
                let props = get(r, "properties");
                if let Some(link) = props.and_then(|p| get(p, "templateLink")) {
                    sink.push(
                        sink.at(
                            &registry::UNRESOLVED_EXPRESSION,
                            link.span,
                            "a linked template is not read: any metric alert it deploys is not checked",
                        )
                        .label("linked template")
                        .help("lint the linked template itself, with the parameters this deployment passes in a parameter file"),
                    );
                }
                if let Some(template) = props.and_then(|p| get(p, "template")) {
                    let values = passed_values(props.and_then(|p| get(p, "parameters")));
                    let inner = scope.nested(template, values);
                    if let Some(res) = get(template, "resources") {
                        walk(res, &inner, sink, rules, depth + 1);
                    }
                }
            }
            Some("microsoft.authorization/policydefinitions") => {
                rules.extend(super::policy::definition(r, scope.text, sink, depth + 1));
            }
            _ => {}
        }
        if let Some(children) = get(r, "resources") {
            walk(children, scope, sink, rules, depth + 1);
        }
    }
}

/// A metric alert whose `properties` (an object, not an expression) have no `criteria`:
/// Azure refuses it at deployment, and it would alert on nothing. Reported at `properties`.
fn no_criteria(r: &Node, sink: &mut Sink) {
    let Some((key, props)) = entry(r, "properties") else {
        return;
    };
    if matches!(props.value, Value::Map(_)) && get(props, "criteria").is_none() {
        sink.push(missing_criteria(sink.file, key.span));
    }
}

/// The `missing-key` error for a metric alert's `properties` without `criteria`, at
/// `properties` (ARM, and Bicep before it is lowered).
pub(crate) fn missing_criteria(file: FileId, properties: Span) -> Finding {
    Finding::new(
        &registry::MISSING_KEY,
        file,
        properties,
        "a metric alert's properties have no `criteria`",
    )
    .label("needs `criteria`")
    .help("add `criteria` with `odata.type` and an `allOf` list of criteria")
}

/// The `{"name": {"value": …}}` a deployment passes to its template.
pub(crate) fn passed_values(parameters: Option<&Node>) -> Vec<(String, &Node, Option<FileId>)> {
    let mut values = Vec::new();
    if let Some(Value::Map(entries)) = parameters.map(|n| &n.value) {
        for (k, v) in entries {
            if let Some(val) = get(v, "value") {
                values.push((k.name.clone(), val, None));
            }
        }
    }
    values
}

/// `"metadata": {"amlguard-ignore": ["check", …]}` on any resource: a suppression covering it.
pub fn suppressions(doc: &Node, file: crate::source::FileId) -> Vec<crate::suppress::Suppression> {
    let mut out = Vec::new();
    fn visit(
        n: &Node,
        file: crate::source::FileId,
        out: &mut Vec<crate::suppress::Suppression>,
        depth: usize,
    ) {
        if depth > super::MAX_WALK_DEPTH {
            return;
        }
        match &n.value {
            Value::Map(entries) => {
                if let Some(list) = get(n, "metadata").and_then(|m| get(m, "amlguard-ignore")) {
                    let checks: Vec<String> = match &list.value {
                        Value::Seq(items) => items
                            .iter()
                            .filter_map(|i| match &i.value {
                                Value::String(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                        Value::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    if get(n, "type").is_some() {
                        out.push(crate::suppress::Suppression {
                            file,
                            at: list.span,
                            covers: n.span,
                            checks,
                            used: false,
                        });
                    }
                }
                for (_, v) in entries {
                    visit(v, file, out, depth + 1);
                }
            }
            Value::Seq(items) => {
                for v in items {
                    visit(v, file, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    visit(doc, file, &mut out, 0);
    out
}

pub(super) fn string<'a>(
    node: &Node,
    scope: &'a Scope<'a>,
    what: &str,
    sink: &mut Sink,
) -> Option<Sp<String>> {
    let n = resolve(node, scope, what, sink)?;
    schema::string(&n, what, sink)
}

/// What the rule targets, from `targetResourceType`, the ids in `scopes` and the criteria's
/// `metricNamespace`, each resolved through parameters and variables where it can be. A
/// parameter without a value whose `allowedValues` all name one type counts as that type.
fn target<'a>(props: &Node, scope: &'a Scope<'a>) -> super::Target {
    use super::target::{Hint, from_hints};
    let hint = |n: &Node, id: bool| match follow(n, scope).map(|v| v.map_or(n, |(v, _)| v)) {
        Ok(Node {
            value: Value::String(s),
            ..
        }) if scope.expression(s).is_none() => {
            let s = Sp::new(s.clone(), n.span);
            if id {
                Hint::ResourceId(s)
            } else {
                Hint::Type(s)
            }
        }
        Err(Unresolved::Parameter(_, Some(declared))) => declared_type(declared, id)
            .map_or(Hint::Unresolved(n.span), |t| Hint::Type(Sp::new(t, n.span))),
        _ => Hint::Unresolved(n.span),
    };
    let mut hints = Vec::new();
    if let Some(t) = get(props, "targetResourceType") {
        hints.push(hint(t, false));
    }
    match get(props, "scopes") {
        Some(Node {
            value: Value::Seq(scopes),
            ..
        }) => hints.extend(scopes.iter().map(|s| hint(s, true))),
        Some(other) => hints.push(hint(other, true)),
        None => {}
    }
    let criteria = get(props, "criteria").and_then(|c| get(c, "allOf"));
    if let Some(Value::Seq(items)) = criteria.map(|n| &n.value) {
        hints.extend(
            items
                .iter()
                .filter_map(|c| get(c, "metricNamespace"))
                .map(|n| hint(n, false)),
        );
    }
    from_hints(hints)
}

/// The one resource type a parameter without a value can stand for: all its `allowedValues`
/// name the same type (as types, or as resource ids when `id`), or its `metadata.strongType`
/// (Azure Policy's picker hint) is a resource type.
fn declared_type(declared: &Node, id: bool) -> Option<String> {
    use super::target::type_of_resource_id;
    if let Some(Value::Seq(items)) = get(declared, "allowedValues").map(|a| &a.value) {
        let types: Vec<Option<String>> = items
            .iter()
            .map(|i| match &i.value {
                Value::String(s) if id => type_of_resource_id(s),
                Value::String(s) if s.contains('/') => Some(s.trim().to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        return match types.first() {
            Some(Some(first)) if types.iter().all(|t| t.as_ref() == Some(first)) => {
                Some(first.clone())
            }
            _ => None,
        };
    }
    match get(declared, "metadata").and_then(|m| get(m, "strongType")) {
        Some(Node {
            value: Value::String(s),
            ..
        }) if s.contains('/') && s.split('/').next().is_some_and(|ns| ns.contains('.')) => {
            Some(s.trim().to_ascii_lowercase())
        }
        _ => None,
    }
}

pub(crate) fn metric_alert<'a>(
    r: &Node,
    scope: &'a Scope<'a>,
    sink: &mut Sink,
) -> Option<AlertRule> {
    let props = get(r, "properties")?;
    let name = get(r, "name").and_then(|n| string(n, scope, "name", sink));
    let target = target(props, scope);
    let int = |key: &str, sink: &mut Sink| {
        get(props, key).and_then(|n| typed(n, scope, key, sink, schema::integer_or_text))
    };
    let boolean = |key: &str, sink: &mut Sink| {
        get(props, key).and_then(|n| typed(n, scope, key, sink, schema::boolean_or_text))
    };
    let dur = |key: &str, sink: &mut Sink| {
        get(props, key).and_then(|n| typed(n, scope, key, sink, duration))
    };
    let severity = int("severity", sink);
    let enabled = boolean("enabled", sink);
    let auto_mitigate = boolean("autoMitigate", sink);
    let frequency = dur("evaluationFrequency", sink);
    let window = dur("windowSize", sink);
    let description = get(props, "description").and_then(|n| string(n, scope, "description", sink));
    let mut criteria = Vec::new();
    if let Some(c) = get(props, "criteria") {
        let odata = get(c, "odata.type").and_then(|n| match &n.value {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        });
        if odata
            .as_deref()
            .is_some_and(|o| o.contains("webtestlocationavailability"))
        {
            return None;
        }
        if let Some(list) = get(c, "allOf") {
            for item in schema::list(list, "allOf", false, sink).unwrap_or_default() {
                if let Some(crit) = criterion(item, scope, sink) {
                    criteria.push(crit);
                }
            }
        }
    }
    Some(AlertRule {
        file: sink.file,
        span: r.span,
        name,
        description,
        severity,
        enabled,
        frequency,
        window,
        auto_mitigate,
        target,
        criteria,
        log: None,
        update: false,
        resource_group: None,
    })
}

/// One criterion. Every field is read on its own: a field that cannot be read is reported and
/// left out, and its neighbours are still read and checked.
fn criterion<'a>(c: &Node, scope: &'a Scope<'a>, sink: &mut Sink) -> Option<Criterion> {
    let field = |key: &str, sink: &mut Sink| get(c, key).and_then(|n| resolve(n, scope, key, sink));
    let metric = field("metricName", sink).and_then(|n| schema::string(&n, "metricName", sink));
    let namespace =
        field("metricNamespace", sink).and_then(|n| schema::string(&n, "metricNamespace", sink));
    let aggregation = field("timeAggregation", sink).and_then(|n| {
        keyword(
            &n,
            "aggregation",
            Aggregation::parse,
            Aggregation::spellings(),
            sink,
        )
    });
    let operator = field("operator", sink)
        .and_then(|n| keyword(&n, "operator", Operator::parse, Operator::spellings(), sink));
    let dynamic = field("criterionType", sink)
        .and_then(|n| match n.value {
            Value::String(s) => Some(s.eq_ignore_ascii_case("DynamicThresholdCriterion")),
            _ => None,
        })
        .unwrap_or(false);
    let threshold = if dynamic {
        let sensitivity = field("alertSensitivity", sink).and_then(|n| {
            keyword(
                &n,
                "sensitivity",
                Sensitivity::parse,
                ["Low", "Medium", "High"],
                sink,
            )
        });
        let fp = get(c, "failingPeriods");
        let count = |key: &str, sink: &mut Sink| {
            fp.and_then(|f| get(f, key))
                .and_then(|n| typed(n, scope, key, sink, schema::integer_or_text))
        };
        let evaluation_periods = count("numberOfEvaluationPeriods", sink);
        let min_failing_periods = count("minFailingPeriodsToAlert", sink);
        Some(Threshold::Dynamic(DynamicThreshold {
            span: c.span,
            sensitivity,
            evaluation_periods,
            min_failing_periods,
            ignore_data_before: field("ignoreDataBefore", sink)
                .and_then(|n| schema::string(&n, "ignoreDataBefore", sink)),
        }))
    } else {
        get(c, "threshold")
            .and_then(|n| typed(n, scope, "threshold", sink, schema::number_or_text))
            .map(Threshold::Static)
    };
    let dimensions = dimensions(c, scope, sink);
    let skip_metric_validation = field("skipMetricValidation", sink)
        .and_then(|n| schema::boolean_or_text(&n, "skipMetricValidation", sink));
    Some(Criterion {
        span: c.span,
        metric: metric?,
        namespace,
        aggregation,
        operator,
        threshold,
        dimensions,
        skip_metric_validation,
    })
}

/// The `dimensions` list of a metric or log criterion (resolved through the scope when it is
/// an expression); each entry that cannot be read is reported and left out.
pub(super) fn dimensions<'a>(
    c: &Node,
    scope: &'a Scope<'a>,
    sink: &mut Sink,
) -> Vec<DimensionFilter> {
    let Some(list) = get(c, "dimensions") else {
        return Vec::new();
    };
    let Some(list) = resolve(list, scope, "dimensions", sink) else {
        return Vec::new();
    };
    schema::list(&list, "dimensions", false, sink)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| dimension(d, scope, sink))
        .collect()
}

pub(super) fn dimension<'a>(
    d: &Node,
    scope: &'a Scope<'a>,
    sink: &mut Sink,
) -> Option<DimensionFilter> {
    let dfield =
        |key: &str, sink: &mut Sink| get(d, key).and_then(|n| resolve(n, scope, key, sink));
    let name = dfield("name", sink).and_then(|n| schema::string(&n, "dimension name", sink));
    let operator = match get(d, "operator") {
        Some(_) => dfield("operator", sink).and_then(|n| {
            keyword(
                &n,
                "dimension operator",
                DimensionOperator::parse,
                ["Include", "Exclude", "StartsWith"],
                sink,
            )
        }),
        None => name
            .as_ref()
            .map(|n| Sp::new(DimensionOperator::Include, n.span)),
    };
    let mut values = Vec::new();
    if let Some(values_node) = dfield("values", sink) {
        match &values_node.value {
            Value::Seq(items) => {
                for v in items {
                    if let Some(v) = resolve(v, scope, "dimension value", sink)
                        && let Some(s) = schema::string(&v, "dimension value", sink)
                    {
                        values.push(s);
                    }
                }
            }
            other => schema::wrong_type(sink, &values_node, "values must be a list", other),
        }
    }
    Some(DimensionFilter {
        span: d.span,
        name: name?,
        operator,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_become_blanks_in_place() {
        let t = "{\"a\": \"//not\", // gone\n /* x\ny */ \"b\": 1}";
        let b = blank_comments(t);
        assert_eq!(b.len(), t.len());
        assert_eq!(b, "{\"a\": \"//not\",        \n     \n     \"b\": 1}");
    }

    /// Escapes inside strings, empty and unclosed block comments, and a lone `/`.
    #[test]
    fn comments_are_found_around_escapes_and_at_the_end() {
        for (text, blanked) in [
            (r#""a\"//b" // c"#, r#""a\"//b"     "#),
            (r#""a\\" // c"#, r#""a\\"     "#),
            ("1 /**/ 2", "1      2"),
            // A `*` or a `/` alone inside a block comment does not close it.
            ("/* a*b/c */ 1", "            1"),
            ("1 /* x\n*/2", "1     \n  2"),
            ("1 /* x", "1     "),
            ("1 /* x *", "1       "),
            ("1 /*/ 2", "1      "),
            ("1 / 2 /", "1 / 2 /"),
            ("\"//\" /", "\"//\" /"),
        ] {
            assert_eq!(blank_comments(text), blanked, "{text:?}");
        }
    }

    #[test]
    fn references() {
        assert_eq!(
            reference("parameters('alertName')"),
            Some(("parameters", "alertName"))
        );
        assert_eq!(reference(" variables( 'x' ) "), Some(("variables", "x")));
        assert_eq!(reference("concat('a', 'b')"), None);
    }

    use proptest::prelude::*;

    /// A log rule's scopes and target resource types are read from a literal list, item by
    /// item through references, and from a list in a variable; each keeps its place.
    #[test]
    fn log_rule_scopes_and_target_types_are_read() {
        let text = r#"{
  "variables": {"ws": "/subscriptions/0/w2", "types": ["Microsoft.MachineLearningServices/workspaces"]},
  "resources": [{
    "type": "Microsoft.Insights/scheduledQueryRules",
    "name": "r",
    "kind": "LogToMetric",
    "properties": {
      "scopes": ["/subscriptions/0/w1", "[variables('ws')]", 3],
      "targetResourceTypes": "[variables('types')]",
      "criteria": {"allOf": [{"metricName": "m"}]}
    }
  }, {
    "type": "Microsoft.Insights/scheduledQueryRules",
    "name": "s",
    "properties": {"criteria": {"allOf": [{"metricName": "m"}]}}
  }]
}"#;
        let (rules, findings) = rules_of(text);
        let log = rules[0].log.as_ref().unwrap();
        let at = |s: Span| &text[s.start..s.end];
        let scopes: Vec<(&str, &str)> = log
            .scopes
            .iter()
            .map(|s| (s.value.as_str(), at(s.span)))
            .collect();
        assert_eq!(
            scopes,
            [
                ("/subscriptions/0/w1", "\"/subscriptions/0/w1\""),
                ("/subscriptions/0/w2", "\"[variables('ws')]\""),
            ]
        );
        let types: Vec<&str> = log
            .target_resource_types
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(types, ["Microsoft.MachineLearningServices/workspaces"]);
        // A log-to-metric criterion needs no query; a log alert's does.
        let criterion = r#"{"metricName": "m"}"#;
        let second = text.rfind(criterion).unwrap();
        let missing: Vec<usize> = findings
            .iter()
            .filter(|f| f.message.contains("no `query`"))
            .map(|f| f.span.start)
            .collect();
        assert_eq!(missing, [second], "{findings:?}");
    }

    /// A name escaped with `[[` is the literal name it deploys as, and two of them are one name.
    #[test]
    fn an_escaped_name_is_a_literal_name() {
        let text = r#"{"resources": [
  {"type": "Microsoft.Insights/scheduledQueryRules", "name": "[[x]", "properties": {}},
  {"type": "Microsoft.Insights/metricAlerts", "name": "[[y]", "properties": {}}
]}"#;
        let (rules, _) = rules_of(text);
        let names: Vec<Option<&str>> = rules
            .iter()
            .map(|r| r.name.as_ref().map(|n| n.value.as_str()))
            .collect();
        assert_eq!(names, [Some("[x]"), Some("[y]")]);
    }

    #[test]
    fn a_metric_alert_without_criteria_is_reported_at_its_properties() {
        let template = |props: &str| {
            format!(
                r#"{{"resources": [{{"type": "Microsoft.Insights/metricAlerts", "name": "a", {props}}}]}}"#
            )
        };
        for (props, want) in [
            (r#""properties": {"severity": 3}"#, vec![r#""properties""#]),
            (r#""Properties": {"severity": 3}"#, vec![r#""Properties""#]),
            (r#""properties": {"criteria": "[parameters('c')]"}"#, vec![]),
            (
                r#""properties": {"criteria": {"allOf": [{"metricName": "CpuUtilization", "threshold": 90}]}}"#,
                vec![],
            ),
            (r#""properties": "[parameters('p')]""#, vec![]),
        ] {
            let text = template(props);
            let (rules, findings) = rules_of(&text);
            assert_eq!(rules.len(), 1, "{props}");
            let missing: Vec<&str> = findings
                .iter()
                .filter(|f| f.check.name == "missing-key")
                .map(|f| &text[f.span.start..f.span.end])
                .collect();
            assert_eq!(missing, want, "{props}");
        }
    }

    /// Reads a template's rules with its own defaults.
    fn rules_of(text: &str) -> (Vec<AlertRule>, Vec<crate::finding::Finding>) {
        let doc = crate::yaml::parse(text).unwrap().unwrap();
        let scope = Scope::of(&doc, Vec::new());
        let mut sink = Sink::new(FileId(0));
        let rules = read(&doc, &scope, &mut sink);
        (rules, sink.findings)
    }

    proptest! {
        /// Variables that refer to each other in any pattern (chains, cycles, dangling names)
        /// always resolve or stop with a finding: never a hang, never a panic; a cycle reached
        /// by the severity is a circular-reference finding.
        #[test]
        fn any_reference_graph_terminates(edges in proptest::collection::vec(0usize..12, 1..12)) {
            let vars: Vec<String> = edges
                .iter()
                .enumerate()
                .map(|(i, to)| {
                    if *to >= edges.len() {
                        format!("\"v{i}\": 2")
                    } else {
                        format!("\"v{i}\": \"[variables('v{to}')]\"")
                    }
                })
                .collect();
            let text = format!(
                "{{\"variables\": {{{}}}, \"resources\": [{{\"type\": \"Microsoft.Insights/metricAlerts\", \"name\": \"r\", \"properties\": {{\"severity\": \"[variables('v0')]\"}}}}]}}",
                vars.join(", ")
            );
            let (rules, findings) = rules_of(&text);
            prop_assert_eq!(rules.len(), 1);
            // Follow the graph by hand: from v0, does it end at a value or come back?
            let mut seen = vec![false; edges.len()];
            let mut at = 0;
            let cycle = loop {
                if at >= edges.len() { break false; }
                if seen[at] { break true; }
                seen[at] = true;
                at = edges[at];
            };
            let circular = findings.iter().any(|f| f.check.name == "circular-reference");
            prop_assert_eq!(circular, cycle);
            prop_assert_eq!(rules[0].severity.as_ref().map(|s| s.value), (!cycle).then_some(2));
        }
    }

    #[test]
    fn an_escaped_bracket_is_a_literal_outside_a_policy() {
        let (rules, findings) = rules_of(
            r#"{"resources": [{"type": "Microsoft.Insights/metricAlerts", "name": "r", "properties": {
                "description": "[[not an expression]", "criteria": {"allOf": []}}}]}"#,
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            rules[0].description.as_ref().unwrap().value,
            "[not an expression]"
        );
    }

    /// An expression that is not followed says which, and where a chain of references led.
    #[test]
    fn an_unresolved_note_names_the_expression_and_where_it_led() {
        let text = r#"{"variables": {"v": "[concat('a', 'b')]"},
            "resources": [{"type": "Microsoft.Insights/metricAlerts", "name": "r", "properties": {
                "description": "[concat('x')]", "severity": "[variables('v')]",
                "enabled": "[parameters('p')]", "autoMitigate": "[variables('w')]",
                "criteria": {"allOf": []}}}]}"#;
        let (_, findings) = rules_of(text);
        let notes: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.message.as_str(), &text[f.span.start..f.span.end]))
            .collect();
        assert_eq!(
            notes,
            [
                (
                    "severity `[variables('v')]` is not checked: it leads to `[concat('a', 'b')]`, and only parameters() and variables() are evaluated",
                    "\"[variables('v')]\""
                ),
                (
                    "enabled `[parameters('p')]` is not checked: parameters `p` has no value here",
                    "\"[parameters('p')]\""
                ),
                (
                    "autoMitigate `[variables('w')]` is not checked: variables `w` has no value here",
                    "\"[variables('w')]\""
                ),
                (
                    "description `[concat('x')]` is not checked: only parameters() and variables() are evaluated",
                    "\"[concat('x')]\""
                ),
            ]
        );
        assert!(
            findings
                .iter()
                .all(|f| f.check.name == "unresolved-expression")
        );
    }

    /// A symbolic-name template (`languageVersion` 2.0, what Bicep emits for some features)
    /// keeps its resources in a mapping by name.
    #[test]
    fn resources_by_symbolic_name_are_read() {
        let (rules, findings) = rules_of(
            r#"{"languageVersion": "2.0", "resources": {
                "cpu": {"type": "Microsoft.Insights/metricAlerts", "name": "cpu-hot", "properties": {
                    "criteria": {"allOf": [{"metricName": "CpuUtilization", "threshold": 90}]}}},
                "other": {"type": "Microsoft.Storage/storageAccounts", "name": "s"}}}"#,
        );
        assert!(findings.is_empty(), "{findings:?}");
        let names: Vec<&str> = rules
            .iter()
            .map(|r| r.name.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(names, ["cpu-hot"]);
        assert_eq!(rules[0].criteria[0].metric.value, "CpuUtilization");
    }

    /// `amlguard-ignore` as a list or one string, on a resource at any depth; metadata of
    /// something that is not a resource (no `type`) suppresses nothing. (A collection's span
    /// ends where its last value does, as every span of the tree.)
    #[test]
    fn suppressions_cover_the_resource_they_are_on() {
        let text = r#"{"metadata": {"amlguard-ignore": ["AML1"]}, "resources": [
            {"type": "a/b", "metadata": {"amlguard-ignore": ["AML2", 3, "AML4"]}},
            {"type": "c/d", "resources": [{"type": "e/f", "metadata": {"amlguard-ignore": "AML5"}}]}]}"#;
        let doc = crate::yaml::parse(text).unwrap().unwrap();
        let got: Vec<(Vec<String>, &str, &str)> = suppressions(&doc, FileId(3))
            .into_iter()
            .map(|s| {
                assert_eq!((s.file, s.used), (FileId(3), false));
                (
                    s.checks,
                    &text[s.at.start..s.at.end],
                    &text[s.covers.start..s.covers.end],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    vec!["AML2".to_string(), "AML4".to_string()],
                    r#"["AML2", 3, "AML4""#,
                    r#"{"type": "a/b", "metadata": {"amlguard-ignore": ["AML2", 3, "AML4""#
                ),
                (
                    vec!["AML5".to_string()],
                    r#""AML5""#,
                    r#"{"type": "e/f", "metadata": {"amlguard-ignore": "AML5""#
                ),
            ]
        );
    }

    /// A web test's availability alert (a metric alert with location criteria, not metric
    /// criteria) is no metric rule to check; the same resource with metric criteria is.
    #[test]
    fn a_web_test_availability_alert_is_not_read_as_a_metric_rule() {
        let template = |odata: &str| {
            format!(
                r#"{{"resources": [{{"type": "Microsoft.Insights/metricAlerts", "name": "r", "properties": {{
                    "criteria": {{"odata.type": "{odata}", "allOf": [{{"metricName": "CpuUtilization", "threshold": 90}}]}}}}}}]}}"#
            )
        };
        let (rules, findings) = rules_of(&template(
            "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria",
        ));
        assert!(rules.is_empty() && findings.is_empty(), "{findings:?}");
        let (rules, findings) = rules_of(&template(
            "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        ));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].criteria.len(), 1);
    }

    #[test]
    fn a_linked_template_is_noted() {
        let (rules, findings) = rules_of(
            r#"{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d",
                "properties": {"templateLink": {"uri": "https://example.com/alerts.json"}}}]}"#,
        );
        assert!(rules.is_empty());
        assert_eq!(findings[0].check.name, "unresolved-expression");
        assert!(findings[0].message.contains("linked template"));
    }
}
