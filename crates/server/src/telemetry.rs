//! Every metric the server records, in one place: its name, labels and meaning. Parts of the
//! server call the functions here (never the `metrics` macros with a bare name), so a newcomer
//! finds the whole catalogue on one page and a name cannot drift between two callers.
//!
//! The recorder is the Prometheus exporter, installed once per process; `GET /metrics`
//! (`surfaces/ops.rs`) renders it in the text format. Gauges that describe the database (the job
//! queue) are read at scrape time. Labels never carry personal data: routes are templates,
//! reasons are rule names, kinds are job kinds.

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Latency buckets, in seconds: 0.5 ms to 10 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Entry-writer batch sizes.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use. A process that already has another recorder
/// (a test harness's) gets a handle that renders only what is recorded through it.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(ENTRY_BATCH_SIZE.to_owned()), BATCH_BUCKETS))
            .expect("the bucket lists are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_ok() {
            describe();
        }
        handle
    })
}

/// The text exposition of every metric, after the scrape-time gauges are set.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

const HTTP_REQUESTS: &str = "fairdraw_http_requests_total";
const HTTP_DURATION: &str = "fairdraw_http_request_duration_seconds";
const ENTRIES_ACCEPTED: &str = "fairdraw_entries_accepted_total";
const ENTRIES_REFUSED: &str = "fairdraw_entries_refused_total";
const ENTRY_BATCH_SIZE: &str = "fairdraw_entry_writer_batch_size";
const ENTRY_COMMIT: &str = "fairdraw_entry_writer_commit_seconds";
const JOBS_PENDING: &str = "fairdraw_jobs_pending";
const JOBS_OLDEST_DUE: &str = "fairdraw_jobs_oldest_due_age_seconds";
const JOBS_FAILED: &str = "fairdraw_jobs_failed";
const JOB_RUNS: &str = "fairdraw_job_runs_total";
const WEBHOOK_DELIVERIES: &str = "fairdraw_webhook_deliveries_total";
const RATE_LIMITED: &str = "fairdraw_rate_limit_refusals_total";

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "Requests answered, by surface, route template, method and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer a request, by surface and route template."
    );
    describe_counter!(ENTRIES_ACCEPTED, "Entry recordings stored (API, bulk and public).");
    describe_counter!(
        ENTRIES_REFUSED,
        "Entry recordings and public calls refused, by the rule that refused them."
    );
    describe_histogram!(
        ENTRY_BATCH_SIZE,
        "Recordings the entry writer committed in one transaction."
    );
    describe_histogram!(
        ENTRY_COMMIT,
        metrics::Unit::Seconds,
        "Time the entry writer took to write and commit one batch."
    );
    describe_gauge!(
        JOBS_PENDING,
        "Jobs waiting in the durable queue, by kind (read at scrape)."
    );
    describe_gauge!(
        JOBS_OLDEST_DUE,
        metrics::Unit::Seconds,
        "How long the oldest due job of each kind has waited past its time (read at scrape)."
    );
    describe_gauge!(
        JOBS_FAILED,
        "Jobs that used up their attempts, by kind (read at scrape)."
    );
    describe_counter!(JOB_RUNS, "Job runs by kind and outcome (done, retry, failed).");
    describe_counter!(
        WEBHOOK_DELIVERIES,
        "Webhook delivery attempts by surface and outcome (delivered, retry, failed)."
    );
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by surface.");
}

/// Which API a route belongs to, from its template.
pub fn surface_of(route: &str) -> &'static str {
    let first = route.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "v2" => "v2",
        "v1" => "v1",
        "external" => "external",
        "api" => "public",
        "verify" | "certificate" | "claim" => "pages",
        "view" | "embed" | "widget" | "media" | "assets" | "g" => "hosted",
        "healthz" | "readyz" | "metrics" | "openapi.json" | "docs" => "ops",
        _ => "other",
    }
}

/// A request answered: `route` is its template (`(no route)` when none matched).
pub fn request(route: &str, method: &str, status: u16, took: Duration) {
    let surface = surface_of(route);
    counter!(HTTP_REQUESTS, "surface" => surface, "route" => route.to_owned(), "method" => method.to_owned(),
        "status" => status.to_string())
    .increment(1);
    histogram!(HTTP_DURATION, "surface" => surface, "route" => route.to_owned()).record(took.as_secs_f64());
}

/// An entry recording stored.
pub fn entry_accepted() {
    counter!(ENTRIES_ACCEPTED).increment(1);
}

/// An entry recording or public call refused by the rule named `reason`.
pub fn entry_refused(reason: &'static str) {
    counter!(ENTRIES_REFUSED, "reason" => reason).increment(1);
}

/// One entry-writer transaction: how many recordings and how long it took.
pub fn entry_batch(size: usize, took: Duration) {
    histogram!(ENTRY_BATCH_SIZE).record(size as f64);
    histogram!(ENTRY_COMMIT).record(took.as_secs_f64());
}

/// The job queue as the database has it now, by kind: pending, the oldest due job's wait, and
/// failed. Kinds that have none now are set to zero, so a drained queue reads 0.
pub fn job_queue(kinds: &[(String, i64, Option<Duration>, i64)]) {
    for (kind, pending, oldest_due, failed) in kinds {
        gauge!(JOBS_PENDING, "kind" => kind.clone()).set(*pending as f64);
        gauge!(JOBS_OLDEST_DUE, "kind" => kind.clone()).set(oldest_due.map_or(0.0, |d| d.as_secs_f64()));
        gauge!(JOBS_FAILED, "kind" => kind.clone()).set(*failed as f64);
    }
}

/// One run of a job: `outcome` is `done`, `retry` or `failed`.
pub fn job_run(kind: &str, outcome: &'static str) {
    counter!(JOB_RUNS, "kind" => kind.to_owned(), "outcome" => outcome).increment(1);
}

/// One webhook delivery attempt (`surface`: v2, v1 or external; `outcome`: delivered, retry,
/// failed).
pub fn webhook_delivery(surface: &'static str, outcome: &'static str) {
    counter!(WEBHOOK_DELIVERIES, "surface" => surface, "outcome" => outcome).increment(1);
}

/// A request refused by a rate limit.
pub fn rate_limited(surface: &'static str) {
    counter!(RATE_LIMITED, "surface" => surface).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_told_apart_by_their_first_segment() {
        assert_eq!(surface_of("/v2/giveaways/{id}"), "v2");
        assert_eq!(surface_of("/v1/draws"), "v1");
        assert_eq!(surface_of("/external/giveaways"), "external");
        assert_eq!(surface_of("/api/public/giveaways/{id}/entries"), "public");
        assert_eq!(surface_of("/metrics"), "ops");
        assert_eq!(surface_of("(no route)"), "other");
    }
}
