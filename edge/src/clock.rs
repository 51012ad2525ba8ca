//! The shell's clock: `Date.now()`, read once per request, queue batch, cron run or
//! alarm, and passed down as `now`.
//!
//! Invariant: the clock can be moved only in development. A clock offset (for tests
//! that need a wait or a week to pass) is honoured only when the worker runs with the
//! variable `KIZUNA_DEV_CLOCK = "on"` — which only `wrangler dev --var` sets: no
//! configuration file of this repository has it — and `PUT /dev/clock` is answered only
//! on a loopback address, which a deployed worker never serves. Anywhere else the
//! route does not exist (404) and the offset is never read.

use crate::kv;
use kizuna_shared::time::Millis;
use worker::Env;

/// The environment variable that enables the development clock.
pub const DEV_CLOCK_VAR: &str = "KIZUNA_DEV_CLOCK";

pub fn real_now() -> Millis {
    worker::Date::now().as_millis() as Millis
}

pub fn dev_clock_enabled(env: &Env) -> bool {
    env.var(DEV_CLOCK_VAR).is_ok_and(|value| value.to_string() == "on")
}

/// Now: the real time, plus the development offset where it is enabled.
pub async fn now(env: &Env) -> Millis {
    let real = real_now();
    if !dev_clock_enabled(env) {
        return real;
    }
    match kv::dev_clock_offset(env).await {
        Ok(offset) => real + offset,
        Err(err) => {
            worker::console_error!("development clock unreadable: {err:?}");
            real
        }
    }
}

/// The real instant at which the clock will read `at` (for Durable Object alarms).
pub async fn real_instant(env: &Env, at: Millis) -> Millis {
    at - (now(env).await - real_now())
}
