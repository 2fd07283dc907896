//! `GET /metrics`: the server's metrics in Prometheus' text format, under mountebank's names.
//!
//! mountebank 2.9.1 labels each imposter's series with its log scope, trailing space included
//! (`imposter="[http:4545] "`), and a series appears only once its imposter has been asked
//! something; both are kept so that dashboards built on mountebank work unchanged. mountebank
//! also declares `mb_proxy_*` and `mb_behavior_duration_seconds` but clears them from its
//! registry at start-up, so they never show; rehearsal reports them. Its `nodejs_*` metrics
//! have no meaning here; the `process_*` ones are read from `/proc`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    Counter, Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec,
    Opts, Registry, TextEncoder,
};

/// The metrics of one server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    predicate_match: HistogramVec,
    no_match: IntCounterVec,
    requests: IntCounterVec,
    response_generation: HistogramVec,
    blocked: IntCounterVec,
    proxy_duration: HistogramVec,
    proxies: IntCounterVec,
    behavior_duration: HistogramVec,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let registry = Registry::new();
        let histogram = |name: &str, help: &str, buckets: &[f64]| {
            let opts = HistogramOpts::new(name, help).buckets(buckets.to_vec());
            let metric = HistogramVec::new(opts, &["imposter"]).expect("valid histogram");
            registry
                .register(Box::new(metric.clone()))
                .expect("registered once");
            metric
        };
        let counter = |name: &str, help: &str| {
            let metric =
                IntCounterVec::new(Opts::new(name, help), &["imposter"]).expect("valid counter");
            registry
                .register(Box::new(metric.clone()))
                .expect("registered once");
            metric
        };
        let metrics = Metrics {
            predicate_match: histogram(
                "mb_predicate_match_duration_seconds",
                "Time it takes to match the predicates and select a stub",
                &[0.01, 0.05, 0.1, 0.2, 0.5, 1.0],
            ),
            no_match: counter(
                "mb_no_match_total",
                "Number of times no stub matched the request",
            ),
            requests: counter("mb_request_total", "Number of requests to the imposter"),
            response_generation: histogram(
                "mb_response_generation_duration_seconds",
                "Time it takes to generate the response from a stub",
                &[0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 5.0, 10.0, 30.0],
            ),
            blocked: counter(
                "mb_blocked_ip_total",
                "Number of times a connection was blocked from a non-whitelisted IP address",
            ),
            proxy_duration: histogram(
                "mb_proxy_duration_seconds",
                "Time it takes to get the response from the downstream service",
                &[0.1, 0.2, 0.5, 1.0, 3.0, 5.0, 10.0, 30.0],
            ),
            proxies: counter(
                "mb_proxy_total",
                "Number of times a request was proxied to a downstream service",
            ),
            behavior_duration: histogram(
                "mb_behavior_duration_seconds",
                "Time it takes to run all the behaviors",
                &[0.05, 0.1, 0.2, 0.5, 1.0, 3.0],
            ),
            registry,
        };
        metrics
            .registry
            .register(Box::new(ProcessMetrics::default()))
            .expect("registered once");
        metrics
    }
}

impl Metrics {
    /// The body of `GET /metrics`.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("the text encoder writes to memory");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// The content type of `GET /metrics`: Prometheus' text format 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// One imposter's side of the server's metrics, under mountebank's label for it: its log
/// scope and a space. The series a request always touches are made on its first request, as
/// in mountebank, and then kept, so that counting a request looks nothing up.
#[derive(Debug)]
pub struct ImposterMetrics {
    metrics: Arc<Metrics>,
    label: String,
    series: OnceLock<ImposterSeries>,
    no_match: OnceLock<IntCounter>,
}

#[derive(Debug)]
struct ImposterSeries {
    predicate_match: Histogram,
    requests: IntCounter,
    response_generation: Histogram,
}

impl ImposterMetrics {
    /// The metrics of the imposter whose log scope is `scope`.
    pub fn new(metrics: Arc<Metrics>, scope: &str) -> ImposterMetrics {
        ImposterMetrics {
            metrics,
            label: format!("{scope} "),
            series: OnceLock::new(),
            no_match: OnceLock::new(),
        }
    }

    /// A request arrived.
    pub fn count_request(&self) {
        self.series().requests.inc();
    }

    /// How long finding the stub took.
    pub fn observe_match(&self, took: Duration) {
        self.series().predicate_match.observe(took.as_secs_f64());
    }

    /// How long making the response took, from the stub's choice.
    pub fn observe_response(&self, took: Duration) {
        self.series()
            .response_generation
            .observe(took.as_secs_f64());
    }

    /// No stub matched a request.
    pub fn count_no_match(&self) {
        let no_match = self
            .no_match
            .get_or_init(|| self.metrics.no_match.with_label_values(&[&self.label]));
        no_match.inc();
    }

    /// A connection was refused (`--localOnly`, `--ipWhitelist`).
    pub fn count_blocked(&self) {
        self.metrics.blocked.with_label_values(&[&self.label]).inc();
    }

