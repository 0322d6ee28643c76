//! Finding and reading input files: paths, directories (recursive, in path order) and stdin.
//! Text that is not UTF-8 is reported at its first invalid byte and read lossily, so the
//! report can still show where it is.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::Excludes;
use crate::finding::Finding;
use crate::registry;
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// A path that could not be read: a usage or I/O error (exit code 2), not a finding.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// The files a list of paths names: files as given, directories walked recursively for files
/// whose extension is one of `extensions`, `-` for stdin. Hidden entries and what `excludes`
/// names are skipped while walking; a path named explicitly is always read.
pub fn expand(
    paths: &[PathBuf],
    extensions: &[&str],
    excludes: &Excludes,
) -> (Vec<PathBuf>, Vec<InputError>) {
    expand_filtered(paths, excludes, false, &|p| has_extension(p, extensions))
}

/// As [`expand`], and the hidden homes of pipelines ([`is_pipeline_home`]) are walked too: the
/// rules a pipeline deploys are in its scripts.
pub fn expand_with_pipelines(
    paths: &[PathBuf],
    extensions: &[&str],
    excludes: &Excludes,
) -> (Vec<PathBuf>, Vec<InputError>) {
    expand_filtered(paths, excludes, true, &|p| has_extension(p, extensions))
}

/// `pipelines`: walk the hidden homes of pipelines too (see [`is_pipeline_home`]).
fn expand_filtered(
    paths: &[PathBuf],
    excludes: &Excludes,
    pipelines: bool,
    wanted: &dyn Fn(&Path) -> bool,
) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                // Links are followed (to files and directories); walkdir detects loops.
                let walker = walkdir::WalkDir::new(path)
                    .follow_links(true)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| {
                        e.depth() == 0
                            || !((is_hidden(e.file_name())
                                && !(pipelines && is_pipeline_home(e.file_name())))
                                || excludes.excludes(e.path()))
                    });
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() && wanted(e.path()) => {
                            files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(err) => errors.push(walk_error(&err, path)),
                    }
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(err) => errors.push(InputError {
                path: path.display().to_string(),
                message: err.to_string(),
            }),
        }
    }
    (files, errors)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// Hidden entries where pipelines that deploy alerts live, walked like any other: GitHub
/// Actions workflows (`.github`), Azure Pipelines (`.azure-pipelines`, `.azuredevops`,
/// `.pipelines`) and GitLab CI (`.gitlab-ci.yml`, `.gitlab`).
fn is_pipeline_home(name: &std::ffi::OsStr) -> bool {
    const HOMES: [&str; 6] = [
        ".github",
        ".azure-pipelines",
        ".azuredevops",
        ".pipelines",
        ".gitlab-ci.yml",
        ".gitlab",
    ];
    name.to_str().is_some_and(|n| HOMES.contains(&n))
}

/// A path the walk could not follow, said in the user's terms: a link loop, a broken link, or
/// an I/O error.
fn walk_error(err: &walkdir::Error, root: &Path) -> InputError {
    let path = err.path().unwrap_or(root);
    let message = if let Some(ancestor) = err.loop_ancestor() {
        format!(
            "symbolic link loop (it leads back to {}); not followed",
            ancestor.display()
        )
    } else if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err()
    {
        "broken symbolic link (its target does not exist); skipped".to_string()
    } else {
        err.io_error()
            .map_or_else(|| err.to_string(), std::string::ToString::to_string)
    };
    InputError {
        path: path.display().to_string(),
        message,
    }
}

