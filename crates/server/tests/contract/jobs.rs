//! Contract scenarios for the durable job queue: what is claimed and when, leases that expire,
//! retries, the final failed state, giving work back, de-duplication, and concurrent workers
//! never sharing a job. The same statements run on SQLite and PostgreSQL.

use crate::scenarios;
use crate::support::TestApp;
use fairdraw_store::jobs::NewJob;
use serde_json::json;
use std::collections::HashSet;

scenarios!(
    a_queued_job_is_claimed_once_when_due,
    the_dedupe_key_keeps_one_job,
    an_expired_lease_is_taken_over_and_the_old_holder_cannot_finish,
    failures_back_off_then_end_failed,
    a_released_job_is_not_counted_as_an_attempt,
    concurrent_workers_never_claim_the_same_job,
    the_worker_fails_a_job_nobody_handles,
    failed_jobs_can_be_queued_again,
);

const LEASE: i64 = 60_000;

async fn queue(app: &TestApp, kind: &str, n: usize) -> i64 {
    let now = app.clock.now_ms();
    for i in 0..n {
        let job = NewJob::new(kind, json!({ "n": i }));
        assert!(app.engine.db().enqueue(&job, now).await.unwrap());
    }
    now
}

async fn a_queued_job_is_claimed_once_when_due(app: TestApp) {
    let db = app.engine.db();
    let now = app.clock.now_ms();
    db.enqueue(&NewJob::new("test.later", json!({})).at(now + 5_000), now)
        .await
        .unwrap();
    db.enqueue(&NewJob::new("test.now", json!({ "x": 1 })), now)
        .await
        .unwrap();

    let claimed = db.claim_jobs("w1", now, LEASE, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "only the due job");
    assert_eq!(claimed[0].kind, "test.now");
    assert_eq!(claimed[0].attempts, 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&claimed[0].payload).unwrap(),
        json!({ "x": 1 })
    );
    assert!(
        db.claim_jobs("w2", now, LEASE, 10).await.unwrap().is_empty(),
        "held by w1"
    );

    assert!(db.complete_job(claimed[0].id, "w1", now).await.unwrap());
    let row = db.job(claimed[0].id).await.unwrap();
    assert_eq!(row.state, "done");

    let later = db.claim_jobs("w2", now + 5_000, LEASE, 10).await.unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].kind, "test.later");
    assert_eq!(db.next_job_at().await.unwrap(), None, "nothing pending");
}

async fn the_dedupe_key_keeps_one_job(app: TestApp) {
    let db = app.engine.db();
    let now = app.clock.now_ms();
    let job = NewJob::new("test.dedupe", json!({})).dedupe("same-cause");
    assert!(db.enqueue(&job, now).await.unwrap());
    assert!(!db.enqueue(&job, now).await.unwrap(), "the second is dropped");
    assert_eq!(db.jobs_of_kind(Some("test.dedupe")).await.unwrap().len(), 1);
}

async fn an_expired_lease_is_taken_over_and_the_old_holder_cannot_finish(app: TestApp) {
    let db = app.engine.db();
    let now = queue(&app, "test.lease", 1).await;
    let first = db.claim_jobs("dead", now, 1_000, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        db.claim_jobs("alive", now + 999, LEASE, 1).await.unwrap().is_empty(),
        "lease still runs"
    );

    let taken = db.claim_jobs("alive", now + 1_001, LEASE, 1).await.unwrap();
    assert_eq!(taken.len(), 1, "taken over once the lease passed");
    assert_eq!(taken[0].id, first[0].id);
    assert_eq!(taken[0].attempts, 2);

    assert!(
        !db.complete_job(first[0].id, "dead", now + 2_000).await.unwrap(),
        "no longer its job"
    );
    assert!(
        !db.extend_lease(first[0].id, "dead", now + 9_000, now + 2_000)
            .await
            .unwrap()
    );
    assert!(
        db.extend_lease(first[0].id, "alive", now + 90_000, now + 2_000)
            .await
            .unwrap()
    );
    assert!(db.complete_job(first[0].id, "alive", now + 2_000).await.unwrap());
    let row = db.job(first[0].id).await.unwrap();
    assert_eq!((row.state.as_str(), row.locked_by.as_deref()), ("done", Some("alive")));
}

