//! Browser tests: runs a Node script from `crates/server/tests/browser/` that drives Debian's
//! headless Chromium through `playwright-core` against a server the test started.
//!
//! How to add one: write `crates/server/tests/browser/<name>.mjs` that imports `./lib.mjs`
//! (`base` is the server's URL, `args` the rest; `run`, `phonePage`, `check`, `screenshot`),
//! then call [`run`] from a contract scenario with the script's name and its arguments. The
//! script fails the test by exiting non-zero; its output is shown then.
//!
//! Needs `node` and `/usr/bin/chromium` (or `CHROMIUM`); `playwright-core` is installed from the
//! folder's lock file with `npm ci` on first use. `.ci/run` installs Chromium and Node when
//! missing. Set `FAIRDRAW_SCREENSHOTS=1` to write screenshots under `docs/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The folder of the browser scripts.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/tests/browser")
}

static INSTALL: Mutex<bool> = Mutex::new(false);

/// Installs `playwright-core` once per process when the folder has no `node_modules` yet.
fn ensure_installed(dir: &Path) -> Result<(), String> {
    let mut done = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if *done || dir.join("node_modules/playwright-core").is_dir() {
        *done = true;
        return Ok(());
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("running npm (is Node.js installed?): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm ci failed in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    *done = true;
    Ok(())
}

/// Runs `<script>.mjs <base> <args…>` and returns its standard output; panics with its output
/// when it fails.
pub async fn run(script: &str, base: &str, args: &[&str]) -> String {
    let dir = scripts_dir();
    let script = dir.join(format!("{script}.mjs"));
    let base = base.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let out = tokio::task::spawn_blocking(move || {
        ensure_installed(&dir).unwrap_or_else(|e| panic!("browser tests: {e}"));
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        assert!(
            Path::new(&chromium).exists(),
            "browser tests need Chromium at {chromium} (apt-get install chromium, or set CHROMIUM)"
        );
        Command::new("node")
            .arg(&script)
            .arg(&base)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("running node {}: {e}", script.display()))
    })
    .await
    .expect("the browser script's task");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "browser script failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
