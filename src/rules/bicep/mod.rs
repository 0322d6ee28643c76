//! Bicep (`.bicep`, `.bicepparam`), read natively, without compiling to ARM JSON.
//!
//! A file is parsed ([`syntax`]), what can be known before deployment is evaluated ([`eval`]),
//! and each `Microsoft.Insights/metricAlerts` resource body is lowered to the same spanned tree
//! an ARM template gives, so the ARM reader's metric-alert extraction and every check apply
//! unchanged. Spans point into the Bicep source at the value as written: a metric name given
//! by a `.bicepparam` file or by a calling module is reported in that file, and a rule defined
//! in a module carries the module call as related information, once per instantiation.
//!
//! Modules with a local path are followed (to a depth of [`MAX_MODULE_DEPTH`], never into a
//! cycle); registry modules (`br:`, `ts:`) are not. `scheduledQueryRules` resources are read
//! the same way, into log rules.

pub mod eval;
pub mod lower;
pub mod syntax;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use crate::catalog::Catalog;
use crate::finding::{Finding, Label};
use crate::registry;
use crate::source::{FileId, SourceFile, SourceMap, Span};

use super::AlertRule;
use eval::{Env, V, Val};
use syntax::{Expr, ExprKind, StmtKind};

/// How deep module calls are followed.
pub const MAX_MODULE_DEPTH: usize = 8;

/// Whether a file is read by this module.
pub fn handles(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".bicep") || lower.ends_with(".bicepparam")
}

/// One metric alert found in Bicep.
#[derive(Debug, Clone)]
pub struct BicepRule {
    pub rule: AlertRule,
    /// Files that values of this rule were written in, other than the rule's own (a calling
    /// module, a `.bicepparam`). Spans into them are encoded by [`lower::encode`].
    pub remote: Vec<FileId>,
    /// The module calls (outermost last) and `.bicepparam` that instantiated the rule.
    pub via: Vec<Label>,
}

impl BicepRule {
    /// Whether the rule's findings need no translation (all its values are in its own file and
    /// it was not instantiated through a module or parameter file).
    pub fn is_plain(&self) -> bool {
        self.remote.is_empty() && self.via.is_empty()
    }

    /// Puts findings about this rule at their real files and adds the instantiation chain.
    pub fn place(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .map(|mut f| {
                if let Some((file, span)) = lower::decode(&self.remote, f.span) {
                    f.file = file;
                    f.span = span;
                }
                for l in &mut f.related {
                    if let Some((file, span)) = lower::decode(&self.remote, l.span) {
                        l.file = file;
                        l.span = span;
                    }
                }
                f.related.extend(self.via.iter().cloned());
                f
            })
            .collect()
    }

    /// Runs every rule check on this rule alone and places the findings.
    pub fn check(&self, catalog: &Catalog) -> Vec<Finding> {
        self.place(crate::lint::check_rules(
            catalog,
            std::slice::from_ref(&self.rule),
        ))
    }
}

/// What reading one Bicep file gives.
#[derive(Debug, Default)]
pub struct BicepRead {
    pub rules: Vec<BicepRule>,
    pub findings: Vec<Finding>,
    /// `Microsoft.Insights/scheduledQueryRules` resources seen (log alerts; read into `rules`).
    pub log_alerts: usize,
    /// The files read: the one asked for, then the modules and templates it led to.
    pub files: Vec<FileId>,
}

struct Parsed {
    file: FileId,
    text: Rc<str>,
    ast: syntax::File,
    errors: Vec<syntax::SyntaxError>,
}

/// Reads `.bicep` and `.bicepparam` files and the modules they call, adding the files it
/// follows to the source map.
pub struct Reader<'s> {
    sources: &'s mut SourceMap,
    cache: HashMap<PathBuf, Rc<Parsed>>,
    /// Parameter values from `--parameters` files.
    parameters: HashMap<String, Val>,
    out: BicepRead,
    /// The loop items bound while an instance is read (`ws = 'dev'`), for its label.
    bound: Vec<String>,
    /// Whether modules and `using` targets are read from disk.
    follow: bool,
    /// How many more resource and module instances may be read (loops of loops of modules
    /// could otherwise multiply without bound).
    budget: usize,
}

/// The most resource and module instances read from one file and what it leads to.
pub const MAX_INSTANCES: usize = 100_000;

impl<'s> Reader<'s> {
    pub fn new(sources: &'s mut SourceMap, parameters: &[super::ParameterValue]) -> Self {
        Reader {
            sources,
            cache: HashMap::new(),
            // Placed where the template uses them, as the ARM reader does.
            parameters: parameters
                .iter()
                .map(|p| (p.name.clone(), Val::from_node(&p.value)))
                .collect(),
            out: BicepRead::default(),
            bound: Vec::new(),
            follow: true,
            budget: MAX_INSTANCES,
        }
    }

