//! Evaluates what can be known of a Bicep file before deployment: parameters (given values,
//! then defaults), variables, string interpolation, object and array spreads, loops over known
//! arrays, conditions, and the pure functions of the standard library on known values. Anything
//! that depends on deployment state (`resourceId()` of an existing resource, `reference()`,
//! `subscription()`, a module's outputs) evaluates to [`V::Unknown`] with the reason, which the
//! reader reports as an `unresolved-expression` note if a checked field depends on it.
//!
//! Every value keeps the file and span it was written at, so a finding about a value that a
//! `.bicepparam` file or a calling module supplied points at the place it was written.

use std::cell::RefCell;
use std::collections::HashMap;

use super::syntax::{BinaryOp, Expr, ExprKind, Item, Prop, StmtKind, StrPart, UnaryOp};
use crate::source::{FileId, Span};

/// The file id of values that come from no source file (an ARM parameter file given with
/// `--parameters`): they are placed where the template refers to them.
pub const NOWHERE: FileId = FileId(usize::MAX);

const MAX_DEPTH: usize = 64;
/// The longest text evaluated (bytes).
const MAX_TEXT: usize = 1 << 20;
/// The longest array evaluated.
const MAX_ITEMS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub v: V,
    pub span: Span,
    pub file: FileId,
}

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Val>),
    /// Properties in order, each with the span of its key.
    Obj(Vec<(String, Span, Val)>),
    Unknown(Box<Unresolved>),
}

/// Why a value is not known before deployment, and the source text of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub text: String,
    pub reason: String,
}

impl Val {
    pub fn new(v: V, span: Span, file: FileId) -> Self {
        Val { v, span, file }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match &self.v {
            V::Obj(props) => props
                .iter()
                .find(|(k, _, _)| k == key)
                .or_else(|| props.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(key)))
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Moves the value (and everything in it) to `span` in `file`.
    pub fn rebase(mut self, span: Span, file: FileId) -> Val {
        fn go(v: &mut Val, span: Span, file: FileId, depth: usize) {
            v.span = span;
            v.file = file;
            if depth > MAX_DEPTH {
                return;
            }
            match &mut v.v {
                V::Arr(items) => items.iter_mut().for_each(|i| go(i, span, file, depth + 1)),
                V::Obj(props) => props.iter_mut().for_each(|(_, k, i)| {
                    *k = span;
                    go(i, span, file, depth + 1)
                }),
                _ => {}
            }
        }
        go(&mut self, span, file, 0);
        self
    }

    /// A JSON value (from `json()` or a parameter file) as a value placed at `span`.
    pub fn from_json(j: &serde_json::Value, span: Span, file: FileId) -> Val {
        let v = match j {
            serde_json::Value::Null => V::Null,
            serde_json::Value::Bool(b) => V::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => V::Int(i),
                None => V::Str(n.to_string()),
            },
            serde_json::Value::String(s) => V::Str(s.clone()),
            serde_json::Value::Array(a) => {
                V::Arr(a.iter().map(|x| Val::from_json(x, span, file)).collect())
            }
            serde_json::Value::Object(o) => V::Obj(
                o.iter()
                    .map(|(k, x)| (k.clone(), span, Val::from_json(x, span, file)))
                    .collect(),
            ),
        };
        Val::new(v, span, file)
    }

    /// A spanned YAML/JSON node (an ARM parameter file's value) as a value from nowhere.
    pub fn from_node(n: &crate::yaml::Node) -> Val {
        use crate::yaml::Value as Y;
        let v = match &n.value {
            Y::Null => V::Null,
            Y::Bool(b) => V::Bool(*b),
            Y::Int(i) => V::Int(*i),
            Y::Float(f) => V::Str(f.to_string()),
            Y::String(s) => V::Str(s.clone()),
            Y::Seq(items) => V::Arr(items.iter().map(Val::from_node).collect()),
            Y::Map(entries) => V::Obj(
                entries
                    .iter()
                    .map(|(k, x)| (k.name.clone(), Span::default(), Val::from_node(x)))
                    .collect(),
            ),
        };
        Val::new(v, Span::default(), NOWHERE)
    }
}

/// What a name refers to in one file.
pub struct Env<'a> {
    pub file: FileId,
    pub src: &'a str,
    /// Values given from outside: a calling module's `params`, a `.bicepparam`, `--parameters`.
    pub given: HashMap<String, Val>,
    /// Each parameter's default, and whether its type is nullable (`T?`: null when not given).
    params: HashMap<&'a str, (Option<&'a Expr>, bool)>,
    vars: HashMap<&'a str, &'a Expr>,
    symbols: HashMap<&'a str, &'static str>,
    /// Module declarations: path and body, for `mod.outputs.x`.
    modules: HashMap<&'a str, (&'a Expr, &'a Expr)>,
    /// Outputs of this file's declarations.
    outputs: HashMap<&'a str, &'a Expr>,
    /// The file's path, to find its modules; `None` where modules are not followed.
    path: Option<std::path::PathBuf>,
    /// How many module outputs deep this evaluation is.
    module_depth: usize,
    /// Module outputs already evaluated, by `module.output`.
    output_cache: RefCell<HashMap<String, Val>>,
    /// Resource declarations: type string and body, for `res.id` and `res.name`.
    resources: HashMap<&'a str, (&'a Expr, &'a Expr)>,
    cache: RefCell<HashMap<String, Val>>,
    active: RefCell<Vec<String>>,
    locals: RefCell<Vec<(String, Val)>>,
    depth: RefCell<usize>,
}

impl<'a> Env<'a> {
    pub fn new(
        file: FileId,
        src: &'a str,
        ast: &'a super::syntax::File,
        given: HashMap<String, Val>,
    ) -> Self {
        let mut env = Env {
            file,
            src,
            given,
            params: HashMap::new(),
            vars: HashMap::new(),
            symbols: HashMap::new(),
            resources: HashMap::new(),
            modules: HashMap::new(),
            outputs: HashMap::new(),
            path: None,
            module_depth: 0,
            output_cache: RefCell::new(HashMap::new()),
            cache: RefCell::new(HashMap::new()),
            active: RefCell::new(Vec::new()),
            locals: RefCell::new(Vec::new()),
            depth: RefCell::new(0),
        };
        for s in &ast.statements {
            match &s.kind {
                StmtKind::Param {
                    name, default, ty, ..
                } => {
                    let nullable = ty.is_some_and(|t| {
                        src.get(t.start..t.end)
                            .is_some_and(|t| t.trim_end().ends_with('?'))
                    });
                    // `@allowed([one])` leaves a parameter a single possible value.
                    let only = s
                        .decorators
                        .iter()
                        .find(|d| d.name == "allowed")
                        .and_then(|d| match d.args.first().map(|a| &a.kind) {
                            Some(ExprKind::Array(items)) if items.len() == 1 => match &items[0] {
                                Item::Value(v) => Some(v),
                                Item::Spread(_) => None,
                            },
                            _ => None,
                        });
                    env.params
                        .insert(name, (default.as_ref().or(only), nullable));
                }
                StmtKind::Var { name, value, .. } => {
                    env.vars.insert(name, value);
                }
                StmtKind::Resource {
                    name,
                    type_string,
                    body,
                    ..
                } => {
                    env.resources.insert(name, (type_string, body));
                    env.symbols.insert(name, "a resource");
                }
                StmtKind::Module {
                    name, path, body, ..
                } => {
                    env.symbols.insert(name, "a module");
                    env.modules.insert(name, (path, body));
                }
                StmtKind::Output { name, value } => {
                    env.outputs.insert(name, value);
                }
                _ => {}
            }
        }
        env
    }