    /// A request was proxied, and the origin took `took` to answer.
    pub fn observe_proxy(&self, took: Duration) {
        let labels = [self.label.as_str()];
        self.metrics.proxies.with_label_values(&labels).inc();
        (self.metrics.proxy_duration.with_label_values(&labels)).observe(took.as_secs_f64());
    }

    /// A response's behaviors took `took` to run.
    pub fn observe_behaviors(&self, took: Duration) {
        (self
            .metrics
            .behavior_duration
            .with_label_values(&[&self.label]))
        .observe(took.as_secs_f64());
    }

    fn series(&self) -> &ImposterSeries {
        self.series.get_or_init(|| {
            let labels = [self.label.as_str()];
            ImposterSeries {
                predicate_match: self.metrics.predicate_match.with_label_values(&labels),
                requests: self.metrics.requests.with_label_values(&labels),
                response_generation: self.metrics.response_generation.with_label_values(&labels),
            }
        })
    }
}

/// prom-client's default process metrics, under mountebank's `mb_` prefix, read from `/proc`
/// at each scrape. A metric the system cannot give is left out.
#[derive(Debug)]
struct ProcessMetrics {
    descs: Vec<Desc>,
}

/// Name, help and type of each process metric, as prom-client writes them.
const PROCESS_METRICS: [(&str, &str, bool); 9] = [
    (
        "mb_process_cpu_user_seconds_total",
        "Total user CPU time spent in seconds.",
        true,
    ),
    (
        "mb_process_cpu_system_seconds_total",
        "Total system CPU time spent in seconds.",
        true,
    ),
    (
        "mb_process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        true,
    ),
    (
        "mb_process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        false,
    ),
    (
        "mb_process_resident_memory_bytes",
        "Resident memory size in bytes.",
        false,
    ),
    (
        "mb_process_virtual_memory_bytes",
        "Virtual memory size in bytes.",
        false,
    ),
    (
        "mb_process_heap_bytes",
        "Process heap size in bytes.",
        false,
    ),
    (
        "mb_process_open_fds",
        "Number of open file descriptors.",
        false,
    ),
    (
        "mb_process_max_fds",
        "Maximum number of open file descriptors.",
        false,
    ),
];

impl Default for ProcessMetrics {
    fn default() -> ProcessMetrics {
        let descs = PROCESS_METRICS
            .iter()
            .map(|(name, help, _)| {
                Desc::new(
                    name.to_string(),
                    help.to_string(),
                    Vec::new(),
                    Default::default(),
                )
                .expect("valid metric name")
            })
            .collect();
        ProcessMetrics { descs }
    }
}

impl Collector for ProcessMetrics {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let values = process_values();
        PROCESS_METRICS
            .iter()
            .zip(values)
            .filter_map(|((name, help, counter), value)| {
                let value = value?;
                let opts = Opts::new(*name, *help);
                // A fresh metric per scrape, set to what `/proc` says now.
                let mut families = if *counter {
                    let total = Counter::with_opts(opts).ok()?;
                    total.inc_by(value);
                    total.collect()
                } else {
                    let gauge = Gauge::with_opts(opts).ok()?;
                    gauge.set(value);
                    gauge.collect()
                };
                families.pop()
            })
            .collect()
    }
}

/// Elsewhere than Linux there is no `/proc`, and so no process metrics.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn process_values() -> [Option<f64>; 9] {
    [None; 9]
}

/// The values of [`PROCESS_METRICS`], in its order.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn process_values() -> [Option<f64>; 9] {
    let Ok(process) = procfs::process::Process::myself() else {
        return [None; 9];
    };
    let stat = process.stat().ok();
    let ticks = procfs::ticks_per_second() as f64;
    let user = stat.as_ref().map(|stat| stat.utime as f64 / ticks);
    let system = stat.as_ref().map(|stat| stat.stime as f64 / ticks);
    let start = stat.as_ref().and_then(|stat| {
        let boot = procfs::boot_time_secs().ok()? as f64;
        Some(boot + stat.starttime as f64 / ticks)
    });
    let resident = (stat.as_ref()).map(|stat| (stat.rss * procfs::page_size()) as f64);
    let virtual_memory = stat.as_ref().map(|stat| stat.vsize as f64);
    let heap = (process.status().ok())
        .and_then(|status| status.vmdata)
        .map(|kib| (kib * 1024) as f64);
    let open_fds = process.fd_count().ok().map(|count| count as f64);
    let max_fds =
        (process.limits().ok()).and_then(|limits| match limits.max_open_files.soft_limit {
            procfs::process::LimitValue::Value(value) => Some(value as f64),
            procfs::process::LimitValue::Unlimited => None,
        });
    [
        user,
        system,
        user.zip(system).map(|(user, system)| user + system),
        start,
        resident,
        virtual_memory,
        heap,
        open_fds,
        max_fds,
    ]
}

#[cfg(test)]
mod tests;