    /// Reads a file already in the source map: its syntax errors, and its rules (for a
    /// `.bicepparam`, those of the template it uses, with its values).
    pub fn read(mut self, id: FileId) -> BicepRead {
        let name = self.sources.get(id).name().to_string();
        let parsed = self.parse(id);
        self.out.files.push(id);
        let sink_file = id;
        for e in &parsed.errors {
            self.out.findings.push(
                Finding::new(
                    &registry::BICEP_SYNTAX,
                    sink_file,
                    e.span,
                    e.message.clone(),
                )
                .label("the parser stopped here")
                .help("fix the syntax at this position; the rest of the file is still read"),
            );
        }
        let path = PathBuf::from(&name);
        if name.to_ascii_lowercase().ends_with(".bicepparam") {
            self.read_params(&parsed, &path);
        } else {
            let given = std::mem::take(&mut self.parameters);
            self.template(&parsed, given, &path, &[], &mut vec![normalize(&path)]);
        }
        self.out
    }

    fn parse(&mut self, id: FileId) -> Rc<Parsed> {
        let text: Rc<str> = Rc::from(self.sources.get(id).text());
        let (ast, errors) = syntax::parse(&text);
        Rc::new(Parsed {
            file: id,
            text,
            ast,
            errors,
        })
    }

