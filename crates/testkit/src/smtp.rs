//! A real SMTP server for tests: Python's `aiosmtpd` (installed with pip when missing), run as a
//! child process on a loopback port, writing every message it accepts to a directory of its own
//! with its envelope. Killed when the [`SmtpSink`] is dropped.
//!
//! Recipients whose local part starts with `reject` are refused with `550` and those starting with
//! `defer` with `451`, so tests can see how the sender treats permanent and transient refusals.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The sink itself. The message files are written whole and then renamed, so a reader never
/// sees half a message; the reply to DATA is sent only after that, so once the sender has its
/// `250` the message is on disk.
const SINK_PY: &str = r#"
import asyncio, os, socket, sys
from aiosmtpd.smtp import SMTP

class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@', 1)[0].lower()
        if local.startswith('reject'):
            return '550 5.1.1 Mailbox unavailable'
        if local.startswith('defer'):
            return '451 4.3.0 Try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, '%06d' % self.count)
        head = '\n'.join([envelope.mail_from] + list(envelope.rcpt_tos)) + '\n\n'
        with open(base + '.tmp', 'wb') as f:
            f.write(head.encode('utf-8'))
            f.write(envelope.original_content or envelope.content)
        os.replace(base + '.tmp', base + '.msg')
        return '250 Message accepted'

async def main():
    host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    handler = Sink(out)
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler, hostname='sink.test', enable_SMTPUTF8=True), sock=sock)
    print(sock.getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"#;

/// How long the sink may take to start (Python and its imports).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A message as the sink received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`) that were accepted.
    pub rcpt_to: Vec<String>,
    /// The message as sent, headers and body.
    pub data: Vec<u8>,
}

/// A running SMTP server on 127.0.0.1.
#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// Starts a sink on `port` (0: any free port), for instance the port of a server a test
    /// found down a moment ago.
    pub async fn start_on(port: u16) -> SmtpSink {
        tokio::task::spawn_blocking(ensure_aiosmtpd)
            .await
            .expect("installing aiosmtpd")
            .unwrap_or_else(|e| panic!("the SMTP sink needs Python's aiosmtpd: {e}"));
        let dir = tempfile::tempdir().expect("temp dir");
        let messages = dir.path().join("messages");
        std::fs::create_dir(&messages).expect("messages dir");
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SINK_PY).expect("writing the sink script");
        let log = dir.path().join("sink.log");
        let mut child = Command::new(python())
            .arg(&script)
            .arg("127.0.0.1")
            .arg(port.to_string())
            .arg(&messages)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // A file, not a pipe nobody reads: a full pipe would stall the server.
            .stderr(std::fs::File::create(&log).expect("sink log"))
            .kill_on_drop(true)
            .spawn()
            .expect("starting python3");
        let stdout = child.stdout.take().expect("stdout");
        let first = tokio::time::timeout(START_TIMEOUT, async {
            BufReader::new(stdout).lines().next_line().await
        })
        .await;
        let port = match first {
            Ok(Ok(Some(line))) => line.trim().parse::<u16>().ok(),
            _ => None,
        };
        let Some(port) = port else {
            let _ = child.start_kill();
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("the SMTP sink did not start:\n{log}");
        };
        SmtpSink { child, port, dir }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:<port>` (plain SMTP, no TLS).
    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    /// Every message received so far, in the order they arrived.
    pub fn messages(&self) -> Vec<Received> {
        read_messages(&self.dir.path().join("messages"))
    }

    /// Waits until at least `n` messages have arrived (or `within` has passed) and returns all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server and waits until it has exited, so its port is free.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// `smtp://127.0.0.1:<port>`.
pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

/// A loopback port nothing listens on at the moment of the call.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    listener.local_addr().expect("local address").port()
}

fn python() -> String {
    std::env::var("FAIRDRAW_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

fn has_aiosmtpd() -> bool {
    std::process::Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs aiosmtpd for the current user once per process if it is not importable.
fn ensure_aiosmtpd() -> Result<(), String> {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    READY
        .get_or_init(|| {
            if has_aiosmtpd() {
                return Ok(());
            }
            let out = std::process::Command::new(python())
                .args(["-m", "pip", "install", "--user", "--quiet", "aiosmtpd"])
                .output()
                .map_err(|e| format!("running pip: {e}"))?;
            if !out.status.success() || !has_aiosmtpd() {
                return Err(format!(
                    "`{} -m pip install --user aiosmtpd` failed: {}",
                    python(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            Ok(())
        })
        .clone()
}

fn read_messages(dir: &Path) -> Vec<Received> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "msg"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| parse_received(&std::fs::read(p).expect("reading a received message")))
        .collect()
}

/// Splits a stored message into its envelope lines and the message itself.
fn parse_received(bytes: &[u8]) -> Received {
    let split = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("the sink writes the envelope, a blank line, then the message");
    let head = String::from_utf8_lossy(&bytes[..split]);
    let mut lines = head.lines().map(str::to_owned);
    Received {
        mail_from: lines.next().unwrap_or_default(),
        rcpt_to: lines.collect(),
        data: bytes[split + 2..].to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_stored_message() {
        let r = parse_received(b"from@example.com\na@example.com\nb@example.com\n\nSubject: x\r\n\r\nbody\n\n");
        assert_eq!(r.mail_from, "from@example.com");
        assert_eq!(r.rcpt_to, ["a@example.com", "b@example.com"]);
        assert_eq!(r.data, b"Subject: x\r\n\r\nbody\n\n");
    }

    /// A real conversation with the sink over a socket: accepted, refused for good, refused for now.
    #[tokio::test]
    async fn receives_and_refuses() {
        use tokio::io::AsyncWriteExt;
        let sink = SmtpSink::start().await;
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", sink.port()))
            .await
            .unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut expect = async |code: &str| {
            loop {
                let line = lines.next_line().await.unwrap().expect("a reply");
                if line.len() < 4 || line.as_bytes()[3] != b'-' {
                    assert!(line.starts_with(code), "expected {code}, got {line}");
                    return;
                }
            }
        };
        expect("220").await;
        for (command, code) in [
            ("EHLO client.test", "250"),
            ("MAIL FROM:<from@example.com>", "250"),
            ("RCPT TO:<reject-me@example.com>", "550"),
            ("RCPT TO:<defer-me@example.com>", "451"),
            ("RCPT TO:<to@example.com>", "250"),
            ("DATA", "354"),
            ("Subject: hello\r\n\r\nHi there.\r\n.", "250"),
            ("QUIT", "221"),
        ] {
            write.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
            expect(code).await;
        }
        let got = sink.messages();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].mail_from, "from@example.com");
        assert_eq!(got[0].rcpt_to, ["to@example.com"]);
        assert!(String::from_utf8_lossy(&got[0].data).contains("Hi there."));
        let port = sink.port();
        sink.stop().await;
        assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err());
        // The same port again, as a test does that brings a server back.
        let again = SmtpSink::start_on(port).await;
        assert_eq!(again.port(), port);
        assert!(again.messages().is_empty());
    }
}
