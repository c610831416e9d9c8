//! The contract suite: every scenario runs against SQLite, and against PostgreSQL when
//! `FAIRDRAW_TEST_POSTGRES_URL` is set. Without it the PostgreSQL runs are listed as ignored,
//! so a run never passes them silently. The browser scenarios (`browser.rs`, headless Chromium)
//! run on SQLite only.

mod support;
mod v1_support;

mod account;
mod analytics;
// The audit trail, export and erasure (issue 16).
mod audit;
// Every remaining administrative change through /v2 is audited (issue 16).
mod audit_coverage;
mod browser;
mod comment_connectors;
mod comment_draws;
mod conventions;
mod emails;
mod entries;
mod entry_events;
mod entry_methods;
mod external;
mod external_widget;
// Photo contests and the e-mail sign-in link (issue 14).
mod gallery;
mod giveaway_settings;
mod giveaways;
mod hosted_page;
mod hostile;
mod jobs;
mod lists;
// Issue 16: closed sets declared as enums in the OpenAPI document.
mod openapi_enums;
mod pages;
mod participants;
mod prizes;
mod public_entries;
mod recording;
mod rewards;
mod scheduler;
// Issue 16: tenancy from the route table.
mod tenancy;
// Issue 16: limits hold across two instances on one database.
mod instances;
mod translog;
mod verify;
mod webhooks;
mod winners;
// Winners who must claim (issue 15).
mod claims;
mod external_claims;
mod v1_claims;

// Issue 15: the public beacon (drand).
mod beacon;
// Issue 15: every draw of a giveaway, names on the verify page and the PDF.
mod draw_history;

use libtest_mimic::{Arguments, Trial};
use support::{Backend, POSTGRES_ENV, Scenario};

fn all_scenarios() -> Vec<(String, Scenario)> {
    [
        account::scenarios(),
        conventions::scenarios(),
        openapi_enums::scenarios(),
        hostile::scenarios(),
        giveaways::scenarios(),
        entry_methods::scenarios(),
        prizes::scenarios(),
        recording::scenarios(),
        rewards::scenarios(),
        lists::scenarios(),
        giveaway_settings::scenarios(),
        entries::scenarios(),
        entry_events::scenarios(),
        participants::scenarios(),
        analytics::scenarios(),
        public_entries::scenarios(),
        winners::scenarios(),
        verify::scenarios(),
        pages::scenarios(),
        hosted_page::scenarios(),
        jobs::scenarios(),
        emails::scenarios(),
        webhooks::scenarios(),
        scheduler::scenarios(),
        tenancy::scenarios(),
        instances::scenarios(),
        translog::scenarios(),
        external::scenarios(),
        comment_draws::scenarios(),
        comment_connectors::scenarios(),
        // Photo contests and the e-mail sign-in link (issue 14).
        gallery::scenarios(),
        // Winners who must claim (issue 15).
        claims::scenarios(),
        // Issue 15: the public beacon (drand).
        beacon::scenarios(),
        external_claims::scenarios(),
        v1_claims::scenarios(),
        draw_history::scenarios(),
        // The audit trail, export and erasure (issue 16).
        audit::scenarios(),
        audit_coverage::scenarios(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn run(backend: Backend, scenario: Scenario) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (app, running) = support::start(backend).await;
        // Run on a task so a panic is caught here and the server still stops.
        let outcome = tokio::spawn(scenario(app)).await;
        running.stop().await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    });
}

fn main() {
    let args = Arguments::from_args();
    let postgres = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    if !postgres {
        eprintln!("{POSTGRES_ENV} is not set: the PostgreSQL contract tests are skipped (listed as ignored).");
    }
    let mut trials = Vec::new();
    for (name, scenario) in all_scenarios() {
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            run(Backend::Sqlite, scenario);
            Ok(())
        }));
        trials.push(
            Trial::test(format!("postgres::{name}"), move || {
                run(Backend::Postgres, scenario);
                Ok(())
            })
            .with_ignored_flag(!postgres),
        );
    }
    // Browser scenarios check pages in Chromium; one backend is enough for that.
    for (name, scenario) in browser::scenarios().into_iter().chain(external_widget::scenarios()) {
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            run(Backend::Sqlite, scenario);
            Ok(())
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