    /// Loads a file that a module call or `using` names.
    fn load(&mut self, path: &Path) -> Result<Rc<Parsed>, String> {
        if !self.follow {
            return Err("files are followed by `amlguard lint`, not when one text is read".into());
        }
        let key = normalize(path);
        if let Some(p) = self.cache.get(&key) {
            return Ok(p.clone());
        }
        let bytes = std::fs::read(&key).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| "the file is not UTF-8".to_string())?;
        let id = self
            .sources
            .add(SourceFile::new(key.display().to_string(), text));
        let parsed = self.parse(id);
        self.out.files.push(id);
        self.cache.insert(key, parsed.clone());
        Ok(parsed)
    }

    fn note(&mut self, file: FileId, span: Span, message: String, help: &str) {
        self.out.findings.push(
            Finding::new(&registry::UNRESOLVED_EXPRESSION, file, span, message)
                .label("unresolved")
                .help(help.to_string()),
        );
    }

    fn read_params(&mut self, parsed: &Parsed, path: &Path) {
        let using = parsed.ast.statements.iter().find_map(|s| match &s.kind {
            StmtKind::Using(Some(e)) => Some((e, s.span)),
            _ => None,
        });
        let env = Env::new(parsed.file, &parsed.text, &parsed.ast, HashMap::new());
        let mut given = HashMap::new();
        for s in &parsed.ast.statements {
            if let StmtKind::Param {
                name,
                name_span,
                default: Some(d),
                ..
            } = &s.kind
            {
                let _ = name_span;
                given.insert(name.clone(), env.eval(d));
            }
        }
        let Some((using, using_span)) = using else {
            return;
        };
        let target = match env.eval(using).v {
            V::Str(s) => s,
            _ => return,
        };
        if is_registry(&target) {
            self.note(
                parsed.file,
                using.span,
                format!("`{target}` is a registry template; its rules are not checked"),
                "lint the template itself",
            );
            return;
        }
        let target_path = sibling(path, &target);
        match self.load(&target_path) {
            Ok(t) => {
                if !t.errors.is_empty() {
                    self.note(
                        parsed.file,
                        using.span,
                        format!("`{target}` has syntax errors; its rules are not checked"),
                        "lint that file to see them",
                    );
                    return;
                }
                let via = Label {
                    file: parsed.file,
                    span: using_span,
                    text: "parameters from here".into(),
                };
                let mut stack = vec![normalize(path), normalize(&target_path)];
                self.template(&t, given, &target_path, &[via], &mut stack);
            }
            Err(e) => self.note(
                parsed.file,
                using.span,
                format!("`{target}` cannot be read ({e}); its rules are not checked"),
                "check the path in `using`",
            ),
        }
    }

    /// Reads the rules of a template with the given parameter values.
    fn template(
        &mut self,
        parsed: &Parsed,
        given: HashMap<String, Val>,
        path: &Path,
        via: &[Label],
        stack: &mut Vec<PathBuf>,
    ) {
        let env = Env::new(parsed.file, &parsed.text, &parsed.ast, given).at_path(
            path,
            if self.follow {
                stack.len()
            } else {
                MAX_MODULE_DEPTH
            },
        );
        for s in &parsed.ast.statements {
            match &s.kind {
                StmtKind::Resource {
                    type_string,
                    existing: false,
                    body,
                    name_span,
                    ..
                } => {
                    let ty = env.eval(type_string);
                    let ty = ty.as_str().unwrap_or("").to_ascii_lowercase();
                    let ty = ty.split('@').next().unwrap_or("");
                    if ty == "microsoft.insights/scheduledqueryrules" {
                        let name_span = *name_span;
                        let via = via.to_vec();
                        self.instances(&env, body, &mut |env, v, out: &mut BicepRead| {
                            out.log_alerts += 1;
                            lower::log_alert(env, v, name_span, &via, out)
                        });
                    } else if ty == "microsoft.insights/metricalerts" {
                        let name_span = *name_span;
                        let via = via.to_vec();
                        self.instances(&env, body, &mut |env, v, out: &mut BicepRead| {
                            lower::metric_alert(env, v, name_span, &via, out)
                        });
                    }
                }
                StmtKind::Module {
                    name,
                    name_span,
                    path: target,
                    body,
                } => {
                    let target = env.eval(target);
                    let Some(target) = target.as_str().map(str::to_string) else {
                        continue;
                    };
                    if is_registry(&target) {
                        continue;
                    }
                    let target_path = sibling(path, &target);
                    if stack.len() > MAX_MODULE_DEPTH {
                        self.note(
                            parsed.file,
                            *name_span,
                            format!("module `{name}` is nested more than {MAX_MODULE_DEPTH} deep; not followed"),
                            "lint the module file itself",
                        );
                        continue;
                    }
                    if stack.contains(&normalize(&target_path)) {
                        self.note(
                            parsed.file,
                            *name_span,
                            format!("module `{name}` calls a file that is already being read (a cycle); not followed"),
                            "Bicep rejects cyclic modules: remove the cycle",
                        );
                        continue;
                    }
                    let module = match self.load(&target_path) {
                        Ok(m) => m,
                        Err(e) => {
                            self.note(
                                parsed.file,
                                *name_span,
                                format!("module `{name}` (`{target}`) cannot be read ({e}); its rules are not checked"),
                                "check the module path",
                            );
                            continue;
                        }
                    };
                    if !module.errors.is_empty() {
                        self.note(
                            parsed.file,
                            *name_span,
                            format!("module `{name}` (`{target}`) has syntax errors; its rules are not checked"),
                            "lint the module file to see them",
                        );
                        continue;
                    }
                    let mut calls = Vec::new();
                    let mut labels = Vec::new();
                    self.instances(&env, body, &mut |_, v, _| calls.push(v));
                    // The loop items of each instance, in the order `instances` reads them.
                    self.instance_labels(&env, body, &mut labels);
                    for (n, call) in calls.into_iter().enumerate() {
                        let item = labels.get(n).filter(|l| !l.is_empty());
                        let mut given = HashMap::new();
                        if let Some(V::Obj(params)) = call.get("params").map(|p| &p.v) {
                            for (k, _, v) in params {
                                given.insert(k.clone(), v.clone());
                            }
                        }
                        let mut chain = vec![Label {
                            file: parsed.file,
                            span: *name_span,
                            text: match item {
                                Some(item) => {
                                    format!("instantiated by module `{name}` here ({item})")
                                }
                                None => format!("instantiated by module `{name}` here"),
                            },
                        }];
                        chain.extend(via.iter().cloned());
                        stack.push(normalize(&target_path));
                        self.template(&module, given, &target_path, &chain, stack);
                        stack.pop();
                    }
                }
                _ => {}
            }
        }
    }

    /// Calls `each` with the evaluated body of every instance a resource or module
    /// declaration creates: one, none (a false condition), or one per loop item.
    fn instances(
        &mut self,
        env: &Env,
        body: &Expr,
        each: &mut dyn FnMut(&Env, Val, &mut BicepRead),
    ) {
        match &body.kind {
            ExprKind::For {
                item,
                index,
                iterable,
                body: inner,
            } => {
                let it = env.eval(iterable);
                match it.v {
                    V::Arr(items) => {
                        for (n, x) in items.into_iter().enumerate() {
                            let mut bound = vec![(item.clone(), x)];
                            if let Some(i) = index {
                                bound.push((
                                    i.clone(),
                                    Val::new(V::Int(n as i64), iterable.span, env.file),
                                ));
                            }
                            env.with_locals(bound, |env| self.instances(env, inner, each));
                        }
                    }
                    V::Unknown(u) => {
                        let text = u.text.clone();
                        self.note(
                            env.file,
                            iterable.span,
                            format!("the loop over `{text}` is not checked: {}", u.reason),
                            "loops over a literal array or a parameter's value are followed",
                        )
                    }
                    _ => {}
                }
            }
            ExprKind::If { condition, body } => {
                let c = env.eval(condition);
                if c.v != V::Bool(false) {
                    self.instances(env, body, each);
                }
            }
            _ => {
                if self.budget == 0 {
                    return;
                }
                self.budget -= 1;
                if self.budget == 0 {
                    self.note(
                        env.file,
                        body.span,
                        format!("more than {MAX_INSTANCES} resource and module instances; the rest are not read"),
                        "lint the modules on their own",
                    );
                }
                let v = env.eval(body);
                each(env, v, &mut self.out);
            }
        }
    }
}

