//! The server as a black box: `ketenzicht demo --no-serve` prepares a store with demo
//! accounts, `ketenzicht serve` runs on a free port, and plain HTTP requests check tenant
//! isolation on every endpoint for every role, sessions, CSRF, bad tokens, the login rate
//! limit, the security headers, and that the numbers equal `ketenzicht indicators`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cbs() -> String {
    ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv").display().to_string()
}

fn ketenzicht(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ketenzicht")).args(args).output().expect("ketenzicht runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn start(store: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketenzicht"))
        .args(["serve", "--bind", "127.0.0.1:0", "--gemeenten", &cbs(), "--store"])
        .arg(store)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address in banner").to_owned();
    Server { child, addr }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
    fn cookie(&self, name: &str) -> Option<String> {
        self.header("set-cookie")
            .into_iter()
            .filter_map(|c| c.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("receive");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    Answer { status, headers, body: body.to_owned() }
}

fn get(addr: &str, path: &str, auth: &Auth) -> Answer {
    http(addr, "GET", path, &auth.headers(), "")
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Session { cookie: String, csrf: String },
    Token(String),
}

impl Auth {
    fn headers(&self) -> Vec<(&str, &str)> {
        match self {
            Auth::None => vec![],
            Auth::Session { cookie, .. } => vec![("Cookie", cookie.as_str())],
            Auth::Token(t) => vec![("Authorization", t.as_str())],
        }
    }
}

fn login(addr: &str, naam: &str, wachtwoord: &str) -> Auth {
    let form = http(addr, "GET", "/login", &[], "");
    let token = form.cookie("ketenzicht_login").expect("login cookie");
    let cookie = format!("ketenzicht_login={token}");
    let answer = http(
        addr,
        "POST",
        "/login",
        &[("Cookie", &cookie)],
        &format!("naam={naam}&wachtwoord={wachtwoord}&csrf={token}"),
    );
    assert_eq!(answer.status, 303, "login of {naam}: {}", answer.body);
    let session = answer.cookie("ketenzicht_sessie").expect("session cookie");
    let set = answer.header("set-cookie").join(" | ");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), "{set}");
    let cookie = format!("ketenzicht_sessie={session}");
    let page = http(addr, "GET", "/account", &[("Cookie", &cookie)], "");
    let csrf =
        page.body.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("csrf").to_owned();
    Auth::Session { cookie, csrf }
}

/// Every endpoint that returns client or indicator data, with `{g}` for the gemeente asked for.
const ENDPOINTS: [&str; 16] = [
    "/?gemeente={g}",
    "/retourberichten?gemeente={g}",
    "/doorlooptijden?gemeente={g}",
    "/termijnen?gemeente={g}",
    "/aanbieders?gemeente={g}",
    "/trajecten?gemeente={g}",
    "/trajecten/00000000000000000000000000000000?gemeente={g}",
    "/datakwaliteit?gemeente={g}",
    "/api/v1/indicatoren/retour_tijdig?gemeente={g}",
    "/api/v1/indicatoren/retour_tijdig?gemeente={g}&formaat=csv",
    "/api/v1/indicatoren/retour_tijdig?gemeente={g}&formaat=xlsx",
    "/api/v1/indicatoren/toewijzing_zonder_start/items?gemeente={g}&formaat=xlsx",
    "/api/v1/indicatoren/wachttijd_toewijzing_start?gemeente={g}&per=aanbieder",
    "/api/v1/indicatoren/toewijzing_zonder_start/items?gemeente={g}",
    "/api/v1/indicatoren/open_trajecten/items?gemeente={g}&formaat=csv",
    "/api/v1/trajecten/00000000000000000000000000000000?gemeente={g}",
];

#[test]
fn the_server_keeps_every_tenant_to_its_own_gemeenten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo");
    let demo_s = demo.display().to_string();
    ketenzicht(&["demo", "--dir", &demo_s, "--no-serve", "--maanden", "2", "--gemeenten", &cbs()]);
    let store = demo.join("store");
    let store_s = store.display().to_string();
    let server = start(&store);
    let addr = server.addr.as_str();

    // Who may see what: Groningen (0014) alone; Haaglanden its members; the beheerder nothing.
    let groningen = login(addr, "groningen", "demo-groningen-2026");
    let haaglanden = login(addr, "haaglanden", "demo-haaglanden-2026");
    let beheerder = login(addr, "beheerder", "demo-beheerder-2026");
    let token =
        ketenzicht(&["accounts", "token", "--naam", "groningen", "--omschrijving", "test", "--store", &store_s]);
    let token = Auth::Token(format!("Bearer {}", token.trim()));
    let leden = |auth: &Auth| -> Vec<String> {
        let v: Value = serde_json::from_str(&get(addr, "/api/v1/gemeenten", auth).body).expect("json");
        v["gemeenten"]
            .as_array()
            .expect("list")
            .iter()
            .map(|g| g["code"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(leden(&groningen), ["0014"]);
    assert_eq!(leden(&token), ["0014"]);
    let haag = leden(&haaglanden);
    assert!(haag.len() > 3 && haag.contains(&"0518".to_owned()) && !haag.contains(&"0014".to_owned()), "{haag:?}");
    assert!(leden(&beheerder).is_empty());

    // Inside the scope there is data.
    for path in ENDPOINTS.iter().filter(|p| !p.contains("/trajecten/0000")) {
        let a = get(addr, &path.replace("{g}", "0014"), &groningen);
        assert_eq!(a.status, 200, "{path} for groningen");
        let a = get(addr, &path.replace("{g}", "0518"), &haaglanden);
        assert_eq!(a.status, 200, "{path} for haaglanden");
    }
    // Outside it: 404 or 403 and never data, for every endpoint and role.
    let cases =
        [(&groningen, "0518"), (&token, "0518"), (&haaglanden, "0014"), (&beheerder, "0014"), (&beheerder, "0518")];
    for path in ENDPOINTS {
        for (auth, foreign) in cases {
            let a = get(addr, &path.replace("{g}", foreign), auth);
            assert!(matches!(a.status, 403 | 404), "{path} for {auth:?} on {foreign}: {}", a.status);
            assert!(
                !a.body.contains("\"rijen\"") && !a.body.contains("\"items\"") && !a.body.contains("<tbody>"),
                "{path}: data leaked"
            );
        }
        // Without the gemeente: the beheerder gets nothing at all.
        let a = get(addr, &path.replace("gemeente={g}", "").replace("?&", "?"), &beheerder);
        let to_account = a.status == 303 && a.header("location") == ["/account"];
        assert!(
            matches!(a.status, 400 | 403 | 404) || to_account,
            "{path} for the beheerder without gemeente: {}",
            a.status
        );
        // Without login: 401 for the API, the login page for pages.
        let a = get(addr, &path.replace("{g}", "0014"), &Auth::None);
        assert!(
            a.status == 401 || (a.status == 303 && a.header("location") == ["/login"]),
            "{path} anonymous: {}",
            a.status
        );
    }

    // Exports: CSV for Dutch Excel and a real XLSX workbook (a zip).
    let csv = get(addr, "/api/v1/indicatoren/retour_tijdig?gemeente=0014&per=maand&formaat=csv", &groningen);
    assert!(
        csv.body.starts_with("\u{feff}indicator;regel;maand;maat;waarde"),
        "{}",
        &csv.body[..40.min(csv.body.len())]
    );
    let xlsx = get(addr, "/api/v1/indicatoren/retour_tijdig?gemeente=0014&per=maand&formaat=xlsx", &groningen);
    assert_eq!(xlsx.header("content-type"), ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]);
    assert!(xlsx.body.starts_with("PK"), "an XLSX file is a zip archive");

    // Only a beheerder adds accounts, with the session's CSRF token; the new account works.
    let form = |csrf: &str| {
        format!("csrf={csrf}&naam=delft&wachtwoord=delft-wachtwoord-2026&rol=gemeente&gemeente=0503&regio=")
    };
    let (Auth::Session { cookie: gc, csrf: gt }, Auth::Session { cookie: bc, csrf: bt }) = (&groningen, &beheerder)
    else {
        panic!("sessions")
    };
    assert_eq!(http(addr, "POST", "/account/nieuw", &[("Cookie", gc)], &form(gt)).status, 403, "a gemeente account");
    assert_eq!(http(addr, "POST", "/account/nieuw", &[("Cookie", bc)], &form("wrong")).status, 403, "without CSRF");
    assert_eq!(http(addr, "POST", "/account/nieuw", &[("Cookie", bc)], &form(bt)).status, 303);
    assert_eq!(http(addr, "POST", "/account/nieuw", &[("Cookie", bc)], &form(bt)).status, 400, "the name exists");
    let delft = login(addr, "delft", "delft-wachtwoord-2026");
    assert_eq!(leden(&delft), ["0503"]);

    // Governance pages: orders and the audit log for the beheerder, consent for a gemeente.
    assert_eq!(get(addr, "/beheer", &groningen).status, 403);
    assert_eq!(get(addr, "/beheer/audit.csv", &groningen).status, 403);
    assert_eq!(get(addr, "/toestemming", &groningen).status, 200);
    assert_eq!(get(addr, "/toestemming", &beheerder).status, 403);
    let beheer = get(addr, "/beheer", &beheerder).body;
    assert!(beheer.contains("Opdrachten") && beheer.contains("Verkeer zonder opdracht"));
    let audit = get(addr, "/beheer/audit.csv", &beheerder);
    assert!(
        audit.body.contains(",inloggen,") && audit.body.contains(",bekijken,"),
        "{}",
        &audit.body[..200.min(audit.body.len())]
    );
    // Only ordered products are shown: ending Delft's dashboard orders takes it out of every scope.
    let order = |csrf: &str, soort: &str| {
        format!(
            "csrf={csrf}&gemeente=0503&product={{p}}&soort={soort}&datum={}&door=test",
            chrono::Utc::now().date_naive()
        )
    };
    for p in ["monitor-stuurinformatie", "procesinformatie-jeugdzorg"] {
        let body = order(bt, "beeindiging").replace("{p}", p);
        assert_eq!(
            http(addr, "POST", "/beheer/opdracht", &[("Cookie", gc)], &order(gt, "beeindiging").replace("{p}", p))
                .status,
            403
        );
        assert_eq!(http(addr, "POST", "/beheer/opdracht", &[("Cookie", bc)], &body).status, 303, "{p}");
    }
    assert!(leden(&delft).is_empty(), "Delft without an order is still visible");
    let page = get(addr, "/?gemeente=0503", &delft);
    assert!(matches!(page.status, 303 | 403 | 404) && !page.body.contains("<tbody>"), "{}", page.status);
    assert!(!leden(&haaglanden).contains(&"0503".to_owned()));
    // Procesinformatie Jeugdzorg alone unlocks the process times and trajecten, not the monitor.
    let body = order(bt, "aanmelding").replace("{p}", "procesinformatie-jeugdzorg");
    assert_eq!(http(addr, "POST", "/beheer/opdracht", &[("Cookie", bc)], &body).status, 303);
    assert_eq!(get(addr, "/doorlooptijden?gemeente=0503", &delft).status, 200);
    assert_eq!(get(addr, "/api/v1/indicatoren/trajectduur?gemeente=0503", &delft).status, 200);
    assert_eq!(get(addr, "/termijnen?gemeente=0503", &delft).status, 404);
    assert_eq!(get(addr, "/api/v1/indicatoren/retour_tijdig?gemeente=0503", &delft).status, 404);
    let body = order(bt, "aanmelding").replace("{p}", "monitor-stuurinformatie");
    assert_eq!(http(addr, "POST", "/beheer/opdracht", &[("Cookie", bc)], &body).status, 303);
    assert_eq!(leden(&delft), ["0503"]);
    assert_eq!(get(addr, "/termijnen?gemeente=0503", &delft).status, 200);

    // Bad and ended credentials.
    assert_eq!(get(addr, "/api/v1/gemeenten", &Auth::Token("Bearer kz_0000".into())).status, 401);
    assert_eq!(
        get(addr, "/api/v1/gemeenten", &Auth::Session { cookie: "ketenzicht_sessie=00ff".into(), csrf: String::new() })
            .status,
        401
    );
    let Auth::Session { cookie, csrf } = login(addr, "groningen", "demo-groningen-2026") else { panic!("session") };
    let a = http(addr, "POST", "/logout", &[("Cookie", &cookie)], "csrf=wrong");
    assert_eq!(a.status, 403, "logout without the right CSRF token");
    let a = http(addr, "POST", "/api/v1/tokens", &[("Cookie", &cookie)], "csrf=wrong&omschrijving=x");
    assert_eq!(a.status, 403, "a token without the right CSRF token");
    let a = http(addr, "POST", "/logout", &[("Cookie", &cookie)], &format!("csrf={csrf}"));
    assert_eq!(a.status, 303);
    let ended = Auth::Session { cookie, csrf };
    assert_eq!(get(addr, "/api/v1/gemeenten", &ended).status, 401, "an ended session is refused");
    let form = http(addr, "GET", "/login", &[], "");
    let t = form.cookie("ketenzicht_login").expect("login cookie");
    let a = http(
        addr,
        "POST",
        "/login",
        &[("Cookie", &format!("ketenzicht_login={t}"))],
        "naam=groningen&wachtwoord=demo-groningen-2026&csrf=other",
    );
    assert_eq!(a.status, 403, "login with a CSRF token that does not match its cookie");
    // Five wrong passwords, then the sixth attempt (even the right one) is refused.
    for _ in 0..5 {
        let a = http(
            addr,
            "POST",
            "/login",
            &[("Cookie", &format!("ketenzicht_login={t}"))],
            &format!("naam=haaglanden&wachtwoord=fout&csrf={t}"),
        );
        assert_eq!(a.status, 401);
    }
    let a = http(
        addr,
        "POST",
        "/login",
        &[("Cookie", &format!("ketenzicht_login={t}"))],
        &format!("naam=haaglanden&wachtwoord=demo-haaglanden-2026&csrf={t}"),
    );
    assert_eq!(a.status, 429);

    // Headers: CSP without inline script, no framing; the assets are embedded.
    let a = get(addr, "/", &groningen);
    let csp = a.header("content-security-policy").join("");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(a.header("x-frame-options"), ["DENY"]);
    assert!(!a.body.contains("<script>") && !a.body.contains(" style="), "no inline script or style");
    for asset in ["/static/htmx.min.js", "/static/echarts.min.js", "/static/app.js", "/static/app.css"] {
        assert_eq!(get(addr, asset, &Auth::None).status, 200, "{asset}");
    }
    let openapi: Value = serde_json::from_str(&get(addr, "/openapi.json", &Auth::None).body).expect("openapi");
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(get(addr, "/metrics", &Auth::None).body.contains("ketenzicht_requests_total"));

    // The numbers of the API equal `ketenzicht indicators` for the same filter.
    let (van, tot) = ("2025-01-01", "2030-12-31");
    let api: Value = serde_json::from_str(
        &get(
            addr,
            &format!("/api/v1/indicatoren/retour_tijdig?gemeente=0014&van={van}&tot={tot}&per=maand"),
            &groningen,
        )
        .body,
    )
    .expect("json");
    let screen = get(addr, &format!("/termijnen?gemeente=0014&van={van}&tot={tot}"), &groningen).body;
    drop(server);
    let cli: Value = serde_json::from_str(&ketenzicht(&[
        "indicators",
        "--store",
        &store_s,
        "--gemeente",
        "0014",
        "--from",
        van,
        "--to",
        tot,
        "--per",
        "maand",
        "--indicator",
        "retour_tijdig",
        "--format",
        "json",
    ]))
    .expect("json");
    assert!(!cli["indicatoren"][0]["rijen"].as_array().expect("rows").is_empty());
    assert_eq!(api["indicator"]["rijen"], cli["indicatoren"][0]["rijen"]);
    // And so do the numbers on screen: the Termijnen table of this indicator, per month.
    let naam = cli["indicatoren"][0]["naam"].as_str().expect("naam");
    let table = screen
        .split("<table>")
        .find(|t| t.contains(&format!("<caption>{naam} ")))
        .and_then(|t| t.split("</table>").next())
        .expect("the table of the indicator on screen");
    let rows: Vec<Vec<&str>> = table
        .split("<tr>")
        .skip(2)
        .map(|r| r.split("<td>").skip(1).map(|c| c.split("</td>").next().unwrap_or_default()).collect())
        .collect();
    let cli_rows = cli["indicatoren"][0]["rijen"].as_array().expect("rows");
    assert_eq!(rows.len(), cli_rows.len(), "{table}");
    for r in cli_rows {
        let maand = r["maand"].as_str().expect("maand");
        let row =
            rows.iter().find(|cells| cells.first() == Some(&maand)).unwrap_or_else(|| panic!("{maand} on screen"));
        let n = r["n"].as_u64().expect("n");
        let getal = n
            .to_string()
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(".");
        let procent =
            r["aandeel"].as_f64().map_or("–".to_owned(), |a| format!("{:.1}%", a * 100.0).replace('.', ","));
        assert!(
            row.contains(&getal.as_str()) && row.contains(&procent.as_str()),
            "{maand}: {row:?} has {getal} and {procent}"
        );
    }
}

/// Run `crates/web/e2e/e2e.mjs` with Playwright on Debian's Chromium (`.ci/run` installs both):
/// it logs in, checks every dashboard, filters, exports and drills down; screenshots of each
/// dashboard land in `target/e2e/screenshots` as the test's artefacts.
#[test]
fn the_dashboards_work_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo");
    let demo_s = demo.display().to_string();
    ketenzicht(&["demo", "--dir", &demo_s, "--no-serve", "--maanden", "3", "--gemeenten", &cbs()]);
    let server = start(&demo.join("store"));

    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/e2e");
    let work = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&work).expect("target/e2e");
    for file in ["package.json", "package-lock.json", "e2e.mjs"] {
        std::fs::copy(e2e.join(file), work.join(file)).expect("copy the browser test");
    }
    if ["playwright-core", "axe-core"].iter().any(|m| !work.join("node_modules").join(m).exists()) {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&work)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci for playwright-core");
    }
    let out = Command::new("node")
        .arg("e2e.mjs")
        .arg(format!("http://{}", server.addr))
        .arg(work.join("screenshots"))
        .current_dir(&work)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "browser test (needs /usr/bin/chromium: apt-get install chromium):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for shot in [
        "overzicht",
        "retourberichten",
        "doorlooptijden",
        "termijnen",
        "aanbieders",
        "trajecten",
        "datakwaliteit",
        "traject",
    ] {
        let png = work.join("screenshots").join(format!("{shot}.png"));
        assert!(std::fs::metadata(&png).is_ok_and(|m| m.len() > 10_000), "screenshot {}", png.display());
    }
}