    /// Lets `mod.outputs.x` of local modules be evaluated, relative to `path`.
    pub fn at_path(mut self, path: &std::path::Path, module_depth: usize) -> Self {
        self.path = Some(path.to_path_buf());
        self.module_depth = module_depth;
        self
    }

    /// `mod.outputs.name` of a local module: its output evaluated with the params this file
    /// gives it, placed at `span` (the module's file is not one of the run's sources).
    fn module_output(&self, module: &str, name: &str, span: Span) -> Option<Val> {
        let (path, body) = self.modules.get(module)?;
        let here = self.path.as_ref()?;
        if self.module_depth >= super::MAX_MODULE_DEPTH {
            return Some(self.unknown(span, "module outputs are nested too deeply to follow"));
        }
        let target = self.eval(path);
        let target = target.as_str()?;
        if super::is_registry(target) {
            return Some(self.unknown(span, format!("`{target}` is a registry module")));
        }
        let call = self.eval(body);
        let V::Obj(_) = &call.v else {
            return Some(self.unknown(
                span,
                "the outputs of a module in a loop or under a condition are known at deployment",
            ));
        };
        let file = super::normalize(&super::sibling(here, target));
        let Ok(text) = std::fs::read_to_string(&file) else {
            return Some(self.unknown(span, format!("`{target}` cannot be read")));
        };
        let (ast, errors) = super::syntax::parse(&text);
        if !errors.is_empty() {
            return Some(self.unknown(span, format!("`{target}` has syntax errors")));
        }
        let mut given = HashMap::new();
        if let Some(V::Obj(params)) = call.get("params").map(|p| &p.v) {
            for (k, _, v) in params {
                given.insert(k.clone(), v.clone());
            }
        }
        let child = Env::new(NOWHERE, &text, &ast, given).at_path(&file, self.module_depth + 1);
        let Some(out) = child.outputs.get(name) else {
            return Some(self.unknown(span, format!("module `{module}` has no output `{name}`")));
        };
        let v = child.eval(out);
        Some(match v.v {
            V::Unknown(_) => self.propagate(span, &v),
            _ => v.rebase(span, self.file),
        })
    }

    /// Runs `f` with loop variables bound.
    pub fn with_locals<T>(&self, bound: Vec<(String, Val)>, f: impl FnOnce(&Self) -> T) -> T {
        let n = bound.len();
        self.locals.borrow_mut().extend(bound);
        let out = f(self);
        let mut l = self.locals.borrow_mut();
        let keep = l.len() - n;
        l.truncate(keep);
        out
    }

    fn text(&self, span: Span) -> String {
        let t = self.src.get(span.start..span.end).unwrap_or("");
        // A one-line rendering, short enough for a message.
        let one: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.chars().count() > 80 {
            format!("{}…", one.chars().take(79).collect::<String>())
        } else {
            one
        }
    }

    pub fn unknown(&self, span: Span, reason: impl Into<String>) -> Val {
        Val::new(
            V::Unknown(Box::new(Unresolved {
                text: self.text(span),
                reason: reason.into(),
            })),
            span,
            self.file,
        )
    }

    /// A computed value; text and arrays beyond what any alert needs are left unevaluated, so
    /// that doubling a string or array in a chain of variables cannot exhaust memory.
    fn lit(&self, v: V, span: Span) -> Val {
        match &v {
            V::Str(s) if s.len() > MAX_TEXT => {
                self.unknown(span, "the text is too long to evaluate")
            }
            V::Arr(a) if a.len() > MAX_ITEMS => {
                self.unknown(span, "the array is too long to evaluate")
            }
            _ => Val::new(v, span, self.file),
        }
    }

    pub fn eval(&self, e: &Expr) -> Val {
        {
            let mut d = self.depth.borrow_mut();
            if *d > MAX_DEPTH {
                return self.unknown(e.span, "the expression is nested too deeply to evaluate");
            }
            *d += 1;
        }
        let out = self.eval_inner(e);
        *self.depth.borrow_mut() -= 1;
        out
    }