/// Every regular file the paths name (directories walked recursively in path order, hidden
/// entries and excluded paths skipped): dumps are recognised by content, not by extension.
pub fn expand_all(paths: &[PathBuf], excludes: &Excludes) -> (Vec<PathBuf>, Vec<InputError>) {
    expand_filtered(paths, excludes, false, &|_| true)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Reads one file (or stdin for `-`) into the source map. Invalid UTF-8 yields an
/// `invalid-utf8` finding and the file's id, so that the caller skips it.
pub fn read(path: &Path, sources: &mut SourceMap) -> Result<(FileId, Option<Finding>), InputError> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| InputError {
                path: "<stdin>".into(),
                message: e.to_string(),
            })?;
        ("<stdin>".to_string(), buf)
    } else {
        let bytes = std::fs::read(path).map_err(|e| InputError {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        (path.display().to_string(), bytes)
    };
    Ok(add_bytes(name, bytes, sources))
}

/// Adds text given as bytes to the source map, checking it is UTF-8.
pub fn add_bytes(
    name: String,
    bytes: Vec<u8>,
    sources: &mut SourceMap,
) -> (FileId, Option<Finding>) {
    match String::from_utf8(bytes) {
        Ok(text) => (sources.add(SourceFile::new(name, text)), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes()[at];
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(SourceFile::new(name, text));
            let finding = Finding::new(
                &registry::INVALID_UTF8,
                id,
                Span::new(at, at + char_len_at(sources.get(id).text(), at)),
                format!(
                    "invalid UTF-8 (byte 0x{bad:02x} at offset {at}); the file was not checked"
                ),
            )
            .label("not UTF-8")
            .help("save the file as UTF-8");
            (id, Some(finding))
        }
    }
}

fn char_len_at(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_entries_are_skipped_but_pipeline_homes_when_rules_are_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            ".github/workflows/deploy.yml",
            ".azure-pipelines/alerts.yml",
            ".azuredevops/a.yml",
            ".pipelines/a.yml",
            ".gitlab-ci.yml",
            ".gitlab/ci/a.yml",
            ".cache/a.yml",
            ".git/a.yml",
            "a.yml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x: 1\n").unwrap();
        }
        let names = |files: Vec<PathBuf>| -> Vec<String> {
            files
                .iter()
                .map(|p| p.strip_prefix(root).unwrap().display().to_string())
                .collect()
        };
        let paths = [root.to_path_buf()];
        let (files, errors) = expand_with_pipelines(&paths, &["yml"], &Excludes::default());
        assert!(errors.is_empty());
        assert_eq!(
            names(files),
            [
                ".azure-pipelines/alerts.yml",
                ".azuredevops/a.yml",
                ".github/workflows/deploy.yml",
                ".gitlab/ci/a.yml",
                ".gitlab-ci.yml",
                ".pipelines/a.yml",
                "a.yml"
            ]
        );
        let (files, _) = expand(&paths, &["yml"], &Excludes::default());
        assert_eq!(names(files), ["a.yml"]);
        let (files, _) = expand_all(&paths, &Excludes::default());
        assert_eq!(names(files), ["a.yml"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_loops_and_broken_links_reported() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/a.yaml"), "rules: []\n").unwrap();
        std::fs::create_dir(root.join("walk")).unwrap();
        symlink(root.join("real/a.yaml"), root.join("walk/file.yaml")).unwrap();
        symlink(root.join("real"), root.join("walk/dir")).unwrap();
        symlink(root.join("walk"), root.join("walk/loop")).unwrap();
        symlink(root.join("nowhere.yaml"), root.join("walk/broken.yaml")).unwrap();
        let (files, errors) = expand(&[root.join("walk")], &["yaml"], &Excludes::default());
        let names: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["walk/dir/a.yaml", "walk/file.yaml"]);
        let mut messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        messages.sort();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("broken.yaml: broken symbolic link"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("loop: symbolic link loop"),
            "{messages:?}"
        );
    }

    #[test]
    fn invalid_utf8_is_located_at_the_first_bad_byte() {
        let mut sources = SourceMap::new();
        let (id, f) = add_bytes(
            "x.yaml".into(),
            b"rules:\n  - name: caf\xe9\n".to_vec(),
            &mut sources,
        );
        let f = f.unwrap();
        let lc = sources.get(id).line_col(f.span.start);
        assert_eq!((lc.line, lc.column), (2, 14));
        assert_eq!(f.check.name, "invalid-utf8");
    }
}
