//! Conditions through the real binary: in YAML rules (plain, double- and single-quoted
//! scalars), on the command line (`lint --condition`), and `fmt-condition`. A typo anywhere
//! gives one diagnostic at the right column.

mod common;

use common::*;
use predicates::prelude::*;

fn lint_conditions(conds: &[&str]) -> (i32, Vec<(String, u64, u64)>) {
    let mut args = vec![];
    for c in conds {
        args.push("--condition");
        args.push(c);
    }
    let (code, json) = lint_json(&args);
    (code, found(&json))
}

fn one(name: &str, col: u64) -> Vec<(String, u64, u64)> {
    vec![(name.to_string(), 1, col)]
}

#[test]
fn a_typo_anywhere_gives_one_finding_at_its_column() {
    let cases = [
        (
            "avg GpuUtilisation < 10 where RunId includes *",
            "unknown-metric",
            5,
        ),
        (
            "avg GpuUtilization < 10 where RunIdd includes *",
            "unknown-dimension",
            31,
        ),
        (
            "avg GpuUtilization =< 10 where RunId includes *",
            "condition-syntax",
            20,
        ),
        (
            "avg GpuUtilization < 10 wher RunId includes *",
            "condition-syntax",
            25,
        ),
        (
            "avg GpuUtilization < 10 where RunId inclues *",
            "condition-syntax",
            37,
        ),
        ("avgs GpuUtilization < 10", "condition-syntax", 1),
        (
            "total 'Failed Runs' > 0 where RunType includes Experimnt",
            "invalid-dimension-value",
            48,
        ),
        (
            "avg CpuUtilization < 10 where DeviceId includes 0",
            "dimension-not-applicable",
            31,
        ),
        (
            "avg CpuUtilization > dynamic medum 2 of 4",
            "condition-syntax",
            30,
        ),
    ];
    for (cond, name, col) in cases {
        let (code, f) = lint_conditions(&[cond]);
        assert_eq!(f, one(name, col), "{cond}");
        assert_eq!(code, 1, "{cond}");
    }
}

#[test]
fn clean_conditions_exit_0() {
    let (code, f) = lint_conditions(&[
        "avg GpuUtilization < 10 where RunId includes * and DeviceId excludes 0",
        "total \"Failed Runs\" > 0 where RunType includes Experiment or PipelineRun",
        "max 'Quota Utilization Percentage' >= 90 where VmFamilyName includes standardNCv3Family",
        "avg CpuUtilization > dynamic medium 2 of 4 since 2026-01-01T00:00:00Z",
    ]);
    assert_eq!(f, vec![]);
    assert_eq!(code, 0);
}

#[test]
fn conditions_go_through_every_check() {
    let (_, f) = lint_conditions(&[
        "avg GpuUtilization > 150",
        "total Failed Runs < 0",
        "avg CpuUtilization >= dynamic low 5 of 4",
    ]);
    let names: Vec<&str> = f.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "condition-never-fires",
            "invalid-dynamic-threshold",
            "invalid-dynamic-threshold",
            "threshold-out-of-range"
        ]
    );
}

#[test]
fn findings_inside_yaml_strings_land_on_the_right_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.yaml");
    std::fs::write(
        &path,
        "rules:\n  - name: a\n    criteria:\n      - avg GpuUtilisation < 10\n      - condition: \"total Failed Runs > 0 where RunTyp includes Experiment\"\n      - condition: 'max ''Quota Utilization Percentage'' > 190'\n      - condition: avg GpuUtilization <> 3\n",
    )
    .unwrap();
    let (code, json) = lint_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&json),
        vec![
            ("condition-syntax".to_string(), 7, 39),
            ("threshold-out-of-range".to_string(), 6, 60),
            ("unknown-dimension".to_string(), 5, 49),
            ("unknown-metric".to_string(), 4, 13),
        ]
    );
}

#[test]
fn a_condition_and_fields_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.yaml");
    std::fs::write(&path, "rules:\n  - name: a\n    criteria:\n      - condition: avg GpuUtilization < 10\n        threshold: 5\n").unwrap();
    let (_, json) = lint_json(&[path.to_str().unwrap()]);
    assert_eq!(found(&json), vec![("invalid-value".to_string(), 5, 9)]);
}

#[test]
fn fmt_condition_prints_the_canonical_form() {
    amlguard()
        .args(["fmt-condition", "AVG ns.Percentage CPU>90", "total 'Failed Runs' > 0 where RunType includes Experiment, StepRun"])
        .assert()
        .code(0)
        .stdout("avg ns.\"Percentage CPU\" > 90\ntotal \"Failed Runs\" > 0 where RunType includes Experiment or StepRun\n");
    amlguard()
        .args(["--color", "never", "fmt-condition", "avg X => 1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("did you mean `>=`?")
                .and(predicate::str::contains("<condition 1>:1:7")),
        );
}