    fn eval_inner(&self, e: &Expr) -> Val {
        let span = e.span;
        match &e.kind {
            ExprKind::Null => self.lit(V::Null, span),
            ExprKind::Bool(b) => self.lit(V::Bool(*b), span),
            ExprKind::Int(i) => self.lit(V::Int(*i), span),
            ExprKind::Str(parts) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        StrPart::Lit(s) => out.push_str(s),
                        StrPart::Interp(x) => {
                            let v = self.eval(x);
                            match to_text(&v) {
                                Some(s) => out.push_str(&s),
                                None => return self.propagate(span, &v),
                            }
                        }
                    }
                }
                self.lit(V::Str(out), span)
            }
            ExprKind::Ident(name) => self.ident(name, span),
            ExprKind::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i {
                        Item::Value(x) => out.push(self.eval(x)),
                        Item::Spread(x) => match self.eval(x) {
                            Val { v: V::Arr(a), .. } => out.extend(a),
                            other => return self.propagate(span, &other),
                        },
                    }
                }
                self.lit(V::Arr(out), span)
            }
            ExprKind::Object(props) => {
                let mut out: Vec<(String, Span, Val)> = Vec::new();
                let mut set = |k: String, ks: Span, v: Val| match out
                    .iter_mut()
                    .find(|(n, _, _)| n.eq_ignore_ascii_case(&k))
                {
                    Some(slot) => *slot = (k, ks, v),
                    None => out.push((k, ks, v)),
                };
                for p in props {
                    match p {
                        Prop::Pair {
                            key,
                            key_span,
                            value,
                        } => set(key.clone(), *key_span, self.eval(value)),
                        Prop::Spread(x) => match self.eval(x) {
                            Val { v: V::Obj(o), .. } => {
                                o.into_iter().for_each(|(k, ks, v)| set(k, ks, v))
                            }
                            Val { v: V::Null, .. } => {}
                            other => return self.propagate(span, &other),
                        },
                        Prop::Computed { key, value } => {
                            let k = self.eval(key);
                            match k.v {
                                V::Str(name) => set(name, k.span, self.eval(value)),
                                _ => return self.propagate(span, &k),
                            }
                        }
                        Prop::Resource(_) => {}
                    }
                }
                self.lit(V::Obj(out), span)
            }
            ExprKind::Member {
                target, name, safe, ..
            } => {
                if let ExprKind::Ident(r) = &target.kind
                    && let Some(v) = self.resource_property(r, name, span)
                {
                    return v;
                }
                if let ExprKind::Member {
                    target: inner,
                    name: outputs,
                    ..
                } = &target.kind
                    && outputs == "outputs"
                    && let ExprKind::Ident(m) = &inner.kind
                    && !self.is_value_name(m)
                {
                    let key = format!("{m}.{name}");
                    if let Some(v) = self.output_cache.borrow().get(&key) {
                        return v.clone().rebase(span, self.file);
                    }
                    if let Some(v) = self.module_output(m, name, span) {
                        self.output_cache.borrow_mut().insert(key, v.clone());
                        return v;
                    }
                }
                let t = self.eval(target);
                match &t.v {
                    V::Obj(_) => match t.get(name) {
                        Some(v) => v.clone(),
                        None if *safe => self.lit(V::Null, span),
                        None => self.unknown(span, format!("the object has no property `{name}`")),
                    },
                    V::Null if *safe => self.lit(V::Null, span),
                    V::Unknown(_) => self.propagate(span, &t),
                    _ => self.unknown(span, format!("`{name}` is read from {}", kind(&t.v))),
                }
            }
            ExprKind::Index {
                target,
                index,
                safe,
            } => {
                let t = self.eval(target);
                let i = self.eval(index);
                match (&t.v, &i.v) {
                    (V::Unknown(_), _) => self.propagate(span, &t),
                    (_, V::Unknown(_)) => self.propagate(span, &i),
                    (V::Arr(a), V::Int(n)) => match usize::try_from(*n).ok().and_then(|n| a.get(n))
                    {
                        Some(v) => v.clone(),
                        None if *safe => self.lit(V::Null, span),
                        None => self.unknown(span, "the index is out of range"),
                    },
                    (V::Obj(_), V::Str(k)) => match t.get(k) {
                        Some(v) => v.clone(),
                        None if *safe => self.lit(V::Null, span),
                        None => self.unknown(span, format!("the object has no property `{k}`")),
                    },
                    (V::Null, _) if *safe => self.lit(V::Null, span),
                    _ => self.unknown(span, "the index does not apply to this value"),
                }
            }
            ExprKind::Call {
                namespace,
                name,
                args,
            } => {
                if namespace
                    .as_deref()
                    .is_some_and(|n| n != "sys" && n != "az")
                {
                    return self.unknown(
                        span,
                        format!(
                            "`{}.{name}()` is not evaluated",
                            namespace.as_deref().unwrap_or("")
                        ),
                    );
                }
                self.call(name, args, span)
            }
            ExprKind::MethodCall { name, .. } => {
                self.unknown(span, format!("`{name}()` is evaluated at deployment"))
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x);
                match (op, &v.v) {
                    (UnaryOp::Not, V::Bool(b)) => self.lit(V::Bool(!b), span),
                    (UnaryOp::Neg, V::Int(i)) => self.lit(V::Int(i.wrapping_neg()), span),
                    _ => self.propagate(span, &v),
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::Ternary(c, a, b) => {
                let cv = self.eval(c);
                match cv.v {
                    V::Bool(true) => self.eval(a),
                    V::Bool(false) => self.eval(b),
                    _ => self.propagate(span, &cv),
                }
            }
            ExprKind::NonNull(x) | ExprKind::Paren(x) => self.eval(x),
            ExprKind::Lambda { .. } => self.unknown(span, "a lambda is not a value"),
            ExprKind::For {
                item,
                index,
                iterable,
                body,
            } => {
                let it = self.eval(iterable);
                let items: Vec<Val> = match it.v {
                    V::Arr(a) => a,
                    V::Unknown(_) => return self.propagate(span, &it),
                    _ => return self.unknown(span, "the loop is not over an array"),
                };
                let mut out = Vec::new();
                for (n, x) in items.into_iter().enumerate() {
                    let mut bound = vec![(item.clone(), x)];
                    if let Some(i) = index {
                        bound.push((i.clone(), self.lit(V::Int(n as i64), iterable.span)));
                    }
                    out.push(self.with_locals(bound, |env| env.eval(body)));
                }
                self.lit(V::Arr(out), span)
            }
            ExprKind::If { condition, body } => {
                let c = self.eval(condition);
                match c.v {
                    V::Bool(true) => self.eval(body),
                    V::Bool(false) => self.lit(V::Null, span),
                    _ => self.propagate(span, &c),
                }
            }
            ExprKind::NestedResource(_) => self.unknown(span, "a resource is not a value"),
        }
    }

    /// Whether a name is a loop variable, parameter or variable (which shadow declarations).
    fn is_value_name(&self, n: &str) -> bool {
        self.locals.borrow().iter().any(|(l, _)| l == n)
            || self.params.contains_key(n)
            || self.vars.contains_key(n)
    }

    /// `res.id` and `res.name` of a resource declared in this file. The id's subscription,
    /// group and names are known only at deployment, but its resource type is known, which is
    /// what a metric alert's `scopes` tell about its target.
    fn resource_property(&self, r: &str, prop: &str, span: Span) -> Option<Val> {
        if self.is_value_name(r) {
            return None;
        }
        let (ty, body) = self.resources.get(r)?;
        let body = match &body.kind {
            ExprKind::If { body, .. } => body,
            _ => *body,
        };
        let name = match &body.kind {
            ExprKind::Object(props) => props.iter().find_map(|p| match p {
                Prop::Pair { key, value, .. } if key == "name" => Some(value),
                _ => None,
            }),
            _ => None,
        };
        match prop {
            "name" => name.map(|n| self.eval(n)),
            "id" => {
                let ty = self.eval(ty);
                let ty = ty.as_str()?.split('@').next()?.to_string();
                let mut segments = ty.split('/');
                let namespace = segments.next()?;
                let mut id = format!(
                    "/subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/providers/{namespace}"
                );
                for t in segments {
                    id.push_str(&format!("/{t}/{{{r}}}"));
                }
                Some(self.lit(V::Str(id), span))
            }
            _ => None,
        }
    }

    /// An unknown value for `span`, keeping the reason of the unknown part it depends on.
    fn propagate(&self, span: Span, from: &Val) -> Val {
        match &from.v {
            V::Unknown(u) => self.unknown(span, u.reason.clone()),
            other => self.unknown(span, format!("{} cannot be used here", kind(other))),
        }
    }

    fn ident(&self, name: &str, span: Span) -> Val {
        if let Some((_, v)) = self.locals.borrow().iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        if let Some(v) = self.cache.borrow().get(name) {
            return v.clone();
        }
        if self.active.borrow().iter().any(|n| n == name) {
            return self.unknown(span, format!("`{name}` refers to itself"));
        }
        let v = if let Some((default, nullable)) = self.params.get(name) {
            match self.given.get(name) {
                Some(v) if v.file == NOWHERE => v.clone().rebase(span, self.file),
                Some(v) => v.clone(),
                None => match default {
                    Some(d) => self.guarded(name, d),
                    None if *nullable => self.lit(V::Null, span),
                    None => self.unknown(
                        span,
                        format!("parameter `{name}` has no default and no value was given"),
                    ),
                },
            }
        } else if let Some(x) = self.vars.get(name) {
            self.guarded(name, x)
        } else if let Some(what) = self.symbols.get(name) {
            return self.unknown(span, format!("`{name}` is {what}, known at deployment"));
        } else {
            return self.unknown(span, format!("`{name}` is not declared in this file"));
        };
        self.cache.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    fn guarded(&self, name: &str, e: &Expr) -> Val {
        self.active.borrow_mut().push(name.to_string());
        // Loop variables do not reach into another declaration.
        let saved = std::mem::take(&mut *self.locals.borrow_mut());
        let v = self.eval(e);
        *self.locals.borrow_mut() = saved;
        self.active.borrow_mut().pop();
        v
    }

    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr, span: Span) -> Val {
        let l = self.eval(a);
        match op {
            BinaryOp::Coalesce => {
                return match l.v {
                    V::Null => self.eval(b),
                    V::Unknown(_) => self.propagate(span, &l),
                    _ => l,
                };
            }
            BinaryOp::Or | BinaryOp::And => {
                let short = op == BinaryOp::Or;
                return match l.v {
                    V::Bool(x) if x == short => self.lit(V::Bool(short), span),
                    V::Bool(_) => {
                        let r = self.eval(b);
                        match r.v {
                            V::Bool(y) => self.lit(V::Bool(y), span),
                            _ => self.propagate(span, &r),
                        }
                    }
                    _ => self.propagate(span, &l),
                };
            }
            _ => {}
        }
        let r = self.eval(b);
        if matches!(l.v, V::Unknown(_)) {
            return self.propagate(span, &l);
        }
        if matches!(r.v, V::Unknown(_)) {
            return self.propagate(span, &r);
        }
        let v = match (op, &l.v, &r.v) {
            (BinaryOp::Eq, x, y) => V::Bool(equal(x, y, false)),
            (BinaryOp::Ne, x, y) => V::Bool(!equal(x, y, false)),
            (BinaryOp::EqI, x, y) => V::Bool(equal(x, y, true)),
            (BinaryOp::NeI, x, y) => V::Bool(!equal(x, y, true)),
            (BinaryOp::Lt, V::Int(x), V::Int(y)) => V::Bool(x < y),
            (BinaryOp::Le, V::Int(x), V::Int(y)) => V::Bool(x <= y),
            (BinaryOp::Gt, V::Int(x), V::Int(y)) => V::Bool(x > y),
            (BinaryOp::Ge, V::Int(x), V::Int(y)) => V::Bool(x >= y),
            (BinaryOp::Lt, V::Str(x), V::Str(y)) => V::Bool(x < y),
            (BinaryOp::Le, V::Str(x), V::Str(y)) => V::Bool(x <= y),
            (BinaryOp::Gt, V::Str(x), V::Str(y)) => V::Bool(x > y),
            (BinaryOp::Ge, V::Str(x), V::Str(y)) => V::Bool(x >= y),
            (BinaryOp::Add, V::Int(x), V::Int(y)) => opt_int(x.checked_add(*y)),
            (BinaryOp::Sub, V::Int(x), V::Int(y)) => opt_int(x.checked_sub(*y)),
            (BinaryOp::Mul, V::Int(x), V::Int(y)) => opt_int(x.checked_mul(*y)),
            (BinaryOp::Div, V::Int(x), V::Int(y)) => opt_int(x.checked_div(*y)),
            (BinaryOp::Mod, V::Int(x), V::Int(y)) => opt_int(x.checked_rem(*y)),
            _ => return self.unknown(span, "the operator does not apply to these values"),
        };
        match v {
            V::Null => self.unknown(span, "the arithmetic overflows or divides by zero"),
            v => self.lit(v, span),
        }
    }

    fn call(&self, name: &str, args: &[Expr], span: Span) -> Val {
        const DEPLOYMENT: &[&str] = &[
            "resourceId",
            "subscriptionResourceId",
            "tenantResourceId",
            "extensionResourceId",
            "managementGroupResourceId",
            "reference",
            "subscription",
            "resourceGroup",
            "managementGroup",
            "tenant",
            "deployment",
            "environment",
            "uniqueString",
            "guid",
            "newGuid",
            "utcNow",
            "dateTimeAdd",
            "listKeys",
            "list",
            "pickZones",
            "providers",
            "getSecret",
            "readEnvironmentVariable",
            "loadFileAsBase64",
            "loadTextContent",
            "loadJsonContent",
            "loadYamlContent",
            "externalInput",
            "deployer",
        ];
        if DEPLOYMENT.contains(&name) || name.starts_with("list") {
            return self.unknown(span, format!("`{name}()` is evaluated at deployment"));
        }
        let vals: Vec<Val> = args.iter().map(|a| self.eval(a)).collect();
        if let Some(u) = vals.iter().find(|v| matches!(v.v, V::Unknown(_))) {
            return self.propagate(span, u);
        }
        let vs: Vec<&V> = vals.iter().map(|v| &v.v).collect();
        let out = match (name, vs.as_slice()) {
            ("string", [V::Str(s)]) => V::Str(s.clone()),
            ("string", [v]) => match to_json(v) {
                Some(j) => V::Str(j.to_string()),
                None => V::Null,
            },
            ("int", [V::Int(i)]) => V::Int(*i),
            ("int", [V::Str(s)]) => match s.trim().parse() {
                Ok(i) => V::Int(i),
                Err(_) => return self.unknown(span, format!("`{s}` is not an integer")),
            },
            ("bool", [V::Bool(b)]) => V::Bool(*b),
            ("bool", [V::Str(s)]) => V::Bool(s.eq_ignore_ascii_case("true")),
            ("json", [V::Str(s)]) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => return Val::from_json(&j, span, self.file),
                Err(_) => return self.unknown(span, "the text is not JSON"),
            },
            ("toLower", [V::Str(s)]) => V::Str(s.to_lowercase()),
            ("toUpper", [V::Str(s)]) => V::Str(s.to_uppercase()),
            ("trim", [V::Str(s)]) => V::Str(s.trim().to_string()),
            ("empty", [v]) => V::Bool(match v {
                V::Null => true,
                V::Str(s) => s.is_empty(),
                V::Arr(a) => a.is_empty(),
                V::Obj(o) => o.is_empty(),
                _ => false,
            }),
            ("length", [V::Str(s)]) => V::Int(s.chars().count() as i64),
            ("length", [V::Arr(a)]) => V::Int(a.len() as i64),
            ("length", [V::Obj(o)]) => V::Int(o.len() as i64),
            ("contains", [V::Obj(_), V::Str(k)]) => V::Bool(vals[0].get(k).is_some()),
            ("contains", [V::Arr(a), x]) => V::Bool(a.iter().any(|i| equal(&i.v, x, false))),
            ("contains", [V::Str(s), V::Str(x)]) => V::Bool(s.contains(x.as_str())),
            ("startsWith", [V::Str(s), V::Str(x)]) => {
                V::Bool(s.to_lowercase().starts_with(&x.to_lowercase()))
            }
            ("endsWith", [V::Str(s), V::Str(x)]) => {
                V::Bool(s.to_lowercase().ends_with(&x.to_lowercase()))
            }
            ("replace", [V::Str(s), V::Str(a), V::Str(b)]) => V::Str(s.replace(a.as_str(), b)),
            ("split", [V::Str(s), V::Str(d)]) => V::Arr(
                s.split(d.as_str())
                    .map(|p| self.lit(V::Str(p.into()), span))
                    .collect(),
            ),
            ("join", [V::Arr(a), V::Str(d)]) => {
                let parts: Option<Vec<String>> = a.iter().map(to_text).collect();
                match parts {
                    Some(p) => V::Str(p.join(d)),
                    None => return self.unknown(span, "join() of values that are not text"),
                }
            }
            ("first", [V::Arr(a)]) => {
                return a
                    .first()
                    .cloned()
                    .unwrap_or_else(|| self.lit(V::Null, span));
            }
            ("last", [V::Arr(a)]) => {
                return a.last().cloned().unwrap_or_else(|| self.lit(V::Null, span));
            }
            ("array", [V::Arr(_)]) => return vals[0].clone(),
            ("array", [_]) => V::Arr(vec![vals[0].clone()]),
            ("createArray", _) => V::Arr(vals.clone()),
            ("range", [V::Int(s), V::Int(n)]) if (0..=10_000).contains(n) => V::Arr(
                (0..*n)
                    .map(|i| self.lit(V::Int(s.saturating_add(i)), span))
                    .collect(),
            ),
            ("min", [V::Int(_), ..]) | ("max", [V::Int(_), ..]) => {
                let ints: Option<Vec<i64>> = vs
                    .iter()
                    .map(|v| if let V::Int(i) = v { Some(*i) } else { None })
                    .collect();
                match ints {
                    Some(i) if name == "min" => V::Int(i.into_iter().min().unwrap_or(0)),
                    Some(i) => V::Int(i.into_iter().max().unwrap_or(0)),
                    None => {
                        return self.unknown(span, "min()/max() of values that are not integers");
                    }
                }
            }
            ("coalesce", _) => {
                return vals
                    .iter()
                    .find(|v| v.v != V::Null)
                    .cloned()
                    .unwrap_or_else(|| self.lit(V::Null, span));
            }
            ("concat", [V::Arr(_), ..]) => {
                let mut out = Vec::new();
                for v in &vals {
                    match &v.v {
                        V::Arr(a) => out.extend(a.iter().cloned()),
                        _ => {
                            return self
                                .unknown(span, "concat() of an array and a value that is not one");
                        }
                    }
                }
                V::Arr(out)
            }
            ("concat", _) => {
                let parts: Option<Vec<String>> = vals.iter().map(to_text).collect();
                match parts {
                    Some(p) => V::Str(p.concat()),
                    None => return self.unknown(span, "concat() of values that are not text"),
                }
            }
            ("union", [V::Obj(_), ..]) => {
                let mut out: Vec<(String, Span, Val)> = Vec::new();
                for v in &vals {
                    let V::Obj(o) = &v.v else {
                        return self
                            .unknown(span, "union() of an object and a value that is not one");
                    };
                    for (k, ks, x) in o {
                        match out.iter_mut().find(|(n, _, _)| n.eq_ignore_ascii_case(k)) {
                            Some(slot) => *slot = (k.clone(), *ks, x.clone()),
                            None => out.push((k.clone(), *ks, x.clone())),
                        }
                    }
                }
                V::Obj(out)
            }
            ("union", [V::Arr(_), ..]) => {
                let mut out: Vec<Val> = Vec::new();
                for v in &vals {
                    let V::Arr(a) = &v.v else {
                        return self
                            .unknown(span, "union() of an array and a value that is not one");
                    };
                    for x in a {
                        if !out.iter().any(|o| equal(&o.v, &x.v, false)) {
                            out.push(x.clone());
                        }
                    }
                }
                V::Arr(out)
            }
            ("format", [V::Str(f), ..]) => {
                let mut s = f.clone();
                for (i, v) in vals[1..].iter().enumerate() {
                    match to_text(v) {
                        Some(t) => s = s.replace(&format!("{{{i}}}"), &t),
                        None => return self.unknown(span, "format() of a value that is not text"),
                    }
                }
                V::Str(s)
            }
            _ => return self.unknown(span, format!("`{name}()` is not evaluated by amlguard")),
        };
        self.lit(out, span)
    }
}

