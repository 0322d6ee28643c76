//! Which reader a source goes to: by extension where the extension decides it, by content
//! otherwise (stdin, unknown extensions), so that Terraform piped to `lint -` is read as HCL and
//! a Bicep file is never read as YAML.

use super::{SCRIPT_EXTENSIONS, arm, script};

/// The formats amlguard reads alert rules from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A rule file (`rules:`), or any YAML.
    Yaml,
    /// An ARM template, parameter file or Terraform plan (comments allowed, as ARM allows).
    Json,
    /// Terraform source.
    Hcl,
    /// Shell, PowerShell or pipeline YAML invoking `az monitor metrics alert create`.
    Script,
    /// Bicep source (`.bicep`) or parameters (`.bicepparam`).
    Bicep,
}

/// The lowercased extension of a file name, or "" (stdin is `<stdin>`: none).
pub fn extension(name: &str) -> String {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// The format of a source named `name` holding `text`.
pub fn detect(name: &str, text: &str) -> Format {
    let ext = extension(name);
    match ext.as_str() {
        "tf" => return Format::Hcl,
        "bicep" | "bicepparam" => return Format::Bicep,
        "json" | "jsonc" => return Format::Json,
        _ => {}
    }
    // `{{` opens a Go template (a Helm chart), not a JSON object.
    if is_json(text)
        && !text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with("{{")
    {
        return Format::Json;
    }
    // A rule file whose text mentions an az command (in a description) is still a rule file.
    if SCRIPT_EXTENSIONS.contains(&ext.as_str())
        || (script::mentions_command(text) && !super::has_rule_file_top_key(text))
    {
        return Format::Script;
    }
    if ext == "yaml" || ext == "yml" {
        return Format::Yaml;
    }
    match first_significant_line(text) {
        Some(line) if is_bicep_line(line) => Format::Bicep,
        Some(line) if is_hcl_line(line) => Format::Hcl,
        _ => Format::Yaml,
    }
}

/// Text whose first token (after a BOM, blanks and `//` or `/* */` comments) opens a JSON object.
pub fn is_json(text: &str) -> bool {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    trimmed.starts_with('{')
        || (trimmed.starts_with("//") || trimmed.starts_with("/*"))
            && arm::blank_comments(trimmed).trim_start().starts_with('{')
}

/// The first line that is neither blank nor a comment in any of the candidate formats
/// (`#`, `//`, and `/* … */` on lines of their own).
fn first_significant_line(text: &str) -> Option<&str> {
    let mut in_block = false;
    for line in text.trim_start_matches('\u{feff}').lines() {
        let t = line.trim();
        if in_block {
            if t.contains("*/") {
                in_block = false;
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.contains("*/");
            continue;
        }
        return Some(t);
    }
    None
}

/// Bicep's top-level statements: a decorator, or a keyword followed by a declaration.
fn is_bicep_line(line: &str) -> bool {
    if line.starts_with('@') {
        return true;
    }
    let mut words = line.split_whitespace();
    let (Some(kw), Some(next)) = (words.next(), words.next()) else {
        return false;
    };
    match kw {
        "targetScope" => next.starts_with('='),
        "using" | "import" | "extension" => next.starts_with('\''),
        "param" | "var" | "resource" | "module" | "output" | "metadata" | "type" | "func" => {
            is_identifier(next) && !line.contains('"') && {
                // `resource name 'Type@version' = {` / `param x int = 3` / `var x = 1`
                let rest = words.collect::<Vec<_>>().join(" ");
                rest.starts_with('\'')
                    || rest.contains('=')
                    || rest.is_empty()
                    || is_identifier(&rest)
            }
        }
        _ => false,
    }
}

/// An HCL block header (`resource "a" "b" {`, `locals {`) or attribute (`x = 1`).
fn is_hcl_line(line: &str) -> bool {
    let ident_len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    // "Identifiers can contain letters, digits, underscores (_), and hyphens (-). The first
    // character of an identifier must not be a digit" (Terraform, Configuration Syntax,
    // https://developer.hashicorp.com/terraform/language/syntax/configuration).
    if ident_len == 0 || !matches!(line.as_bytes()[0], b'a'..=b'z' | b'A'..=b'Z' | b'_') {
        return false;
    }
    let mut rest = line[ident_len..].trim_start();
    if rest.starts_with('=') && !rest.starts_with("==") {
        return true;
    }
    // Labels: quoted strings or identifiers, then `{`.
    loop {
        if rest.starts_with('{') {
            return true;
        }
        if let Some(r) = rest.strip_prefix('"') {
            match r.find('"') {
                Some(i) => rest = r[i + 1..].trim_start(),
                None => return false,
            }
        } else {
            let n = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            if n == 0 {
                return false;
            }
            rest = rest[n..].trim_start();
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_detected_by_content() {
        let tf = "# alerts\nresource \"azurerm_monitor_metric_alert\" \"a\" {\n  name = \"x\"\n}\n";
        assert_eq!(detect("<stdin>", tf), Format::Hcl);
        assert_eq!(detect("<stdin>", "variable \"t\" {}\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "locals {\n}\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "threshold = 3\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "cpu_threshold = 90\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "alert-name = \"x\"\n"), Format::Hcl);
        // An HCL name starts with a letter or an underscore.
        assert_eq!(detect("<stdin>", "_x = 1\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "9 = 1\n"), Format::Yaml);
        assert_eq!(detect("<stdin>", "-x = 1\n"), Format::Yaml);
        // Bicep keywords as Terraform variable names (a `.tfvars` file piped in).
        assert_eq!(detect("<stdin>", "var = 1\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "type = 3\n"), Format::Hcl);
        assert_eq!(detect("<stdin>", "param 1x int = 3\n"), Format::Yaml);
        assert_eq!(detect("<stdin>", "param x.y = 3\n"), Format::Yaml);
        assert_eq!(detect("<stdin>", "rules:\n  - name: a\n"), Format::Yaml);
        assert_eq!(detect("<stdin>", "- a\n- b\n"), Format::Yaml);
        assert_eq!(detect("<stdin>", "name: x = y\n"), Format::Yaml);
        assert_eq!(
            detect("<stdin>", "  // c\n{\"resources\": []}"),
            Format::Json
        );
        assert_eq!(detect("<stdin>", "\u{feff}{}"), Format::Json);
        assert_eq!(
            detect(
                "<stdin>",
                "az monitor metrics alert create -n a --condition 'x'\n"
            ),
            Format::Script
        );
        assert_eq!(
            detect("<stdin>", "@description('x')\nparam t int = 3\n"),
            Format::Bicep
        );
        assert_eq!(
            detect(
                "<stdin>",
                "resource alert 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n"
            ),
            Format::Bicep
        );
        assert_eq!(
            detect("<stdin>", "param threshold int = 3\n"),
            Format::Bicep
        );
        assert_eq!(
            detect("<stdin>", "targetScope = 'subscription'\n"),
            Format::Bicep
        );
        assert_eq!(detect("<stdin>", "using './main.bicep'\n"), Format::Bicep);
        // A declaration without a value; a Terraform block whose label is bare.
        assert_eq!(
            detect("<stdin>", "param workspaceId string\n"),
            Format::Bicep
        );
        assert_eq!(
            detect("<stdin>", "output alert_id {\n  value = 1\n}\n"),
            Format::Hcl
        );
        assert_eq!(detect("<stdin>", ""), Format::Yaml);
    }

    #[test]
    fn block_comments_before_the_first_statement_are_skipped() {
        // One line: the comment closes where it opens.
        assert_eq!(
            detect("<stdin>", "/* alerts */\nresource \"a\" \"b\" {\n}\n"),
            Format::Hcl
        );
        // Several lines: what they hold is not read, up to the line that closes them.
        assert_eq!(
            detect("<stdin>", "/*\n  notes: here\n*/\nlocals {\n}\n"),
            Format::Hcl
        );
        assert_eq!(
            detect("<stdin>", "/* a\n  locals {\n b */\nrules: []\n"),
            Format::Yaml
        );
    }

    #[test]
    fn extensions_decide_where_they_can() {
        assert_eq!(detect("main.tf", "rules:\n"), Format::Hcl);
        assert_eq!(detect("main.bicep", "{"), Format::Bicep);
        assert_eq!(detect("a.bicepparam", "using 'x'"), Format::Bicep);
        assert_eq!(detect("a.json", "rules: []"), Format::Json);
        assert_eq!(detect("a.yaml", "resource \"a\" \"b\" {"), Format::Yaml);
        assert_eq!(detect("a.yaml", "{\"rules\": []}"), Format::Json);
        assert_eq!(detect("a.sh", "echo"), Format::Script);
        assert_eq!(detect("a.txt", "resource \"a\" \"b\" {"), Format::Hcl);
        assert_eq!(
            detect("d.yaml", "{{- if .Values.x }}\nkind: x\n"),
            Format::Yaml
        );
    }

    #[test]
    fn a_rule_file_that_mentions_an_az_command_is_a_rule_file() {
        let mention = "description: like az monitor metrics alert create -n a\n";
        for top in [
            "rules:\n  - name: a\n",
            "Rules:\n",
            "criteria:\n",
            "\"rules\": []\n",
        ] {
            let text = format!("{top}{mention}");
            assert_eq!(detect("a.yaml", &text), Format::Yaml, "{text}");
            assert_eq!(detect("<stdin>", &text), Format::Yaml, "{text}");
            // A script is a script, whatever its lines look like.
            assert_eq!(detect("a.sh", &text), Format::Script, "{text}");
        }
        // Indented, or in a comment or a list, a key is no top-level one.
        for text in [
            "steps:\n  rules: x\n  - run: az monitor metrics alert create\n",
            "# rules:\nrun: az monitor metrics alert create\n",
            "- rules: x\nrun: az monitor metrics alert create\n",
            "\trules: x\nrun: az monitor metrics alert create\n",
        ] {
            assert_eq!(detect("ci.yml", text), Format::Script, "{text}");
        }
    }
}
