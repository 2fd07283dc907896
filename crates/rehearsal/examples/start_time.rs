//! How long `Rehearsal::start()` takes: the embedded server, on a free port, until its API
//! answers. `cargo run --release -p rehearsal --example start_time` prints the median and the
//! spread over 100 starts; bench/README.md quotes it.

use std::time::{Duration, Instant};

use rehearsal::{Imposter, Rehearsal};

fn main() -> Result<(), rehearsal::Error> {
    const RUNS: usize = 100;
    let mut starts = Vec::with_capacity(RUNS);
    let mut with_imposter = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let began = Instant::now();
        let mb = Rehearsal::start()?;
        // The first API call proves it answers.
        mb.get_json("/")?;
        starts.push(began.elapsed());
        let imposter = mb.create(Imposter::http())?;
        with_imposter.push(began.elapsed());
        imposter.delete()?;
    }
    report("start until the API answers", &mut starts);
    report("start, then create an imposter", &mut with_imposter);
    Ok(())
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction) as usize];
    println!(
        "{what}: median {:.2} ms, p90 {:.2} ms, max {:.2} ms ({} runs)",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(1.0)),
        times.len()
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
