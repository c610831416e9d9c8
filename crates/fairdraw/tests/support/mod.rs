//! What the binary-level tests share: running `fairdraw` commands and `fairdraw serve`
//! processes with a clean environment, and creating an account through the CLI.
// Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_fairdraw");

/// A running `fairdraw serve`, killed on drop so a failed assertion never leaves one behind.
pub struct Instance {
    pub child: Child,
    pub base: String,
}

/// A `fairdraw` command with the caller's environment and none of the developer's settings.
pub fn fairdraw(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("FAIRDRAW_DATABASE_URL")
        .env_remove("FAIRDRAW_REDIS_URL")
        .env_remove("FAIRDRAW_WORKERS")
        .env_remove("FAIRDRAW_WORKER_LEASE_SECS")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Starts `fairdraw serve` on a free port and waits for its "listening" line.
pub fn serve(env: &[(&str, &str)]) -> Instance {
    serve_with_logs(env, Stdio::inherit())
}

/// [`serve`], with the server's logs (its standard error) going to `logs`.
pub fn serve_with_logs(env: &[(&str, &str)], logs: impl Into<Stdio>) -> Instance {
    let mut child = fairdraw(&["serve", "--bind", "127.0.0.1:0"], env)
        .stdout(Stdio::piped())
        .stderr(logs)
        .spawn()
        .expect("start fairdraw serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .expect("read stdout");
        if let Some(url) = line.strip_prefix("fairdraw listening on ") {
            break url.trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Instance { child, base }
}

impl Instance {
    /// SIGTERM, then the exit status: a graceful shutdown exits 0.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        self.child.wait().expect("wait")
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Creates an account on the Enterprise defaults with the given daily and per-minute limits;
/// returns its whole answer (`user_id`, `website_id`, `api_key`, `public_key`).
pub fn create_account(env: &[(&str, &str)], brand: &str, rpd: u32, rpm: u32) -> serde_json::Value {
    let out = fairdraw(
        &[
            "accounts",
            "create",
            "--email",
            &format!("{}@example.com", fairdraw_testkit::unique("ops")),
            "--brand",
            brand,
            "--rpd",
            &rpd.to_string(),
            "--rpm",
            &rpm.to_string(),
            "--burst",
            &rpm.to_string(),
            "--json",
        ],
        env,
    )
    .output()
    .expect("run accounts create");
    assert!(
        out.status.success(),
        "accounts create failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}