impl Reader<'_> {
    /// For each instance of a declaration, the loop items it was created with (`ws = 'dev'`).
    fn instance_labels(&mut self, env: &Env, body: &Expr, out: &mut Vec<String>) {
        match &body.kind {
            ExprKind::For {
                item,
                index,
                iterable,
                body: inner,
            } => {
                if let V::Arr(items) = env.eval(iterable).v {
                    for (n, x) in items.into_iter().enumerate() {
                        let shown = match &x.v {
                            V::Str(s) => format!("{item} = '{s}'"),
                            V::Int(i) => format!("{item} = {i}"),
                            _ => format!("item {n}"),
                        };
                        self.bound.push(shown);
                        let mut bound = vec![(item.clone(), x)];
                        if let Some(i) = index {
                            bound.push((
                                i.clone(),
                                Val::new(V::Int(n as i64), iterable.span, env.file),
                            ));
                        }
                        env.with_locals(bound, |env| self.instance_labels(env, inner, out));
                        self.bound.pop();
                    }
                }
            }
            ExprKind::If { condition, body } => {
                if env.eval(condition).v != V::Bool(false) {
                    self.instance_labels(env, body, out);
                }
            }
            _ => out.push(self.bound.join(", ")),
        }
    }
}

/// Reads one Bicep file with its modules (the library entry point).
pub fn read(
    id: FileId,
    sources: &mut SourceMap,
    parameters: &[super::ParameterValue],
) -> BicepRead {
    Reader::new(sources, parameters).read(id)
}

/// `// amlguard: ignore[check, …] reason` comments of a Bicep file: a comment alone on its line
/// covers the next line, a trailing one its own line (as `#` comments do in YAML).
pub fn suppressions(text: &str, file: FileId) -> Vec<crate::suppress::Suppression> {
    // `//` becomes `# ` in place (offsets kept), so the comment reader of the other formats
    // applies; `#` elsewhere in Bicep (directives, strings) never carries the marker.
    crate::suppress::from_comments(&text.replace("//", "# "), file)
}

/// Reads the rules of one Bicep text alone, without following modules or `using` (for
/// [`super::read_source`], which has no source map; `amlguard lint` follows them with [`read`]).
pub fn read_text(
    name: &str,
    text: &str,
    file: FileId,
    parameters: &[super::ParameterValue],
) -> super::yaml::ReadRules {
    let mut scratch = SourceMap::new();
    let id = scratch.add(SourceFile::new(name, text));
    let mut reader = Reader::new(&mut scratch, parameters);
    reader.follow = false;
    let read = reader.read(id);
    let findings = read
        .findings
        .into_iter()
        .filter(|f| f.file == id)
        .map(|mut f| {
            f.file = file;
            f.related.retain(|l| l.file == id);
            for l in &mut f.related {
                l.file = file;
            }
            f
        })
        .collect();
    let rules = read
        .rules
        .into_iter()
        .filter(BicepRule::is_plain)
        .map(|mut r| {
            r.rule.file = file;
            r.rule
        })
        .collect();
    super::yaml::ReadRules {
        rules,
        findings,
        suppressions: Vec::new(),
    }
}

/// The templates that the `.bicepparam` files among `files` use. Walking a directory, such a
/// template is linted through its parameter file (with its values) and not again on its own,
/// so each finding is reported once.
#[derive(Debug, Default)]
pub struct ParamTargets(std::collections::HashSet<PathBuf>);

