//! The service's clock: real time, real time sped up (`--time-scale N`), or manual time that
//! moves only when told (`AslWorkbench.AdvanceClock`), so a test can step a year-long Wait.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::{ApiError, Service};

/// The longest real sleep [`Clock::real_delay`] asks for.
const MAX_SLEEP: Duration = Duration::from_secs(3600);

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockMode {
    /// Virtual time runs `scale` times as fast as real time, from the real time at start.
    Real { scale: f64 },
    /// Virtual time starts at the real time at start and stands until advanced.
    Manual,
}

#[derive(Clone, Debug)]
pub struct Clock {
    mode: ClockMode,
    started: Instant,
    origin_ms: i64,
    /// Manual: how far it has been moved.
    advanced_ms: i64,
}

impl Clock {
    pub fn new(mode: ClockMode) -> Self {
        let origin_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Clock {
            mode,
            started: Instant::now(),
            origin_ms,
            advanced_ms: 0,
        }
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Virtual now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self.mode {
            ClockMode::Real { scale } => {
                let real = self.started.elapsed().as_secs_f64() * 1000.0;
                self.origin_ms.saturating_add((real * scale) as i64)
            }
            ClockMode::Manual => self.origin_ms.saturating_add(self.advanced_ms),
        }
    }

    /// How long to sleep in real time until virtual `at_ms`; `None` when only a control call
    /// moves the clock.
    pub fn real_delay(&self, at_ms: i64) -> Option<Duration> {
        match self.mode {
            ClockMode::Real { scale } => {
                let virtual_ms = at_ms.saturating_sub(self.now_ms()).max(0) as f64;
                // At most an hour at a time: the caller looks again then.
                let real = Duration::try_from_secs_f64(virtual_ms / scale / 1000.0);
                Some(real.map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP)))
            }
            ClockMode::Manual => None,
        }
    }
}

/// `AslWorkbench.AdvanceClock` `{"seconds": N}`: the manual clock moves on N seconds, and every
/// wait, timeout and heartbeat expiry due by then happens at its instant. Answers
/// `{"now": epoch seconds}`.
pub(super) fn advance_clock(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    if service.clock.mode != ClockMode::Manual {
        return Err(ApiError::validation(
            "AdvanceClock moves only the manual clock (asl-sim serve --clock manual); this one runs in real time.",
        ));
    }
    let seconds = request
        .get("seconds")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| {
            ApiError::validation(
                "AdvanceClock takes {\"seconds\": N}, N a number of seconds, 0 or more.",
            )
        })?;
    let ms = (seconds * 1000.0).round() as i64;
    service.clock.advanced_ms = service.clock.advanced_ms.saturating_add(ms);
    service.advance_due();
    Ok(json!({"now": super::timestamp(service.clock.now_ms())}))
}
