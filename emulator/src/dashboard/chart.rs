//! The load chart's geometry: calls per second (errors in red) over the last five minutes,
//! and calls and errors per action over the same window. Drawn as SVG by `chart.svg`.

use crate::load::Second;

/// Seconds the chart covers.
pub const WINDOW_SECS: u64 = 300;
/// Pixels per second on the time axis.
const STEP: u64 = 3;
pub const PLOT_WIDTH: u64 = WINDOW_SECS * STEP;
pub const PLOT_HEIGHT: u64 = 160;
/// Left margin for the axis labels; top of the per-action bars.
const LEFT: u64 = 150;
const ACTIONS_TOP: u64 = PLOT_HEIGHT + 60;
const ACTION_ROW: u64 = 22;

pub struct Bar {
    pub x: u64,
    pub width: u64,
    pub calls_y: u64,
    pub calls_height: u64,
    pub errors_y: u64,
    pub errors_height: u64,
    pub title: String,
}

pub struct ActionBar {
    pub name: String,
    pub y: u64,
    pub text_y: u64,
    pub calls_width: u64,
    pub errors_width: u64,
    pub label: String,
}

pub struct Tick {
    pub x: u64,
    pub label: &'static str,
}

pub struct Chart {
    pub width: u64,
    pub height: u64,
    pub left: u64,
    pub plot_width: u64,
    pub plot_height: u64,
    pub max_per_second: u32,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub actions_top: u64,
    pub actions: Vec<ActionBar>,
}

/// Calls and errors of one action over the window.
pub struct ActionTotals {
    pub action: String,
    pub calls: u32,
    pub errors: u32,
}

pub fn totals(seconds: &[Second]) -> Vec<ActionTotals> {
    let mut by_action = std::collections::BTreeMap::<&str, (u32, u32)>::new();
    for second in seconds {
        for (action, (calls, errors)) in &second.by_action {
            let totals = by_action.entry(action).or_default();
            totals.0 += calls;
            totals.1 += errors;
        }
    }
    by_action
        .into_iter()
        .map(|(action, (calls, errors))| ActionTotals {
            action: action.to_owned(),
            calls,
            errors,
        })
        .collect()
}

impl Chart {
    pub fn of(seconds: &[Second], now_secs: u64) -> Chart {
        let start = now_secs + 1 - WINDOW_SECS;
        let max = seconds.iter().map(Second::calls).max().unwrap_or(0).max(1);
        let scale = |n: u32| u64::from(n) * PLOT_HEIGHT / u64::from(max);
        let bars = seconds
            .iter()
            .filter(|s| s.at >= start)
            .map(|s| {
                let (calls, errors) = (s.calls(), s.errors());
                let (calls_height, errors_height) = (scale(calls), scale(errors));
                Bar {
                    x: LEFT + (s.at - start) * STEP,
                    width: STEP - 1,
                    calls_y: PLOT_HEIGHT + 10 - calls_height,
                    calls_height,
                    errors_y: PLOT_HEIGHT + 10 - errors_height,
                    errors_height,
                    title: format!("{} s ago: {calls} calls, {errors} errors", now_secs - s.at),
                }
            })
            .collect();
        let ticks = [
            (0, "−5 min"),
            (60, "−4 min"),
            (120, "−3 min"),
            (180, "−2 min"),
            (240, "−1 min"),
            (WINDOW_SECS, "now"),
        ]
        .into_iter()
        .map(|(at, label)| Tick {
            x: LEFT + at * STEP,
            label,
        })
        .collect();
        let totals = totals(seconds);
        let most = totals.iter().map(|t| t.calls).max().unwrap_or(0).max(1);
        let actions: Vec<ActionBar> = totals
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let y = ACTIONS_TOP + i as u64 * ACTION_ROW;
                ActionBar {
                    y,
                    text_y: y + 14,
                    calls_width: (u64::from(t.calls) * PLOT_WIDTH / u64::from(most)).max(1),
                    errors_width: u64::from(t.errors) * PLOT_WIDTH / u64::from(most),
                    label: format!("{} calls, {} errors", t.calls, t.errors),
                    name: t.action,
                }
            })
            .collect();
        Chart {
            width: LEFT + PLOT_WIDTH + 20,
            height: ACTIONS_TOP + actions.len() as u64 * ACTION_ROW + 10,
            left: LEFT,
            plot_width: PLOT_WIDTH,
            plot_height: PLOT_HEIGHT,
            max_per_second: max,
            bars,
            ticks,
            actions_top: ACTIONS_TOP,
            actions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_busiest_second() {
        let mut busy = Second {
            at: 1000,
            ..Second::default()
        };
        busy.by_action.insert("A".into(), (4, 1));
        let mut quiet = Second {
            at: 999,
            ..Second::default()
        };
        quiet.by_action.insert("B".into(), (2, 0));
        let chart = Chart::of(&[quiet, busy], 1000);
        assert_eq!(chart.max_per_second, 4);
        assert_eq!(chart.bars[1].calls_height, PLOT_HEIGHT);
        assert_eq!(chart.bars[1].errors_height, PLOT_HEIGHT / 4);
        assert_eq!(chart.bars[0].calls_height, PLOT_HEIGHT / 2);
        assert!(chart.bars[1].x > chart.bars[0].x);
        assert_eq!(chart.actions.len(), 2);
        assert_eq!(chart.actions[0].name, "A");
    }
}