impl ParamTargets {
    pub fn of(files: &[PathBuf]) -> Self {
        let mut set = std::collections::HashSet::new();
        for f in files {
            if !f
                .to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".bicepparam")
            {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let (ast, _) = syntax::parse(&text);
            for s in &ast.statements {
                if let StmtKind::Using(Some(Expr {
                    kind: ExprKind::Str(parts),
                    ..
                })) = &s.kind
                    && let [syntax::StrPart::Lit(target)] = parts.as_slice()
                    && !is_registry(target)
                {
                    set.insert(normalize(&sibling(f, target)));
                }
            }
        }
        ParamTargets(set)
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.0.contains(&normalize(path))
    }
}

/// A module reference that names a registry rather than a file.
pub(crate) fn is_registry(target: &str) -> bool {
    target.starts_with("br:")
        || target.starts_with("br/")
        || target.starts_with("ts:")
        || target.starts_with("ts/")
}

pub(crate) fn sibling(of: &Path, target: &str) -> PathBuf {
    of.parent().unwrap_or(Path::new("")).join(target)
}

/// A path with `.` and `..` resolved lexically (module paths are relative to their caller).
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let up = out.as_os_str().is_empty()
                    || out.components().next_back() == Some(Component::ParentDir);
                if up {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_alerts_are_counted_and_loops_expanded() {
        let text = "param regions array = ['a', 'b', 'c']\nresource q 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for r in regions: {\n  name: 'q-${r}'\n}]\nresource m 'Microsoft.Insights/metricAlerts@2018-03-01' = if (length(regions) > 2) {\n  name: 'm'\n  properties: {}\n}\n";
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("/nonexistent/a.bicep", text));
        let read = read(id, &mut sources, &[]);
        assert_eq!(read.log_alerts, 3);
        assert_eq!(read.rules.len(), 1);
        assert_eq!(read.files, vec![id]);
    }

    /// Instances are read until the budget is spent; the one that spends it is read, and a
    /// note says the rest are not.
    #[test]
    fn instances_past_the_budget_are_noted_not_read() {
        let text = "resource m 'Microsoft.Insights/metricAlerts@2018-03-01' = [for i in range(0, 5): {\n  name: 'm${i}'\n  properties: {\n    criteria: {}\n  }\n}]\n";
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("/nonexistent/a.bicep", text));
        let mut reader = Reader::new(&mut sources, &[]);
        reader.budget = 3;
        let read = reader.read(id);
        assert_eq!(read.rules.len(), 3);
        let notes: Vec<&str> = read
            .findings
            .iter()
            .filter(|f| f.message.contains("instances; the rest are not read"))
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        assert_eq!(notes.len(), 1, "{:?}", read.findings);
        assert!(notes[0].starts_with("{\n  name: 'm${i}'"), "{notes:?}");
    }

    /// A condition known only at deployment may be true: the rule is read and checked.
    #[test]
    fn a_rule_under_an_unknown_condition_is_read() {
        let text = "param deploy bool\nparam names array = ['a', 'b']\nresource m 'Microsoft.Insights/metricAlerts@2018-03-01' = if (deploy) {\n  name: 'm'\n  properties: {\n    criteria: {}\n  }\n}\nresource l 'Microsoft.Insights/metricAlerts@2018-03-01' = [for n in names: if (n != 'b') {\n  name: 'l-${n}'\n  properties: {\n    criteria: {}\n  }\n}]\nresource f 'Microsoft.Insights/metricAlerts@2018-03-01' = if (false) {\n  name: 'f'\n  properties: {\n    criteria: {}\n  }\n}\n";
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("/nonexistent/a.bicep", text));
        let read = read(id, &mut sources, &[]);
        let names: Vec<String> = read
            .rules
            .iter()
            .map(|r| r.rule.display_name().to_string())
            .collect();
        assert_eq!(names, ["m", "l-a"]);
    }

    /// Registry references of both kinds (Bicep registry, template spec), with a registry
    /// or an alias; anything else is a path.
    #[test]
    fn registry_references_are_told_from_paths() {
        for r in [
            "br:contoso.azurecr.io/alerts:v1",
            "br/public:avm/res/insights/metric-alert:0.4.0",
            "ts:00000000-0000-0000-0000-000000000000/rg/alerts:1.0",
            "ts/CoreSpecs:alerts:1.0",
        ] {
            assert!(is_registry(r), "{r}");
        }
        for p in [
            "./alerts.bicep",
            "br.bicep",
            "ts.bicep",
            "modules/br/a.bicep",
            "tsx:a",
        ] {
            assert!(!is_registry(p), "{p}");
        }
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(
            normalize(Path::new("a/b/../c/./d.bicep")),
            PathBuf::from("a/c/d.bicep")
        );
        assert_eq!(
            normalize(Path::new("a/../../x.bicep")),
            PathBuf::from("../x.bicep")
        );
    }
}