fn opt_int(v: Option<i64>) -> V {
    v.map_or(V::Null, V::Int)
}

fn kind(v: &V) -> &'static str {
    match v {
        V::Null => "null",
        V::Bool(_) => "a boolean",
        V::Int(_) => "an integer",
        V::Str(_) => "a string",
        V::Arr(_) => "an array",
        V::Obj(_) => "an object",
        V::Unknown(_) => "a value known at deployment",
    }
}

/// The text a value interpolates as.
fn to_text(v: &Val) -> Option<String> {
    match &v.v {
        V::Str(s) => Some(s.clone()),
        V::Int(i) => Some(i.to_string()),
        V::Bool(b) => Some(b.to_string()),
        V::Null => Some(String::new()),
        V::Arr(_) | V::Obj(_) => to_json(&v.v).map(|j| j.to_string()),
        V::Unknown(_) => None,
    }
}

fn to_json(v: &V) -> Option<serde_json::Value> {
    Some(match v {
        V::Null => serde_json::Value::Null,
        V::Bool(b) => (*b).into(),
        V::Int(i) => (*i).into(),
        V::Str(s) => s.clone().into(),
        V::Arr(a) => {
            serde_json::Value::Array(a.iter().map(|x| to_json(&x.v)).collect::<Option<_>>()?)
        }
        V::Obj(o) => serde_json::Value::Object(
            o.iter()
                .map(|(k, _, x)| Some((k.clone(), to_json(&x.v)?)))
                .collect::<Option<_>>()?,
        ),
        V::Unknown(_) => return None,
    })
}

