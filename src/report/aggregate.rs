//! Folding repeated findings. A dump in which every run makes the same illegal move yields one
//! finding per run; a generated rule file, one per rule. Past `max_repeats` findings of one
//! kind, the rest are counted, not shown, and one summary finding says how many there were and
//! where the first and last of them are. The per-kind state is a count, the first folded
//! finding and the last location: memory grows with the number of kinds, never with the
//! number of findings.
//!
//! A kind is the check plus, for a dump record, the lifecycle and the transition (`from`,
//! `to`); otherwise the message's shape (its text with quoted names and numbers blanked out,
//! so that `unknown metric `A`` and `unknown metric `B`` are one kind).

use rustc_hash::FxHashMap;

use crate::finding::Finding;
use crate::source::{FileId, SourceMap};

/// The default of `--max-repeats`.
pub const DEFAULT_MAX_REPEATS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Kind {
    code: &'static str,
    lifecycle: Option<String>,
    from: Option<String>,
    to: Option<String>,
    shape: String,
}

#[derive(Debug)]
struct Tally {
    shown: usize,
    first_folded: Option<Finding>,
    folded: u64,
    last: (FileId, usize),
}

/// Decides which findings are shown and keeps count of the rest.
#[derive(Debug)]
pub struct Folder {
    max: usize,
    kinds: FxHashMap<Kind, Tally>,
    /// Kinds in the order their first finding was folded, for a stable output.
    order: Vec<Kind>,
}

/// A message with every quoted part and every number replaced, for grouping.
pub fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(256));
    let mut quote: Option<char> = None;
    let mut last_digit = false;
    for c in message.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
                out.push(c);
            }
            continue;
        }
        match c {
            '`' | '\'' | '"' => {
                quote = Some(c);
                out.push(c);
                out.push('…');
                last_digit = false;
            }
            d if d.is_ascii_digit() => {
                if !last_digit {
                    out.push('#');
                }
                last_digit = true;
            }
            _ => {
                out.push(c);
                last_digit = false;
            }
        }
        if out.len() > 512 {
            break;
        }
    }
    out
}

fn kind(f: &Finding) -> Kind {
    match &f.record {
        Some(r) if r.from.is_some() || r.to.is_some() => Kind {
            code: f.check.code,
            lifecycle: r.lifecycle.clone(),
            from: r.from.clone(),
            to: r.to.clone(),
            shape: String::new(),
        },
        _ => Kind {
            code: f.check.code,
            lifecycle: f.record.as_ref().and_then(|r| r.lifecycle.clone()),
            from: None,
            to: None,
            shape: shape(&f.message),
        },
    }
}

fn line_of(sources: &SourceMap, f: &Finding) -> usize {
    super::position(sources, f).line
}

impl Folder {
    /// `max == 0` shows everything.
    pub fn new(max: usize) -> Self {
        Folder {
            max,
            kinds: FxHashMap::default(),
            order: Vec::new(),
        }
    }

    /// Whether to show this finding; if not, it is counted.
    pub fn admit(&mut self, sources: &SourceMap, f: &Finding) -> bool {
        if self.max == 0 {
            return true;
        }
        let k = kind(f);
        let tally = self.kinds.entry(k.clone()).or_insert(Tally {
            shown: 0,
            first_folded: None,
            folded: 0,
            last: (f.file, 0),
        });
        if tally.shown < self.max {
            tally.shown += 1;
            return true;
        }
        if tally.first_folded.is_none() {
            tally.first_folded = Some(f.clone());
            self.order.push(k);
        }
        tally.folded += 1;
        tally.last = (f.file, line_of(sources, f));
        false
    }

    /// How many findings were not shown.
    pub fn folded(&self) -> u64 {
        self.kinds.values().map(|t| t.folded).sum()
    }

    /// One finding per folded kind: at its first folded occurrence, with the count and the
    /// last occurrence.
    pub fn summaries(&mut self, sources: &SourceMap) -> Vec<Finding> {
        let mut out = Vec::new();
        for k in std::mem::take(&mut self.order) {
            let Some(t) = self.kinds.get_mut(&k) else {
                continue;
            };
            let Some(mut f) = t.first_folded.take() else {
                continue;
            };
            let first = line_of(sources, &f);
            let file = sources.get(f.file).name().to_string();
            let last_file = sources.get(t.last.0).name();
            let last = if t.last.0 == f.file {
                format!("line {}", t.last.1)
            } else {
                format!("{last_file}:{}", t.last.1)
            };
            let what = match (&k.lifecycle, &k.from, &k.to) {
                (Some(l), Some(a), Some(b)) => format!(" ({l} {a} → {b})"),
                _ => String::new(),
            };
            f.message = format!(
                "{} more {} finding{}{what} not shown, from {file}:{first} to {last}; the first: {}",
                t.folded,
                f.check.name,
                if t.folded == 1 { "" } else { "s" },
                f.message
            );
            f.label = "first of the findings not shown".into();
            f.help = Some(format!(
                "{} findings of this kind are shown in full; --max-repeats N changes that, 0 shows all",
                self.max
            ));
            f.related.clear();
            if let Some(r) = f.record.as_mut() {
                r.entity = None;
            }
            out.push(f);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_blanks_names_and_numbers() {
        assert_eq!(
            shape("unknown metric `GpuUtil` on line 12"),
            shape("unknown metric `Foo` on line 3")
        );
        assert_ne!(shape("unknown metric `A`"), shape("unknown dimension `A`"));
    }

    #[test]
    fn shape_is_bounded_whatever_the_characters() {
        // Three-byte characters step over 512 without landing on it.
        for long in ["a".repeat(10_000), "\u{20ac}".repeat(10_000)] {
            let s = shape(&long);
            assert!((512..=516).contains(&s.len()), "{}", s.len());
            assert!(long.starts_with(&s));
        }
    }
}
