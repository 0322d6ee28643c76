use super::*;

fn canon(s: &str) -> String {
    match parse(s) {
        Ok(c) => print(&c),
        Err(e) => panic!("{s}: {e:?}"),
    }
}

fn err(s: &str) -> ParseError {
    parse(s).expect_err(s)
}

#[test]
fn the_issue_examples_parse() {
    assert_eq!(
        canon("avg GpuUtilization < 10 where RunId includes * and DeviceId excludes 0"),
        "avg GpuUtilization < 10 where RunId includes * and DeviceId excludes 0"
    );
    assert_eq!(
        canon("total \"Failed Runs\" > 0 where RunType includes Experiment or PipelineRun"),
        "total \"Failed Runs\" > 0 where RunType includes Experiment or PipelineRun"
    );
    assert_eq!(
        canon(
            "max 'Quota Utilization Percentage' >= 90 where \"Vm Family Name\" includes standardNCv3Family"
        ),
        "max \"Quota Utilization Percentage\" >= 90 where \"Vm Family Name\" includes standardNCv3Family"
    );
    assert_eq!(
        canon("avg CpuUtilization > dynamic medium 2 of 4 since 2026-01-01T00:00:00Z"),
        "avg CpuUtilization > dynamic medium 2 of 4 since 2026-01-01T00:00:00Z"
    );
}

#[test]
fn cli_help_examples_parse() {
    assert_eq!(
        canon("avg Percentage CPU > 90"),
        "avg \"Percentage CPU\" > 90"
    );
    assert_eq!(
        canon("avg SuccessE2ELatency > 250 where ApiName includes GetBlob or PutBlob"),
        "avg SuccessE2ELatency > 250 where ApiName includes GetBlob or PutBlob"
    );
    assert_eq!(
        canon("avg ns.Percentage CPU > dynamic low 3 of 4 since 2020-10-01T00:00:00Z"),
        "avg ns.\"Percentage CPU\" > dynamic low 3 of 4 since 2020-10-01T00:00:00Z"
    );
    assert_eq!(
        canon(
            "AVG   Failed Runs>=1,5 WHERE RunType INCLUDES Experiment, StepRun , ComputeType excludes AmlCompute WITH SkipMetricValidation\n"
        ),
        "avg \"Failed Runs\" >= 1.5 where RunType includes Experiment or StepRun and ComputeType excludes AmlCompute with skipmetricvalidation"
    );
}

#[test]
fn keywords_are_ascii_in_any_case_and_nothing_that_folds_to_them() {
    assert!(parse("avg Cpu > 3 WiTh SKIPmetricValidation").is_ok());
    // U+212A, the Kelvin sign, lower-cases to `k` but is not the keyword.
    let kelvin = parse("avg Cpu > 3 with s\u{212A}ipmetricvalidation").unwrap_err();
    assert!(
        kelvin.message.contains("skipmetricvalidation"),
        "{}",
        kelvin.message
    );
    assert_eq!(kelvin.span.start, "avg Cpu > 3 with ".len());
}

#[test]
fn spans_point_into_the_text() {
    let s = "total \"Failed Runs\" > 0 where RunType includes Experiment or PipelineRun";
    let c = parse(s).unwrap();
    let at = |sp: crate::source::Span| &s[sp.start..sp.end];
    assert_eq!(at(c.metric.span), "Failed Runs");
    assert_eq!(at(c.operator.span), ">");
    assert_eq!(at(c.dimensions[0].name.span), "RunType");
    assert_eq!(at(c.dimensions[0].values[1].span), "PipelineRun");
}

#[test]
fn errors_name_the_token_and_the_expectation() {
    let e = err("avg GpuUtilization => 10");
    assert_eq!((e.span.start, e.span.end), (19, 21));
    assert!(
        e.message.contains("expected one of > >= < <= = != ><"),
        "{}",
        e.message
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `>=`?"));

    let e = err("avgg GpuUtilization > 10");
    assert_eq!((e.span.start, e.span.end), (0, 4));

    let e = err("avg GpuUtilization > 10 wher RunId includes *");
    assert_eq!((e.span.start, e.span.end), (24, 28));
    assert_eq!(e.help.as_deref(), Some("did you mean `where`?"));

    let e = err("avg GpuUtilization > 10 where RunId include *");
    assert_eq!(e.span.start, 36);
    assert_eq!(e.help.as_deref(), Some("did you mean `includes`?"));

    let e = err("avg GpuUtilization");
    assert_eq!((e.span.start, e.span.end), (18, 18));
    assert!(e.message.contains("expected an operator"));

    let e = err("avg GpuUtilization > -5");
    assert_eq!(e.span.start, 21);

    let e = err("avg CpuUtilization > dynamic mid 2 of 4");
    assert_eq!((e.span.start, e.span.end), (29, 32));

    let e = err("avg 'Failed Runs > 0");
    assert_eq!((e.span.start, e.span.end), (4, 5));
}

/// Found by fuzzing: a threshold too large for f64 printed as `inf`, which does not parse.
#[test]
fn thresholds_beyond_f64_are_an_error() {
    let big = format!("avg X > {}", "9".repeat(400));
    let e = err(&big);
    assert_eq!(e.span.start, 8);
    assert!(e.message.contains("too large"));
}

/// Found by fuzzing: a value ending in a comma printed as `a,, or b`, which reads back as `a,`.
#[test]
fn values_cannot_end_with_a_comma() {
    let e = err("avg X > 2 where D includes a,, b");
    assert_eq!((e.span.start, e.span.end), (28, 29));
    assert!(parse("avg X > 2 where D includes a,b, c").is_ok());
}

/// Found by fuzzing: `x or, y` read as the values `x or` and `y`, printed as `x or or y`, which
/// reads back as other values. A separator keyword cannot be a word of a value.
#[test]
fn separator_keywords_cannot_be_words_of_a_value() {
    let c = "total 'Failed Runs' > 0 where RunType includes x or, y";
    let e = err(c);
    assert_eq!(&c[e.span.start..e.span.end], "or");
    for c in [
        "avg X > 2 where D includes x and, y",
        "avg X > 2 where D includes x with, y",
        "avg X > 2 where D includes x, or y",
        "avg X > 2 where D includes x, OR y",
    ] {
        assert!(parse(c).is_err(), "{c}");
    }
    assert!(parse("avg X > 2 where D includes x or,y").is_ok());
    assert!(parse("avg X > 2 where D includes order, y").is_ok());
}