fn equal(a: &V, b: &V, fold: bool) -> bool {
    match (a, b) {
        (V::Str(x), V::Str(y)) if fold => x.eq_ignore_ascii_case(y),
        (V::Arr(x), V::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(&p.v, &q.v, fold))
        }
        (V::Obj(x), V::Obj(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, _, v)| {
                    y.iter()
                        .any(|(k2, _, v2)| k.eq_ignore_ascii_case(k2) && equal(&v.v, &v2.v, fold))
                })
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(text: &str, name: &str) -> V {
        let (ast, errors) = super::super::syntax::parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let env = Env::new(FileId(0), text, &ast, HashMap::new());
        let e = ast
            .statements
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Var { name: n, value, .. } if n == name => Some(value),
                _ => None,
            })
            .unwrap();
        env.eval(e).v
    }

    #[test]
    fn evaluates_what_is_known() {
        let t = "param p string = 'Failed'\nvar a = '${p} Runs'\nvar b = {\n  x: 1\n  ...{ y: 2 }\n}\nvar c = b.?z ?? int('3')\nvar d = [for (x, i) in ['a', 'b']: '${x}${i}']\nvar e = contains(b, 'y') ? 'yes' : 'no'\nvar f = json('{\"k\": [1]}').k[0]\n";
        assert_eq!(var(t, "a"), V::Str("Failed Runs".into()));
        assert_eq!(var(t, "c"), V::Int(3));
        assert!(
            matches!(var(t, "d"), V::Arr(ref a) if a.len() == 2 && a[1].v == V::Str("b1".into()))
        );
        assert_eq!(var(t, "e"), V::Str("yes".into()));
        assert_eq!(var(t, "f"), V::Int(1));
        // Negation and `!`, and a loop over an unknown array, unknown for the array's reason,
        // or over what is no array.
        let t = "param n int = 3\nvar h = !false\nvar i = -n\nvar j = [for x in resourceId('a', 'b'): x]\nvar k = [for x in 'ab': x]\n";
        assert_eq!(var(t, "h"), V::Bool(true));
        assert_eq!(var(t, "i"), V::Int(-3));
        let V::Unknown(u) = var(t, "j") else { panic!() };
        assert!(u.reason.contains("resourceId()"), "{}", u.reason);
        let V::Unknown(u) = var(t, "k") else { panic!() };
        assert_eq!(u.reason, "the loop is not over an array");
        // A key computed from a known value.
        let t = "param p string = 'Failed'\nvar g = {\n  '${p}x': 1, b: 2\n  resource: 3\n}\n";
        let V::Obj(props) = var(t, "g") else { panic!() };
        let props: Vec<_> = props.iter().map(|(k, _, v)| (k.as_str(), &v.v)).collect();
        assert_eq!(
            props,
            [
                ("Failedx", &V::Int(1)),
                ("b", &V::Int(2)),
                // A property may be named like a keyword.
                ("resource", &V::Int(3))
            ]
        );
    }

    #[test]
    fn doubling_stops_at_a_bound() {
        let mut t = String::from("var v0 = 'xxxxxxxxxxxxxxxx'\nvar a0 = ['x', 'y']\n");
        for i in 1..64 {
            t.push_str(&format!(
                "var v{i} = '${{v{j}}}${{v{j}}}'\nvar a{i} = concat(a{j}, a{j})\n",
                j = i - 1
            ));
        }
        assert!(matches!(var(&t, "v63"), V::Unknown(_)));
        assert!(matches!(var(&t, "a63"), V::Unknown(_)));
    }

    /// The bounds themselves: text of exactly 1 MiB and an array of exactly 100,000 items are
    /// evaluated; one doubling or one item more is not.
    #[test]
    fn text_and_arrays_are_evaluated_up_to_their_bounds() {
        let mut t = String::from("var v0 = 'xxxxxxxxxxxxxxxx'\n");
        for i in 1..=17 {
            t.push_str(&format!("var v{i} = '${{v{j}}}${{v{j}}}'\n", j = i - 1));
        }
        // 3,125 items doubled five times are 100,000.
        t.push_str("var a0 = range(0, 3125)\n");
        for i in 1..=6 {
            t.push_str(&format!("var a{i} = concat(a{j}, a{j})\n", j = i - 1));
        }
        assert!(matches!(var(&t, "v16"), V::Str(ref s) if s.len() == MAX_TEXT));
        let V::Unknown(u) = var(&t, "v17") else {
            panic!()
        };
        assert_eq!(u.reason, "the text is too long to evaluate");
        assert!(matches!(var(&t, "a5"), V::Arr(ref a) if a.len() == MAX_ITEMS));
        let V::Unknown(u) = var(&t, "a6") else {
            panic!()
        };
        assert_eq!(u.reason, "the array is too long to evaluate");
    }

    /// An unknown value quotes its expression on one line, cut to 80 characters.
    #[test]
    fn an_unknown_quotes_its_expression_up_to_eighty_characters() {
        let whole = format!("resourceId('x',\n   '{}')", "y".repeat(61));
        let cut = format!("resourceId('x', '{}')", "y".repeat(62));
        let t = format!("var a = {whole}\nvar b = {cut}\n");
        let V::Unknown(a) = var(&t, "a") else {
            panic!()
        };
        assert_eq!(a.text, whole.replace(",\n   ", ", "));
        assert_eq!(a.text.chars().count(), 80);
        let V::Unknown(b) = var(&t, "b") else {
            panic!()
        };
        assert_eq!(b.text, format!("{}…", &cut[..79]));
    }

    /// Expressions are evaluated 64 levels deep: in a chain of variables, each naming the one
    /// before, `v64` (65 evaluations, the first at depth 0) is known and `v65` is not.
    #[test]
    fn evaluation_goes_sixty_four_levels_deep() {
        let mut t = String::from("var v0 = 1\n");
        for i in 1..=MAX_DEPTH + 1 {
            t.push_str(&format!("var v{i} = v{}\n", i - 1));
        }
        assert_eq!(var(&t, &format!("v{MAX_DEPTH}")), V::Int(1));
        let V::Unknown(u) = var(&t, &format!("v{}", MAX_DEPTH + 1)) else {
            panic!()
        };
        assert_eq!(u.reason, "the expression is nested too deeply to evaluate");
    }

    /// `.?` and `[?…]` give null where `.` and `[…]` find nothing; on null, only the safe
    /// forms give null. An unknown target or index is unknown for its own reason.
    #[test]
    fn safe_access_gives_null_and_plain_access_does_not() {
        let t = "var o = { x: 1 }\nvar a = [1, 2]\nvar n = null\nvar r = resourceId('x', 'y')\n\
                 var p1 = o.?y\nvar p2 = o.y\nvar p3 = n.?x\nvar p4 = n.x\n\
                 var i1 = a[?5]\nvar i2 = a[5]\nvar i3 = o[?'y']\nvar i4 = o['y']\n\
                 var i5 = n[?0]\nvar i6 = n[0]\nvar i7 = r[0]\nvar i8 = a[r]\n";
        let reason = |name: &str| match var(t, name) {
            V::Unknown(u) => u.reason,
            other => panic!("{name}: {other:?}"),
        };
        for safe in ["p1", "p3", "i1", "i3", "i5"] {
            assert_eq!(var(t, safe), V::Null, "{safe}");
        }
        assert_eq!(reason("p2"), "the object has no property `y`");
        assert_eq!(reason("p4"), "`x` is read from null");
        assert_eq!(reason("i2"), "the index is out of range");
        assert_eq!(reason("i4"), "the object has no property `y`");
        assert_eq!(reason("i6"), "the index does not apply to this value");
        assert_eq!(reason("i7"), reason("r"));
        assert_eq!(reason("i8"), reason("r"));
    }

    /// Functions of the `sys` and `az` namespaces are the plain functions; other namespaces
    /// are user-defined and not evaluated.
    #[test]
    fn namespaced_calls() {
        let t = "var a = sys.concat('a', 'b')\nvar b = az.resourceGroup()\nvar c = foo.bar()\n";
        assert_eq!(var(t, "a"), V::Str("ab".into()));
        let V::Unknown(b) = var(t, "b") else { panic!() };
        assert!(!b.reason.contains("is not evaluated"), "{}", b.reason);
        let V::Unknown(c) = var(t, "c") else { panic!() };
        assert_eq!(c.reason, "`foo.bar()` is not evaluated");
    }

    /// `res.name` is the name a resource is declared with, under a condition too; `res.id` is
    /// its id with the parts known at deployment left as placeholders. A loop variable that
    /// shares the resource's name is the loop's value, not the resource.
    #[test]
    fn resource_names_and_ids() {
        let t = "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  location: 'x'\n  name: 'acct'\n}\n\
                 resource maybe 'Microsoft.Storage/storageAccounts@2023-01-01' = if (true) {\n  name: 'other'\n}\n\
                 var a = st.name\nvar b = maybe.name\nvar c = st.id\nvar d = [for st in ['x']: st.name]\n";
        assert_eq!(var(t, "a"), V::Str("acct".into()));
        assert_eq!(var(t, "b"), V::Str("other".into()));
        assert_eq!(
            var(t, "c"),
            V::Str("/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{st}".into())
        );
        let V::Arr(d) = var(t, "d") else { panic!() };
        let V::Unknown(u) = &d[0].v else {
            panic!("{d:?}")
        };
        assert_eq!(u.reason, "`name` is read from a string");
    }

    /// `if (…)` gives its body when true and null when false.
    #[test]
    fn a_condition_gives_its_body_or_null() {
        let t = "var l = [for x in [1, 2]: if (x == 1) {\n  v: x\n}]\n";
        let V::Arr(l) = var(t, "l") else { panic!() };
        assert!(matches!(&l[0].v, V::Obj(props) if props.len() == 1 && props[0].2.v == V::Int(1)));
        assert_eq!(l[1].v, V::Null);
    }

    /// Each expression of `known` evaluates to its JSON value; each of `unknown` to an unknown
    /// whose reason holds the text given, quoting the whole expression. `r` is an unknown
    /// (`resourceId()`) the expressions may use.
    fn evaluates_as_the_tables_say(known: &[(&str, serde_json::Value)], unknown: &[(&str, &str)]) {
        let mut t = String::from("var r = resourceId('x', 'y')\n");
        for (i, (e, _)) in known.iter().enumerate() {
            t.push_str(&format!("var k{i} = {e}\n"));
        }
        for (i, (e, _)) in unknown.iter().enumerate() {
            t.push_str(&format!("var u{i} = {e}\n"));
        }
        for (i, (e, want)) in known.iter().enumerate() {
            assert_eq!(
                to_json(&var(&t, &format!("k{i}"))).as_ref(),
                Some(want),
                "{e}"
            );
        }
        for (i, (e, reason)) in unknown.iter().enumerate() {
            match var(&t, &format!("u{i}")) {
                V::Unknown(u) => {
                    assert!(u.reason.contains(reason), "{e}: {}", u.reason);
                    assert_eq!(u.text, *e);
                }
                other => panic!("{e}: {other:?}"),
            }
        }
    }

    /// Every operator on known values, short-circuits that never look at an unknown right
    /// side, and unknown operands that make the result unknown.
    #[test]
    fn operators() {
        use serde_json::json;
        let known = [
            ("1 == 1", json!(true)),
            ("'a' == 'A'", json!(false)),
            ("'a' != 'A'", json!(true)),
            ("'a' =~ 'A'", json!(true)),
            ("'a' !~ 'A'", json!(false)),
            ("1 < 2", json!(true)),
            ("2 < 2", json!(false)),
            ("2 <= 2", json!(true)),
            ("3 <= 2", json!(false)),
            ("2 > 2", json!(false)),
            ("3 > 2", json!(true)),
            ("2 >= 2", json!(true)),
            ("1 >= 2", json!(false)),
            ("'a' < 'b'", json!(true)),
            ("'b' < 'b'", json!(false)),
            ("'b' <= 'b'", json!(true)),
            ("'c' <= 'b'", json!(false)),
            ("'b' > 'b'", json!(false)),
            ("'c' > 'b'", json!(true)),
            ("'b' >= 'b'", json!(true)),
            ("'a' >= 'b'", json!(false)),
            ("7 + 2", json!(9)),
            ("7 - 2", json!(5)),
            ("7 * 2", json!(14)),
            ("7 / 2", json!(3)),
            ("7 % 2", json!(1)),
            ("true || r", json!(true)),
            ("false && r", json!(false)),
            ("false || true", json!(true)),
            ("true && false", json!(false)),
            ("true && true", json!(true)),
            ("null ?? 3", json!(3)),
            ("2 ?? r", json!(2)),
            // Equality of every kind of value: arrays item by item, objects by key (keys
            // compare case-insensitively), `=~` folding the case of text inside them too.
            ("null == null", json!(true)),
            ("[1, 'a'] == [1, 'a']", json!(true)),
            ("[1, 'a'] == [1, 'A']", json!(false)),
            ("[1, 'a'] =~ [1, 'A']", json!(true)),
            ("[1] == [1, 2]", json!(false)),
            ("{ a: 1 } == { A: 1 }", json!(true)),
            ("{ a: 'x' } =~ { a: 'X' }", json!(true)),
            ("{ a: 1 } == { a: 2 }", json!(false)),
            ("{ a: 1 } == { a: 1, b: 2 }", json!(false)),
            ("{ a: 1, b: 2 } == { a: 1, c: 2 }", json!(false)),
            ("1 == '1'", json!(false)),
            // Precedence and associativity, as the parser reads them.
            ("1 + 2 * 3", json!(7)),
            ("(1 + 2) * 3", json!(9)),
            ("10 - 4 - 3", json!(3)),
            ("2 * 3 % 4", json!(2)),
            ("1 < 2 == 2 < 3", json!(true)),
            ("true || false && false", json!(true)),
            ("1 ?? null || true", json!(1)),
            ("null ?? null ?? 4", json!(4)),
            ("-(2) + 5", json!(3)),
            ("-3 + 5", json!(2)),
            ("!false && true", json!(true)),
            // Comments are no division; inside parentheses a line may start with `-`.
            ("6 / 2 // half", json!(3)),
            ("6 /* six */ / 2", json!(3)),
            ("(5\n  - 2)", json!(3)),
            // Interpolation of every kind of value.
            (
                "'${true}|${null}|${3}|${[1, 'a']}|${{ a: 1 }}'",
                json!("true||3|[1,\"a\"]|{\"a\":1}"),
            ),
        ];
        let unknown = [
            ("false || r", "resourceId()"),
            ("true && r", "resourceId()"),
            ("r || true", "resourceId()"),
            ("r ?? 1", "resourceId()"),
            ("r == 1", "resourceId()"),
            ("1 == r", "resourceId()"),
            ("9223372036854775807 + 1", "overflows"),
            ("1 / 0", "divides by zero"),
            ("'a' + 1", "does not apply"),
            // What a property is read from, by kind.
            ("true.x", "`x` is read from a boolean"),
            ("(1).x", "`x` is read from an integer"),
            ("'s'.x", "`x` is read from a string"),
            ("[1].x", "`x` is read from an array"),
        ];
        evaluates_as_the_tables_say(&known, &unknown);
    }

    /// Every function evaluated offline, each on the values it takes; a function of the
    /// deployment, an unknown argument or a value it does not take gives an unknown.
    #[test]
    fn functions() {
        use serde_json::json;
        let known = [
            ("string('a')", json!("a")),
            ("string(3)", json!("3")),
            ("string([1, 'a'])", json!("[1,\"a\"]")),
            ("int(7)", json!(7)),
            ("int(' 12 ')", json!(12)),
            ("bool(false)", json!(false)),
            ("bool('TRUE')", json!(true)),
            ("bool('yes')", json!(false)),
            ("json('{\"a\": [1]}')", json!({"a": [1]})),
            ("toLower('AbC')", json!("abc")),
            ("toUpper('AbC')", json!("ABC")),
            ("trim('  a b  ')", json!("a b")),
            ("empty('')", json!(true)),
            ("empty('a')", json!(false)),
            ("empty([])", json!(true)),
            ("empty([1])", json!(false)),
            ("empty({})", json!(true)),
            ("empty({ a: 1 })", json!(false)),
            ("empty(null)", json!(true)),
            ("empty(0)", json!(false)),
            ("length('né')", json!(2)),
            ("length([1, 2, 3])", json!(3)),
            ("length({ a: 1 })", json!(1)),
            ("contains({ a: 1 }, 'a')", json!(true)),
            ("contains({ a: 1 }, 'b')", json!(false)),
            ("contains([1, 2], 2)", json!(true)),
            ("contains([1, 2], 3)", json!(false)),
            ("contains('abc', 'bc')", json!(true)),
            ("contains('abc', 'cb')", json!(false)),
            ("startsWith('Abc', 'a')", json!(true)),
            ("startsWith('abc', 'b')", json!(false)),
            ("endsWith('abC', 'c')", json!(true)),
            ("endsWith('abc', 'b')", json!(false)),
            ("replace('a-b-c', '-', '+')", json!("a+b+c")),
            ("split('a,b', ',')", json!(["a", "b"])),
            ("join(['a', 1], '-')", json!("a-1")),
            ("first([1, 2])", json!(1)),
            ("first([])", json!(null)),
            ("last([1, 2])", json!(2)),
            ("last([])", json!(null)),
            ("array([1])", json!([1])),
            ("array(1)", json!([1])),
            ("createArray(1, 'a')", json!([1, "a"])),
            ("range(5, 3)", json!([5, 6, 7])),
            ("length(range(0, 10000))", json!(10000)),
            ("min(3, 1, 2)", json!(1)),
            ("max(3, 1, 2)", json!(3)),
            ("coalesce(null, null, 2, 3)", json!(2)),
            ("coalesce(null)", json!(null)),
            ("concat([1], [2, 3])", json!([1, 2, 3])),
            ("concat('a', 1, true)", json!("a1true")),
            ("union({ a: 1, b: 1 }, { A: 2 })", json!({"A": 2, "b": 1})),
            ("union([1, 2], [2, 3])", json!([1, 2, 3])),
            ("format('{0}-{1}', 'a', 2)", json!("a-2")),
        ];
        let unknown = [
            ("guid('a')", "`guid()` is evaluated at deployment"),
            (
                "listSecrets('a', 'b')",
                "`listSecrets()` is evaluated at deployment",
            ),
            ("int('x')", "`x` is not an integer"),
            ("toLower(r)", "resourceId()"),
            ("join([r], '-')", "join() of values that are not text"),
            ("min(1, 'a')", "min()/max() of values that are not integers"),
            (
                "concat([1], 2)",
                "concat() of an array and a value that is not one",
            ),
            ("concat('a', [r])", "concat() of values that are not text"),
            (
                "union({ a: 1 }, [1])",
                "union() of an object and a value that is not one",
            ),
            (
                "union([1], { a: 1 })",
                "union() of an array and a value that is not one",
            ),
            ("format('{0}', [r])", "format() of a value that is not text"),
            ("range(0, 10001)", "`range()` is not evaluated by amlguard"),
            ("noSuch(1)", "`noSuch()` is not evaluated by amlguard"),
        ];
        evaluates_as_the_tables_say(&known, &unknown);
    }

    #[test]
    fn a_single_allowed_value_is_the_value() {
        let t = "@allowed([\n  'Microsoft.MachineLearningServices/workspaces'\n])\nparam ty string\nparam n string?\nvar a = ty\nvar b = n ?? 'none'\n";
        assert_eq!(
            var(t, "a"),
            V::Str("Microsoft.MachineLearningServices/workspaces".into())
        );
        assert_eq!(var(t, "b"), V::Str("none".into()));
    }

    #[test]
    fn deployment_state_is_unknown_with_a_reason() {
        let t = "var a = resourceId('x', 'y')\nvar b = '${a}/z'\nvar c = c\nvar d = a.name\n";
        let V::Unknown(u) = var(t, "b") else { panic!() };
        assert!(u.reason.contains("resourceId()"), "{}", u.reason);
        assert_eq!(u.text, "'${a}/z'");
        // A property of an unknown value is unknown for the same reason.
        let V::Unknown(u) = var(t, "d") else { panic!() };
        assert!(u.reason.contains("resourceId()"), "{}", u.reason);
        assert_eq!(u.text, "a.name");
        let V::Unknown(u) = var(t, "c") else { panic!() };
        assert_eq!(u.reason, "`c` refers to itself");
        // A loop variable does not reach into another declaration the loop names.
        let t2 = "var l = [for x in [1]: m]\nvar m = x\n";
        let V::Arr(l) = var(t2, "l") else { panic!() };
        let V::Unknown(u) = &l[0].v else {
            panic!("{l:?}")
        };
        assert_eq!(u.reason, "`x` is not declared in this file");
        // A chain of names is no cycle.
        let t = "var e = f\nvar f = g\nvar g = 1\n";
        assert_eq!(var(t, "e"), V::Int(1));
    }
}
