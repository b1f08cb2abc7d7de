//! What the black-box tests of the binary share: running it on a store with a fixed pseudonym
//! key, and requiring success.

use std::path::Path;
use std::process::{Command, Output};

pub const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// Run `ketenzicht args` on the store at `store`.
pub fn ketenzicht(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketenzicht"))
        .env("KETENZICHT_STORE", store)
        .env("KETENZICHT_PSEUDONIEM_SLEUTEL", KEY)
        .args(args)
        .output()
        .expect("ketenzicht runs")
}

/// The standard output of a run that must succeed (else its standard error).
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Simulate demo-scale traffic from 2023-01-01 to `to` with `seed` into `out`.
#[allow(dead_code)]
pub fn simulate_demo(store: &Path, out: &Path, to: &str, seed: u64) {
    simulate_demo_with(store, out, to, seed, &[]);
}

/// [`simulate_demo`] with further arguments (`--layout archive`, `--vorm stuf`).
pub fn simulate_demo_with(store: &Path, out: &Path, to: &str, seed: u64, extra: &[&str]) {
    let cbs = ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv");
    let (out, cbs, seed) = (out.display().to_string(), cbs.display().to_string(), seed.to_string());
    let mut args = vec![
        "simulate",
        "--scale",
        "demo",
        "--from",
        "2023-01-01",
        "--to",
        to,
        "--seed",
        &seed,
        "--out",
        &out,
        "--gemeenten",
        &cbs,
    ];
    args.extend_from_slice(extra);
    ok(ketenzicht(store, &args));
}

/// A `ketenzicht serve` on a free port of this machine, stopped when dropped.
#[allow(dead_code)]
pub struct Server {
    child: std::process::Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serve the store at `store` (with the tests' pseudonym key, as [`ketenzicht`] uses).
#[allow(dead_code)]
pub fn serve(store: &Path) -> Server {
    use std::io::BufRead;
    let cbs = ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketenzicht"))
        .env("KETENZICHT_PSEUDONIEM_SLEUTEL", KEY)
        .args(["serve", "--bind", "127.0.0.1:0", "--gemeenten"])
        .arg(&cbs)
        .arg("--store")
        .arg(store)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address in banner").to_owned();
    Server { child, addr }
}

/// An HTTP answer: status and body.
#[allow(dead_code)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[allow(dead_code)]
impl Answer {
    /// The value of a cookie the answer sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// Log in with the form (CSRF cookie and field) and return the session cookie header value.
#[allow(dead_code)]
pub fn login(addr: &str, naam: &str, wachtwoord: &str) -> String {
    let form = http(addr, "GET", "/login", &[], b"");
    let token = form.cookie("ketenzicht_login").expect("login cookie");
    let body = format!("naam={naam}&wachtwoord={wachtwoord}&csrf={token}");
    let cookie = format!("ketenzicht_login={token}");
    let headers = [("Cookie", cookie.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let answer = http(addr, "POST", "/login", &headers, body.as_bytes());
    assert_eq!(answer.status, 303, "login of {naam}: {}", answer.body);
    format!("ketenzicht_sessie={}", answer.cookie("ketenzicht_sessie").expect("session cookie"))
}

/// One HTTP/1.1 request with a body of any bytes (`Content-Length` from the body unless
/// `headers` gives one).
#[allow(dead_code)]
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    // The server may answer (413) and close before it has read the whole body.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    Answer { status, headers, body: body.to_owned() }
}
