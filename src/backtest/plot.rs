//! `backtest --plot FILE.svg`: per replayed rule, the derived series at each evaluation, the
//! threshold and the intervals during which an alert fired, on a time axis.

use plotters::prelude::*;

use super::Backtest;
use crate::evaluate::{Evaluation, Minute, rfc3339};

const WIDTH: u32 = 1100;
const PANEL: u32 = 300;
/// Series drawn per panel; the rest are counted in the caption.
const MAX_SERIES: usize = 8;
/// Line colours (none of them the threshold's red).
const COLORS: [(u8, u8, u8); 8] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (23, 190, 207),
];

/// The picture as SVG text.
pub fn svg(b: &Backtest) -> Result<String, String> {
    let panels: Vec<(&str, &str, usize, &Evaluation)> = b
        .rules
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .ok()
                .map(|e| (r.rule.as_str(), r.file.as_str(), r.line, e))
        })
        .filter(|(_, _, _, e)| !e.times.is_empty())
        .collect();
    let mut text = String::new();
    {
        let height = PANEL * (panels.len().max(1) as u32);
        let root = SVGBackend::with_string(&mut text, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        if panels.is_empty() {
            root.draw(&Text::new(
                "no rule was replayed: nothing to draw (see the report for why)",
                (20, 40),
                ("sans-serif", 18).into_font(),
            ))
            .map_err(|e| e.to_string())?;
        }
        let areas = root.split_evenly((panels.len().max(1), 1));
        for ((name, file, line, e), area) in panels.iter().zip(areas) {
            panel(&area, name, file, *line, e).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(text)
}

fn hhmm(m: &Minute) -> String {
    let t = rfc3339(*m);
    // 2026-11-18T11:30:00Z → 11-18 11:30
    t.get(5..16).map_or(t.clone(), |s| s.replace('T', " "))
}

/// Text that cannot break the SVG or the terminal it may be printed on.
fn plain(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(120).collect()
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    name: &str,
    file: &str,
    line: usize,
    e: &Evaluation,
) -> Result<(), String> {
    let err = |x: DrawingAreaErrorKind<_>| x.to_string();
    let first = *e.times.first().unwrap_or(&0);
    let last = *e.times.last().unwrap_or(&0);
    let x_range = first..last.max(first + 1);
    let threshold = e.thresholds.first().copied();
    let traces: Vec<_> = e.traces.iter().filter(|t| t.criterion == 0).collect();
    let mut lo = threshold.unwrap_or(0.0).min(0.0);
    let mut hi = threshold.unwrap_or(1.0);
    for t in &traces {
        for v in t
            .values
            .iter()
            .filter_map(|(_, v)| *v)
            .filter(|v| v.is_finite())
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.1;
    let caption = format!(
        "{} ({}:{}) — {} alert{}",
        plain(name),
        plain(file),
        line,
        e.alerts.len(),
        if e.alerts.len() == 1 { "" } else { "s" }
    );
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range.clone(), (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(8)
        .x_label_formatter(&hhmm)
        .x_desc("evaluation time (UTC)")
        .y_desc("value over the window")
        .draw()
        .map_err(err)?;
    // Fired intervals first, under the lines.
    let fired = RGBColor(230, 60, 60).mix(0.15);
    for a in &e.alerts {
        let end = a.resolved_at.unwrap_or(last).min(x_range.end);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(a.fired_at, lo - pad), (end.max(a.fired_at), hi + pad)],
                fired.filled(),
            )))
            .map_err(err)?;
    }
    if let Some(t) = threshold {
        chart
            .draw_series(LineSeries::new(
                [(x_range.start, t), (x_range.end, t)],
                RED.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("threshold {t}"))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED.stroke_width(2)));
    }
    for (i, t) in traces.iter().take(MAX_SERIES).enumerate() {
        let (r, g, b) = COLORS[i % COLORS.len()];
        let color = RGBColor(r, g, b);
        // A window without samples breaks the line.
        let mut segment: Vec<(Minute, f64)> = Vec::new();
        let mut segments = Vec::new();
        for (m, v) in &t.values {
            match v {
                Some(v) if v.is_finite() => segment.push((*m, *v)),
                _ => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        let label = if t.series.is_empty() {
            "(all)".to_string()
        } else {
            plain(
                &t.series
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        };
        let mut labelled = false;
        for s in segments.into_iter().filter(|s| !s.is_empty()) {
            // Every value gets a dot: a window with data between two without is a lone point.
            chart
                .draw_series(s.iter().map(|p| Circle::new(*p, 2, color.filled())))
                .map_err(err)?;
            let series = chart
                .draw_series(LineSeries::new(s, color.stroke_width(2)))
                .map_err(err)?;
            if !labelled {
                series
                    .label(label.clone())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
                labelled = true;
            }
        }
    }
    if traces.len() > MAX_SERIES {
        area.draw(&Text::new(
            format!("(+{} more series not drawn)", traces.len() - MAX_SERIES),
            (60, PANEL as i32 - 20),
            ("sans-serif", 12).into_font(),
        ))
        .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(err)?;
    Ok(())
}
