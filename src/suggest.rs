//! "Did you mean …?" suggestions by string similarity.

/// The candidates closest to `word`, best first, at most `limit`, above a similarity floor.
/// Comparison ignores case, spaces, `-` and `_`, so `gpu utilisation` finds `GpuUtilization`.
pub fn nearest<'a, I>(word: &str, candidates: I, limit: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let w = normalize(word);
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .map(|c| {
            let n = normalize(c);
            let score = if n == w {
                1.0
            } else if !w.is_empty()
                && (n.contains(&w) || w.contains(&n))
                && n.len().min(w.len()) >= 3
            {
                0.9
            } else {
                strsim::jaro_winkler(&w, &n).max(strsim::normalized_damerau_levenshtein(&w, &n))
            };
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.78)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // Only the candidates about as close as the best: one clear winner is named alone.
    let best = scored.first().map_or(0.0, |s| s.0);
    let mut out: Vec<&str> = Vec::new();
    for (score, c) in scored {
        if score < best - 0.04 {
            break;
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            out.push(c);
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `did you mean `a`?` / `did you mean `a` or `b`?`, or `None` when nothing is close.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let near = nearest(word, candidates, 3);
    match near.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => {
            let quoted: Vec<String> = many.iter().map(|m| format!("`{m}`")).collect();
            let (last, rest) = quoted.split_last().expect("non-empty");
            Some(format!("did you mean {} or {last}?", rest.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_spacing_variants() {
        let c = [
            "GpuUtilization",
            "CpuUtilization",
            "Failed Runs",
            "Completed Runs",
        ];
        assert_eq!(nearest("GpuUtilisation", c, 1), vec!["GpuUtilization"]);
        assert_eq!(nearest("failedruns", c, 1), vec!["Failed Runs"]);
        assert!(nearest("zzzz", c, 3).is_empty());
        assert_eq!(
            did_you_mean("theshold", ["threshold", "metric"]).unwrap(),
            "did you mean `threshold`?"
        );
    }
}