async fn failures_back_off_then_end_failed(app: TestApp) {
    let db = app.engine.db();
    let now = queue(&app, "test.fail", 1).await;
    let max = fairdraw_store::jobs::DEFAULT_MAX_ATTEMPTS;
    let mut t = now;
    for attempt in 1..=max {
        let claimed = db.claim_jobs("w", t, LEASE, 1).await.unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt} is claimable at its run_at");
        assert_eq!(claimed[0].attempts, attempt);
        let retry_at = t + 1_000 * attempt;
        let state = db
            .fail_job(claimed[0].id, "w", "receiver said 503", Some(retry_at), t)
            .await
            .unwrap();
        if attempt < max {
            assert_eq!(state.as_deref(), Some("pending"));
            assert!(
                db.claim_jobs("w", retry_at - 1, LEASE, 1).await.unwrap().is_empty(),
                "not before run_at"
            );
            t = retry_at;
        } else {
            assert_eq!(state.as_deref(), Some("failed"), "attempts used up");
        }
    }
    let row = &db.jobs_of_kind(Some("test.fail")).await.unwrap()[0];
    assert_eq!(row.state, "failed");
    assert_eq!(row.attempts, max);
    assert_eq!(row.last_error.as_deref(), Some("receiver said 503"));
    assert!(
        db.claim_jobs("w", t + 10_000_000, LEASE, 1).await.unwrap().is_empty(),
        "failed stays failed"
    );

    // A failure that cannot pass is final at once.
    let now = queue(&app, "test.permanent", 1).await;
    let claimed = db.claim_jobs("w", now, LEASE, 1).await.unwrap();
    let state = db.fail_job(claimed[0].id, "w", "bad payload", None, now).await.unwrap();
    assert_eq!(state.as_deref(), Some("failed"));
}

async fn a_released_job_is_not_counted_as_an_attempt(app: TestApp) {
    let db = app.engine.db();
    let now = queue(&app, "test.release", 1).await;
    let claimed = db.claim_jobs("stopping", now, LEASE, 1).await.unwrap();
    assert!(!db.release_job(claimed[0].id, "someone-else", now).await.unwrap());
    assert!(db.release_job(claimed[0].id, "stopping", now).await.unwrap());
    let row = db.job(claimed[0].id).await.unwrap();
    assert_eq!(
        (row.state.as_str(), row.attempts, row.locked_by.as_deref()),
        ("pending", 0, None)
    );
    let again = db.claim_jobs("next", now, LEASE, 1).await.unwrap();
    assert_eq!(again[0].attempts, 1, "the next run is still the first attempt");
}

async fn concurrent_workers_never_claim_the_same_job(app: TestApp) {
    const JOBS: usize = 120;
    let now = queue(&app, "test.race", JOBS).await;
    let mut tasks = Vec::new();
    for w in 0..6 {
        let db = app.engine.db().clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("w{w}");
            let mut mine = Vec::new();
            loop {
                let claimed = db.claim_jobs(&worker, now, LEASE, 7).await.unwrap();
                if claimed.is_empty() {
                    return mine;
                }
                for j in claimed {
                    assert!(
                        db.complete_job(j.id, &worker, now).await.unwrap(),
                        "a claimed job is the claimer's"
                    );
                    mine.push(j.id);
                }
            }
        }));
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for t in tasks {
        for id in t.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(total, JOBS);
    let counts = app.engine.db().job_counts().await.unwrap();
    assert_eq!((counts.pending, counts.running), (0, 0));
    assert!(counts.done >= JOBS as i64);
}

async fn the_worker_fails_a_job_nobody_handles(app: TestApp) {
    queue(&app, "test.unknown-kind", 1).await;
    assert_eq!(app.run_jobs().await, 1, "run once");
    let row = &app.engine.db().jobs_of_kind(Some("test.unknown-kind")).await.unwrap()[0];
    assert_eq!(row.state, "failed", "no handler will ever take it");
    assert!(row.last_error.as_deref().unwrap_or_default().contains("no handler"));
    assert_eq!(app.run_jobs().await, 0, "nothing left to run");
}

async fn failed_jobs_can_be_queued_again(app: TestApp) {
    let db = app.engine.db();
    let now = queue(&app, "test.retry-failed", 3).await;
    let claimed = db.claim_jobs("w", now, LEASE, 3).await.unwrap();
    for j in &claimed {
        db.fail_job(j.id, "w", "gave up", None, now).await.unwrap();
    }
    let failed: Vec<i64> = db
        .jobs_in_state(Some("failed"), 100)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(failed.len(), 3);

    assert_eq!(db.retry_failed_jobs(Some(&failed[..1]), now + 10).await.unwrap(), 1);
    assert_eq!(
        db.retry_failed_jobs(Some(&failed[..1]), now + 10).await.unwrap(),
        0,
        "only failed jobs"
    );
    let row = db.job(failed[0]).await.unwrap();
    assert_eq!((row.state.as_str(), row.attempts, row.run_at), ("pending", 0, now + 10));

    assert_eq!(db.retry_failed_jobs(None, now + 20).await.unwrap(), 2);
    assert!(db.jobs_in_state(Some("failed"), 100).await.unwrap().is_empty());
    assert_eq!(db.claim_jobs("w", now + 20, LEASE, 10).await.unwrap().len(), 3);
}
